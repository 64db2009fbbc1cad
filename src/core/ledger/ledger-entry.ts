import { createHash } from 'node:crypto';
import type { CounterKind, CounterRow } from '../store/store.js';
import { zeroKindCounts, type KindCounts } from '../metering/figures.js';
import { canonicalJson } from './canonical-json.js';

export const ENTRY_FORMAT = 'idnode-ledger-entry/1';
/** The previousHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** One counter row of a sealed day: [prefix, protocol, kind, count], ordered by prefix, protocol, kind in byte order. */
export type SealedRow = [prefix: string, protocol: string, kind: string, count: number];

/**
 * What is hashed and signed for one sealed day. `hash` is SHA-256 (hex) of the canonical JSON (see
 * canonicalJson) of these fields; `signature` is the node key's Ed25519 signature of those same bytes.
 */
export interface EntryBody {
  readonly format: typeof ENTRY_FORMAT;
  /** 1 for the first sealed day, then +1 per day: days are consecutive, days without counts included. */
  readonly seq: number;
  readonly day: string;
  readonly timeZone: string;
  /** The day's totals over every prefix and protocol, one per counter kind (zeros included). */
  readonly totals: KindCounts;
  /** How many rows the day has, and SHA-256 (hex) of the canonical JSON of the array of SealedRows. */
  readonly rowCount: number;
  readonly rowsDigest: string;
  readonly previousHash: string;
  readonly sealedAt: string;
  /** 'simulated' when the node ran on a set clock (serve --clock-start): not production figures. */
  readonly clock: 'system' | 'simulated';
  /** keyIdOf the signing key. */
  readonly keyId: string;
}

export interface LedgerEntry extends EntryBody {
  readonly hash: string;
  readonly signature: string;
}

/** A sealed day as exported: the entry and, for checking it, the day's counter rows as the store holds them now. */
export interface ExportedEntry extends LedgerEntry {
  readonly rows?: SealedRow[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The rows of one day's counters, in the sealed order (listCounters' order, which is byte order). */
export function sealedRows(rows: readonly CounterRow[]): SealedRow[] {
  return rows.map((row) => [row.prefix, row.protocol, row.kind, row.count]);
}

export function rowsDigest(rows: readonly SealedRow[]): string {
  return sha256Hex(canonicalJson(rows));
}

/** The fields of an entry that are hashed and signed, in canonical form. */
export function canonicalBody(entry: EntryBody): string {
  const body: EntryBody = {
    format: entry.format,
    seq: entry.seq,
    day: entry.day,
    timeZone: entry.timeZone,
    totals: entry.totals,
    rowCount: entry.rowCount,
    rowsDigest: entry.rowsDigest,
    previousHash: entry.previousHash,
    sealedAt: entry.sealedAt,
    clock: entry.clock,
    keyId: entry.keyId,
  };
  return canonicalJson(body);
}

export interface SealInput {
  readonly seq: number;
  readonly day: string;
  readonly timeZone: string;
  readonly rows: readonly SealedRow[];
  readonly previousHash: string;
  readonly sealedAtMs: number;
  readonly clock: 'system' | 'simulated';
  readonly keyId: string;
  readonly sign: (data: Buffer) => string;
}

/** Builds and signs the entry of one day. */
export function sealEntry(input: SealInput): LedgerEntry {
  const totals = zeroKindCounts();
  for (const [, , kind, count] of input.rows) if (kind in totals) totals[kind as CounterKind] += count;
  const body: EntryBody = {
    format: ENTRY_FORMAT,
    seq: input.seq,
    day: input.day,
    timeZone: input.timeZone,
    totals,
    rowCount: input.rows.length,
    rowsDigest: rowsDigest(input.rows),
    previousHash: input.previousHash,
    sealedAt: new Date(input.sealedAtMs).toISOString(),
    clock: input.clock,
    keyId: input.keyId,
  };
  const canonical = canonicalBody(body);
  return { ...body, hash: sha256Hex(canonical), signature: input.sign(Buffer.from(canonical, 'utf8')) };
}

