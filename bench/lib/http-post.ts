import { request } from 'node:http';
import { IdnodeError } from '../../src/core/errors/catalogue.js';

/** One POST with a prepared body; resolves with the status and the parsed JSON answer. Fails after `timeoutMs`. */
export function postJson(url: string, path: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { hostname: target.hostname, port: target.port, method: 'POST', path, headers: { ...headers, 'content-length': String(body.length) }, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) as unknown });
          } catch {
            resolve({ status: response.statusCode ?? 0, json: text });
          }
        });
        response.once('error', reject);
      },
    );
    outgoing.once('timeout', () => outgoing.destroy(new IdnodeError('INTERNAL_ERROR', `POST ${path} took longer than ${timeoutMs} ms`)));
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
