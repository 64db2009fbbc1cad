import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { IdnodeError } from '../../core/errors/catalogue.js';

/** What a backup holds, read back from the copy itself. */
export interface SqliteBackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly schemaVersion: number;
  readonly handles: number;
  readonly principals: number;
  readonly ledgerEntries: number;
}

/**
 * Copies the SQLite store `source` to `target` online: `VACUUM INTO` reads the whole database in one read
 * transaction, so the copy is one consistent snapshot (every transaction committed before it, none after, a
 * registration never without its count) while the serving process goes on writing (WAL readers never block
 * the writer, and the writer never restarts the copy as SQLite's page-by-page backup API would under
 * steady writes). The copy is written beside the target and renamed into place once checked
 * (integrity_check), so the target is whole or absent.
 *
 * Throws IdnodeError REQUEST_INVALID when `target` exists (a backup never overwrites), STORE_UNAVAILABLE or
 * INTERNAL_ERROR when reading or writing fails.
 */
export function backupSqliteFile(source: string, target: string): SqliteBackupSummary {
  if (existsSync(target)) throw new IdnodeError('REQUEST_INVALID', `the backup file ${target} exists; a backup never overwrites: name a new file`);
  const partial = `${target}.partial-${process.pid}`;
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new IdnodeError('STORE_UNAVAILABLE', `backing up ${source} to ${target} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    db.close();
  }
  try {
    const summary = inspectSqliteFile(partial);
    renameSync(partial, target);
    return { ...summary, file: target };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Opens a store file read-only and says what it holds; throws IdnodeError INTERNAL_ERROR when it is not a
 * sound idnode store (integrity_check fails, or its tables are missing).
 */
export function inspectSqliteFile(file: string): SqliteBackupSummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new IdnodeError('INTERNAL_ERROR', `${file} fails SQLite's integrity check: ${String(integrity)}`);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const version = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    return { file, bytes: statSync(file).size, schemaVersion: version.v ?? 0, handles: count('handles'), principals: count('principals'), ledgerEntries: count('ledger') };
  } catch (error) {
    if (error instanceof IdnodeError) throw error;
    throw new IdnodeError('INTERNAL_ERROR', `${file} is not an idnode store: ${(error as Error).message}`, { cause: error });
  } finally {
    db.close();
  }
}
