import { readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { describeConfig, type Config } from '../config/config.js';
import { isIdnodeError } from '../core/errors/catalogue.js';
import { firstRun } from '../core/first-run.js';
import { IdNode } from '../core/node.js';
import { createLogger } from '../logging/create-logger.js';
import { NodeMetrics } from '../metrics/node-metrics.js';
import { configuredClock, systemRuntime } from '../runtime/system-runtime.js';
import { openStore } from '../store/open-store.js';
import { lockDataDir } from '../store/sqlite/data-dir-lock.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from './cli-io.js';
import { firstRunBanner } from './first-run-banner.js';
import { frontEndsOf } from './front-ends.js';
import { removeReadyFile, writeReadyFile } from './ready-file.js';
import { storeOptions } from './store-options.js';
import { VERSION } from '../version.js';

/** Something started that must be stopped on the way out, in reverse order of starting. */
interface Closer {
  readonly name: string;
  close(): Promise<void>;
}

/**
 * Runs the node until SIGTERM or SIGINT. Start: lock the data directory (SQLite: one serve per directory), open the store, wire the core, start each front end that is
 * on (frontEndsOf) in order, issue the first-run credentials (printed once, on stderr: stdout carries only
 * JSON log lines), then write the ready file (one key per front end). Stop: close the front ends newest
 * first (each stops accepting and drains its in-flight requests), flush metering, close the store, remove
 * the ready file.
 *
 * Resolves with the exit code: 0 after a clean stop, 1 after a failed start or a failed stop. A second
 * signal, or a stop that takes longer than shutdownTimeoutMs, ends the process at once with 1 (io.exit).
 */
export async function serve(config: Config, io: CliIo, signals: EventEmitter = process): Promise<number> {
  // On a set clock (--clock-start/--clock-rate) every log line says so: never mistaken for production figures.
  const rootLogger = createLogger({ level: config.logLevel });
  const logger = config.clock === undefined ? rootLogger : rootLogger.child({ clock: 'simulated' });
  const stopRequested = watchStopSignals(signals, logger, io);
  signals.on('uncaughtException', (error: unknown) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    io.exit(EXIT_FAILURE);
  });
  signals.on('unhandledRejection', (error: unknown) => {
    logger.fatal({ err: error }, 'unhandled promise rejection; exiting');
    io.exit(EXIT_FAILURE);
  });
  logger.info({ version: VERSION, config: describeConfig(config) }, 'idnode starting');

  const closers: Closer[] = [];
  try {
    await start(config, io, logger, closers);
  } catch (error) {
    const described = isIdnodeError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error }, `idnode failed to start: ${described}`);
    io.stderr(`error: idnode failed to start: ${described}\n`);
    await stop(closers, config, logger, io);
    return EXIT_FAILURE;
  }

  const signal = await stopRequested;
  logger.info({ signal }, 'stopping: no new connections; draining in-flight requests');
  const clean = await stop(closers, config, logger, io);
  if (clean && config.readyFile !== undefined) await removeReadyFile(config.readyFile);
  logger.info({ clean }, 'idnode stopped');
  return clean ? EXIT_OK : EXIT_FAILURE;
}

async function start(config: Config, io: CliIo, logger: Logger, closers: Closer[]): Promise<void> {
  // First of all, so that a second serve on the directory changes nothing (not even the first one's ready file).
  const lock = config.store === 'sqlite' ? lockDataDir(config.dataDir) : undefined;
  if (lock !== undefined) closers.push({ name: 'data directory lock', close: async () => lock.release() });
  if (config.readyFile !== undefined) await removeReadyFile(config.readyFile);
  // Read before anything opens, so an unreadable certificate fails the start without touching the store.
  const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };

  const store = await openStore(storeOptions(config));
  closers.push({ name: 'store', close: () => store.close() });
  // Created before the node, so that its store calls are timed.
  const metrics = new NodeMetrics();
  const node = await IdNode.create(config, { ...systemRuntime(config, configuredClock(config.clock)), store, logger, storeObserver: metrics.storeObserver });
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
  // Logged first, so that whoever sees the ready file finds the line already written. `url`: the REST one.
  logger.info({ url, frontEnds: addresses, readyFile: config.readyFile }, 'idnode ready');
  if (config.readyFile !== undefined) await writeReadyFile(config.readyFile, addresses);
}

/** Resolves with the first SIGTERM/SIGINT; a second one ends the process at once with code 1. */
function watchStopSignals(signals: EventEmitter, logger: Logger, io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.error({ signal }, 'second stop signal: exiting at once without finishing the shutdown');
        io.exit(EXIT_FAILURE);
        return;
      }
      received = true;
      resolve(signal);
    };
    signals.on('SIGTERM', onSignal);
    signals.on('SIGINT', onSignal);
  });
}

/**
 * Closes everything started, newest first, each even if an earlier one failed. Resolves with true when all
 * closed cleanly; past shutdownTimeoutMs it ends the process with code 1.
 */
async function stop(closers: Closer[], config: Config, logger: Logger, io: CliIo): Promise<boolean> {
  const timer = setTimeout(() => {
    logger.error({ shutdownTimeoutMs: config.shutdownTimeoutMs }, 'shutdown took longer than shutdownTimeoutMs: exiting at once');
    io.exit(EXIT_FAILURE);
  }, config.shutdownTimeoutMs);
  let clean = true;
  for (const closer of closers.reverse()) {
    try {
      await closer.close();
    } catch (error) {
      clean = false;
      logger.error({ err: error }, `closing the ${closer.name} failed`);
    }
  }
  clearTimeout(timer);
  return clean;
}
