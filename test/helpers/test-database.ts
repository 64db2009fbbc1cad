import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDefaultUser } from '../../src/store/postgres/postgres-url.js';

/** The test PostgreSQL database (trust auth): IDNODE_TEST_DATABASE_URL, or the local one CI and the dev machine run. */
export const TEST_DATABASE_URL = process.env.IDNODE_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

/** Runs `body` on a fresh connection to `url` (default the test database), closed afterwards. */
export async function withDatabase<T>(body: (client: pg.Client) => Promise<T>, url = TEST_DATABASE_URL): Promise<T> {
  const client = new pg.Client({ connectionString: withDefaultUser(url) });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** A new schema name (not created: the store creates it on open), dropped with everything in it when `t` ends. */
export function freshSchema(t: { teardown(fn: () => unknown): void }, url = TEST_DATABASE_URL): string {
  const schema = `idnode_test_${randomBytes(6).toString('hex')}`;
  t.teardown(() => withDatabase((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`), url));
  return schema;
}
