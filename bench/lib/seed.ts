import pino from 'pino';
import { systemClock } from '../../src/core/clock/clock.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { IdNode } from '../../src/core/node.js';
import type { HandleWrite, Store } from '../../src/core/store/store.js';
import { fileKeyVault } from '../../src/runtime/key-file.js';
import { systemRuntime } from '../../src/runtime/system-runtime.js';
import { BENCH_NODE_PREFIX, BENCH_PREFIX, seededHandle, storedValuesFactory } from './workload.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

export const BENCH_TIME_ZONE = 'Asia/Shanghai';
/** The protocol seeded registrations are counted under (they bypass every front end). */
export const SEED_PROTOCOL = 'bench-seed';

export interface Credential {
  readonly id: string;
  readonly secret: string;
}

/**
 * A node core on `store` with the bench's settings and a tiny cache, for work done before any server runs.
 * `keyFile`: the data directory's node-key.pem, so the key this core registers in the store is the one the
 * server started on that directory later loads (a key kept in memory only would make it refuse to start).
 */
export function benchCoreNode(store: Store, keyFile?: string): Promise<IdNode> {
  return IdNode.create(
    {
      nodePrefixes: [BENCH_NODE_PREFIX],
      timeZone: BENCH_TIME_ZONE,
      cache: { maxEntries: 16, maxBytes: 1 << 20, maxTtlSeconds: 60, notFoundTtlSeconds: 0 },
      limits: { maxValues: 1000, maxDataBytes: 65536 },
      meteringFlushIntervalMs: 1000,
    },
    { ...systemRuntime({}), store, logger: pino({ level: 'silent' }), ...(keyFile === undefined ? {} : { keyVault: fileKeyVault(keyFile) }) },
  );
}

/**
 * Allocates the bench enterprise prefix (88.999.1) and returns its credential, through the core's own
 * PrincipalsAdmin on the store (what `idnode enterprise add` does), before any server runs.
 */
export async function createBenchEnterprise(store: Store, keyFile?: string): Promise<Credential> {
  const node = await benchCoreNode(store, keyFile);
  try {
    const issued = await node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: BENCH_PREFIX, name: 'bench' });
    return { id: issued.id, secret: issued.secret };
  } finally {
    await node.close();
  }
}

export interface SeedOptions {
  readonly from?: number;
  /** Creates per transaction (default 10,000). */
  readonly chunk?: number;
  readonly onProgress?: (done: number) => void;
}

/**
 * Registers identifiers seededHandle(from) … seededHandle(from + count - 1) straight through
 * Store.applyWrites in chunks: the store commits them and counts each as a registration in the same
 * transaction, exactly as a front end's writes are counted. Returns the seconds it took.
 */
export async function seedIdentifiers(store: Store, count: number, adminId: string, options: SeedOptions = {}): Promise<number> {
  const started = performance.now();
  const nowMs = systemClock.now();
  const context = { nowMs, day: new MeteringDay(BENCH_TIME_ZONE).dayOf(nowMs), protocol: SEED_PROTOCOL };
  const valuesOf = storedValuesFactory(adminId, nowMs);
  const chunk = options.chunk ?? 10_000;
  const from = options.from ?? 0;
  for (let start = from; start < from + count; start += chunk) {
    const end = Math.min(from + count, start + chunk);
    const writes: HandleWrite[] = [];
    for (let i = start; i < end; i++) writes.push({ op: 'create', handle: seededHandle(i), prefix: BENCH_PREFIX, values: valuesOf(i) });
    await store.applyWrites(writes, context);
    options.onProgress?.(end - from);
  }
  return (performance.now() - started) / 1000;
}
