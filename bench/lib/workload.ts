import { validateValues } from '../../src/core/values/validate-values.js';
import { DEFAULT_ADMIN_PERMISSIONS, DEFAULT_PERMISSIONS, DEFAULT_TTL_SECONDS, INDEX_HS_ADMIN, wireTimestamp, type HandleValue } from '../../src/core/values/handle-value.js';
import type { HttpRequestSpec } from './http-load.js';
import { seededRandom } from './random.js';
import { scatter, zipfSampler } from './zipf.js';

/** The node prefix the bench servers home, and the enterprise prefix every bench identifier lies under. */
export const BENCH_NODE_PREFIX = '88.999';
export const BENCH_PREFIX = '88.999.1';
export const HANDLE_PATH = '/api/handles/';
/** Zipf exponent of every hot-set workload (the classic s = 1: rank k is asked 1/k as often as rank 1). */
export const ZIPF_EXPONENT = 1;

/** The i-th seeded identifier (0-based). Fixed width, so every one is the same size on the wire. */
export function seededHandle(i: number): string {
  return `${BENCH_PREFIX}/PN-${String(i).padStart(8, '0')}`;
}

/** The values a client registers for product i: what a PUT body carries. */
export function clientValues(i: number): { index: number; type: string; data: string }[] {
  return [
    { index: 1, type: 'URL', data: `https://products.example.com/p/PN-${String(i).padStart(8, '0')}` },
    { index: 2, type: 'product.model', data: `IM-${String(i % 1000).padStart(4, '0')}` },
  ];
}

/**
 * The stored form of product i's values, as the registry stores a PUT of clientValues(i) by the enterprise
 * `adminId` (validated values plus the default HS_ADMIN value), so seeded identifiers are the size real
 * registrations are. Built from one validated template: validating ten million times would only slow seeding.
 */
export function storedValuesFactory(adminId: string, nowMs: number): (i: number) => HandleValue[] {
  const template = validateValues(clientValues(0), { nowMs, maxValues: 10, maxDataBytes: 65536 });
  const colon = adminId.indexOf(':');
  const admin: HandleValue = {
    index: INDEX_HS_ADMIN,
    type: 'HS_ADMIN',
    data: { format: 'admin', value: { handle: adminId.slice(colon + 1), index: Number(adminId.slice(0, colon)), permissions: DEFAULT_ADMIN_PERMISSIONS } },
    ttl: DEFAULT_TTL_SECONDS,
    timestamp: wireTimestamp(nowMs),
    permissions: DEFAULT_PERMISSIONS,
    references: [],
  };
  const [url, model] = template as [HandleValue, HandleValue];
  return (i) => {
    const [urlData, modelData] = clientValues(i).map((value) => value.data) as [string, string];
    return [
      { ...url, data: { format: 'string', value: urlData } },
      { ...model, data: { format: 'string', value: modelData } },
      admin,
    ];
  };
}

const GET_HEADERS = { accept: 'application/json' };

export function getRequest(handle: string): HttpRequestSpec {
  return { method: 'GET', path: HANDLE_PATH + handle, headers: GET_HEADERS };
}

/** Basic credentials as HANDLE.NET clients send them: `300%3A0.NA/<prefix>` and the secret. */
export function basicAuth(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${id.replace(':', '%3A')}:${secret}`).toString('base64');
}

/**
 * Resolutions of a Zipf-distributed hot set: `hotSize` identifiers scattered over the `population` seeded
 * ones, rank k asked with probability ∝ 1/k.
 */
export function zipfHandles(hotSize: number, population: number, seed: number): () => string {
  const rank = zipfSampler(hotSize, ZIPF_EXPONENT, seededRandom(seed));
  const spread = scatter(population);
  return () => seededHandle(spread(rank() - 1));
}

/** Every hot identifier once, hottest first (cache warm-up). Wraps around after the last. */
export function hotSetInOrder(hotSize: number, population: number): () => string {
  const spread = scatter(population);
  let next = 0;
  return () => {
    const handle = seededHandle(spread(next));
    next = (next + 1) % hotSize;
    return handle;
  };
}

/** Uniform over every seeded identifier: most answers come from the store, not the cache. */
export function uniformHandles(population: number, seed: number): () => string {
  const random = seededRandom(seed);
  return () => seededHandle(Math.floor(random() * population));
}

/** Identifiers that were never registered, each different (so a cached not-found never answers). */
export function missingHandles(tag: string): () => string {
  let next = 0;
  return () => `${BENCH_PREFIX}/NX-${tag}-${next++}`;
}

/** Mixes two sources: `share` of the draws from `a`, the rest from `b`. */
export function mixed<T>(share: number, a: () => T, b: () => T, seed: number): () => T {
  const random = seededRandom(seed);
  return () => (random() < share ? a() : b());
}

/** PUTs of new identifiers (R-<tag>-<n>), each a registration, authenticated as the bench enterprise. */
export function registrations(tag: string, credential: { id: string; secret: string }): () => HttpRequestSpec {
  const headers = { 'content-type': 'application/json', authorization: basicAuth(credential.id, credential.secret) };
  let next = 0;
  return () => {
    const n = next++;
    return { method: 'PUT', path: `${HANDLE_PATH}${BENCH_PREFIX}/R-${tag}-${n}`, headers, body: JSON.stringify({ values: clientValues(n) }) };
  };
}

/** The record of one new identifier as the bulk APIs take it ({"handle", "values"}), as JSON. */
export function bulkRecord(handle: string, n: number): string {
  return JSON.stringify({ handle, values: clientValues(n) });
}

/** Batch bodies of `size` new identifiers each (B-<tag>-<n>), for POST /api/v1/handles/batch. */
export function batches(tag: string, size: number, credential: { id: string; secret: string }): () => HttpRequestSpec {
  const headers = { 'content-type': 'application/json', authorization: basicAuth(credential.id, credential.secret) };
  let next = 0;
  return () => {
    const items: string[] = [];
    for (let i = 0; i < size; i++, next++) items.push(bulkRecord(`${BENCH_PREFIX}/B-${tag}-${next}`, next));
    return { method: 'POST', path: '/api/v1/handles/batch', headers, body: `{"items":[${items.join(',')}]}` };
  };
}

/** An NDJSON import body of `count` new identifiers (I-<tag>-<n>), one record a line. */
export function ndjsonImport(tag: string, count: number): Buffer {
  const lines: string[] = new Array(count);
  for (let n = 0; n < count; n++) lines[n] = bulkRecord(`${BENCH_PREFIX}/I-${tag}-${n}`, n);
  return Buffer.from(lines.join('\n') + '\n');
}

/**
 * NDJSON lines of products from … from + count - 1 under their seeded names (seededHandle), generated as the
 * stream is read, a thousand lines a chunk: a body of ten million lines is never held.
 */
export function* seededNdjson(from: number, count: number): Generator<string> {
  const end = from + count;
  for (let start = from; start < end; start += 1000) {
    let chunk = '';
    for (let n = start; n < Math.min(end, start + 1000); n++) chunk += bulkRecord(seededHandle(n), n) + '\n';
    yield chunk;
  }
}
