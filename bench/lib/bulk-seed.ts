import type { WriteContext } from '../../src/core/store/store.js';
import { systemClock } from '../../src/core/clock/clock.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { publicAnswerJson } from '../../src/core/resolver/public-answer.js';
import { searchEntriesOf } from '../../src/core/search/search-keys.js';
import { valuesJsonOf } from '../../src/store/store-rows.js';
import { openConnection } from '../../src/store/sqlite/sqlite-statements.js';
import { sqliteWrites, type EncodedWrites } from '../../src/store/sqlite/sqlite-writes.js';
import { BENCH_TIME_ZONE, SEED_PROTOCOL } from './seed.js';
import { BENCH_PREFIX, seededHandle, storedValuesFactory } from './workload.js';

/** Creates encoded and written at a time (the import's own chunk). */
const ENCODE_GROUP = 2_000;

export interface BulkSeedOptions {
  /** Creates per transaction (default 100,000). */
  readonly chunk?: number;
  readonly onProgress?: (done: number) => void;
}

/**
 * Seeds identifiers seededHandle(0) … seededHandle(count - 1) into the SQLite file of a store already created
 * and migrated (openStore), through the store's own bulk write (sqliteWrites' writeEncoded: the rows, kept
 * public answers, search-index entries and registration counters the NDJSON import writes), on a connection
 * of this thread with synchronous OFF and large transactions: a seed that fails is started again, so it needs
 * no durability, and no writer thread or front end is in the way. Each create's strings come from a template of
 * the store's own encoding (templateEncoding), checked against the store's functions (valuesJsonOf,
 * publicAnswerJson, searchEntriesOf) as it goes. Throws when an identifier is already there. Returns the seconds
 * it took. test/bench/bulk-seed.test.ts compares what it leaves with a seed through Store.applyWrites.
 */
export function bulkSeedSqlite(file: string, count: number, adminId: string, options: BulkSeedOptions = {}): number {
  const started = performance.now();
  const db = openConnection({ file, synchronous: 'normal', busyTimeoutMs: 5000 });
  try {
    // No journal while seeding (a failed seed is started again), WAL again after: the store's own mode.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const writes = sqliteWrites(db);
    const nowMs = systemClock.now();
    const context: WriteContext = { nowMs, day: new MeteringDay(BENCH_TIME_ZONE).dayOf(nowMs), protocol: SEED_PROTOCOL };
    const valuesOf = storedValuesFactory(adminId, nowMs);
    const byStore = storeEncoding(valuesOf);
    const byTemplate = templateEncoding(valuesOf);
    // Checked against the store's functions: all of a small seed, else every chunk's first and last creates.
    const checked = (i: number): Encoded => {
      const encoded = byTemplate(i);
      if (count <= 100_000 || i % chunk < 100 || i === count - 1 || i % chunk === chunk - 1) checkEncoding(i, encoded, byStore(i));
      return encoded;
    };
    const chunk = options.chunk ?? 100_000;
    // One transaction a chunk, each writeEncoded call in it a few thousand creates: the
    // encoded strings of a whole chunk, held at once, would be promoted and collected in the old generation.
    const seedChunk = db.transaction((start: number, end: number) => {
      for (let from = start; from < end; from += ENCODE_GROUP) {
        const existing = writes.writeEncoded(encodeCreates(from, Math.min(end, from + ENCODE_GROUP) - from, checked), context);
        if (existing.some((row) => row !== null)) throw new Error(`seeding found identifiers already present in ${file}`);
      }
    });
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk);
      seedChunk.immediate(start, end);
      options.onProgress?.(end);
    }
  } finally {
    // Also after a failure: the file stays a store's (WAL is what every connection of the store expects).
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    db.close();
    if (journal !== 'wal') throw new Error(`${file} did not return to WAL after seeding`);
  }
  return (performance.now() - started) / 1000;
}

/** Every create's encoding by the store's own functions: what the store would write for product i. */
function storeEncoding(valuesOf: ReturnType<typeof storedValuesFactory>): (i: number) => Encoded {
  return (i) => {
    const handle = seededHandle(i);
    const values = valuesOf(i);
    return { handle, valuesJson: valuesJsonOf(values), publicJson: publicAnswerJson(handle, values), entries: searchEntriesOf(handle, values).map((entry) => [entry.type, entry.key] as const) };
  };
}

interface Encoded {
  readonly handle: string;
  readonly valuesJson: string;
  readonly publicJson: string;
  readonly entries: readonly (readonly [type: string, key: string])[];
}

/**
 * Product i's encoding made from one product's by putting i's digits in: seeded products differ only in the
 * 8-digit number (handle, URL) and the 4-digit model (IM-<i mod 1000>), so this is the store's encoding at a
 * fraction of its cost (no value objects, no JSON building). The caller checks it against storeEncoding.
 */
function templateEncoding(valuesOf: ReturnType<typeof storedValuesFactory>): (i: number) => Encoded {
  const PROBE = 12_345_678;
  const probe = storeEncoding(valuesOf)(PROBE);
  const digits = String(PROBE);
  const model = `IM-${String(PROBE % 1000).padStart(4, '0')}`;
  const fill = (text: string): ((number: string, model: string) => string) => {
    const parts = text.split(model).map((part) => part.split(digits));
    return (n, m) => parts.map((pieces) => pieces.join(n)).join(m);
  };
  const handle = fill(probe.handle);
  const valuesJson = fill(probe.valuesJson);
  const publicJson = fill(probe.publicJson);
  const entries = probe.entries.map(([type, key]) => [type, fill(key)] as const);
  return (i) => {
    const n = String(i).padStart(8, '0');
    const m = `IM-${String(i % 1000).padStart(4, '0')}`;
    return { handle: handle(n, m), valuesJson: valuesJson(n, m), publicJson: publicJson(n, m), entries: entries.map(([type, key]) => [type, key(n, m)] as const) };
  };
}

/** Throws unless the template encodes product i exactly as the store's functions do. */
function checkEncoding(i: number, template: Encoded, store: Encoded): void {
  if (JSON.stringify(template) !== JSON.stringify(store)) {
    throw new Error(`the seeding template encodes product ${i} differently from the store: ${JSON.stringify(template)} vs ${JSON.stringify(store)}`);
  }
}

function encodeCreates(from: number, size: number, encode: (i: number) => Encoded): EncodedWrites {
  const handles: string[] = new Array(size);
  const prefixes: string[] = new Array(size);
  const valuesJson: string[] = new Array(size);
  const publicJson: string[] = new Array(size);
  const entryOwners: number[] = [];
  const entryTypes: string[] = [];
  const entryKeys: string[] = [];
  for (let k = 0; k < size; k++) {
    const encoded = encode(from + k);
    handles[k] = encoded.handle;
    prefixes[k] = BENCH_PREFIX;
    valuesJson[k] = encoded.valuesJson;
    publicJson[k] = encoded.publicJson;
    for (const [type, key] of encoded.entries) {
      entryOwners.push(k);
      entryTypes.push(type);
      entryKeys.push(key);
    }
  }
  return { handles, prefixes, valuesJson, publicJson, entryOwners, entryTypes, entryKeys, replaces: [] };
}
