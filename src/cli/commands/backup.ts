import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import type { Config } from '../../config/config.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { describeStoreLocation, SQLITE_FILE_NAME, storeExists } from '../../store/open-store.js';
import type { SqliteBackupSummary } from '../../store/sqlite/sqlite-backup.js';
import type { CliIo } from '../cli-io.js';
import { ADMIN_FLAG_SETTINGS, addSettingOptions, configFromOptions } from '../shared-options.js';
import { storeOptions } from '../store-options.js';
import { print } from './output.js';

/**
 * `idnode backup --to FILE`: an online, consistent copy of the SQLite store (while the node serves).
 * `idnode restore --from FILE`: puts such a copy in place as the store of a data directory that has none and
 * no serve running. PostgreSQL is backed up with its own tools (pg_dump), as the README says.
 */
export function backupCommands(io: CliIo): Command[] {
  const backup = storeCommand(new Command('backup').description('copy the SQLite store to a new file, consistently, while the node serves'))
    .requiredOption('--to <file>', 'the backup file to write (must not exist)')
    .action(async (options: Record<string, unknown>) => {
      const config = configFromOptions(options, io);
      const dataDir = await sqliteDataDir(config, 'backup');
      const source = join(dataDir, SQLITE_FILE_NAME);
      io.stderr(`using ${describeStoreLocation(storeOptions(config))}\n`);
      const { backupSqliteFile } = await import('../../store/sqlite/sqlite-backup.js');
      const summary = backupSqliteFile(source, resolve(io.cwd, String(options['to'])));
      print(io, options['json'] === true, summary, () => `backed up ${source} to ${summaryText(summary)}\n`);
    });

  const restore = storeCommand(new Command('restore').description('make a backup file the SQLite store of a data directory that holds none (the node stopped)'))
    .requiredOption('--from <file>', 'a file written by idnode backup')
    .action(async (options: Record<string, unknown>) => {
      const config = configFromOptions(options, io);
      const dataDir = await sqliteDataDir(config, 'restore');
      const [{ lockDataDir }, { inspectSqliteFile }] = await Promise.all([import('../../store/sqlite/data-dir-lock.js'), import('../../store/sqlite/sqlite-backup.js')]);
      // Held while the file is put in place: no serve may start on a half-restored directory, nor be running.
      const lock = lockDataDir(dataDir);
      try {
        const target = join(dataDir, SQLITE_FILE_NAME);
        if (await storeExists(storeOptions(config))) {
          throw new IdnodeError('REQUEST_INVALID', `the data directory ${dataDir} already holds a store (${target}); restore only into a directory without one: move that store away first, or name another --data-dir`);
        }
        const from = resolve(io.cwd, String(options['from']));
        const summary = inspectSqliteFile(from);
        const partial = `${target}.restoring`;
        copyFileSync(from, partial);
        renameSync(partial, target);
        rmSync(`${target}-wal`, { force: true });
        rmSync(`${target}-shm`, { force: true });
        print(io, options['json'] === true, { ...summary, file: target }, () => `restored ${from} as ${summaryText({ ...summary, file: target })}\n`);
      } finally {
        lock.release();
      }
    });
  return [backup, restore];
}

/** The data directory of an SQLite configuration; the other stores are refused, pointing at their own tools. */
async function sqliteDataDir(config: Config, what: 'backup' | 'restore'): Promise<string> {
  if (config.store !== 'sqlite') {
    throw new IdnodeError('REQUEST_INVALID', `idnode ${what} works on the SQLite store; the ${config.store} store ${config.store === 'postgres' ? 'is backed up and restored with pg_dump and pg_restore (README, "Backup and restore")' : 'keeps nothing to back up'}`);
  }
  if (what === 'backup' && !(await storeExists(storeOptions(config)))) {
    throw new IdnodeError('STORE_NOT_FOUND', `no idnode store in the data directory ${config.dataDir} (looked for ${describeStoreLocation(storeOptions(config))}); nothing to back up`);
  }
  return config.dataDir;
}

function summaryText(summary: SqliteBackupSummary): string {
  return `${summary.file}: ${summary.bytes} bytes, schema version ${summary.schemaVersion}, ${summary.handles} identifier(s), ${summary.principals} credential(s), ${summary.ledgerEntries} sealed day(s)`;
}

/** The store-locating settings and --json (not --create: backup reads a store, restore makes one from a file). */
function storeCommand(command: Command): Command {
  return addSettingOptions(command, ADMIN_FLAG_SETTINGS).option('--json', 'print JSON instead of text');
}
