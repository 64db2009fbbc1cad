/**
 * The entry of a worker process of `idnode serve --workers N` (forked by serve-workers.ts through node:cluster).
 * Says hello to the primary, then serves as the primary's WorkerStart says (serve-worker.ts).
 */
import { processIo } from '../cli-io.js';
import { PeerChangeFeed } from './peer-change-feed.js';
import { serveAsWorker, workerSignals } from './serve-worker.js';
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
const signals = workerSignals(process);

let started = false;
process.on('message', (message: unknown) => {
  if (!isIdnodeMessage(message)) return;
  const received = message as ToWorker;
  if (received.type === 'idnode:start') {
    started = true;
    void serveAsWorker(received, processIo, signals, channel, feed).then((code) => processIo.exit(code));
  } else if (received.type === 'idnode:stop') {
    // Told to stop before it started (the node stopped while this worker was being forked): nothing to drain.
    if (!started) processIo.exit(0);
  } else feed.receive(received);
});
process.on('disconnect', () => feed.disconnected());
channel.send({ type: 'idnode:hello' });
