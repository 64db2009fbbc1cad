import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TopNodeRecord, TopPrefixRecord, TopRefusalRecord, TopReportRecord, TopStore } from '../../core/top/top-store.js';
import type { Migration } from '../migration.js';
import { migrateSqlite } from '../sqlite/sqlite-migrations.js';
import { isUnavailable, openConnection } from '../sqlite/sqlite-statements.js';
import { storeClosed, storeFailure } from '../store-error.js';

/** The top-level node's database file inside its data directory (beside no idnode.sqlite: a top node holds no identifiers). */
export const TOP_SQLITE_FILE_NAME = 'top.sqlite';

/** The top-level node's own schema, migrated by the same runner as the node store's (its own schema_migrations). */
export const TOP_SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE top_nodes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefixes_json TEXT NOT NULL,
        secret_hash BLOB NOT NULL,
        secret_salt BLOB NOT NULL,
        created_at_ms INTEGER NOT NULL,
        revoked_at_ms INTEGER,
        public_key_pem TEXT,
        key_id TEXT,
        first_connected_at_ms INTEGER
      ) STRICT;
      CREATE TABLE top_prefixes (
        prefix TEXT PRIMARY KEY,
        node_id TEXT NOT NULL REFERENCES top_nodes (id),
        site_base64 TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE top_reports (
        node_id TEXT NOT NULL REFERENCES top_nodes (id),
        seq INTEGER NOT NULL,
        day TEXT NOT NULL,
        entry TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL,
        PRIMARY KEY (node_id, seq),
        UNIQUE (node_id, day)
      ) STRICT;
      CREATE TABLE top_refusals (
        id INTEGER PRIMARY KEY,
        node_id TEXT NOT NULL REFERENCES top_nodes (id),
        at_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        day TEXT,
        seq INTEGER,
        entry TEXT NOT NULL
      ) STRICT;
      CREATE INDEX top_refusals_by_node ON top_refusals (node_id, id);
    `,
  },
];

interface NodeRow {
  id: string;
  name: string;
  prefixes_json: string;
  secret_hash: Buffer;
  secret_salt: Buffer;
  created_at_ms: number;
  revoked_at_ms: number | null;
  public_key_pem: string | null;
  key_id: string | null;
  first_connected_at_ms: number | null;
}

/**
 * The top-level node's store: `<dataDir>/top.sqlite` (WAL, synchronous FULL), on the main thread (a top-level
 * node takes a few requests per node per day). Throws as openConnection and migrateSqlite do.
 */
export function openSqliteTopStore(dataDir: string): TopStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, TOP_SQLITE_FILE_NAME);
  const db = openConnection({ file, synchronous: 'full', busyTimeoutMs: 5000 });
  try {
    migrateSqlite(db, file, TOP_SQLITE_MIGRATIONS);
  } catch (error) {
    db.close();
    throw error;
  }
  const statements = {
    insertNode: db.prepare(
      'INSERT OR IGNORE INTO top_nodes (id, name, prefixes_json, secret_hash, secret_salt, created_at_ms) VALUES (@id, @name, @prefixes_json, @secret_hash, @secret_salt, @created_at_ms)',
    ),
    getNode: db.prepare<[string], NodeRow>('SELECT * FROM top_nodes WHERE id = ?'),
    listNodes: db.prepare<[], NodeRow>('SELECT * FROM top_nodes ORDER BY created_at_ms, id'),
    revokeNode: db.prepare('UPDATE top_nodes SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL'),
    registerKey: db.prepare('UPDATE top_nodes SET public_key_pem = ?, key_id = ?, first_connected_at_ms = ? WHERE id = ? AND key_id IS NULL'),
    insertPrefix: db.prepare('INSERT OR IGNORE INTO top_prefixes (prefix, node_id, site_base64, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)'),
    updatePrefix: db.prepare('UPDATE top_prefixes SET site_base64 = ?, updated_at_ms = ? WHERE prefix = ? AND node_id = ?'),
    getPrefix: db.prepare<[string], PrefixRow>('SELECT * FROM top_prefixes WHERE prefix = ?'),
    listPrefixes: db.prepare<[], PrefixRow>('SELECT * FROM top_prefixes ORDER BY prefix'),
    appendReport: db.prepare('INSERT OR IGNORE INTO top_reports (node_id, seq, day, entry, received_at_ms) VALUES (?, ?, ?, ?, ?)'),
    listReports: db.prepare<[string], ReportRow>('SELECT * FROM top_reports WHERE node_id = ? ORDER BY seq'),
    addRefusal: db.prepare('INSERT INTO top_refusals (node_id, at_ms, kind, reason, day, seq, entry) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    listRefusals: db.prepare<[string], RefusalRow>('SELECT * FROM top_refusals WHERE node_id = ? ORDER BY id'),
  };
  let closed = false;
  const run = <T>(what: string, work: () => T): Promise<T> => {
    try {
      if (closed) throw storeClosed(`the top-level store ${file}`);
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(storeFailure(error, `top-level store: ${what}`, isUnavailable));
    }
  };
  const getNode = (id: string) => {
    const row = statements.getNode.get(id);
    return row === undefined ? undefined : nodeOf(row);
  };
  const claim = db.transaction((record: TopPrefixRecord): TopPrefixRecord => {
    statements.insertPrefix.run(record.prefix, record.nodeId, record.siteBase64, record.createdAtMs, record.updatedAtMs);
    statements.updatePrefix.run(record.siteBase64, record.updatedAtMs, record.prefix, record.nodeId);
    return prefixOf(statements.getPrefix.get(record.prefix)!);
  });
  return {
    insertNode: (node) =>
      run('insertNode', () => {
        const row = { id: node.id, name: node.name, prefixes_json: JSON.stringify(node.prefixes), secret_hash: node.secret.hash, secret_salt: node.secret.salt, created_at_ms: node.createdAtMs };
        return statements.insertNode.run(row).changes === 1;
      }),
    getNode: (id) => run('getNode', () => getNode(id)),
    listNodes: () => run('listNodes', () => statements.listNodes.all().map(nodeOf)),
    revokeNode: (id, atMs) => run('revokeNode', () => statements.revokeNode.run(atMs, id).changes === 1),
    registerNodeKey: (id, key, atMs) =>
      run('registerNodeKey', () => {
        statements.registerKey.run(key.publicKeyPem, key.keyId, atMs, id);
        return getNode(id);
      }),
    claimPrefix: (record) => run('claimPrefix', () => claim.immediate(record)),
    getPrefix: (prefix) =>
      run('getPrefix', () => {
        const row = statements.getPrefix.get(prefix);
        return row === undefined ? undefined : prefixOf(row);
      }),
    listPrefixes: () => run('listPrefixes', () => statements.listPrefixes.all().map(prefixOf)),
    appendReport: (report) => run('appendReport', () => statements.appendReport.run(report.nodeId, report.seq, report.day, report.entry, report.receivedAtMs).changes === 1),
    listReports: (nodeId) =>
      run('listReports', () => statements.listReports.all(nodeId).map((row): TopReportRecord => ({ nodeId: row.node_id, seq: row.seq, day: row.day, entry: row.entry, receivedAtMs: row.received_at_ms }))),
    addRefusal: (refusal) =>
      run('addRefusal', () => {
        statements.addRefusal.run(refusal.nodeId, refusal.atMs, refusal.kind, refusal.reason, refusal.day ?? null, refusal.seq ?? null, refusal.entry);
      }),
    listRefusals: (nodeId) =>
      run('listRefusals', () =>
        statements.listRefusals.all(nodeId).map(
          (row): TopRefusalRecord => ({
            nodeId: row.node_id,
            atMs: row.at_ms,
            kind: row.kind as TopRefusalRecord['kind'],
            reason: row.reason,
            day: row.day ?? undefined,
            seq: row.seq ?? undefined,
            entry: row.entry,
          }),
        ),
      ),
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

interface PrefixRow {
  prefix: string;
  node_id: string;
  site_base64: string;
  created_at_ms: number;
  updated_at_ms: number;
}

interface ReportRow {
  node_id: string;
  seq: number;
  day: string;
  entry: string;
  received_at_ms: number;
}

interface RefusalRow {
  node_id: string;
  at_ms: number;
  kind: string;
  reason: string;
  day: string | null;
  seq: number | null;
  entry: string;
}

function nodeOf(row: NodeRow): TopNodeRecord {
  return {
    id: row.id,
    name: row.name,
    prefixes: JSON.parse(row.prefixes_json) as string[],
    secret: { hash: row.secret_hash, salt: row.secret_salt },
    createdAtMs: row.created_at_ms,
    revokedAtMs: row.revoked_at_ms ?? undefined,
    publicKeyPem: row.public_key_pem ?? undefined,
    keyId: row.key_id ?? undefined,
    firstConnectedAtMs: row.first_connected_at_ms ?? undefined,
  };
}

function prefixOf(row: PrefixRow): TopPrefixRecord {
  return { prefix: row.prefix, nodeId: row.node_id, siteBase64: row.site_base64, createdAtMs: row.created_at_ms, updatedAtMs: row.updated_at_ms };
}
