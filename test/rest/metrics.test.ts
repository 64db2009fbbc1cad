import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { systemClock, systemRandom } from '../../src/core/clock/clock.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { firstRun } from '../../src/core/first-run.js';
import { IdNode } from '../../src/core/node.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import { buildRestServer } from '../../src/rest/server.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { send } from '../helpers/http.js';
import { parseExposition as parse } from '../helpers/prometheus-text.js';
import { basic, TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { virtualRuntime } from '../helpers/virtual-runtime.js';

t.test('/metrics: idnode_* names with units, request and store latency, cache, metering, process', async (t) => {
  const store = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite') });
  const metrics = new NodeMetrics();
  const time = new ManualScheduler();
  // A long flush interval, so that the counts are still pending when /metrics is read.
  const node = await IdNode.create(
    { ...TEST_CORE_CONFIG, meteringFlushIntervalMs: 600_000 },
    { store, clock: systemClock, random: systemRandom, logger: pino({ level: 'silent' }), storeObserver: metrics.storeObserver, countObserver: metrics.countObserver, ...virtualRuntime(time) },
  );
  const credentials = (await firstRun(node))!;
  const app = await buildRestServer(node, { logger: pino({ level: 'silent' }), bodyLimitBytes: 1 << 20, batchBodyLimitBytes: 8 << 20, allowRemoteCredentialsOverHttp: false, metrics });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await app.close();
    await node.close();
    await store.close();
  });
  const demo = credentials.demoEnterprise;
  const handle = `${url}/api/handles/${demo.prefix}/M-1`;
  t.equal((await send(handle, { method: 'PUT', headers: { authorization: basic(demo.id, demo.secret) }, json: { values: [{ index: 1, type: 'URL', data: 'x' }] } })).status, 201);
  for (let i = 0; i < 5; i++) t.equal((await send(handle)).status, 200);
  t.equal((await send(`${url}/api/handles/${demo.prefix}/MISSING`)).status, 404);
  await time.advance(1_500);

  const response = await fetch(`${url}/metrics`);
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const { types, samples } = parse(await response.text());

  for (const [name, type] of types) {
    t.match(name, /^idnode_[a-z][a-z0-9_]*$/, `${name}: idnode_ prefix, snake case`);
    if (type === 'counter') t.match(name, /_total$/, `${name}: a counter ends in _total`);
    if (type === 'histogram') t.match(name, /_(seconds|bytes)$/, `${name}: a histogram names its unit`);
    // Our own gauges name their unit; process and Node.js metrics are prom-client's standard ones.
    if (type === 'gauge' && !/^idnode_(process|nodejs)_/.test(name)) t.match(name, /_(seconds|bytes|ratio|info|entries|counts)$/, `${name}: a gauge names its unit`);
  }
  const expectedTypes: Record<string, string> = {
    idnode_requests_total: 'counter',
    idnode_request_duration_seconds: 'histogram',
    idnode_store_operation_duration_seconds: 'histogram',
    idnode_store_errors_total: 'counter',
    idnode_cache_hit_ratio: 'gauge',
    idnode_cache_entries: 'gauge',
    idnode_cache_size_bytes: 'gauge',
    idnode_cache_hits_total: 'counter',
    idnode_cache_misses_total: 'counter',
    idnode_metering_flush_lag_seconds: 'gauge',
    idnode_metering_pending_counts: 'gauge',
    idnode_metering_flushes_total: 'counter',
    idnode_metering_flush_failures_total: 'counter',
    idnode_clock_info: 'gauge',
    idnode_build_info: 'gauge',
    idnode_process_cpu_user_seconds_total: 'counter',
    idnode_process_resident_memory_bytes: 'gauge',
    idnode_nodejs_eventloop_lag_seconds: 'gauge',
  };
  for (const [name, type] of Object.entries(expectedTypes)) t.equal(types.get(name), type, name);

  const resolve = 'frontend="rest",operation="resolve"';
  t.equal(samples.get(`idnode_requests_total{${resolve},outcome="ok"}`), 5);
  t.equal(samples.get(`idnode_requests_total{${resolve},outcome="client_error"}`), 1);
  t.equal(samples.get(`idnode_request_duration_seconds_count{${resolve}}`), 6);
  t.equal(samples.get(`idnode_request_duration_seconds_bucket{${resolve},le="+Inf"}`), 6);
  t.ok(samples.get(`idnode_request_duration_seconds_sum{${resolve}}`)! > 0);
  t.equal(samples.get('idnode_requests_total{frontend="rest",operation="write",outcome="ok"}'), 1);
  const stats = node.cache.stats();
  t.equal(samples.get('idnode_cache_hit_ratio'), stats.hits / (stats.hits + stats.misses));
  t.equal(samples.get('idnode_cache_entries'), stats.entries);
  t.equal(samples.get('idnode_cache_size_bytes'), stats.bytes);
  t.equal(samples.get('idnode_cache_hits_total'), stats.hits);
  t.ok(samples.get('idnode_store_operation_duration_seconds_count{operation="getStoredAnswer"}')! >= 2, 'store reads of the resolution path timed');
  t.ok(samples.get('idnode_store_operation_duration_seconds_count{operation="applyWrites"}')! >= 1, 'store writes timed');
  t.equal(samples.get('idnode_store_errors_total{operation="getStoredAnswer"}'), 0);
  t.ok(samples.get('idnode_metering_pending_counts')! >= 6, 'resolutions not flushed yet');
  t.equal(samples.get('idnode_metering_flush_lag_seconds'), 1.5, 'the oldest pending count is as old as the time advanced since');
  t.equal(samples.get('idnode_clock_info{mode="system",rate="1"}'), 1);

  await node.metering.flushNow();
  const after = parse(await (await fetch(`${url}/metrics`)).text()).samples;
  t.equal(after.get('idnode_metering_pending_counts'), 0);
  t.equal(after.get('idnode_metering_flush_lag_seconds'), 0);
  t.ok(after.get('idnode_metering_flushes_total')! >= 1);
});
