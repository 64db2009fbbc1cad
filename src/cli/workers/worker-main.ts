/**
 * The entry of a worker process of `idnode serve --workers N` (forked by serve-workers.ts through node:cluster).
 * Says hello to the primary, then serves as the primary's WorkerStart says (serve-worker.ts).
 */
import { describeStoreLocation } from '../../store/open-store.js';
import { ForwardedWriter } from '../../store/sqlite/forwarded-writer.js';
import { processIo } from '../cli-io.js';
import { storeOptions } from '../store-options.js';
import { METRICS_GATHER_TIMEOUT_MS } from './metrics-gatherer.js';
import { PeerChangeFeed } from './peer-change-feed.js';
import { serveAsWorker, workerSignals } from './serve-worker.js';
import { WorkerMetrics } from './worker-metrics.js';
import { isIdnodeMessage, type ToPrimary, type ToWorker } from './worker-messages.js';

const channel = {
  get connected() {
    return process.connected;
  },
  send(message: ToPrimary) {
    // The primary gone between the check and the send: 'disconnect' does the rest.
    if (process.connected) process.send!(message, undefined, undefined, () => {});
  },
};
const feed = new PeerChangeFeed(channel);
// Longer than the primary's own wait for the workers, which always answers first while it runs.
const metrics = new WorkerMetrics(channel, 2 * METRICS_GATHER_TIMEOUT_MS);
const signals = workerSignals(process);

let started = false;
/** On SQLite, where this worker's writes go: the primary's one writer (WriteRelay there). */
let writer: ForwardedWriter | undefined;
process.on('message', (message: unknown) => {
  if (!isIdnodeMessage(message)) return;
  const received = message as ToWorker;
  if (received.type === 'idnode:start') {
    started = true;
    const { config } = received;
    if (config.store === 'sqlite') {
      writer = new ForwardedWriter((requests) => channel.send({ type: 'idnode:writes', requests }), describeStoreLocation(storeOptions(config)));
    }
    void serveAsWorker(received, processIo, signals, channel, feed, metrics, writer).then((code) => processIo.exit(code));
  } else if (received.type === 'idnode:written') {
    writer?.receive(received.replies);
  } else if (received.type === 'idnode:stop') {
    // Told to stop before it started (the node stopped while this worker was being forked): nothing to drain.
    if (!started) processIo.exit(0);
  } else {
    feed.receive(received);
    metrics.receive(received);
  }
});
process.on('disconnect', () => {
  writer?.disconnected();
  metrics.disconnected();
});
channel.send({ type: 'idnode:hello' });
