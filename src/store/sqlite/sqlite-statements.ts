import Database from 'better-sqlite3';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { CounterRow, LedgerRow } from '../../core/store/store.js';
import type { HandleRow, PrincipalRow, TemplateRow, TokenRow } from '../store-rows.js';
import type { SqlText } from './sqlite-writes.js';

/** How a connection to the store's file is opened: the reading one on the main thread and the writer's alike. */
export interface ConnectionOptions {
  readonly file: string;
  readonly synchronous: 'full' | 'normal';
  readonly busyTimeoutMs: number;
}

/**
 * Opens a connection in WAL mode (readers never block the writer; one commit is one sequential append; the
 * mode persists in the file) with the given durability. Throws IdnodeError CONFIG_INVALID when WAL is refused;
 * better-sqlite3's own error when the file cannot be opened.
 */
export function openConnection(options: ConnectionOptions): Database.Database {
  const db = new Database(options.file, { timeout: options.busyTimeoutMs });
  try {
    const journal = db.pragma('journal_mode = WAL', { simple: true });
    if (journal !== 'wal') throw new IdnodeError('CONFIG_INVALID', `the SQLite database ${options.file} cannot use WAL journaling (got "${String(journal)}")`);
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Busy or locked by another process, or the file vanished: a retry later may work. */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|CANTOPEN)/.test(code);
}

/**
 * The handles under exactly `prefix` are those in [from, to) by byte order: every one starts "<prefix>/", and a
 * sub-prefix's handles start "<prefix>." instead (a prefix holds no "/"; "0" is the byte after "/").
 */
export function prefixRange(prefix: string): [from: string, to: string] {
  return [`${prefix}/`, `${prefix}0`];
}

/** The point read of one handle, which both the reading connection and the writer (inside its transactions) use. */
export function getHandleStatement(db: Database.Database): Database.Statement<[string], HandleRow> {
  return db.prepare<[string], HandleRow>('SELECT prefix, values_json, created_at_ms, updated_at_ms FROM handles WHERE handle = ?');
}

/** What the main thread reads. */
export function readStatements(db: Database.Database) {
  return {
    getHandle: getHandleStatement(db),
    getStoredAnswer: db.prepare<[string], HandleRow>('SELECT prefix, values_json, created_at_ms, updated_at_ms, public_json FROM handles WHERE handle = ?'),
    // Bounds from prefixRange: the primary key's range of the handles under exactly one prefix.
    countHandles: db.prepare<[string, string], number>('SELECT count(*) FROM handles WHERE handle >= ? AND handle < ?').pluck(),
    pageHandles: db
      .prepare<[string, string, number, number], string>('SELECT handle FROM handles WHERE handle >= ? AND handle < ? ORDER BY handle LIMIT ? OFFSET ?')
      .pluck(),
    listHomed: db.prepare<[], { prefix: string; source: 'config' | 'api'; created_at_ms: number }>(
      'SELECT prefix, source, created_at_ms FROM homed_prefixes ORDER BY prefix',
    ),
    getPrincipal: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE id = ?'),
    listPrincipals: db.prepare<[], PrincipalRow>('SELECT * FROM principals ORDER BY id'),
    listPrincipalsByRole: db.prepare<[string], PrincipalRow>('SELECT * FROM principals WHERE role = ? ORDER BY id'),
    listCounters: db.prepare<[string, string], CounterRow>(
      'SELECT day, prefix, protocol, kind, count FROM counters WHERE day >= ? AND day <= ? ORDER BY day, prefix, protocol, kind',
    ),
    listLedger: db.prepare<[], LedgerRow>('SELECT seq, day, entry FROM ledger ORDER BY seq'),
    getMeta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
    getTemplate: db.prepare<[string, string], TemplateRow>('SELECT * FROM templates WHERE prefix = ? AND version = ?'),
    listTemplates: db.prepare<[string], TemplateRow>('SELECT * FROM templates WHERE prefix = ? ORDER BY version'),
    getToken: db.prepare<[Buffer], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    getLoginDigest: db.prepare<[string], { stamp: Buffer; digest: Buffer }>('SELECT stamp, digest FROM login_digests WHERE principal_id = ?'),
    // A range of the index's primary key: (key, handle) after the bound pair, key below the upper bound
    // (NO_UPPER_BOUND: every TEXT sorts before a BLOB), in key order.
    scanSearch: db.prepare<[string, string, string, string | Buffer, number], { key: string; handle: string }>(
      'SELECT key, handle FROM search_index WHERE type = ? AND (key, handle) > (?, ?) AND key < ? ORDER BY key, handle LIMIT ?',
    ),
  };
}

/** An upper bound above every TEXT key (SQLite orders every TEXT before every BLOB). */
export const NO_UPPER_BOUND = Buffer.from([0xff]);

/**
 * Rows one statement of a bulk create inserts: one statement of ten rows costs less CPU a row than ten
 * statements (measured alone, 2,000-row transactions on idnode's table: 5.9-7.1 → 5.0-5.1 µs a row, then
 * with a RETURNING that told which rows were new, since dropped: see insertGroupIfAbsent).
 */
export const INSERT_GROUP = 10;

// The values of one bulk-inserted row and of one search entry: SqlText columns CAST to TEXT, so UTF-8 bytes
// bound as a blob are stored as the text they encode (the tables are STRICT: a blob would be refused), and
// a string is stored unchanged.
const HANDLE_ROW = '(?, ?, CAST(? AS TEXT), ?, ?, CAST(? AS TEXT))';
const ENTRY_ROW = '(CAST(? AS TEXT), CAST(? AS TEXT), ?)';

/** What the writer thread writes. */
export function writeStatements(db: Database.Database) {
  return {
    getHandle: getHandleStatement(db),
    insertHandle: db.prepare<[string, string, string, number, number, string]>(
      'INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms, public_json) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // The bulk inserts take their JSON and search entries as SqlText (a string, or UTF-8 bytes CAST to TEXT).
    insertHandleIfAbsent: db.prepare<[string, string, SqlText, number, number, SqlText]>(
      `INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms, public_json) VALUES ${HANDLE_ROW} ON CONFLICT (handle) DO NOTHING`,
    ),
    // INSERT_GROUP rows a statement. Without RETURNING, which cost 2-2.5 µs a row (measured alone, 2,000-row
    // transactions): the writer learns which rows were new from `changes`, and from rowids when some conflicted.
    insertGroupIfAbsent: db.prepare<unknown[]>(
      `INSERT INTO handles (handle, prefix, values_json, created_at_ms, updated_at_ms, public_json) VALUES ${new Array(INSERT_GROUP).fill(HANDLE_ROW).join(', ')}
       ON CONFLICT (handle) DO NOTHING`,
    ),
    // As BigInt: a rowid may exceed 2^53. NULL (no row yet) is answered as null.
    lastHandleRowid: db.prepare<[], bigint | null>('SELECT max(rowid) FROM handles').pluck().safeIntegers(),
    handleRowid: db.prepare<[string], bigint>('SELECT rowid FROM handles WHERE handle = ?').pluck().safeIntegers(),
    updateHandle: db.prepare<[string, string, number, number, string, string]>(
      'UPDATE handles SET prefix = ?, values_json = ?, created_at_ms = ?, updated_at_ms = ?, public_json = ? WHERE handle = ?',
    ),
    deleteHandle: db.prepare<[string]>('DELETE FROM handles WHERE handle = ?'),
    addSearchEntry: db.prepare<[SqlText, SqlText, string]>(`INSERT OR IGNORE INTO search_index (type, key, handle) VALUES ${ENTRY_ROW}`),
    addSearchGroup: db.prepare<unknown[]>(`INSERT OR IGNORE INTO search_index (type, key, handle) VALUES ${new Array(INSERT_GROUP).fill(ENTRY_ROW).join(', ')}`),
    removeSearchEntry: db.prepare<[string, string, string]>('DELETE FROM search_index WHERE type = ? AND key = ? AND handle = ?'),
    addHomed: db.prepare<[string, string, number]>(
      'INSERT INTO homed_prefixes (prefix, source, created_at_ms) VALUES (?, ?, ?) ON CONFLICT (prefix) DO NOTHING',
    ),
    removeHomed: db.prepare<[string]>('DELETE FROM homed_prefixes WHERE prefix = ?'),
    insertPrincipal: db.prepare<[string, string, string | null, string, Buffer, Buffer, number, number | null]>(
      `INSERT INTO principals (id, role, prefix, name, secret_hash, secret_salt, created_at_ms, revoked_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    updateSecret: db.prepare<[Buffer, Buffer, string]>('UPDATE principals SET secret_hash = ?, secret_salt = ? WHERE id = ?'),
    revokePrincipal: db.prepare<[number, string]>('UPDATE principals SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL'),
    reinstatePrincipal: db.prepare<[Buffer, Buffer, string]>(
      'UPDATE principals SET secret_hash = ?, secret_salt = ?, revoked_at_ms = NULL WHERE id = ? AND revoked_at_ms IS NOT NULL',
    ),
    addCounter: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO counters (day, prefix, protocol, kind, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (day, prefix, protocol, kind) DO UPDATE SET count = count + excluded.count`,
    ),
    appendLedger: db.prepare<[number, string, string]>('INSERT INTO ledger (seq, day, entry) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    getMeta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    initMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
    insertTemplate: db.prepare<[string, string, string, number, number]>(
      'INSERT INTO templates (prefix, version, definition, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    replaceTemplate: db.prepare<[string, number, string, string]>('UPDATE templates SET definition = ?, updated_at_ms = ? WHERE prefix = ? AND version = ?'),
    deleteTemplate: db.prepare<[string, string]>('DELETE FROM templates WHERE prefix = ? AND version = ?'),
    dropExpiredTokens: db.prepare<[number]>('DELETE FROM tokens WHERE expires_at_ms <= ?'),
    insertToken: db.prepare<[Buffer, string, Buffer, number, number]>(
      'INSERT INTO tokens (hash, principal_id, stamp, issued_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    setLoginDigest: db.prepare<[string, Buffer, Buffer]>(
      'INSERT INTO login_digests (principal_id, stamp, digest) VALUES (?, ?, ?) ON CONFLICT (principal_id) DO UPDATE SET stamp = excluded.stamp, digest = excluded.digest',
    ),
    deleteMeta: db.prepare<[string]>('DELETE FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };
}
