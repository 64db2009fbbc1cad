import type { KeyObject } from 'node:crypto';
import { isCalendarDay, nextDay, previousDay } from '../clock/calendar-day.js';
import { canonicalBody, ENTRY_FORMAT, GENESIS_HASH, rowsDigest, sha256Hex, type ExportedEntry, type SealedRow } from './ledger-entry.js';
import { keyIdOf, verifySignature } from './node-key.js';

export const LEDGER_EXPORT_FORMAT = 'idnode-ledger/1';

/** The ledger as exported (`idnode ledger export`, GET /api/v1/ledger). */
export interface LedgerExport {
  readonly format: typeof LEDGER_EXPORT_FORMAT;
  readonly exportedAt: string;
  readonly timeZone: string;
  /** Informational: a verifier uses the key it was given separately, never this one. */
  readonly publicKey: string;
  readonly keyId: string;
  readonly entries: ExportedEntry[];
}

export interface LedgerProblem {
  /** The day the problem is about (for a missing day, the day that is missing). */
  readonly day: string | undefined;
  /** Position in the export's entries (0-based). */
  readonly position: number;
  readonly message: string;
}

export interface VerifyResult {
  /** True iff there is no problem. */
  readonly ok: boolean;
  readonly entries: number;
  readonly firstDay?: string;
  readonly lastDay?: string;
  /** Entries whose counter rows were in the export and matched the sealed digest and totals. */
  readonly rowsChecked: number;
  /** Days sealed on a set clock: their figures are simulated. */
  readonly simulatedDays: number;
  readonly problems: LedgerProblem[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks an exported ledger offline against the node's public key: each entry's hash is the SHA-256 of its
 * canonical body and its signature is the key's; entries are numbered 1, 2, 3, ... over consecutive days, each
 * naming the previous one's hash; and where the export carries a day's counter rows, they hash to the sealed
 * digest and add up to the sealed totals. A changed, missing or reordered day is reported naming the day;
 * checking goes on after a problem, so every broken day is named. Pure: no I/O.
 * A removed last entry cannot be detected from the chain alone: compare lastDay with the days you expect.
 */
export function verifyLedger(document: unknown, publicKey: KeyObject): VerifyResult {
  const problems: LedgerProblem[] = [];
  const problem = (position: number, day: string | undefined, message: string) => problems.push({ position, day, message });
  if (!isObject(document) || document['format'] !== LEDGER_EXPORT_FORMAT || !Array.isArray(document['entries'])) {
    problem(-1, undefined, `not an idnode ledger export: expected {"format":"${LEDGER_EXPORT_FORMAT}","entries":[...]}`);
    return { ok: false, entries: 0, rowsChecked: 0, simulatedDays: 0, problems };
  }
  const entries = document['entries'] as unknown[];
  const keyId = keyIdOf(publicKey);
  let previous: { day: string; hash: string; seq: number } | undefined;
  let rowsChecked = 0;
  let simulatedDays = 0;
  entries.forEach((raw, position) => {
    const shapeError = entryShapeError(raw);
    if (shapeError !== undefined) {
      const day = isObject(raw) && typeof raw['day'] === 'string' ? raw['day'] : undefined;
      problem(position, day, `entry ${position + 1}${day ? ` (${day})` : ''} is malformed: ${shapeError}`);
      previous = undefined;
      return;
    }
    const entry = raw as ExportedEntry;
    const day = entry.day;
    if (entry.clock === 'simulated') simulatedDays++;

    // Order and completeness: seq and day follow on from the previous entry, and it names the previous hash.
    if (previous === undefined) {
      if (position === 0 && entry.seq !== 1) {
        problem(position, previousDay(day), `day ${previousDay(day)} is missing: the export starts at ${day} with seq ${entry.seq}, not seq 1`);
      }
      if (position === 0 && entry.seq === 1 && entry.previousHash !== GENESIS_HASH) {
        problem(position, day, `day ${day} is the first entry but does not start the chain (previousHash is not ${GENESIS_HASH.slice(0, 8)}…)`);
      }
    } else {
      if (day !== nextDay(previous.day)) {
        if (day > nextDay(previous.day)) problem(position, nextDay(previous.day), `day ${nextDay(previous.day)} is missing: ${day} follows ${previous.day}`);
        else problem(position, day, `day ${day} is out of order: it follows ${previous.day}`);
      }
      if (entry.seq !== previous.seq + 1) problem(position, day, `day ${day} has seq ${entry.seq}, expected ${previous.seq + 1}: entries are missing or reordered`);
      if (entry.previousHash !== previous.hash) problem(position, day, `day ${day} does not link to the entry before it (${previous.day}): the chain is broken`);
    }

    // Integrity and authenticity of the entry itself.
    const canonical = canonicalBody(entry);
    if (sha256Hex(canonical) !== entry.hash) problem(position, day, `day ${day} was changed after sealing: its content does not match its hash`);
    if (entry.keyId !== keyId) problem(position, day, `day ${day} names signing key ${entry.keyId.slice(0, 16)}…, not the given key ${keyId.slice(0, 16)}…`);
    if (!verifySignature(publicKey, Buffer.from(canonical, 'utf8'), entry.signature)) problem(position, day, `day ${day} has no valid signature by the given key`);

    // The day's counter rows as the store holds them now, when exported.
    if (entry.rows !== undefined) {
      const rowsError = rowsShapeError(entry.rows);
      if (rowsError !== undefined) problem(position, day, `day ${day} rows are malformed: ${rowsError}`);
      else if (rowsDigest(entry.rows) !== entry.rowsDigest || entry.rows.length !== entry.rowCount || !totalsMatch(entry.rows, entry.totals)) {
        problem(position, day, `day ${day}: the counts in the database differ from the sealed counts (${describeDifference(entry.rows, entry.totals)})`);
      } else rowsChecked++;
    }
    previous = { day, hash: entry.hash, seq: entry.seq };
  });
  const days = entries.filter((entry) => isObject(entry) && typeof entry['day'] === 'string').map((entry) => (entry as { day: string }).day);
  return {
    ok: problems.length === 0,
    entries: entries.length,
    ...(days.length > 0 ? { firstDay: days[0]!, lastDay: days[days.length - 1]! } : {}),
    rowsChecked,
    simulatedDays,
    problems,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `raw` is not a well-formed ledger entry, or `undefined` when it is one (shape only: no hash or signature check). */
export function entryShapeError(raw: unknown): string | undefined {
  if (!isObject(raw)) return 'not an object';
  if (raw['format'] !== ENTRY_FORMAT) return `format is not "${ENTRY_FORMAT}"`;
  if (!Number.isSafeInteger(raw['seq']) || (raw['seq'] as number) < 1) return 'seq is not a positive integer';
  if (typeof raw['day'] !== 'string' || !isCalendarDay(raw['day'])) return 'day is not a YYYY-MM-DD date';
  for (const field of ['timeZone', 'sealedAt', 'signature', 'keyId'] as const) if (typeof raw[field] !== 'string') return `${field} is not text`;
  for (const field of ['hash', 'previousHash', 'rowsDigest'] as const) {
    if (typeof raw[field] !== 'string' || !HEX64.test(raw[field] as string)) return `${field} is not 64 hex digits`;
  }
  if (raw['clock'] !== 'system' && raw['clock'] !== 'simulated') return 'clock is not "system" or "simulated"';
  if (!Number.isSafeInteger(raw['rowCount']) || (raw['rowCount'] as number) < 0) return 'rowCount is not a count';
  const totals = raw['totals'];
  if (!isObject(totals) || !Object.values(totals).every((count) => Number.isSafeInteger(count))) return 'totals is not an object of integer counts';
  return undefined;
}

function rowsShapeError(rows: unknown): string | undefined {
  if (!Array.isArray(rows)) return 'not a list';
  for (const [index, row] of rows.entries()) {
    if (!Array.isArray(row) || row.length !== 4 || typeof row[0] !== 'string' || typeof row[1] !== 'string' || typeof row[2] !== 'string' || !Number.isSafeInteger(row[3])) {
      return `row ${index + 1} is not [prefix, protocol, kind, count]`;
    }
  }
  return undefined;
}

function totalsMatch(rows: readonly SealedRow[], totals: Record<string, number>): boolean {
  return Object.entries(totals).every(([kind, total]) => sumOf(rows, kind) === total);
}

function sumOf(rows: readonly SealedRow[], kind: string): number {
  let sum = 0;
  for (const row of rows) if (row[2] === kind) sum += row[3];
  return sum;
}

function describeDifference(rows: readonly SealedRow[], totals: Record<string, number>): string {
  const differing = Object.entries(totals)
    .filter(([kind, total]) => sumOf(rows, kind) !== total)
    .map(([kind, total]) => `${kind} sealed ${total}, now ${sumOf(rows, kind)}`);
  return differing.length > 0 ? differing.join('; ') : 'per-prefix rows differ though the totals agree';
}
