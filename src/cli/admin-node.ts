import type { Config } from '../config/config.js';
import { IdnodeError } from '../core/errors/catalogue.js';
import { IdNode } from '../core/node.js';
import type { Store } from '../core/store/store.js';
import { createLogger } from '../logging/create-logger.js';
import { configuredKeyVault } from '../runtime/node-key-vault.js';
import { systemRuntime } from '../runtime/system-runtime.js';
import { describeStoreLocation, openStore, storeExists } from '../store/open-store.js';
import type { CliIo } from './cli-io.js';
import { storeOptions } from './store-options.js';

/**
 * Runs `action` on a node opened directly on the configured store (no listener), then closes node and store.
 * The action acts as LOCAL_OPERATOR (whoever holds the data directory is the operator) and passes it to every
 * core call that needs a right.
 * The SQLite file may be shared with a running server (WAL): what the action commits is seen by the server's
 * next request. Logs go to stderr so that stdout holds only the command's output.
 *
 * Refuses (CONFIG_INVALID) to run with node prefixes other than those the store was last served with:
 * opening a node re-asserts its configured prefixes, so a command run without the server's configuration
 * would otherwise rehome the store to the defaults. Refuses (CONFIG_INVALID) the memory store: it would be
 * a new, empty one, gone when the command ends, so the command could neither read nor change a node's data.
 *
 * Says on stderr which store it uses. Refuses (STORE_NOT_FOUND), creating nothing, when no store exists where
 * the configuration points, unless `create`: a command run from the wrong directory must not answer from (or
 * export the key of) a fresh empty store that no node uses.
 */
export async function withAdminNode<T>(context: AdminContext, action: (node: IdNode) => Promise<T>): Promise<T> {
  const { config, io } = context;
  if (config.store === 'memory') {
    throw new IdnodeError('CONFIG_INVALID', 'invalid configuration: store is "memory", which lives only inside a running server: admin commands need the store of a node (sqlite or postgres)');
  }
  const options = storeOptions(config);
  const location = describeStoreLocation(options);
  if (!context.create && !(await storeExists(options))) {
    const where = config.store === 'sqlite' ? `data directory ${config.dataDir}` : `schema "${config.databaseSchema ?? 'public'}" of the database`;
    throw new IdnodeError(
      'STORE_NOT_FOUND',
      `no idnode store in the ${where} (looked for ${location}); nothing was created. Point the command at the node's store ` +
        `(--data-dir / IDNODE_DATA_DIR, --store, --database-url, --database-schema, or --config), start the node there once with \`idnode serve\`, or pass --create to create an empty store`,
    );
  }
  io.stderr(`using ${location}\n`);
  const logger = createLogger({ level: config.logLevel, fd: 2 });
  const store = await openStore(options);
  try {
    await assertSameNodePrefixes(store, config);
    const node = await IdNode.create(config, { ...systemRuntime(config), store, logger, keyVault: configuredKeyVault(config) });
    try {
      return await action(node);
    } finally {
      await node.close();
    }
  } finally {
    await store.close();
  }
}

async function assertSameNodePrefixes(store: Store, config: Config): Promise<void> {
  const stored = (await store.listHomedPrefixes()).filter((homed) => homed.source === 'config').map((homed) => homed.prefix);
  if (stored.length === 0) return;
  const same = stored.length === config.nodePrefixes.length && stored.every((prefix) => config.nodePrefixes.includes(prefix));
  if (!same) {
    const where = config.store === 'sqlite' ? `in ${config.dataDir}` : 'in the database';
    throw new IdnodeError(
      'CONFIG_INVALID',
      `invalid configuration: node-prefix is ${config.nodePrefixes.join(',')} but the node whose store is ${where} is configured with ${stored.sort().join(',')}; ` +
        'run this command with the server’s configuration (--config, --node-prefix or IDNODE_NODE_PREFIX)',
    );
  }
}

/** What an admin command runs with: its configuration, the process surface, and whether it may create a store. */
export interface AdminContext {
  readonly config: Config;
  readonly io: CliIo;
  /** --create: a missing store is created (empty) instead of refused. */
  readonly create: boolean;
}
