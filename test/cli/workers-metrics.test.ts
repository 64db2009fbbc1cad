import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { MetricsGatherer, type GathererPeer } from '../../src/cli/workers/metrics-gatherer.js';
import { WorkerMetrics } from '../../src/cli/workers/worker-metrics.js';
import type { MetricsGathered, ToPrimary, ToWorker } from '../../src/cli/workers/worker-messages.js';
import { aggregateWorkers, type MetricsSnapshot } from '../../src/metrics/aggregate-workers.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import { sqliteWriterRestartsSnapshot } from '../../src/metrics/sqlite-writer-restarts.js';
import { VERSION } from '../../src/version.js';
import { parseExposition } from '../helpers/prometheus-text.js';

// The parts of a node-wide /metrics scrape under serve --workers that need no process; the real processes are
// test/ops/serve-workers.test.ts.

const RESOLVE = 'frontend="rest",operation="resolve"';

function workerWith(resolutions: number, seconds: number): NodeMetrics {
  const metrics = new NodeMetrics();
  const recorder = metrics.requestRecorder('rest', 'resolve');
  for (let i = 0; i < resolutions; i++) recorder.record(seconds, 'ok');
  metrics.countObserver('resolution.cache-hit', '88.1', 'rest', resolutions);
  return metrics;
}

t.test('aggregateWorkers sums counters and histograms, keeps per-process metrics per worker, says who reported', async (t) => {
  const a = workerWith(3, 0.0002);
  const b = workerWith(4, 0.02);
  const { types, samples } = parseExposition(await aggregateWorkers([{ worker: 0, metrics: await a.snapshot() }, { worker: 1, metrics: await b.snapshot() }], 3).metrics());
  t.equal(samples.get(`idnode_request_duration_seconds_count{${RESOLVE}}`), 7);
  t.equal(samples.get(`idnode_request_duration_seconds_bucket{${RESOLVE},le="0.00025"}`), 3, 'buckets add up bucket by bucket');
  t.equal(samples.get(`idnode_request_duration_seconds_bucket{${RESOLVE},le="+Inf"}`), 7);
  t.ok(Math.abs(samples.get(`idnode_request_duration_seconds_sum{${RESOLVE}}`)! - (3 * 0.0002 + 4 * 0.02)) < 1e-9);
  t.equal(samples.get(`idnode_requests_total{${RESOLVE},outcome="ok"}`), 7);
  t.equal(samples.get('idnode_resolutions_total{kind="cache-hit",prefix="(other)",protocol="rest"}'), 7);
  t.equal(types.get('idnode_request_duration_seconds'), 'histogram');
  t.equal(types.get('idnode_requests_total'), 'counter');
  for (const [name, type] of types) {
    if (type === 'gauge' && !/^idnode_(process|nodejs)_/.test(name)) t.match(name, /_(seconds|bytes|ratio|info|entries|counts)$/, `${name}: a gauge names its unit`);
  }
  t.equal(samples.get(`idnode_build_info{version="${VERSION}"}`), 1, 'an info gauge is not doubled');
  t.equal(samples.get('idnode_cache_hit_ratio'), 0, 'the ratio is recomputed (no lookup here)');
  t.equal(samples.get('idnode_requests_in_flight_counts'), 0);
  t.equal(samples.get('idnode_metrics_workers_reporting_counts'), 2);
  t.equal(samples.get('idnode_metrics_workers_asked_counts'), 3);
  for (const worker of ['0', '1']) {
    t.ok(samples.has(`idnode_process_cpu_user_seconds_total{worker="${worker}"}`), `worker ${worker}'s CPU under its own label`);
    t.ok(samples.has(`idnode_nodejs_eventloop_lag_seconds{worker="${worker}"}`));
  }
  t.notOk(samples.has('idnode_process_cpu_user_seconds_total'), 'no unlabelled per-process series');
  t.ok([...samples.keys()].some((key) => key.startsWith('idnode_process_start_time_seconds{worker="1"}')), 'per-process metrics that prom-client would omit are kept per worker');
  const single = parseExposition((await a.exposition()).body).samples;
  t.ok(single.has('idnode_process_cpu_user_seconds_total'), 'a single process renders its own registry unchanged');
  t.notOk(single.has('idnode_metrics_workers_reporting_counts'));
});

t.test('the SQLite writer\'s restarts: a single process counts its own; under workers the primary\'s figure is summed with theirs', async (t) => {
  const single = new NodeMetrics();
  let restarts = 0;
  single.attachSqliteWriter(() => restarts);
  t.equal(parseExposition((await single.exposition()).body).samples.get('idnode_sqlite_writer_restarts_total'), 0);
  restarts = 2;
  t.equal(parseExposition((await single.exposition()).body).samples.get('idnode_sqlite_writer_restarts_total'), 2);

  const [a, b] = [workerWith(1, 0.001), workerWith(1, 0.001)];
  const snapshots = [{ worker: 0, metrics: await a.snapshot() }, { worker: 1, metrics: await b.snapshot() }];
  const { samples, types } = parseExposition(await aggregateWorkers(snapshots, 2, sqliteWriterRestartsSnapshot(3)).metrics());
  t.equal(samples.get('idnode_sqlite_writer_restarts_total'), 3, 'the workers\' own read 0: their writes are forwarded');
  t.equal(types.get('idnode_sqlite_writer_restarts_total'), 'counter');
  t.equal(samples.get('idnode_metrics_workers_reporting_counts'), 2, 'the primary is not counted as a worker');

  const gatherer = new MetricsGatherer({ timeoutMs: 1000, onLate: () => {}, primary: () => sqliteWriterRestartsSnapshot(5) });
  const asker = peer(21, 0);
  gatherer.join(asker);
  gatherer.request(asker, 1);
  gatherer.reply(asker.id, { type: 'idnode:metrics-reply', id: 1, metrics: [] });
  const gathered = asker.received[1] as MetricsGathered;
  t.same(gathered.primary?.map(({ name, values }) => [name, values[0]!.value]), [['idnode_sqlite_writer_restarts_total', 5]], 'the gatherer sends the primary\'s figures, read then');
});

t.test('NodeMetrics renders through `render` when given, cached as its own rendering is', async (t) => {
  let renders = 0;
  const metrics = new NodeMetrics({ expositionCacheMs: 1000, render: async () => `rendered ${++renders}\n` });
  t.equal((await metrics.exposition(0)).body, 'rendered 1\n');
  t.equal((await metrics.exposition(500)).body, 'rendered 1\n');
  t.equal((await metrics.exposition(1000)).body, 'rendered 2\n');
});

function peer(id: number, index: number): GathererPeer & { received: ToWorker[] } {
  const received: ToWorker[] = [];
  return { id, index, received, send: (message) => void received.push(message) };
}

t.test('the gatherer answers once every serving worker replied, left, or the timeout passed', async (t) => {
  const late: number[][] = [];
  const gatherer = new MetricsGatherer({ timeoutMs: 50, onLate: (workers) => late.push([...workers]) });
  const [a, b, c] = [peer(11, 0), peer(12, 1), peer(13, 2)];
  for (const p of [a, b, c]) gatherer.join(p);
  const snapshot = (index: number) => [{ name: `m${index}`, help: 'h', type: 'counter', values: [], aggregator: 'sum' }] as unknown as MetricsSnapshot;

  gatherer.request(b, 7);
  for (const p of [a, b, c]) t.same(p.received, [{ type: 'idnode:metrics-collect', id: 1 }], 'every serving worker is asked, the asking one too');
  gatherer.reply(c.id, { type: 'idnode:metrics-reply', id: 1, metrics: snapshot(2) });
  gatherer.reply(c.id, { type: 'idnode:metrics-reply', id: 1, metrics: snapshot(2) });
  gatherer.reply(a.id, { type: 'idnode:metrics-reply', id: 1, metrics: snapshot(0) });
  t.equal(b.received.length, 1, 'not answered while a worker is still to reply');
  gatherer.reply(b.id, { type: 'idnode:metrics-reply', id: 1, metrics: snapshot(1) });
  const gathered = b.received[1] as MetricsGathered;
  t.equal(gathered.type, 'idnode:metrics-gathered');
  t.equal(gathered.seq, 7);
  t.equal(gathered.asked, 3);
  t.same(gathered.snapshots.map(({ worker, metrics }) => [worker, metrics[0]!.name]), [[0, 'm0'], [1, 'm1'], [2, 'm2']], 'each once, in worker order');

  gatherer.request(a, 8);
  gatherer.reply(a.id, { type: 'idnode:metrics-reply', id: 2, metrics: snapshot(0) });
  gatherer.leave(c.id);
  t.equal(a.received.length, 2, 'a worker that left is not waited for');
  await sleep(120);
  t.same(late, [[1]], 'the worker that did not answer is named');
  const timedOut = a.received[2] as MetricsGathered;
  t.same([timedOut.seq, timedOut.asked, timedOut.snapshots.map(({ worker }) => worker)], [8, 3, [0]], 'the others are answered at the timeout');

  gatherer.request(b, 9);
  gatherer.leave(b.id);
  await sleep(120);
  t.equal(b.received.filter((message) => message.type === 'idnode:metrics-gathered').length, 1, 'nothing is answered to a worker that left');
});

t.test('a worker renders the gathered figures, answers collects with its own, and fails a scrape the primary does not answer', async (t) => {
  const sent: ToPrimary[] = [];
  let connected = true;
  const channel = { get connected() { return connected; }, send: (message: ToPrimary) => void sent.push(message) };
  const worker = new WorkerMetrics(channel, 100);
  const own = workerWith(2, 0.001);
  worker.receive({ type: 'idnode:metrics-collect', id: 5 });
  await sleep(10);
  t.same(sent, [{ type: 'idnode:metrics-reply', id: 5, metrics: [] }], 'before its node exists a worker has nothing to count');
  worker.serve(own);
  worker.receive({ type: 'idnode:metrics-collect', id: 6 });
  await sleep(10);
  const reply = sent[1] as Extract<ToPrimary, { type: 'idnode:metrics-reply' }>;
  t.equal(reply.id, 6);
  t.ok(reply.metrics.some((metric) => metric.name === 'idnode_request_duration_seconds'));

  const rendering = worker.render();
  t.same(sent[2], { type: 'idnode:metrics-request', seq: 1 });
  const other = await workerWith(5, 0.001).snapshot();
  worker.receive({ type: 'idnode:metrics-gathered', seq: 1, asked: 2, snapshots: [{ worker: 0, metrics: reply.metrics }, { worker: 1, metrics: other }] });
  t.equal(parseExposition(await rendering).samples.get(`idnode_request_duration_seconds_count{${RESOLVE}}`), 7);

  await t.rejects(worker.render(), /did not answer within 100 ms/);
  const cut = worker.render();
  worker.disconnected();
  await t.rejects(cut, /the primary process is gone/);
  connected = false;
  await t.rejects(worker.render(), /the primary process is gone/);
});
