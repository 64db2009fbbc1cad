import type pg from 'pg';
import type { IdnodeError } from '../../core/errors/catalogue.js';
import { isRetryable } from './postgres-failure.js';

/** How often a statement or transaction that hit a deadlock or serialisation failure is tried in all. */
export const MAX_ATTEMPTS = 5;

/**
 * One statement on any pooled connection (autocommit). A deadlock or serialisation failure is tried again,
 * up to MAX_ATTEMPTS in all; any other failure, or the last one, rejects with `fail(error)`.
 */
export async function queryRetrying<R extends pg.QueryResultRow>(pool: pg.Pool, statement: { name: string; text: string }, values: unknown[], fail: (error: unknown) => IdnodeError): Promise<pg.QueryResult<R>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query<R>({ ...statement, values });
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
      throw fail(error);
    }
  }
}

/**
 * Runs `body` in a transaction (BEGIN ... COMMIT) on one pooled connection. A deadlock or serialisation
 * failure rolls it back and runs `body` again, up to MAX_ATTEMPTS in all: nothing is committed twice. Any
 * other failure, or the last one, rejects with `fail(error)`. A connection whose ROLLBACK failed is
 * discarded by the pool instead of being lent again.
 */
export async function transactionRetrying<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>, fail: (error: unknown) => IdnodeError): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw fail(error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
      throw fail(error);
    } finally {
      client.release(broken);
    }
  }
}
