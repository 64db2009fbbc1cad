import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { describeConfig, type Config } from '../config/config.js';
import { isIdnodeError } from '../core/errors/catalogue.js';
import { createLogger } from '../logging/create-logger.js';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from './cli-io.js';
import { removeReadyFile, writeReadyFile } from './ready-file.js';
import { VERSION } from '../version.js';

/** Something started that must be stopped on the way out, in reverse order of starting. */
export interface Closer {
  readonly name: string;
  close(): Promise<void>;
}

/**
 * Starts what `start` opens (pushing a closer for each, in order) and returns the addresses it serves (the
 * ready file's content). `idnode serve` and `idnode top` share everything else: the logger (every line says
 * `clock: simulated` on a set clock), signals, the start-up failure path, the ready file and the ordered stop.
 */
export type ServerStart = (logger: Logger, closers: Closer[]) => Promise<Readonly<Record<string, string>>>;

/**
 * Runs a server until SIGTERM or SIGINT. Start: `start`, then the ready file (one key per address). Stop:
 * every closer, newest first, each even if an earlier one failed; then the ready file is removed.
 *
 * Resolves with the exit code: 0 after a clean stop, 1 after a failed start or a failed stop. A second
 * signal, or a stop that takes longer than shutdownTimeoutMs, ends the process at once with 1 (io.exit).
 */
export async function runServer(what: string, config: Config, io: CliIo, signals: EventEmitter, start: ServerStart, claim?: (closers: Closer[]) => void): Promise<number> {
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
  logger.info({ version: VERSION, config: describeConfig(config) }, `${what} starting`);

  const closers: Closer[] = [];
  try {
    // What must be held before anything is touched (serve's data-directory lock); throws to refuse the start.
    claim?.(closers);
    if (config.readyFile !== undefined) await removeReadyFile(config.readyFile);
    const addresses = await start(logger, closers);
    // Logged first, so that whoever sees the ready file finds the line already written. `url`: the REST one.
    logger.info({ url: addresses['http'], frontEnds: addresses, readyFile: config.readyFile }, `${what} ready`);
    if (config.readyFile !== undefined) await writeReadyFile(config.readyFile, addresses);
  } catch (error) {
    const described = isIdnodeError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error }, `${what} failed to start: ${described}`);
    io.stderr(`error: ${what} failed to start: ${described}\n`);
    await stop(closers, config, logger, io);
    return EXIT_FAILURE;
  }

  const signal = await stopRequested;
  logger.info({ signal }, 'stopping: no new connections; draining in-flight requests');
  const clean = await stop(closers, config, logger, io);
  if (clean && config.readyFile !== undefined) await removeReadyFile(config.readyFile);
  logger.info({ clean }, `${what} stopped`);
  return clean ? EXIT_OK : EXIT_FAILURE;
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
