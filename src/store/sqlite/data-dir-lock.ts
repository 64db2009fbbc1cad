import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IdnodeError } from '../../core/errors/catalogue.js';

/** The lock file: an empty SQLite database whose exclusive lock the serving process holds. */
export const LOCK_FILE_NAME = 'serve.lock';
/** Who holds the lock (JSON, for messages and operators); its contents mean nothing unless the lock is held. */
export const LOCK_HOLDER_FILE_NAME = 'serve.lock.json';

/** What a holder says about itself. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO-8601 instant the process took the lock. */
  readonly startedAt: string;
  /** The front ends serving, once they listen (e.g. {"http":"http://127.0.0.1:8000"}). */
  readonly frontEnds?: Readonly<Record<string, string>>;
  /** Present when the holder runs on a set clock (serve --clock-start/--clock-rate): its start (ISO-8601; absent: from now) and rate. */
  readonly clock?: { readonly start?: string; readonly rate: number };
}

export interface DataDirLock {
  readonly holder: LockHolder;
  /** Records the front ends serving in the holder file. */
  describe(frontEnds: Readonly<Record<string, string>>): void;
  /** Gives the lock up (idempotent); the holder file is removed. */
  release(): void;
}

/**
 * Takes the data directory for this process: one `idnode serve` per SQLite data directory, so a second one
 * cannot serve answers its cache holds stale after writes through the first. The lock is SQLite's own
 * exclusive lock (a POSIX record lock) on `serve.lock`, held by an open transaction: the kernel drops it when
 * the process ends in any way, SIGKILL and crashes included, so a lock is never left stale. `serve.lock.json`
 * beside it names the holder (pid, host, start time, front ends) for the message a second process prints.
 *
 * Creates the directory if missing. Throws IdnodeError DATA_DIR_LOCKED naming the holder when another
 * process holds the lock, CONFIG_INVALID when the lock file cannot be created or opened.
 */
export function lockDataDir(dataDir: string, clock?: LockHolder['clock']): DataDirLock {
  const file = join(dataDir, LOCK_FILE_NAME);
  let db: Database.Database;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(file, { timeout: 0 });
  } catch (error) {
    throw new IdnodeError('CONFIG_INVALID', `cannot create the lock file ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw new IdnodeError('CONFIG_INVALID', `cannot lock ${file}: ${(error as Error).message}`, { cause: error });
    throw new IdnodeError('DATA_DIR_LOCKED', `the data directory ${dataDir} is in use by ${describeHolder(readHolder(dataDir))}; one idnode serve per data directory: stop that one first, or use another --data-dir (several replicas need the PostgreSQL store)`);
  }
  let holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(clock === undefined ? {} : { clock }) };
  writeHolder(dataDir, holder);
  let released = false;
  return {
    get holder() {
      return holder;
    },
    describe(frontEnds) {
      if (released) return;
      holder = { ...holder, frontEnds };
      writeHolder(dataDir, holder);
    },
    release() {
      if (released) return;
      released = true;
      rmSync(join(dataDir, LOCK_HOLDER_FILE_NAME), { force: true });
      db.close();
    },
  };
}

/**
 * Who serves `dataDir` now: its holder when a process holds the lock, `undefined` when none does (or the
 * directory was never served). Probes by taking the lock for an instant and giving it back at once, so a serve
 * starting in that very instant may be refused (it says the directory is in use; started again, it starts).
 */
export function dataDirServer(dataDir: string): LockHolder | { readonly unnamed: true } | undefined {
  if (!existsSync(join(dataDir, LOCK_FILE_NAME))) return undefined;
  try {
    lockDataDir(dataDir).release();
    return undefined;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'DATA_DIR_LOCKED') throw error;
    return readHolder(dataDir) ?? { unnamed: true };
  }
}

/** "idnode serve pid 123 on host h, started …, serving http://…", or a plain phrase when the file is missing or unreadable. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'another idnode serve process (which has not written serve.lock.json yet)';
  const serving = holder.frontEnds === undefined ? '' : `, serving ${Object.values(holder.frontEnds).join(' ')}`;
  return `idnode serve pid ${holder.pid} on host ${holder.host}, started ${holder.startedAt}${serving}`;
}

function readHolder(dataDir: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.startedAt === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Whole or not at all (temporary file + rename), so a reader never sees half a file. */
function writeHolder(dataDir: string, holder: LockHolder): void {
  const file = join(dataDir, LOCK_HOLDER_FILE_NAME);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
  renameSync(temporary, file);
}
