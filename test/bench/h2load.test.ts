import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { grpcOutcome, parseH2loadSummary, readH2loadLog } from '../../bench/lib/h2load-output.js';
import { LatencyRecorder } from '../../bench/lib/stats.js';

// What h2load 1.52 prints at the end of a timed run (progress lines above it trimmed).
const SUMMARY = `finished in 750.12ms, 10770.00 req/s, 483.93KB/s
requests: 21540 total, 21550 started, 21540 done, 21530 succeeded, 10 failed, 0 errored, 0 timeout
status codes: 21530 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 967.87KB (991096) total, 105.31KB (107836) headers (space savings 96.40%), 252.42KB (258480) data
                     min         max         mean         sd        +/- sd
time for request:      220us     43.40ms       914us      2.72ms    95.03%
`;

t.test("h2load's summary", async (t) => {
  const summary = parseH2loadSummary(SUMMARY);
  t.same(summary, { finishedSec: 0.75012, started: 21550, done: 21540, succeeded: 21530, failed: 10, errored: 0, timeout: 0, dataBytes: 258480 });
  t.equal(parseH2loadSummary(SUMMARY.replace('750.12ms', '2.00s')).finishedSec, 2);
  t.throws(() => parseH2loadSummary('starting benchmark...\n'), { code: 'INTERNAL_ERROR' });
});

t.test("h2load's per-request log", async (t) => {
  const latencies = new LatencyRecorder();
  const byStatus = readH2loadLog('1795317799380156\t200\t1500\n1795317799380158\t200\t2500\n1795317799380159\t-1\t0\n', latencies);
  t.same([...byStatus], [[200, 2], [-1, 1]]);
  t.equal(latencies.count, 2, 'failed streams have no latency');
  t.equal(latencies.summary().maxMs, 2.5);
  t.throws(() => readH2loadLog('x\n', latencies), { code: 'INTERNAL_ERROR' });
});

t.test('gRPC answers told apart by their DATA bytes', async (t) => {
  t.same(grpcOutcome(100, 0, 100 * 12, 12), { answered: 100, failed: 0 });
  t.same(grpcOutcome(100, 0, 97 * 12, 12), { answered: 97, failed: 3 }, 'an error status carries no DATA');
  t.same(grpcOutcome(100, 10, 104 * 12, 12), { answered: 100, failed: 0 }, 'DATA of streams still in flight at the end');
  t.throws(() => grpcOutcome(100, 0, 100 * 12 + 1, 12), { code: 'INTERNAL_ERROR' }, 'an answer of another size');
  t.throws(() => grpcOutcome(100, 10, 111 * 12, 12), { code: 'INTERNAL_ERROR' }, 'more answers than streams');
});

// The driver itself: h2load comes from Debian (apt-get install nghttp2-client; .ci/run installs it). The bench
// falls back to a grpc-js client without it, but the driver must be tested, so here its absence fails.
t.test('an h2load run against a grpc-js server', async (t) => {
  if (spawnSync('h2load', ['--version']).status !== 0) throw new Error('h2load is not installed: apt-get install -y nghttp2-client');
  const { findH2load, h2loadVersion, runH2load } = await import('../../bench/lib/h2load-load.js');
  const { resolveRequestFrame, RESOLVE_PATH } = await import('../../bench/lib/grpc-frame.js');
  const { GRPC_HEADERS, probeResolution } = await import('../../bench/lib/grpc-probe.js');
  const { UNPINNED } = await import('../../bench/lib/pinning.js');
  const { KNOWN, startResolverStub } = await import('../helpers/resolver-stub.js');
  const stub = await startResolverStub();
  const dir = mkdtempSync(join(tmpdir(), 'idnode-h2load-'));
  t.teardown(async () => {
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const h2load = findH2load()!;
  t.match(h2loadVersion(h2load), /^h2load nghttp2\//);
  const answerBytes = await probeResolution(stub.address, KNOWN);
  const common = { h2load, url: `http://${stub.address}${RESOLVE_PATH}`, headers: GRPC_HEADERS, clients: 1, streams: 4, answerBytes, pinning: UNPINNED };

  const counted = await runH2load({ ...common, body: resolveRequestFrame(KNOWN), amount: 200, maxSec: 30, workFiles: join(dir, 'ok') });
  t.equal(counted.ops, 200);
  t.equal(counted.unexpected, 0);
  t.equal(counted.statuses['0'], 200);
  t.equal(counted.latency.count, 200);
  t.ok(counted.generatorCpuShare >= 0 && counted.generatorWaitShare >= 0);

  const timed = await runH2load({ ...common, body: resolveRequestFrame(KNOWN), durationSec: 0.3, maxSec: 30, workFiles: join(dir, 'timed') });
  t.ok(timed.ops > 0);
  t.equal(timed.unexpected, 0);
  t.ok(timed.wallSec > 0.25 && timed.wallSec < 1, `h2load's own window (${timed.wallSec} s)`);

  const missing = await runH2load({ ...common, body: resolveRequestFrame('88.999.1/NOPE'), amount: 50, maxSec: 30, workFiles: join(dir, 'missing') });
  t.equal(missing.ops, 50);
  t.equal(missing.unexpected, 50, 'HTTP 200 with grpc-status 5 counts as unexpected');

  const cut = await runH2load({ ...common, body: resolveRequestFrame(KNOWN), amount: 100_000_000, maxSec: 0.3, workFiles: join(dir, 'cut') });
  t.ok(cut.wallSec >= 0.3 && cut.wallSec < 5, 'stopped at maxSec');
  t.equal(cut.unexpected, 0, 'read from the log as far as it was written');

  await t.rejects(runH2load({ ...common, body: Buffer.alloc(0), amount: 1, durationSec: 1, maxSec: 1, workFiles: join(dir, 'x') }), { code: 'CONFIG_INVALID' });
});
