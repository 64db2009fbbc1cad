import { request } from 'node:http';

/** An answer to `fresh`. */
export interface Reply {
  readonly status: number;
  readonly body: string;
}

/**
 * One request on a connection of its own (no keep-alive). node:cluster hands connections to the workers of
 * `serve --workers N` in turn, so consecutive calls alternate between them. Rejects when the connection fails
 * (a killed worker's) or nothing answers within 20 s.
 */
export function fresh(method: string, url: string, options: { authorization?: string; json?: unknown } = {}): Promise<Reply> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers: Record<string, string> = { connection: 'close' };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const sent = request(url, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    // A connection the killed worker held may never answer: give up on it rather than hang the test.
    sent.setTimeout(20_000, () => sent.destroy(new Error('no answer in 20 s')));
    sent.end(body);
  });
}
