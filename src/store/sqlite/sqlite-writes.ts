import type Database from 'better-sqlite3';
import type {
  CounterDelta,
  HandleRecord,
  HandleWrite,
  HomedPrefix,
  LedgerRow,
  LoginDigest,
  PrincipalRecord,
  StoredSecret,
  TemplateRecord,
  TokenRecord,
  WriteContext,
  WriteOutcome,
  WriteStatus,
} from '../../core/store/store.js';
import { aggregateCounters } from '../counter-deltas.js';
import { publicAnswerJson } from '../../core/resolver/public-answer.js';
import { searchEntryChanges } from '../../core/search/search-keys.js';
import { recordFromRow, valuesJsonOf, type HandleRow } from '../store-rows.js';
import { countersFor, planWrites } from '../write-plan.js';
import { INSERT_GROUP, writeStatements } from './sqlite-statements.js';

/**
 * Distinct creates, already encoded by the caller (values sorted by index and stringified; see
 * isDistinctCreates and createdValues), as parallel arrays: strings cross to the writer thread cheaply.
 */
export interface EncodedCreates {
  readonly handles: readonly string[];
  readonly prefixes: readonly string[];
  readonly valuesJson: readonly string[];
  /** Each create's kept public answer (publicAnswerJson), written with its values. */
  readonly publicJson: readonly string[];
  /**
   * The creates' reverse-lookup entries (searchEntriesOf), as parallel arrays: the position of the create an
   * entry belongs to (ascending), its type and key. Written only for the creates that create.
   */
  readonly entryOwners: readonly number[];
  readonly entryTypes: readonly string[];
  readonly entryKeys: readonly string[];
}

/** The writes of the SQLite store, as the writer thread runs them. */
export type SqliteWrites = ReturnType<typeof sqliteWrites>;

/**
 * Every write of the SQLite store, synchronous, on the writer's connection. A write of several statements runs
 * in one BEGIN IMMEDIATE transaction: it takes the write lock up front, so it never fails half-way upgrading a
 * read lock while another process writes (busy_timeout applies to the wait instead). Results are plain data,
 * as they cross back to the main thread.
 */
export function sqliteWrites(db: Database.Database) {
  const sql = writeStatements(db);
  const read = (handle: string): HandleRecord | undefined => {
    const row = sql.getHandle.get(handle);
    return row === undefined ? undefined : recordFromRow(handle, row);
  };
  const upsertCounters = (deltas: readonly CounterDelta[]): void => {
    for (const delta of deltas) sql.addCounter.run(delta.day, delta.prefix, delta.protocol, delta.kind, delta.count);
  };

  // Insert where absent, INSERT_GROUP rows a statement, reading only the rows that conflict.
  // Per create: null when created, else the existing row.
  const COLUMNS = 6;
  const groupArgs: unknown[] = new Array(INSERT_GROUP * COLUMNS);
  const createEncoded = db.transaction((creates: EncodedCreates, context: WriteContext): (HandleRow | null)[] => {
    const { handles, prefixes, valuesJson, publicJson } = creates;
    const { nowMs } = context;
    const existing: (HandleRow | null)[] = new Array(handles.length);
    const statuses: WriteStatus[] = new Array(handles.length);
    const settle = (k: number, created: boolean): void => {
      existing[k] = created ? null : sql.getHandle.get(handles[k]!)!;
      statuses[k] = created ? 'created' : 'exists';
    };
    const grouped = handles.length - (handles.length % INSERT_GROUP);
    for (let start = 0; start < grouped; start += INSERT_GROUP) {
      for (let r = 0; r < INSERT_GROUP; r++) {
        const k = start + r;
        const at = r * COLUMNS;
        groupArgs[at] = handles[k];
        groupArgs[at + 1] = prefixes[k];
        groupArgs[at + 2] = valuesJson[k];
        groupArgs[at + 3] = nowMs;
        groupArgs[at + 4] = nowMs;
        groupArgs[at + 5] = publicJson[k];
      }
      const inserted = sql.insertGroupIfAbsent.all(groupArgs);
      // The creates name distinct handles, so a full answer means every row was new.
      const isNew = inserted.length === INSERT_GROUP ? undefined : new Set(inserted);
      for (let k = start; k < start + INSERT_GROUP; k++) settle(k, isNew === undefined || isNew.has(handles[k]!));
    }
    for (let k = grouped; k < handles.length; k++) {
      settle(k, sql.insertHandleIfAbsent.run(handles[k]!, prefixes[k]!, valuesJson[k]!, nowMs, nowMs, publicJson[k]!).changes === 1);
    }
    addCreatedEntries(creates, existing);
    upsertCounters(countersFor(prefixes, statuses, context));
    return existing;
  });

  // The entries of the creates that created, INSERT_GROUP a statement.
  const entryArgs: unknown[] = new Array(INSERT_GROUP * 3);
  const addCreatedEntries = (creates: EncodedCreates, existing: readonly (HandleRow | null)[]): void => {
    const { handles, entryOwners, entryTypes, entryKeys } = creates;
    let grouped = 0;
    for (let e = 0; e < entryOwners.length; e++) {
      const k = entryOwners[e]!;
      if (existing[k] !== null) continue;
      entryArgs[grouped * 3] = entryTypes[e];
      entryArgs[grouped * 3 + 1] = entryKeys[e];
      entryArgs[grouped * 3 + 2] = handles[k];
      if (++grouped === INSERT_GROUP) {
        sql.addSearchGroup.run(entryArgs);
        grouped = 0;
      }
    }
    for (let r = 0; r < grouped; r++) sql.addSearchEntry.run(entryArgs[r * 3] as string, entryArgs[r * 3 + 1] as string, entryArgs[r * 3 + 2] as string);
  };

  const applyWrites = db.transaction((writes: readonly HandleWrite[], context: WriteContext): WriteOutcome[] => {
    const loaded = new Map<string, HandleRecord | undefined>();
    for (const write of writes) {
      if (!loaded.has(write.handle)) loaded.set(write.handle, read(write.handle));
    }
    const plan = planWrites(writes, loaded, context);
    for (const [handle, { before, after }] of plan.changes) {
      if (after === undefined) sql.deleteHandle.run(handle);
      else if (before === undefined) sql.insertHandle.run(handle, after.prefix, valuesJsonOf(after.values), after.createdAtMs, after.updatedAtMs, publicAnswerJson(handle, after.values));
      else sql.updateHandle.run(after.prefix, valuesJsonOf(after.values), after.createdAtMs, after.updatedAtMs, publicAnswerJson(handle, after.values), handle);
      const { removed, added } = searchEntryChanges(handle, before?.values, after?.values);
      for (const entry of removed) sql.removeSearchEntry.run(entry.type, entry.key, handle);
      for (const entry of added) sql.addSearchEntry.run(entry.type, entry.key, handle);
    }
    upsertCounters(plan.counters);
    return plan.outcomes;
  });

  const insertToken = db.transaction((token: TokenRecord, nowMs: number) => {
    sql.dropExpiredTokens.run(nowMs);
    sql.insertToken.run(asBuffer(token.hash), token.principalId, asBuffer(token.stamp), token.issuedAtMs, token.expiresAtMs);
  });

  const addCounters = db.transaction((deltas: readonly CounterDelta[]) => upsertCounters(aggregateCounters(deltas)));

  return {
    createEncoded: (creates: EncodedCreates, context: WriteContext): (HandleRow | null)[] => createEncoded.immediate(creates, context),
    applyWrites: (writes: readonly HandleWrite[], context: WriteContext): WriteOutcome[] => applyWrites.immediate(writes, context),
    addCounters: (deltas: readonly CounterDelta[]): void => {
      if (deltas.length > 0) addCounters.immediate(deltas);
    },
    addHomedPrefix: (prefix: HomedPrefix): boolean => sql.addHomed.run(prefix.prefix, prefix.source, prefix.createdAtMs).changes === 1,
    removeHomedPrefix: (prefix: string): boolean => sql.removeHomed.run(prefix).changes === 1,
    insertPrincipal: (principal: PrincipalRecord): boolean => {
      const { id, role, prefix, name, secret, createdAtMs, revokedAtMs } = principal;
      return sql.insertPrincipal.run(id, role, prefix ?? null, name, asBuffer(secret.hash), asBuffer(secret.salt), createdAtMs, revokedAtMs ?? null).changes === 1;
    },
    updatePrincipalSecret: (id: string, secret: StoredSecret): boolean => sql.updateSecret.run(asBuffer(secret.hash), asBuffer(secret.salt), id).changes === 1,
    revokePrincipal: (id: string, revokedAtMs: number): boolean => sql.revokePrincipal.run(revokedAtMs, id).changes === 1,
    reinstatePrincipal: (id: string, secret: StoredSecret): boolean => sql.reinstatePrincipal.run(asBuffer(secret.hash), asBuffer(secret.salt), id).changes === 1,
    appendLedgerEntry: (entry: LedgerRow): boolean => sql.appendLedger.run(entry.seq, entry.day, entry.entry).changes === 1,
    insertTemplate: (t: TemplateRecord): boolean => sql.insertTemplate.run(t.prefix, t.version, t.definition, t.createdAtMs, t.updatedAtMs).changes === 1,
    replaceTemplate: (t: TemplateRecord): boolean => sql.replaceTemplate.run(t.definition, t.updatedAtMs, t.prefix, t.version).changes === 1,
    deleteTemplate: (prefix: string, version: string): boolean => sql.deleteTemplate.run(prefix, version).changes === 1,
    insertToken: (token: TokenRecord, nowMs: number): void => insertToken.immediate(token, nowMs),
    setLoginDigest: (principalId: string, digest: LoginDigest): void => {
      sql.setLoginDigest.run(principalId, asBuffer(digest.stamp), asBuffer(digest.digest));
    },
    initMeta: (key: string, value: string): string => {
      sql.initMeta.run(key, value);
      return sql.getMeta.get(key) as string;
    },
    deleteMeta: (key: string): boolean => sql.deleteMeta.run(key).changes === 1,
    setMeta: (key: string, value: string): void => void sql.setMeta.run(key, value),
  };
}

/** A Buffer sent to another thread arrives as a plain Uint8Array: the same bytes, viewed as a Buffer again. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
