import { EventEmitter } from 'node:events';
import type { Config } from '../../config/config.js';
import type { CliIo } from '../cli-io.js';
import { runServer } from '../run-server.js';
import { startNode } from '../serve.js';
import type { ForwardedWriter } from '../../store/sqlite/forwarded-writer.js';
import type { PeerChangeFeed, PrimaryChannel } from './peer-change-feed.js';
import type { WorkerMetrics } from './worker-metrics.js';
import type { WorkerStart } from './worker-messages.js';

/**
 * Runs one worker of `serve --workers N` until the primary says stop: the same lifecycle as a single process
 * (runServer, startNode) without what the primary holds for the node (the data-directory lock, the ready file).
 * On SQLite its store writes through `writer` (the primary's one writer) and is wrapped in the PeerChangeFeed;
 * PostgreSQL workers hear each other as replicas do (LISTEN/NOTIFY). The lead (worker 0) runs the node-wide singletons (NodeRole). Its /metrics answers every
 * worker's figures (WorkerMetrics). Resolves with the exit code.
 */
export function serveAsWorker(start: WorkerStart, io: CliIo, signals: EventEmitter, channel: PrimaryChannel, feed: PeerChangeFeed, metrics: WorkerMetrics, writer: ForwardedWriter | undefined): Promise<number> {
  const config: Config = withoutReadyFile(start.config);
  const role = { lead: start.lead, metrics, ...(config.store === 'sqlite' ? { wrapStore: feed.wrap.bind(feed), ...(writer === undefined ? {} : { sqliteWriter: writer }) } : {}) };
  return runServer(`idnode worker ${start.index}`, config, io, signals, async (logger, closers) => {
    const addresses = await startNode(config, io, logger.child({ worker: start.index }), closers, undefined, role);
    channel.send({ type: 'idnode:listening', addresses });
    return addresses;
  });
}

function withoutReadyFile(config: Config): Config {
  const { readyFile: _readyFile, ...rest } = config;
  return rest;
}

/**
 * The stop signals runServer hears in a worker: the primary's stop message, SIGTERM sent to the worker itself,
 * and the primary going away (a first time: stop and drain; while already stopping: the primary was ended by a
 * second signal or its shutdown timeout, so exit at once). SIGINT is ignored: a terminal's Ctrl-C reaches the
 * whole process group, and the primary, which got it too, decides. Uncaught errors are passed on.
 */
export function workerSignals(process: NodeJS.Process): EventEmitter {
  const signals = new EventEmitter();
  let stopping = false;
  const stop = () => {
    stopping = true;
    signals.emit('SIGTERM', 'SIGTERM');
  };
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {
    if (!stopping) stop();
  });
  process.on('message', (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type === 'idnode:stop' && !stopping) stop();
  });
  process.on('disconnect', () => {
    if (stopping) signals.emit('SIGTERM', 'SIGTERM');
    else stop();
  });
  // Before runServer listens (the start message not yet received) nothing would hear them: fail loudly.
  const pass = (event: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    if (signals.emit(event, error)) return;
    process.stderr.write(`error: idnode worker: ${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', pass('uncaughtException'));
  process.on('unhandledRejection', pass('unhandledRejection'));
  return signals;
}
