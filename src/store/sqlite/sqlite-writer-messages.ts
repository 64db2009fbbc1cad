import type { ErrorCode } from '../../core/errors/catalogue.js';
import type { SqliteWrites } from './sqlite-writes.js';

/** A request to the writer thread: one of SqliteWrites' operations with its arguments, or close. */
export type WriterRequest =
  | { [K in keyof SqliteWrites]: { readonly id: number; readonly op: K; readonly args: Parameters<SqliteWrites[K]> } }[keyof SqliteWrites]
  | { readonly id: number; readonly op: 'close' };

/** Why a write failed, as plain data (errors do not cross threads whole). */
export interface WriterFailure {
  readonly message: string;
  /** The driver's code (SQLITE_BUSY, ...), which tells a retryable failure. */
  readonly sqliteCode?: string;
  /** Set when the failure was an IdnodeError. */
  readonly idnodeCode?: ErrorCode;
}

export type WriterReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: WriterFailure };
