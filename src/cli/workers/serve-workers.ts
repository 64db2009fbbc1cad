import cluster, { type Worker } from 'node:cluster';
import type { EventEmitter } from 'node:events';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import { SQLITE_FILE_NAME, sqliteStoreOptions } from '../../store/open-store.js';
import type { DataDirLock } from '../../store/sqlite/data-dir-lock.js';
import { sqliteWriterRestartsSnapshot } from '../../metrics/sqlite-writer-restarts.js';
import { openSqliteWriter } from '../../store/sqlite/sqlite-open.js';
import type { SqliteWriter } from '../../store/sqlite/sqlite-writer.js';
import type { CliIo } from '../cli-io.js';
import { writeReadyFile } from '../ready-file.js';
import { runServer, type Closer } from '../run-server.js';
import { claimDataDir } from '../serve.js';
import { nextRestart, WORKER_RESTARTS } from '../../runtime/restart-backoff.js';
import { sqliteWriterLog } from '../sqlite-writer-log.js';
import { storeOptions } from '../store-options.js';
import { ChangeRelay } from './change-relay.js';
import { METRICS_GATHER_TIMEOUT_MS, MetricsGatherer } from './metrics-gatherer.js';
import { workerExecArgv } from './worker-heap.js';
import { isIdnodeMessage, type ToPrimary, type ToWorker } from './worker-messages.js';
import { WriteRelay } from './write-relay.js';

// The worker entry beside this module, compiled (.js) or, under the TypeScript loader the primary runs with
// (its execArgv, which workers inherit), as source (.ts).
const WORKER_ENTRY = fileURLToPath(new URL(`./worker-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** A write waits at most this long for a worker that does not confirm its invalidation (docs/architecture.md, "Workers"). */
export const INVALIDATION_TIMEOUT_MS = 1000;

/** The ready file's key listing the workers' pids, space-separated, lead first. */
export const READY_FILE_WORKERS_KEY = 'workers';

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  startedAt: number;
  crashes: number;
  restartTimer: NodeJS.Timeout | undefined;
}

/**
 * `idnode serve --workers N` with N > 1: this process is the primary. It holds what is held once per node
 * (the data-directory lock, the ready file; on SQLite the one writer, WriteRelay), forks N workers (node:cluster: they share each listening port;
 * each accepts from it itself unless accepts-per-turn is 1, round-robin then), relays cache
 * invalidations between them (ChangeRelay) and gathers every worker's figures for a /metrics scrape that
 * reached one of them (MetricsGatherer). Worker 0,
 * the lead, starts first, alone (it creates the signing key and issues the first-run credentials), the others
 * once it listens (all are forked at once, so they load their code meanwhile); the ready file is written when all N listen, with their pids under "workers".
 *
 * A worker that ends unasked is logged and replaced after a back-off (nextRestart); a replaced lead is lead
 * again. On SIGTERM/SIGINT every worker is told to stop and drains as a single process does; the primary ends
 * when all have ended (exit 1 if any did not stop cleanly). A second signal, or shutdown-timeout-ms passing,
 * ends the primary at once, and a stopping worker whose primary is gone exits at once too.
 */
export function serveWorkers(config: Config, workers: number, io: CliIo, signals: EventEmitter): Promise<number> {
  let lock: DataDirLock | undefined;
  return runServer(`idnode (${workers} workers)`, config, io, signals, (logger, closers) => startWorkers(config, workers, logger, closers, lock), claimDataDir(config, (held) => (lock = held)));
}

async function startWorkers(config: Config, count: number, logger: Logger, closers: Closer[], lock: DataDirLock | undefined): Promise<Readonly<Record<string, string>>> {
  // With accepts-per-turn > 1 every worker listens on the socket itself (node:cluster's SCHED_NONE) and, under
  // load, on copies of it (listenerCopies): round-robin hands a worker one connection per turn of that
  // worker, and under overload connections waited seconds in the primary for it (docs/overload.md,
  // "Accepting"). Set before the first fork.
  if (config.limits.acceptsPerTurn > 1) cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: WORKER_ENTRY, args: [], serialization: 'advanced', execArgv: workerExecArgv(process.execArgv, config.semiSpaceMb) });
  const relay = new ChangeRelay({
    timeoutMs: INVALIDATION_TIMEOUT_MS,
    onLate: (late, handles) => logger.warn({ workers: late, handles }, `a worker did not confirm a cache invalidation within ${INVALIDATION_TIMEOUT_MS} ms; the write is acknowledged anyway`),
  });
  const sqlite = openWriter(config, logger, closers, relay);
  const writes = sqlite?.relay;
  // Writes the writer thread ended without answering may have committed: no worker may keep serving from before.
  sqlite?.writer.onUnknownOutcomes(() => relay.everything());
  const gatherer = new MetricsGatherer({
    timeoutMs: METRICS_GATHER_TIMEOUT_MS,
    onLate: (late) => logger.warn({ workers: late }, `a worker did not send its metrics within ${METRICS_GATHER_TIMEOUT_MS} ms; the scrape sums the others`),
    ...(sqlite === undefined ? {} : { primary: () => sqliteWriterRestartsSnapshot(sqlite.writer.restarts) }),
  });
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ index, worker: undefined, startedAt: 0, crashes: 0, restartTimer: undefined }));
  let stopping = false;
  let started = false;
  let addresses: Readonly<Record<string, string>> = {};
  const exits = new Set<Promise<number | null>>();
  let cleanExits = true;

  const readyContent = () => ({ ...addresses, [READY_FILE_WORKERS_KEY]: slots.map((slot) => slot.worker?.process.pid ?? '').filter((pid) => pid !== '').join(' ') });

  /** Forks the slot's worker; resolves with its addresses once it listens, rejects if it ends first. */
  const fork = (slot: Slot): Promise<Readonly<Record<string, string>>> => {
    const worker = cluster.fork();
    slot.worker = worker;
    slot.startedAt = Date.now();
    const peer = { id: worker.id, index: slot.index, send: (message: ToWorker) => sendTo(worker, message) };
    let listened = false;
    const listening = new Promise<Readonly<Record<string, string>>>((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (!isIdnodeMessage(message)) return;
        const received = message as ToPrimary;
        if (received.type === 'idnode:hello') {
          // Forked just before the stop (its handler was not in place for the stop message): it ends unstarted.
          if (stopping) return peer.send({ type: 'idnode:stop' });
          relay.join(peer);
          // Every worker loads its code at once; the others start serving once the lead has (see below).
          const start = () => peer.send({ type: 'idnode:start', config, index: slot.index, lead: slot.index === 0 });
          if (slot.index === 0) start();
          else void leadListening.then(start, () => {});
        } else if (received.type === 'idnode:listening') {
          listened = true;
          gatherer.join(peer);
          resolve(received.addresses);
        } else if (received.type === 'idnode:writes') writes?.requests(peer, received);
        else if (received.type === 'idnode:invalidated') relay.invalidated(worker.id, received.id);
        else if (received.type === 'idnode:metrics-request') gatherer.request(peer, received.seq);
        else if (received.type === 'idnode:metrics-reply') gatherer.reply(worker.id, received);
      });
      const exited = new Promise<number | null>((resolveExit) => {
        worker.once('exit', (code, signal) => {
          relay.leave(worker.id);
          gatherer.leave(worker.id);
          writes?.leave(worker.id);
          if (slot.worker === worker) slot.worker = undefined;
          if (stopping && code !== 0) cleanExits = false;
          if (!listened) reject(new Error(`worker ${slot.index} (pid ${worker.process.pid}) ended before it listened (exit code ${code}, signal ${signal}); its error is above`));
          // A worker that listened and then ended unasked is replaced, and so is one whose restart failed; a
          // worker that ends before it first listened fails the start instead.
          if (!stopping && (listened || started)) replace(slot, worker, code, signal);
          resolveExit(code);
        });
      });
      exits.add(exited);
      void exited.then(() => exits.delete(exited));
    });
    return listening;
  };

  /** A worker ended unasked: log it and start its successor after the back-off. */
  const replace = (slot: Slot, worker: Worker, code: number | null, signal: string | null) => {
    const { crashes, delayMs } = nextRestart(WORKER_RESTARTS, slot.crashes, Date.now() - slot.startedAt);
    slot.crashes = crashes;
    logger.error({ worker: slot.index, pid: worker.process.pid, code, signal, crashesInARow: crashes, restartInMs: delayMs }, `worker ${slot.index} ended unasked; restarting it in ${delayMs} ms`);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (stopping) return;
      fork(slot).then(
        () => {
          logger.warn({ worker: slot.index, pid: slot.worker?.process.pid }, `worker ${slot.index} restarted`);
          if (config.readyFile === undefined || stopping || !started) return;
          writeReadyFile(config.readyFile, readyContent()).catch((error: unknown) => logger.error({ err: error }, 'rewriting the ready file with the new worker failed'));
        },
        // Its exit has already scheduled the next attempt (replace, through the exit handler).
        (error: unknown) => logger.error({ err: error, worker: slot.index }, `worker ${slot.index} failed to restart`),
      );
    }, delayMs);
  };

  closers.push({
    name: 'workers',
    close: async () => {
      stopping = true;
      for (const slot of slots) clearTimeout(slot.restartTimer);
      for (const slot of slots) if (slot.worker !== undefined) sendTo(slot.worker, { type: 'idnode:stop' });
      await Promise.all([...exits]);
      if (!cleanExits) throw new Error('a worker did not stop cleanly (exit code other than 0); see its log lines');
    },
  });

  // All forked at once, so that they load their code meanwhile; the lead starts first, alone (it creates the
  // signing key and issues the first-run credentials), the others when it listens.
  const [lead, ...others] = slots;
  const leadListening = fork(lead!);
  const othersListening = others.map((slot) => fork(slot));
  // A failed lead fails the start before these are awaited; they then end unstarted (the closer stops them).
  for (const listening of othersListening) listening.catch(() => {});
  addresses = await leadListening;
  await Promise.all(othersListening);
  started = true;
  lock?.describe(addresses);
  logger.info({ workers: slots.map((slot) => slot.worker?.process.pid) }, `${count} workers listening`);
  return readyContent();
}

/**
 * On SQLite: migrates the file and starts the node's one writer thread here, before any worker is forked (a
 * thread that ends unasked is logged and restarted: SqliteWriter, sqliteWriterLog), and relays every worker's writes to it (WriteRelay, which tells the other workers what each changed through
 * `changes`; docs/architecture.md, "Workers"). Its closer is pushed
 * before the workers', so it closes after they all ended (their last metering flush included).
 */
function openWriter(config: Config, logger: Logger, closers: Closer[], changes: ChangeRelay): { readonly writer: SqliteWriter; readonly relay: WriteRelay } | undefined {
  const options = storeOptions(config);
  if (options.store !== 'sqlite') return undefined;
  const writer = openSqliteWriter({ ...sqliteStoreOptions(options), writerThread: sqliteWriterLog(logger) });
  closers.push({ name: 'SQLite writer', close: () => writer.close() });
  logger.info({ file: join(options.dataDir, SQLITE_FILE_NAME) }, 'the SQLite writer runs in the primary process; every worker writes through it');
  return { writer, relay: new WriteRelay(writer, changes) };
}

/** Sends unless the worker's channel is already closed (it is ending: its exit handler does the rest). */
function sendTo(worker: Worker, message: ToWorker): void {
  if (!worker.isConnected()) return;
  worker.send(message, (error: Error | null) => {
    // A worker ending between the check and the send: its exit handler does the rest.
    void error;
  });
}
