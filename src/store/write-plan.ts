import type { HandleValue } from '../core/values/handle-value.js';
import {
  COUNTED_OUTCOMES,
  type CounterDelta,
  type CounterKind,
  type CreateWrite,
  type HandleRecord,
  type HandleWrite,
  type ReplaceWrite,
  type WriteContext,
  type WriteOutcome,
  type WriteStatus,
} from '../core/store/store.js';
import { aggregateCounters } from './counter-deltas.js';

/** The net effect of one applyWrites call on one handle: `after` undefined means the row is deleted. */
export interface HandleChange {
  readonly before: HandleRecord | undefined;
  readonly after: HandleRecord | undefined;
}

export interface WritePlan {
  readonly outcomes: WriteOutcome[];
  /**
   * Only handles whose row must change, keyed by handle. A handle created and deleted within the same
   * call nets out and is absent.
   */
  readonly changes: Map<string, HandleChange>;
  /** Aggregated and sorted (see aggregateCounters). */
  readonly counters: CounterDelta[];
}

/**
 * The semantics of Store.applyWrites, shared by every backend so they cannot drift apart. `loaded` holds
 * the committed state of every handle the writes name (undefined = absent), read under the transaction's
 * lock; each write sees the effect of the earlier ones. Pure: records are never mutated, so a record
 * returned as `existing` stays as it was.
 */
export function planWrites(writes: readonly HandleWrite[], loaded: ReadonlyMap<string, HandleRecord | undefined>, context: WriteContext): WritePlan {
  const current = new Map(loaded);
  const outcomes: WriteOutcome[] = [];
  for (const write of writes) {
    const before = current.get(write.handle);
    const step = planOne(write, before, context.nowMs);
    if (step.after !== before) current.set(write.handle, step.after);
    outcomes.push(step.existing === undefined ? { handle: write.handle, status: step.status } : { handle: write.handle, status: step.status, existing: step.existing });
  }
  const changes = new Map<string, HandleChange>();
  for (const [handle, after] of current) {
    const before = loaded.get(handle);
    if (after !== before) changes.set(handle, { before, after });
  }
  return { outcomes, changes, counters: countersFor(writes.map((write) => write.prefix), outcomes.map((outcome) => outcome.status), context) };
}

/**
 * True when every write is a create and no two name the same handle. Each outcome then depends only on
 * whether that handle's row exists (created, or exists with the row as `existing`), so a store may insert
 * where absent and read only the conflicting rows instead of planning: the bulk paths' common case.
 */
export function isDistinctCreates(writes: readonly HandleWrite[]): writes is readonly CreateWrite[] {
  const seen = new Set<string>();
  for (const write of writes) {
    if (write.op !== 'create' || seen.has(write.handle)) return false;
    seen.add(write.handle);
  }
  return true;
}

/** A create or a replace: the writes whose stored values are their own, whatever the row held before. */
export type WholeWrite = CreateWrite | ReplaceWrite;

/**
 * True when every write is a create or a replace and no two name the same handle: every plain PUT (a replace)
 * and every bulk chunk. Each outcome then depends only on whether that handle's row exists (create: created,
 * or exists with the row as `existing`; replace: created, or updated to the write's values keeping the row's
 * creation time), and the stored values are the write's own either way, so a store may encode them before it
 * knows which, insert where absent and read only the rows that conflict, instead of planning.
 */
export function isDistinctWholeWrites(writes: readonly HandleWrite[]): writes is readonly WholeWrite[] {
  const seen = new Set<string>();
  for (const write of writes) {
    if ((write.op !== 'create' && write.op !== 'replace') || seen.has(write.handle)) return false;
    seen.add(write.handle);
  }
  return true;
}

/** The values a create or a replace stores (its values, in index order), whether it creates or not. */
export function createdValues(write: WholeWrite): readonly HandleValue[] {
  return sortByIndex(write.values);
}

/**
 * The counter deltas of writes whose prefixes and outcome statuses are given in the same order: one count
 * per counted outcome (COUNTED_OUTCOMES), tallied by prefix and kind without an object per write, then
 * put in aggregateCounters' form.
 */
export function countersFor(prefixes: readonly string[], statuses: readonly WriteStatus[], context: WriteContext): CounterDelta[] {
  const counts = new Map<string, Map<CounterKind, number>>();
  for (let k = 0; k < prefixes.length; k++) {
    const kind = COUNTED_OUTCOMES[statuses[k]!];
    if (kind === undefined) continue;
    const prefix = prefixes[k]!;
    let kinds = counts.get(prefix);
    if (kinds === undefined) counts.set(prefix, (kinds = new Map()));
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const deltas: CounterDelta[] = [];
  for (const [prefix, kinds] of counts) {
    for (const [kind, count] of kinds) deltas.push({ day: context.day, prefix, protocol: context.protocol, kind, count });
  }
  return aggregateCounters(deltas);
}

interface Step {
  readonly status: WriteStatus;
  readonly after: HandleRecord | undefined;
  readonly existing?: HandleRecord;
}

function planOne(write: HandleWrite, record: HandleRecord | undefined, nowMs: number): Step {
  switch (write.op) {
    case 'create':
      if (record !== undefined) return { status: 'exists', after: record, existing: record };
      return { status: 'created', after: fresh(write.handle, write.prefix, write.values, nowMs) };
    case 'replace':
      if (record === undefined) return { status: 'created', after: fresh(write.handle, write.prefix, write.values, nowMs) };
      return { status: 'updated', after: updated(record, write.prefix, sortByIndex(write.values), nowMs) };
    case 'merge': {
      if (record === undefined) {
        return { status: 'created', after: fresh(write.handle, write.prefix, [...write.values, ...(write.addIfCreated ?? [])], nowMs) };
      }
      const given = new Set(write.values.map((value) => value.index));
      const kept = record.values.filter((value) => !given.has(value.index));
      if (!write.overwrite && kept.length !== record.values.length) return { status: 'value-exists', after: record, existing: record };
      return { status: 'updated', after: updated(record, write.prefix, sortByIndex([...kept, ...write.values]), nowMs) };
    }
    case 'delete':
      if (record === undefined) return { status: 'not-found', after: undefined };
      return { status: 'deleted', after: undefined };
    case 'delete-values': {
      if (record === undefined) return { status: 'not-found', after: undefined };
      const doomed = new Set(write.indexes);
      const kept = record.values.filter((value) => !doomed.has(value.index));
      if (kept.length === record.values.length) return { status: 'unchanged', after: record };
      if (kept.length === 0) return { status: 'would-empty', after: record };
      return { status: 'updated', after: updated(record, write.prefix, kept, nowMs) };
    }
  }
}

function fresh(handle: string, prefix: string, values: readonly HandleValue[], nowMs: number): HandleRecord {
  return { handle, prefix, values: sortByIndex(values), createdAtMs: nowMs, updatedAtMs: nowMs };
}

function updated(record: HandleRecord, prefix: string, values: readonly HandleValue[], nowMs: number): HandleRecord {
  return { handle: record.handle, prefix, values, createdAtMs: record.createdAtMs, updatedAtMs: nowMs };
}

/** Sorted by index; the array itself when it already is (the registry hands over sorted values), else a sorted copy. */
function sortByIndex(values: readonly HandleValue[]): readonly HandleValue[] {
  for (let k = 1; k < values.length; k++) {
    if (values[k - 1]!.index > values[k]!.index) return [...values].sort((a, b) => a.index - b.index);
  }
  return values;
}
