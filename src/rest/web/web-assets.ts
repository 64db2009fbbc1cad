import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser assets of the node's pages: the files of `web/` at the repository root (plain JavaScript and
 * CSS, no build step, so `src/` under tsx and `dist/` after `npm run build` serve the same files: both sit two
 * levels below the root). Read once when the server is built. Each is served at
 * `/assets/<name>.<hash>.<ext>` with a year of immutable caching (a new file is a new name), and at
 * `/assets/<name>.<ext>` for revalidation (no-cache with its ETag).
 */
export interface WebAsset {
  readonly name: string;
  readonly hashedName: string;
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export class WebAssets {
  private readonly byServedName = new Map<string, { asset: WebAsset; cacheControl: string }>();
  private readonly byName = new Map<string, WebAsset>();

  constructor(directory: URL = new URL('../../../web/', import.meta.url)) {
    for (const name of readdirSync(directory).sort()) {
      const type = TYPES[extname(name)];
      if (type === undefined) continue;
      const body = readFileSync(new URL(name, directory));
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      const extension = extname(name);
      const asset: WebAsset = { name, hashedName: `${name.slice(0, -extension.length)}.${hash}${extension}`, type, body, etag: `"${hash}"` };
      this.byName.set(name, asset);
      this.byServedName.set(asset.hashedName, { asset, cacheControl: IMMUTABLE });
      this.byServedName.set(name, { asset, cacheControl: REVALIDATE });
    }
  }

  /** The URL a page links `name` (e.g. console.js) by: its hashed name. Throws for a file web/ does not hold (a bug). */
  url(name: string): string {
    const asset = this.byName.get(name);
    if (asset === undefined) throw new Error(`web/${name} is not an asset`);
    return `/assets/${asset.hashedName}`;
  }

  /** The asset served at /assets/`servedName`, with its caching, or undefined. */
  served(servedName: string): { asset: WebAsset; cacheControl: string } | undefined {
    return this.byServedName.get(servedName);
  }
}

/**
 * Sends `body` with its ETag and `cacheControl`, or 304 Not Modified (no body) when the request's
 * If-None-Match names that ETag. `etag` defaults to a hash of the body.
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, content: { body: Buffer | string; type: string; cacheControl: string; etag?: string; vary?: string }): FastifyReply {
  const etag = content.etag ?? `"${createHash('sha256').update(content.body).digest('hex').slice(0, 16)}"`;
  reply.header('etag', etag).header('cache-control', content.cacheControl);
  if (content.vary !== undefined) reply.header('vary', content.vary);
  const match = request.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.type(content.type).send(content.body);
}
