import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { IdnodeError } from '../../src/core/errors/catalogue.js';

/**
 * One POST; resolves with the status and the parsed JSON answer. A Buffer body is sent with its length; a
 * stream is sent chunked as it is read (a body too large to hold). Fails after `timeoutMs` without activity.
 */
export function postJson(url: string, path: string, headers: Record<string, string>, body: Buffer | Readable, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: 'POST',
        path,
        headers: Buffer.isBuffer(body) ? { ...headers, 'content-length': String(body.length) } : headers,
        timeout: timeoutMs,
      },
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
    outgoing.once('timeout', () => outgoing.destroy(new IdnodeError('INTERNAL_ERROR', `POST ${path} had no activity for ${timeoutMs} ms`)));
    outgoing.once('error', reject);
    if (Buffer.isBuffer(body)) outgoing.end(body);
    else pipeline(body, outgoing).catch(reject);
  });
}
