import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { runRestComparison } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenario.js';
import { seedIdentifiers } from '../lib/seed.js';
import { getRequest, uniformHandles } from '../lib/workload.js';

/**
 * The server of a PostgreSQL administration URL (a database the bench may create and drop another in):
 * IDNODE_BENCH_DATABASE_URL, else the local test server's.
 */
const ADMIN_URL = process.env['IDNODE_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `idnode_bench_${process.pid}`;

function databaseUrl(): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  return url.href;
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Mostly-miss resolution with the PostgreSQL store, in a database created for the run and dropped after. */
export const postgresUniform: Scenario = {
  name: 'postgres-uniform',
  title: 'REST GET, uniform over identifiers in PostgreSQL (mostly store reads)',
  unavailable: async () => {
    try {
      await admin((client) => client.query('SELECT 1'));
      return undefined;
    } catch (error) {
      return `no PostgreSQL reachable at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message})`;
    }
  },
  run: async (context) => {
    const population = context.settings.postgresPopulation;
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE}`).then(() => client.query(`CREATE DATABASE ${DATABASE}`)));
    try {
      const store = await openPostgresStore({ url: databaseUrl() });
      try {
        const seconds = await seedIdentifiers(store, population, context.seeded.credential.id, { chunk: 2000 });
        context.log(`  seeded ${population} identifiers into PostgreSQL in ${seconds.toFixed(1)} s`);
      } finally {
        await store.close();
      }
      const cacheEntries = Math.max(1, Math.floor(population / 10));
      return await runRestComparison(context, {
        name: postgresUniform.name,
        title: postgresUniform.title,
        workload: () => {
          const next = uniformHandles(population, 8);
          return () => getRequest(next());
        },
        expected: [200],
        settings: { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: databaseUrl(), IDNODE_CACHE_MAX_ENTRIES: String(cacheEntries), IDNODE_CACHE_MAX_BYTES: '268435456' },
        notes: [
          `${population.toLocaleString('en-US')} identifiers in a local PostgreSQL (same machine, unpinned: its CPU is not in our CPU µs/op), ${cacheEntries.toLocaleString('en-US')}-entry cache; the reference answers from its Map.`,
        ],
      });
    } finally {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
    }
  },
};
