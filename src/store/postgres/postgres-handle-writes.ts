import type pg from 'pg';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { searchEntryChanges, type SearchEntry } from '../../core/search/search-keys.js';
import type { HandleRecord, HandleWrite, WriteContext, WriteOutcome } from '../../core/store/store.js';
import { recordFromRow, type HandleRow } from '../store-rows.js';
import { planWrites, type HandleChange } from '../write-plan.js';
import { changePayloads } from './postgres-notify.js';
import { textArray } from './postgres-arrays.js';
import { MAX_ATTEMPTS } from './postgres-retry.js';
import { counterColumns, recordColumns, searchEntryColumns, type PostgresStatements } from './postgres-sql.js';

/** What a transaction of handle writes needs besides its connection: the store's statements and change channel. */
export interface HandleWriteTarget {
  readonly sql: PostgresStatements;
  /** The NOTIFY channel and the tag that lets this store ignore its own notifications. */
  readonly channel: string;
  readonly instanceId: string;
  /** For the bench only (PostgresStoreOptions.skipSearchIndexOnCreate). */
  readonly skipSearchIndexOnCreate: boolean;
}

/**
 * Applies `writes` inside the caller's open transaction on `client` and returns their outcomes. Locks the
 * named rows (SELECT ... FOR UPDATE, in handle order), plans in memory with the same code as SQLite, then
 * writes with one statement per kind of change, so a batch of 2,000 costs a handful of round trips. The
 * change notification is sent in the transaction, so listeners hear it only if and when it commits.
 * Throws IdnodeError STORE_UNAVAILABLE when the same handles keep being created by other writers.
 */
export async function writeHandles(client: pg.PoolClient, target: HandleWriteTarget, writes: readonly HandleWrite[], context: WriteContext): Promise<WriteOutcome[]> {
  const { sql } = target;
  const loaded = new Map<string, HandleRecord | undefined>();
  for (const write of writes) loaded.set(write.handle, undefined);
  await lockHandles(client, sql, [...loaded.keys()], loaded);

  // A handle absent at our lock may be created by another replica before our insert, which then finds it
  // (ON CONFLICT DO NOTHING, after waiting for that transaction). The plan of a handle depends only on
  // that handle, so we lock the newcomers, plan again and insert the rest; rows we inserted stay valid.
  const inserted = new Set<string>();
  for (let round = 1; ; round++) {
    const plan = planWrites(writes, loaded, context);
    const inserts = [...plan.changes]
      .filter(([handle, { before, after }]) => before === undefined && after !== undefined && !inserted.has(handle))
      .map(([, { after }]) => after!)
      .sort((a, b) => (a.handle < b.handle ? -1 : 1)); // one insertion order for every writer: no deadlock
    if (inserts.length > 0) {
      const result = await client.query<{ handle: string }>({ ...sql.insertHandles, values: recordColumns(inserts) });
      for (const row of result.rows) inserted.add(row.handle);
      const raced = inserts.filter((record) => !inserted.has(record.handle)).map((record) => record.handle);
      if (raced.length > 0) {
        if (round === MAX_ATTEMPTS) throw new IdnodeError('STORE_UNAVAILABLE', `handles ${raced.join(', ')} kept changing under concurrent writers`);
        await lockHandles(client, sql, raced, loaded);
        continue;
      }
    }
    const updates: HandleRecord[] = [];
    const deletes: string[] = [];
    for (const [handle, { before, after }] of plan.changes) {
      if (after === undefined) deletes.push(handle);
      else if (before !== undefined) updates.push(after);
    }
    if (updates.length > 0) await client.query({ ...sql.updateHandles, values: recordColumns(updates) });
    if (deletes.length > 0) await client.query({ ...sql.deleteHandles, values: [textArray(deletes)] });
    await changeSearchIndex(client, target, plan.changes);
    if (plan.counters.length > 0) await client.query({ ...sql.addCounters, values: counterColumns(plan.counters) });
    if (plan.changes.size > 0) await client.query({ ...sql.notify, values: [target.channel, textArray(changePayloads(target.instanceId, plan.changes.keys()))] });
    return plan.outcomes;
  }
}

/** Removes and adds the index entries of the changed handles (one statement each). */
async function changeSearchIndex(client: pg.PoolClient, target: HandleWriteTarget, changes: ReadonlyMap<string, HandleChange>): Promise<void> {
  const removed: SearchEntry[] = [];
  const added: SearchEntry[] = [];
  for (const [handle, { before, after }] of changes) {
    const change = searchEntryChanges(handle, before?.values, after?.values);
    removed.push(...change.removed);
    if (!target.skipSearchIndexOnCreate || before !== undefined) added.push(...change.added);
  }
  if (removed.length > 0) await client.query({ ...target.sql.removeSearchEntries, values: searchEntryColumns(removed) });
  if (added.length > 0) await client.query({ ...target.sql.addSearchEntries, values: searchEntryColumns(added) });
}

/** Locks the rows of `handles` that exist and records their state in `loaded` (absent ones as undefined). */
async function lockHandles(client: pg.PoolClient, sql: PostgresStatements, handles: string[], loaded: Map<string, HandleRecord | undefined>): Promise<void> {
  const locked = await client.query<HandleRow>({ ...sql.lockHandles, values: [textArray(handles)] });
  for (const row of locked.rows) loaded.set(row.handle!, recordFromRow(row.handle!, row));
}
