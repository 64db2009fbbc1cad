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
import type { HandleValue } from '../../core/values/handle-value.js';
import { recordFromRow, valuesJsonOf, type HandleRow } from '../store-rows.js';
import { countersFor, planWrites } from '../write-plan.js';
import { unpackWrites, type PackedWrites } from './packed-writes.js';
import { INSERT_GROUP, writeStatements } from './sqlite-statements.js';

/**
 * Text the writer stores as it is: a string, or its UTF-8 bytes (a view of a buffer handed over by transfer,
 * see unpackWrites), which the statements CAST back to TEXT. Bytes skip decoding into a string on this thread
 * and better-sqlite3's encoding of it back to UTF-8 for SQLite: 12-15% of the writer's CPU per bulk row.
 */
export type SqlText = string | Uint8Array;

/** `text` as a string (for the few writes that read it: a replace parses its values). */
export function textOf(text: SqlText): string {
  return typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
}

/**
 * Distinct creates and replaces, already encoded by the caller (values sorted by index and stringified; see
 * isDistinctWholeWrites and createdValues), as parallel arrays: strings cross to the writer thread cheaply.
 * Handles and prefixes are strings (the writer compares them and counts by them); the rest is stored as it is.
 */
export interface EncodedWrites {
  readonly handles: readonly string[];
  readonly prefixes: readonly string[];
  readonly valuesJson: readonly SqlText[];
  /** Each write's kept public answer (publicAnswerJson), written with its values. */
  readonly publicJson: readonly SqlText[];
  /**
   * The writes' reverse-lookup entries (searchEntriesOf), as parallel arrays: the position of the write an
   * entry belongs to (ascending), its type and key. Written as they are for the writes that create.
   */
  readonly entryOwners: readonly number[];
  readonly entryTypes: readonly SqlText[];
  readonly entryKeys: readonly SqlText[];
  /** Positions (ascending) of the writes that are replaces; the others are creates. */
  readonly replaces: readonly number[];
}

/**
 * Per encoded write: null when it created the row; 'updated' when a replace changed an existing row; the
 * existing row when a create found one (nothing written).
 */
export type EncodedResult = HandleRow | null | 'updated';

/** 2^32 below SQLite's largest rowid (2^63 - 1): see writeRows. */
const NEAR_MAX_ROWID = 9223372036854775807n - 4294967296n;

/** The writes of the SQLite store, as the writer thread runs them. */
export type SqliteWrites = ReturnType<typeof sqliteWrites>;

/**
 * Every write of the SQLite store, synchronous, on the writer's connection. The writer thread runs each call
 * through runGroup (sqlite-group-commit.ts), which holds a BEGIN IMMEDIATE transaction (the write lock taken
 * up front, so a write never fails half-way upgrading a read lock while another process writes;
 * busy_timeout applies to the wait instead) and gives each call its own savepoint: a write of several
 * statements is whole or absent without a transaction of its own here. Results are plain data, as they
 * cross back to the main thread.
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

  // Insert where absent, INSERT_GROUP rows a statement, reading only the rows that conflict. `nowMs` is each
  // write's time (one call's writes share theirs; merged calls each keep their own).
  const COLUMNS = 6;
  const groupArgs: unknown[] = new Array(INSERT_GROUP * COLUMNS);
  const writeRows = (writes: EncodedWrites, nowMs: readonly number[]): { results: EncodedResult[]; statuses: WriteStatus[] } => {
    const { handles, prefixes, valuesJson, publicJson } = writes;
    const inserted: boolean[] = new Array(handles.length);
    const whole = handles.length - (handles.length % INSERT_GROUP);
    // Which rows of a group that conflicted were new: SQLite gives a new row of this rowid table (no
    // AUTOINCREMENT, no rowid ever set by idnode) the largest rowid present plus one, so a row this call
    // inserts has a rowid above `before` and a row already present does not; the writes name distinct
    // handles, so such a rowid was given to this write. Only from the largest possible rowid on does SQLite
    // pick unused ones at random; a call starting within 2^32 of it inserts row by row instead (exact too).
    const before = whole === 0 ? 0n : (sql.lastHandleRowid.get() ?? 0n);
    const grouped = before < NEAR_MAX_ROWID ? whole : 0;
    for (let start = 0; start < grouped; start += INSERT_GROUP) {
      for (let r = 0; r < INSERT_GROUP; r++) {
        const k = start + r;
        const at = r * COLUMNS;
        groupArgs[at] = handles[k];
        groupArgs[at + 1] = prefixes[k];
        groupArgs[at + 2] = valuesJson[k];
        groupArgs[at + 3] = nowMs[k];
        groupArgs[at + 4] = nowMs[k];
        groupArgs[at + 5] = publicJson[k];
      }
      const changes = sql.insertGroupIfAbsent.run(groupArgs).changes;
      for (let k = start; k < start + INSERT_GROUP; k++) inserted[k] = changes === INSERT_GROUP || sql.handleRowid.get(handles[k]!)! > before;
    }
    for (let k = grouped; k < handles.length; k++) inserted[k] = insertOne(writes, k, nowMs[k]!);
    const replacing = new Set(writes.replaces);
    const results: EncodedResult[] = new Array(handles.length);
    const statuses: WriteStatus[] = new Array(handles.length);
    for (let k = 0; k < handles.length; k++) {
      if (inserted[k]) {
        results[k] = null;
        statuses[k] = 'created';
      } else if (replacing.has(k)) {
        replaceExisting(handles[k]!, prefixes[k]!, valuesJson[k]!, publicJson[k]!, nowMs[k]!);
        results[k] = 'updated';
        statuses[k] = 'updated';
      } else {
        results[k] = sql.getHandle.get(handles[k]!)!;
        statuses[k] = 'exists';
      }
    }
    addCreatedEntries(writes, results);
    return { results, statuses };
  };

  const insertOne = ({ handles, prefixes, valuesJson, publicJson }: EncodedWrites, k: number, nowMs: number): boolean =>
    sql.insertHandleIfAbsent.run(handles[k]!, prefixes[k]!, valuesJson[k]!, nowMs, nowMs, publicJson[k]!).changes === 1;

  const writeEncoded = (writes: EncodedWrites, context: WriteContext): EncodedResult[] => {
    const { results, statuses } = writeRows(writes, new Array<number>(writes.handles.length).fill(context.nowMs));
    upsertCounters(countersFor(writes.prefixes, statuses, context));
    return results;
  };

  /**
   * Several writeEncoded calls, whose handles are all distinct (see mergeEncoded), as one: the rows inserted
   * INSERT_GROUP a statement across calls and the counters upserted once, each call keeping its own time and
   * metering context. The same rows and counts as the calls one after another (distinct handles: no call
   * sees another's row). Returns each call's results, in order.
   */
  const writeEncodedMany = (calls: readonly (readonly [EncodedWrites, WriteContext])[]): EncodedResult[][] => {
    const { merged, nowMs, starts } = mergeEncoded(calls);
    const { results, statuses } = writeRows(merged, nowMs);
    const deltas: CounterDelta[] = [];
    const perCall: EncodedResult[][] = [];
    calls.forEach(([writes, context], c) => {
      const from = starts[c]!;
      const to = from + writes.handles.length;
      deltas.push(...countersFor(writes.prefixes, statuses.slice(from, to), context));
      perCall.push(results.slice(from, to));
    });
    upsertCounters(aggregateCounters(deltas));
    return perCall;
  };

  // A replace that found its row: the row takes the new values (its creation time kept), and the index
  // changes by what differs between the old values and the new (planWrites' replace, from the encoded form).
  const replaceExisting = (handle: string, prefix: string, valuesText: SqlText, publicText: SqlText, nowMs: number): void => {
    const before = read(handle)!;
    const valuesJson = textOf(valuesText);
    sql.updateHandle.run(prefix, valuesJson, before.createdAtMs, nowMs, textOf(publicText), handle);
    const { removed, added } = searchEntryChanges(handle, before.values, JSON.parse(valuesJson) as HandleValue[]);
    for (const entry of removed) sql.removeSearchEntry.run(entry.type, entry.key, handle);
    for (const entry of added) sql.addSearchEntry.run(entry.type, entry.key, handle);
  };

  // The entries of the writes that created, INSERT_GROUP a statement.
  const entryArgs: unknown[] = new Array(INSERT_GROUP * 3);
  const addCreatedEntries = (writes: EncodedWrites, results: readonly EncodedResult[]): void => {
    const { handles, entryOwners, entryTypes, entryKeys } = writes;
    let grouped = 0;
    for (let e = 0; e < entryOwners.length; e++) {
      const k = entryOwners[e]!;
      if (results[k] !== null) continue;
      entryArgs[grouped * 3] = entryTypes[e];
      entryArgs[grouped * 3 + 1] = entryKeys[e];
      entryArgs[grouped * 3 + 2] = handles[k];
      if (++grouped === INSERT_GROUP) {
        sql.addSearchGroup.run(entryArgs);
        grouped = 0;
      }
    }
    for (let r = 0; r < grouped; r++) sql.addSearchEntry.run(entryArgs[r * 3] as SqlText, entryArgs[r * 3 + 1] as SqlText, entryArgs[r * 3 + 2] as string);
  };

  const applyWrites = (writes: readonly HandleWrite[], context: WriteContext): WriteOutcome[] => {
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
  };


  return {
    writeEncoded,
    // What the store sends (see PackedWrites); runRequests unpacks it first, so it merges like writeEncoded.
    writePacked: (packed: PackedWrites, context: WriteContext): EncodedResult[] => writeEncoded(unpackWrites(packed), context),
    writeEncodedMany,
    applyWrites,
    addCounters: (deltas: readonly CounterDelta[]): void => {
      if (deltas.length > 0) upsertCounters(aggregateCounters(deltas));
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
    insertToken: (token: TokenRecord, nowMs: number): void => {
      sql.dropExpiredTokens.run(nowMs);
      sql.insertToken.run(asBuffer(token.hash), token.principalId, asBuffer(token.stamp), token.issuedAtMs, token.expiresAtMs);
    },
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

/**
 * The calls' writes as one EncodedWrites (positions, entry owners and replaces shifted by where each call
 * starts), with each write's time and each call's first position.
 */
export function mergeEncoded(calls: readonly (readonly [EncodedWrites, WriteContext])[]): { merged: EncodedWrites; nowMs: number[]; starts: number[] } {
  const merged = { handles: [] as string[], prefixes: [] as string[], valuesJson: [] as SqlText[], publicJson: [] as SqlText[], entryOwners: [] as number[], entryTypes: [] as SqlText[], entryKeys: [] as SqlText[], replaces: [] as number[] };
  const nowMs: number[] = [];
  const starts: number[] = [];
  for (const [writes, context] of calls) {
    const base = merged.handles.length;
    starts.push(base);
    merged.handles.push(...writes.handles);
    merged.prefixes.push(...writes.prefixes);
    merged.valuesJson.push(...writes.valuesJson);
    merged.publicJson.push(...writes.publicJson);
    for (const owner of writes.entryOwners) merged.entryOwners.push(base + owner);
    merged.entryTypes.push(...writes.entryTypes);
    merged.entryKeys.push(...writes.entryKeys);
    for (const k of writes.replaces) merged.replaces.push(base + k);
    for (let k = 0; k < writes.handles.length; k++) nowMs.push(context.nowMs);
  }
  return { merged, nowMs, starts };
}

/** True when no handle occurs twice among the calls' writes, so they may run as one (writeEncodedMany). */
export function distinctAcross(calls: readonly (readonly [EncodedWrites, WriteContext])[]): boolean {
  const seen = new Set<string>();
  for (const [writes] of calls) {
    for (const handle of writes.handles) {
      if (seen.has(handle)) return false;
      seen.add(handle);
    }
  }
  return true;
}
