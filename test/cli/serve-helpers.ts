import { connect } from 'node:net';
import { eventually } from '../helpers/eventually.js';

/** A value set the serve tests register. */
export const VALUES = { values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.com/' } }] };

/** Polls `condition` every 20 ms until it holds (output arrives through pipes, a little after the fact). */
export function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return eventually(condition, what, timeoutMs, 20);
}

/** The JSON log lines of a node's stdout. */
export function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Opens a PUT whose body is announced but not sent, and resolves once the node has begun handling it (it
 * answered "100 Continue", which Node does as it hands the request to the router). `finish` sends the body
 * and resolves with the final status.
 */
export async function startSlowPut(url: string, authorization: string): Promise<{ finish(): Promise<number> }> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify(VALUES);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  let response = '';
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const continued = new Promise<void>((resolve) => {
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      response += chunk;
      if (response.includes('100 Continue')) resolve();
    });
  });
  socket.write(
    `PUT /api/handles/88.999.DEMO/slow HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: ${authorization}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n`,
  );
  await continued;
  return {
    async finish() {
      socket.write(body);
      await closed;
      const statuses = [...response.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => Number(match[1]));
      return statuses.at(-1)!;
    },
  };
}
