import t from 'tap';
import { type Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { systemClock, systemRandom } from '../../src/core/clock/clock.js';
import { firstRun } from '../../src/core/first-run.js';
import { IdNode } from '../../src/core/node.js';
import type { Store } from '../../src/core/store/store.js';
import { Admission } from '../../src/frontend/admission.js';
import { QueueDelay } from '../../src/frontend/queue-delay.js';
import { buildRestServer } from '../../src/rest/server.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { virtualRuntime } from '../helpers/virtual-runtime.js';

// Issue 17, "Overload: beyond capacity the node sheds with 503 + Retry-After while health answers within
// 100 ms". The node's capacity is made small on purpose, in process, so that "beyond capacity" does not depend
// on how fast this machine is or how loaded: every store lookup of an identifier takes `serviceMs` (waiting,
// or burning the CPU), and 16 clients ask at once in a closed loop — at least twice what the node can serve.
//
// Health within 100 ms is asserted on the median of the probes (one every 20 ms on a fresh connection, as a
// kubelet probes), not on each: on a 2-core machine shared with other test runs, any single probe may be
// delayed by the scheduler for reasons that have nothing to do with the node, but an overloaded node that
// queued its probes would push most of them, and so the median, far past 100 ms (without shedding the second
// case's probes wait for a whole backlog: 16 × 10 ms = 160 ms). Every probe must still answer 200.

const CLIENTS = 16;

interface Outcome {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
  readonly ms: number;
}

function get(agent: Agent | false, port: number, path: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, retryAfter: undefined, body: '', ms: performance.now() - started }));
    req.end();
  });
}

/** The store reads a resolution may make: the kept answer (the resolution path's) and the whole record. */
const LOOKUPS = new Set<PropertyKey>(['getHandle', 'getStoredAnswer']);

/**
 * A store whose identifier lookups take `serviceMs`: waited (I/O-bound) or burnt (CPU-bound, the loop blocked).
 * Like a networked store it has no synchronous read (readStoredAnswerNow), so every miss goes through the slow one.
 */
function slowStore(store: Store, serviceMs: number, mode: 'wait' | 'cpu', seen: { now: number; max: number }): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readStoredAnswerNow') return undefined;
      const value = Reflect.get(target, property, receiver) as unknown;
      if (!LOOKUPS.has(property) || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (handle: string) => {
        seen.max = Math.max(seen.max, ++seen.now);
        try {
          if (mode === 'wait') await new Promise((resolve) => setTimeout(resolve, serviceMs));
          else for (const until = performance.now() + serviceMs; performance.now() < until; );
          return (await (value as (handle: string) => Promise<unknown>).call(target, handle)) as never;
        } finally {
          seen.now--;
        }
      };
    },
  });
}

async function overloadedNode(t: Tap.Test, admission: Admission, serviceMs: number, mode: 'wait' | 'cpu') {
  const seen = { now: 0, max: 0 };
  const store = slowStore(openMemoryStore(), serviceMs, mode, seen);
  const node = await IdNode.create(TEST_CORE_CONFIG, { store, clock: systemClock, random: systemRandom, logger: pino({ level: 'silent' }), ...virtualRuntime() });
  await firstRun(node);
  const app = await buildRestServer(node, { logger: pino({ level: 'silent' }), bodyLimitBytes: 1 << 20, batchBodyLimitBytes: 8 << 20, allowRemoteCredentialsOverHttp: false, admission });
  const port = Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
  t.teardown(async () => {
    await app.close();
    await node.close();
  });
  // Warm: the first request down each path compiles it, which on a loaded machine is slower than the load.
  for (const path of ['/healthz', '/readyz', '/api/handles/88.999/warm', '/healthz', '/readyz']) await get(false, port, path);
  return { port, seen };
}

/**
 * The load: CLIENTS clients in a worker thread (their own event loop: the node's loop and its probes share this
 * one, the load must not), each resolving distinct identifiers (never cached) in a closed loop for `ms`; a
 * client told 503 waits RETRY_PAUSE_MS before asking again (a client honouring Retry-After, scaled down).
 * Plain JavaScript, so the worker needs no TypeScript loader.
 */
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { port, clients, ms, pauseMs } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const until = performance.now() + ms;
const answers = [];
let next = 0;
const get = (path) => new Promise((resolve) => {
  const started = performance.now();
  const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], body, ms: performance.now() - started }));
  });
  req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
  req.end();
});
Promise.all(Array.from({ length: clients }, async () => {
  while (performance.now() < until) {
    const answer = await get('/api/handles/88.999/slow-' + next++);
    answers.push(answer);
    if (answer.status === 503) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
})).then(() => { agent.destroy(); parentPort.postMessage(answers); });
`;
const RETRY_PAUSE_MS = 100;

/** The load for `ms`, /healthz and /readyz probed from this thread meanwhile. */
async function overload(port: number, ms: number, admission: Admission) {
  const shedBefore = admission.shed;
  const worker = new Worker(LOAD, { eval: true, workerData: { port, clients: CLIENTS, ms, pauseMs: RETRY_PAUSE_MS } });
  const answers = new Promise<Outcome[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const until = performance.now() + ms;
  const probes: Outcome[] = [];
  // Once the clients have filled the node.
  await new Promise((resolve) => setTimeout(resolve, 300));
  while (performance.now() < until) {
    probes.push(await get(false, port, probes.length % 2 === 0 ? '/healthz' : '/readyz'));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const result = { answers: await answers, shed: admission.shed - shedBefore, probes, probeMedianMs: [...probes.map((probe) => probe.ms)].sort((a, b) => a - b)[Math.floor(probes.length / 2)]! };
  await worker.terminate();
  return result;
}

function assertShedding(t: Tap.Test, run: Awaited<ReturnType<typeof overload>>) {
  const shed = run.answers.filter((answer) => answer.status === 503);
  const served = run.answers.filter((answer) => answer.status === 404);
  t.ok(shed.length > 0 && served.length > 0, `beyond capacity some are shed, some served (${shed.length} shed, ${served.length} served)`);
  t.equal(run.answers.length, shed.length + served.length, 'every answer is served (404: these identifiers do not exist) or shed (503)');
  t.ok(shed.every((answer) => answer.retryAfter === '1'), 'every 503 carries Retry-After: 1');
  t.ok(shed.every((answer) => JSON.parse(answer.body).code === 'NODE_BUSY' && JSON.parse(answer.body).responseCode === 3), 'every 503 is NODE_BUSY, Handle code 3');
  t.equal(run.shed, shed.length, 'each is counted');
  t.ok(run.probes.length >= 10, `health probed throughout (${run.probes.length} probes)`);
  t.ok(run.probes.every((probe) => probe.status === 200), '/healthz and /readyz always answer 200');
  t.ok(run.probeMedianMs < 100, `health answers within 100 ms (median of ${run.probes.length} probes: ${run.probeMedianMs.toFixed(1)} ms)`);
}

t.test('beyond max-in-flight (a slow store: 4 at once, 40 ms each): shed with 503 + Retry-After, the store never sees more than 4, health answers', async (t) => {
  // With the queueing-delay controller as serve wires it (a tighter target than the default 50 ms, so that the
  // probes' margin under 100 ms does not hang on this machine's load): the node sheds on either.
  const queue = new QueueDelay({ targetMs: 20, intervalMs: 50, maxMs: 100 });
  queue.start();
  t.teardown(() => queue.stop());
  const admission = new Admission(4, queue);
  const { port, seen } = await overloadedNode(t, admission, 40, 'wait');
  const run = await overload(port, 2000, admission);
  assertShedding(t, run);
  t.ok(seen.max <= 4, `the store served at most max-in-flight lookups at once (${seen.max})`);
  t.equal(admission.current, 0, 'every slot released');
});

t.test('a standing queue (CPU-bound lookups, 10 ms each, the loop blocked): shed on queueing delay with 503 + Retry-After, health answers', async (t) => {
  // max-in-flight is never reached here (each lookup blocks the loop: one is in flight at a time); the queue
  // is in the sockets, and only the queueing delay (QueueDelay) sees it.
  const queue = new QueueDelay({ targetMs: 20, intervalMs: 20, maxMs: 60 });
  queue.start();
  t.teardown(() => queue.stop());
  const admission = new Admission(1000, queue);
  await overloadedNode(t, admission, 10, 'cpu').then(async ({ port }) => assertShedding(t, await overload(port, 2000, admission)));
});
