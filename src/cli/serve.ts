import { readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { httpTopLevelLink } from '../connect/http-top-level-link.js';
import { networkRemoteResolver } from '../federation/network-remote-resolver.js';
import { firstRun } from '../core/first-run.js';
import { IdNode } from '../core/node.js';
import { NodeMetrics } from '../metrics/node-metrics.js';
import { configuredKeyVault } from '../runtime/node-key-vault.js';
import { configuredClock, systemRuntime } from '../runtime/system-runtime.js';
import { openStore } from '../store/open-store.js';
import { lockDataDir, type DataDirLock } from '../store/sqlite/data-dir-lock.js';
import type { CliIo } from './cli-io.js';
import { firstRunBanner } from './first-run-banner.js';
import { frontEndsOf } from './front-ends.js';
import { runServer, type Closer } from './run-server.js';
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
 * the lock.
 */
export function serve(config: Config, io: CliIo, signals: EventEmitter = process): Promise<number> {
  let lock: DataDirLock | undefined;
  const claim = (closers: Closer[]) => {
    // First of all, so that a second serve on the directory changes nothing (not even the first one's ready file).
    if (config.store !== 'sqlite') return;
    const held = lockDataDir(config.dataDir);
    lock = held;
    closers.push({ name: 'data directory lock', close: async () => held.release() });
  };
  return runServer('idnode', config, io, signals, (logger, closers) => start(config, io, logger, closers, lock), claim);
}

async function start(config: Config, io: CliIo, logger: Logger, closers: Closer[], lock: DataDirLock | undefined): Promise<Readonly<Record<string, string>>> {
  // Read before anything opens, so an unreadable certificate fails the start without touching the store.
  const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };

  const store = await openStore(storeOptions(config));
  closers.push({ name: 'store', close: () => store.close() });
  // Created before the node, so that its store calls are timed.
  const metrics = new NodeMetrics({ expositionCacheMs: config.metricsCacheMs });
  const runtime = systemRuntime(config, configuredClock(config.clock));
  const topLevel = config.topLevel === undefined
    ? undefined
    : { link: httpTopLevelLink({ ...config.topLevel, now: () => runtime.clock.now() }), retryBaseMs: TOP_LEVEL_RETRY_BASE_MS, retryMaxMs: config.topLevelRetryMaxMs };
  // Recursive resolution asks other nodes over the network (loadConfig allows it only with a top-level node).
  const recursion = config.recursive ? { remoteResolver: networkRemoteResolver() } : {};
  const node = await IdNode.create(config, { ...runtime, store, logger, storeObserver: metrics.storeObserver, keyVault: configuredKeyVault(config), ...(topLevel === undefined ? {} : { topLevel }), ...recursion });
  closers.push({ name: 'node (metering flush)', close: () => node.close() });

  // In order; each is closed (newest first) even when its own listen failed.
  const serving = new Map<string, string>();
  const frontEnds = frontEndsOf(config, { node, logger, metrics, tls, serving });
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
