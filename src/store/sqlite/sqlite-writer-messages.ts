import { isIdnodeError, type ErrorCode } from '../../core/errors/catalogue.js';
import type { SqliteWrites } from './sqlite-writes.js';

/** One of SqliteWrites' operations with its arguments, or close (the writer thread's last request). */
export type WriterCall =
  | { [K in keyof SqliteWrites]: { readonly op: K; readonly args: Parameters<SqliteWrites[K]> } }[keyof SqliteWrites]
  | { readonly op: 'close' };

/** A request to the writer: a call and the id its reply names. */
export type WriterRequest = WriterCall & { readonly id: number };

/** Why a write failed, as plain data (errors do not cross threads or processes whole). */
export interface WriterFailure {
  readonly message: string;
  /** The driver's code (SQLITE_BUSY, ...), which tells a retryable failure. */
  readonly sqliteCode?: string;
  /** Set when the failure was an IdnodeError. */
  readonly idnodeCode?: ErrorCode;
}

/** How a call ended: its value once committed, or why it failed. */
export type WriterOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: WriterFailure };

export type WriterReply = WriterOutcome & { readonly id: number };

/** `error` as WriterFailure: what the other side needs to raise the same catalogue error (WriteCalls). */
export function failureOf(error: unknown): WriterFailure {
  if (isIdnodeError(error)) return { message: error.message, idnodeCode: error.code };
  const code = (error as { code?: unknown } | null)?.code;
  return { message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { sqliteCode: code } : {}) };
}
