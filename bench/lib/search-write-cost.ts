import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../src/core/store/store.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { seedIdentifiers } from './seed.js';

/** One measured registration run: identifiers per second through Store.applyWrites into a fresh SQLite file. */
export interface WriteCostRun {
  readonly index: 'with' | 'without';
  readonly idsPerSecond: number;
  /**
   * CPU time of this process (every thread: SQLite's writer included; for PostgreSQL the client side only) per
   * identifier: on a shared machine, steadier than the wall-clock rate.
   */
  readonly cpuMicrosPerId: number;
}

/**
 * What the reverse-lookup index costs registration on SQLite, in one run: `count` identifiers (the bench's
 * URL, product model and HS_ADMIN values) created through Store.applyWrites in chunks of 2,000 (the import's
 * chunk) into a fresh file, alternately with the index kept (the node as it runs) and with creates skipping it
 * (skipSearchIndexOnCreate: registration as it was before the index), `rounds` times each, so noise on the
 * shared machine falls on both alike.
 */
export async function measureSqliteWriteCost(count: number, rounds: number): Promise<WriteCostRun[]> {
  return alternate(count, rounds, async (index, body) => {
    const dir = mkdtempSync(join(tmpdir(), 'idnode-search-cost-'));
    try {
      const store = openSqliteStore({ file: join(dir, 'idnode.sqlite'), skipSearchIndexOnCreate: index === 'without' });
      try {
        return await body(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The same on PostgreSQL at `adminUrl`'s server, each run in a schema of its own (dropped after). */
export async function measurePostgresWriteCost(adminUrl: string, count: number, rounds: number): Promise<WriteCostRun[]> {
  return alternate(count, rounds, async (index, body) => {
    const schema = `idnode_bench_cost_${process.pid}_${index}`;
    const drop = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    };
    await drop();
    try {
      const store = await openPostgresStore({ url: adminUrl, schema, skipSearchIndexOnCreate: index === 'without' });
      try {
        return await body(store);
      } finally {
        await store.close();
      }
    } finally {
      await drop();
    }
  });
}

type WithStore = (index: 'with' | 'without', body: (store: Store) => Promise<WriteCostRun>) => Promise<WriteCostRun>;

async function alternate(count: number, rounds: number, withStore: WithStore): Promise<WriteCostRun[]> {
  const runs: WriteCostRun[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const index of round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
      runs.push(
        await withStore(index, async (store) => {
          const cpu = process.cpuUsage();
          const seconds = await seedIdentifiers(store, count, '300:0.NA/88.999.1', { chunk: 2000 });
          const used = process.cpuUsage(cpu);
          return { index, idsPerSecond: count / seconds, cpuMicrosPerId: (used.user + used.system) / count };
        }),
      );
    }
  }
  return runs;
}
