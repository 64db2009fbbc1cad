import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { firstRun } from '../core/first-run.js';
import { IdNode } from '../core/node.js';
import { NodeMetrics } from '../metrics/node-metrics.js';
import { configuredKeyVault } from '../runtime/node-key-vault.js';
import { configuredClock, systemRuntime } from '../runtime/system-runtime.js';
import type { Store } from '../core/store/store.js';
import { openStore } from '../store/open-store.js';
import { lockDataDir, type DataDirLock } from '../store/sqlite/data-dir-lock.js';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { WriteChannel } from '../store/sqlite/write-channel.js';
import type { CliIo } from './cli-io.js';
import { firstRunBanner } from './first-run-banner.js';
import { frontEndsOf } from './front-ends.js';
import { runServer, type Closer } from './run-server.js';
import { sqliteWriterLog } from './sqlite-writer-log.js';
import { storeOptions } from './store-options.js';
import { VERSION } from '../version.js';

/** The first retry's delay after a failed exchange with the top-level node (doubling up to top-level-retry-max-ms). */
export const TOP_LEVEL_RETRY_BASE_MS = 250;

/**
 * Runs the node until SIGTERM or SIGINT (runServer). Start: lock the data directory (SQLite: one serve per
 * directory, taken before anything else, the ready file included), open the store, wire the core, start each
 * front end that is on (frontEndsOf) in order, issue the first-run credentials (printed once, on stderr:
 * stdout carries only JSON log lines), start the connection with the top-level node when one is configured,
 * then write the ready file (one key per front end). Stop: the front ends newest first (each stops accepting
 * and drains its in-flight requests), then the node (connection, ledger, metering flush), then the store, then
 * the lock. With more than one worker (workerCount), this process is the primary of serveWorkers instead, and
 * each worker runs startNode. What only some configurations use (the workers' primary, the link with a
 * top-level node, recursive resolution, each front end, each store) is imported when configured.
 */
export async function serve(config: Config, io: CliIo, signals: EventEmitter = process): Promise<number> {
  const workers = workerCount(config);
  if (workers > 1) return (await import('./workers/serve-workers.js')).serveWorkers(config, workers, io, signals);
  let lock: DataDirLock | undefined;
  return runServer('idnode', config, io, signals, (logger, closers) => startNode(config, io, logger, closers, lock, SINGLE_PROCESS), claimDataDir(config, (held) => (lock = held)));
}

/**
 * How many request-serving processes `config` asks for: `workers`, where 0 means one per core
 * (os.availableParallelism()); the memory store always one (loadConfig refuses more).
 */
export function workerCount(config: Config): number {
  if (config.store === 'memory') return 1;
  return config.workers === 0 ? availableParallelism() : config.workers;
}

/**
 * runServer's claim for serve: the data-directory lock (SQLite: one serve per directory, taken first of all, so
 * that a second serve on the directory changes nothing, not even the first one's ready file). `held` receives it.
 */
export function claimDataDir(config: Config, held: (lock: DataDirLock) => void): (closers: Closer[]) => void {
  return (closers) => {
    if (config.store !== 'sqlite') return;
    // The holder file says when this node runs on a set clock: `idnode ledger seal` then refuses to seal beside it.
    const lock = lockDataDir(config.dataDir, config.clock === undefined ? undefined : {
      ...(config.clock.start === undefined ? {} : { start: new Date(config.clock.start).toISOString() }),
      rate: config.clock.rate ?? 1,
    });
    held(lock);
    closers.push({ name: 'data directory lock', close: async () => lock.release() });
  };
}

/** What one serving process is among the node's (serve --workers; one process is all of them). */
export interface NodeRole {
  /**
   * The one process that runs what must run once per node: the first-run credentials, the ledger's automatic
   * sealing, the connection with the top-level node. Every process meters, flushes its own counts and serves.
   */
  readonly lead: boolean;
  /**
   * Where the SQLite store's writes go instead of a writer thread of its own: in a worker, the primary's one
   * writer (ForwardedWriter), which migrated the file before forking.
   */
  readonly sqliteWriter?: WriteChannel;
  /** Wraps the opened store (workers on SQLite: PeerChangeFeed, cache invalidation between them). */
  readonly wrapStore?: (store: Store) => Store;
  /** A worker's /metrics: answers the whole node's figures (WorkerMetrics); a single process renders its own. */
  readonly metrics?: { serve(metrics: NodeMetrics): void; render(): Promise<string> };
}

const SINGLE_PROCESS: NodeRole = { lead: true };

/**
 * Opens the store and starts the node and its front ends in this process (see serve); pushes a closer for each.
 * Resolves with the addresses serving.
 */
export async function startNode(config: Config, io: CliIo, logger: Logger, closers: Closer[], lock: DataDirLock | undefined, role: NodeRole): Promise<Readonly<Record<string, string>>> {
  // Read before anything opens, so an unreadable certificate fails the start without touching the store.
  const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };

  const opened = await openStore(storeOptions(config, role.sqliteWriter, sqliteWriterLog(logger)));
  closers.push({ name: 'store', close: () => opened.close() });
  // Says where this process's writes go (a worker's: to the primary's writer; tests check there is one writer).
  if (opened.kind === 'sqlite' && role.sqliteWriter !== undefined) logger.info({ sqliteWriter: (opened as SqliteStore).writer }, 'SQLite writes go to the primary process\'s writer');
  const store = role.wrapStore?.(opened) ?? opened;
  // Created before the node, so that its store calls are timed.
  const nodeWide = role.metrics;
  const metrics = new NodeMetrics({ expositionCacheMs: config.metricsCacheMs, ...(nodeWide === undefined ? {} : { render: () => nodeWide.render() }) });
  nodeWide?.serve(metrics);
  if (opened.kind === 'sqlite') metrics.attachSqliteWriter(() => (opened as SqliteStore).writerRestarts);
  const runtime = systemRuntime(config, configuredClock(config.clock));
  // Every worker gets the link (recursive resolution looks prefixes up through it); only the lead keeps the
  // connection (IdNode's singletons).
  const topLevel = config.topLevel === undefined
    ? undefined
    : { link: (await import('../connect/http-top-level-link.js')).httpTopLevelLink({ ...config.topLevel, now: () => runtime.clock.now() }), retryBaseMs: TOP_LEVEL_RETRY_BASE_MS, retryMaxMs: config.topLevelRetryMaxMs };
  // Recursive resolution asks other nodes over the network (loadConfig allows it only with a top-level node).
  const recursion = config.recursive ? { remoteResolver: (await import('../federation/network-remote-resolver.js')).networkRemoteResolver() } : {};
  const node = await IdNode.create(config, { ...runtime, store, logger, storeObserver: metrics.storeObserver, countObserver: metrics.countObserver, keyVault: configuredKeyVault(config), singletons: role.lead, ...(topLevel === undefined ? {} : { topLevel }), ...recursion });
  closers.push({ name: 'node (metering flush)', close: () => node.close() });

  // In order; each is closed (newest first) even when its own listen failed.
  const serving = new Map<string, string>();
  const frontEnds = frontEndsOf(config, { node, logger, metrics, tls, serving, lead: role.lead });
  for (const frontEnd of frontEnds) {
    closers.push({
      name: frontEnd.name,
      close: () => {
        serving.delete(frontEnd.name);
        return frontEnd.close();
      },
    });
    serving.set(frontEnd.name, await frontEnd.listen());
  }
  // The node's Handle site (HS_SITE of its prefix handles, the Handle protocol's opcode 2) names what is bound.
  node.site.describe({ host: config.host, description: `idnode ${VERSION}`, contributions: frontEnds.map((frontEnd) => frontEnd.describe?.() ?? {}) });
  const addresses = Object.fromEntries(serving);
  lock?.describe(addresses);
  const url = serving.get('http');

  if (!role.lead) return addresses;
  // After listen, so that a failed listen (port in use) does not consume the one showing of the secrets.
  const credentials = await firstRun(node);
  if (credentials !== undefined) {
    io.stderr(firstRunBanner(credentials, url));
    logger.warn(
      { operator: credentials.operator.id, demoEnterprise: credentials.demoEnterprise.id },
      'first run: operator and demo enterprise credentials issued; their secrets were printed once on stderr',
    );
  }
  // Once the site names the bound listeners: the prefixes are homed at the top-level node with that HS_SITE.
  node.connection?.start();
  return addresses;
}
