import type { CliIo } from '../cli-io.js';

/** Prints `data` as one line of JSON with --json, else the human text. */
export function print(io: CliIo, json: boolean, data: unknown, text: () => string): void {
  io.stdout(json ? `${JSON.stringify(data)}\n` : text());
}

/** How to present a credential to an HTTP client: the username with its colon percent-encoded, as Handle clients send it. */
export function basicUser(id: string): string {
  return id.replace(':', '%3A');
}
