import type { KeyObject } from 'node:crypto';
import { nextDay } from '../clock/calendar-day.js';
import { canonicalBody, GENESIS_HASH, sha256Hex, type LedgerEntry } from '../ledger/ledger-entry.js';
import { keyIdOf, verifySignature } from '../ledger/node-key.js';
import { entryShapeError } from '../ledger/verify-ledger.js';
import type { RefusalKind } from './top-store.js';

export type ReportVerdict =
  | { readonly accepted: true; readonly entry: LedgerEntry }
  | { readonly accepted: false; readonly kind: RefusalKind; readonly reason: string; readonly day?: string; readonly seq?: number; readonly held?: LedgerEntry };

/**
 * Decides whether the top-level node accepts one sealed day reported by a node (pure, no I/O). `held` is the
 * node's accepted entries in seq order; `key` the public key it registered on its first connection. In order:
 * - malformed: not a ledger entry (the shape rules of verifyLedger);
 * - tampered: its content does not match its hash (a count changed after signing);
 * - forged: it names another key or its signature is not the registered key's;
 * - replayed: the same entry as a day already held;
 * - conflict: a different, validly signed version of a day already held (`held` is the version kept): the
 *   node re-sealed a day after editing its database;
 * - gap: it skips days (the next expected seq and day are named);
 * - chain: it does not link to the last held entry (or, as the first, does not start the chain).
 * Anything else follows on from the last held day and is accepted.
 */
export function checkReport(raw: unknown, key: KeyObject, held: readonly LedgerEntry[]): ReportVerdict {
  const shape = entryShapeError(raw);
  const claimed = claimedDay(raw);
  if (shape !== undefined) return { accepted: false, kind: 'malformed', reason: `not a sealed ledger entry: ${shape}`, ...claimed };
  const entry = raw as LedgerEntry;
  const { day, seq } = entry;
  const canonical = canonicalBody(entry);
  if (sha256Hex(canonical) !== entry.hash) {
    return { accepted: false, kind: 'tampered', reason: `day ${day} was changed after it was signed: its content does not match its hash`, day, seq };
  }
  const keyId = keyIdOf(key);
  if (entry.keyId !== keyId) {
    return { accepted: false, kind: 'forged', reason: `day ${day} names signing key ${entry.keyId.slice(0, 16)}…, not the node's registered key ${keyId.slice(0, 16)}…`, day, seq };
  }
  if (!verifySignature(key, Buffer.from(canonical, 'utf8'), entry.signature)) {
    return { accepted: false, kind: 'forged', reason: `day ${day} is not signed by the node's registered key`, day, seq };
  }
  const same = held.find((candidate) => candidate.seq === seq || candidate.day === day);
  if (same !== undefined) {
    if (same.hash === entry.hash) return { accepted: false, kind: 'replayed', reason: `day ${day} (seq ${seq}) was reported already; a day is accepted once`, day, seq };
    return {
      accepted: false,
      kind: 'conflict',
      reason: `the node signed two different versions of day ${same.day} (seq ${same.seq}): the one held has hash ${same.hash}, this one ${entry.hash}; the day was re-sealed after it was reported`,
      day,
      seq,
      held: same,
    };
  }
  const last = held.at(-1);
  const expectedSeq = (last?.seq ?? 0) + 1;
  const expectedDay = last === undefined ? undefined : nextDay(last.day);
  if (seq > expectedSeq || (expectedDay !== undefined && day > expectedDay)) {
    const next = expectedDay === undefined ? `seq ${expectedSeq}` : `day ${expectedDay} (seq ${expectedSeq})`;
    return { accepted: false, kind: 'gap', reason: `day ${day} (seq ${seq}) skips days: the next day expected is ${next}`, day, seq };
  }
  const previousHash = last?.hash ?? GENESIS_HASH;
  if (seq !== expectedSeq || (expectedDay !== undefined && day !== expectedDay) || entry.previousHash !== previousHash) {
    const after = last === undefined ? 'the start of the chain (seq 1, previousHash all zeros)' : `day ${last.day} (seq ${last.seq}, hash ${last.hash.slice(0, 16)}…)`;
    return { accepted: false, kind: 'chain', reason: `day ${day} (seq ${seq}) does not follow on from ${after}`, day, seq };
  }
  return { accepted: true, entry };
}

function claimedDay(raw: unknown): { day?: string; seq?: number } {
  if (typeof raw !== 'object' || raw === null) return {};
  const { day, seq } = raw as { day?: unknown; seq?: unknown };
  return { ...(typeof day === 'string' ? { day } : {}), ...(typeof seq === 'number' ? { seq } : {}) };
}
