/** Test-side HTTP helpers over the real fetch. Bodies are `any`: tests assert their shape field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function jsonOf(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

export interface Sent {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Json;
}

/** Sends a request and returns status, headers and the parsed JSON body (undefined when empty). */
export async function send(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Sent> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await fetch(url, { ...rest, headers, ...(json === undefined ? {} : { body: JSON.stringify(json) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.length > 0 ? JSON.parse(text) : undefined };
}
