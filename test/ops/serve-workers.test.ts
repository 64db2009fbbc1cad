import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import t from 'tap';
import { addDays } from '../../src/core/clock/calendar-day.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { eventually } from '../helpers/eventually.js';
import { fresh } from '../helpers/fresh-request.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { parseExposition } from '../helpers/prometheus-text.js';
import { logLines, startSlowPut, waitFor } from '../cli/serve-helpers.js';

// One node of two workers on one SQLite file, started once and used by every subtest in turn (the last one
// stops it). Each request below is sent on a connection of its own: node:cluster hands connections to the
// workers in turn, so consecutive requests alternate between them.

/** Each worker flushes its counts this often (the default is 1 s; the waits below are for flushes). */
const FLUSH_INTERVAL_MS = 200;
/** Longer than one metering flush interval of every worker, with room for a loaded machine. */
const FLUSH_WAIT_MS = 1000;

// Real processes, each compiling the sources as it starts: on this loaded 2-core machine a node of two workers
// takes one to three minutes to be ready, over the suite's 120 s per file.
t.setTimeout(600_000);

const valuesOf = (text: string) => ({ values: [{ index: 1, type: 'URL', data: { format: 'string', value: `https://example.org/${text}` } }] });

function readyFile(file: string): Record<string, string> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

function workerPids(file: string): number[] {
  return (readyFile(file)['workers'] ?? '').split(' ').filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('serve --workers 2 on SQLite', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  // metrics-cache-ms 0: each scrape below is rendered afresh (with the default, a worker re-serves its last
  // rendering for a second). cache-admission always: an identifier is cached at its first miss, so each
  // worker misses a new one exactly once (the /metrics subtest counts on it; the second-sight doorkeeper is a
  // probabilistic filter). Metering flushes every FLUSH_INTERVAL_MS: the waits below are for flushes.
  // health-port on: the lead worker binds it (test/rest/health-listener.test.ts tests the listener itself).
  const node = await spawnNode({
    dataDir,
    t,
    args: ['--workers', '2', '--health-port', '0'],
    env: { IDNODE_METERING_FLUSH_INTERVAL_MS: String(FLUSH_INTERVAL_MS), IDNODE_METRICS_CACHE_MS: '0', IDNODE_CACHE_ADMISSION: 'always', IDNODE_SEMI_SPACE_MB: '16' },
    logLevel: 'info',
    readyTimeoutMs: 300_000,
  });
  const demo = firstRunCredentials(node.stderr())!;
  t.ok(demo, 'the first-run credentials are printed once, by the lead worker');
  t.equal(node.stderr().split('idnode first run: credentials issued').length - 1, 1, 'exactly once');
  const enterprise = basic(demo.demo.id, demo.demo.secret);
  const operator = basic(demo.operator.id, demo.operator.secret);
  const handleUrl = (suffix: string) => `${node.url}/api/handles/88.999.DEMO/${suffix}`;

  t.test('the ready file is written once both listen, and names both workers', async (t) => {
    const pids = workerPids(node.readyFile);
    t.equal(pids.length, 2);
    t.not(pids[0], pids[1]);
    t.ok(pids.every(alive), 'both are running');
    t.notOk(pids.includes(node.process.pid!), 'workers are processes of their own');
    const listening = logLines(node.stdout()).filter((line) => String(line['msg']).match(/^idnode worker \d ready$/));
    t.equal(listening.length, 2, 'each worker logged that it is ready');
  });

  t.test('the lead binds the health port once, and it answers', async (t) => {
    const ready = readyFile(node.readyFile);
    t.match(ready['health'], /^http:\/\/127\.0\.0\.1:\d+$/, 'the ready file names the health listener');
    t.not(ready['health'], ready['http'], 'on a port of its own');
    t.same(await fresh('GET', `${ready['health']}/healthz`), { status: 200, body: '{"status":"ok"}' });
  });

  t.test('one writer, the primary\'s: concurrent PUTs through both workers all succeed and read back from both', async (t) => {
    // The primary opened the writer before forking; each worker's store forwards its writes to it instead of
    // starting a writer thread of its own (each says so as it opens the store, from the store's own report).
    const lines = logLines(node.stdout());
    const primaryWriter = lines.filter((line) => line['msg'] === 'the SQLite writer runs in the primary process; every worker writes through it');
    t.same(primaryWriter.map((line) => line['pid']), [node.process.pid], 'the primary holds the one writer');
    const forwarded = lines.filter((line) => line['msg'] === 'SQLite writes go to the primary process\'s writer');
    t.same(forwarded.map((line) => line['sqliteWriter']), ['forwarded', 'forwarded']);
    t.same(forwarded.map((line) => Number(line['pid'])).sort(), [...workerPids(node.readyFile)].sort(), 'both workers forward theirs');
    const COUNT = 64;
    // All at once, each on a connection of its own: both workers take some, and their writes meet at the writer.
    const created = await Promise.all(
      Array.from({ length: COUNT }, (_, k) => fresh('PUT', handleUrl(`together-${k}`), { authorization: enterprise, json: valuesOf(`together-${k}`) })),
    );
    t.same(created.map((reply) => reply.status), Array.from({ length: COUNT }, () => 201), `all ${COUNT} created`);
    // Each read twice, on fresh connections, eight at a time: both workers read them back.
    let wrong = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let k = client; k < 2 * COUNT; k += 8) {
          const reply = await fresh('GET', handleUrl(`together-${k % COUNT}`));
          if (reply.status !== 200 || !reply.body.includes(`https://example.org/together-${k % COUNT}"`)) wrong++;
        }
      }),
    );
    t.equal(wrong, 0, 'every one read back');
  });

  t.test('each worker is started with the young generation of semi-space-mb; the primary is not', async (t) => {
    const argsOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const pid of workerPids(node.readyFile)) {
      const args = argsOf(pid);
      t.ok(args.includes('--min-semi-space-size=16') && args.includes('--max-semi-space-size=16'), `worker ${pid}: ${args.join(' ')}`);
    }
    t.notOk(argsOf(node.process.pid!).some((arg) => arg.includes('semi-space')), 'the primary runs as it was started');
  });

  t.test('a write through one worker is never served stale by the other once acknowledged', async (t) => {
    // Strict: a write is acknowledged only after every other worker dropped the handle (PeerChangeFeed), so
    // the documented invalidation delay after the acknowledgement is zero and reads follow at once.
    const ROUNDS = 12;
    const READS = 6;
    t.equal((await fresh('PUT', handleUrl('shared'), { authorization: enterprise, json: valuesOf('v0') })).status, 201);
    let stale = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      // Both workers hold the previous value in their caches (alternating connections reach both).
      for (let i = 0; i < 4; i++) t.match((await fresh('GET', handleUrl('shared'))).body, `v${round - 1}`);
      t.equal((await fresh('PUT', handleUrl('shared'), { authorization: enterprise, json: valuesOf(`v${round}`) })).status, 200);
      for (let i = 0; i < READS; i++) if (!(await fresh('GET', handleUrl('shared'))).body.includes(`https://example.org/v${round}"`)) stale++;
    }
    t.equal(stale, 0, `no stale read among ${ROUNDS * READS} reads right after acknowledged writes`);
    const deleted = await fresh('DELETE', handleUrl('shared'), { authorization: enterprise });
    t.equal(deleted.status, 200);
    for (let i = 0; i < 4; i++) t.equal((await fresh('GET', handleUrl('shared'))).status, 404, 'a delete is seen at once by both');
  });

  t.test('metering adds up across workers, to the unit', async (t) => {
    const meteringDay = new MeteringDay('Asia/Shanghai');
    const today = meteringDay.dayOf(Date.now());
    const totals = async () => {
      const reply = await fresh('GET', `${node.url}/api/v1/metering/totals?from=${addDays(today, -1)}&to=${addDays(today, 1)}&prefix=88.999.DEMO`, { authorization: operator });
      return (JSON.parse(reply.body) as { totals: { resolutions: number; registrations: number; resolutionNotFound: number } }).totals;
    };
    // Settled first: the counts of the earlier subtests' requests reach the store with each worker's next flush.
    let before = await totals();
    for (;;) {
      await sleep(FLUSH_WAIT_MS);
      const again = await totals();
      if (JSON.stringify(again) === JSON.stringify(before)) break;
      before = again;
    }
    const REGISTRATIONS = 20;
    const RESOLUTIONS = 150;
    for (let i = 0; i < REGISTRATIONS; i++) t.equal((await fresh('PUT', handleUrl(`metered-${i}`), { authorization: enterprise, json: valuesOf(`m${i}`) })).status, 201);
    let notFound = 0;
    // Eight clients at once, every request on its own connection: both workers count.
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let i = client; i < RESOLUTIONS; i += 8) {
          const reply = await fresh('GET', handleUrl(i % 5 === 0 ? `absent-${i}` : `metered-${i % REGISTRATIONS}`));
          if (reply.status === 404) notFound++;
          else t.equal(reply.status, 200);
        }
      }),
    );
    t.equal(notFound, RESOLUTIONS / 5);
    const expected = (now: Awaited<ReturnType<typeof totals>>) =>
      now.resolutions === before.resolutions + RESOLUTIONS && now.registrations === before.registrations + REGISTRATIONS && now.resolutionNotFound === before.resolutionNotFound + notFound;
    let last = before;
    // Each worker flushes its own counts every metering-flush-interval-ms.
    await eventually(async () => expected((last = await totals())), 'the metered figures to add up', 15_000, 200).catch(() => {});
    await sleep(FLUSH_WAIT_MS);
    last = await totals();
    t.ok(expected(last), `still exact after further flushes: ${JSON.stringify(last)} against ${JSON.stringify(before)} + ${RESOLUTIONS} resolutions, ${REGISTRATIONS} registrations`);
  });

  t.test('a /metrics scrape, whichever worker it reaches, answers both workers\' figures summed', async (t) => {
    const RESOLVE = 'idnode_request_duration_seconds_count{frontend="rest",operation="resolve"}';
    const RESOLVED_OK = 'idnode_requests_total{frontend="rest",operation="resolve",outcome="ok"}';
    const MISSES = 'idnode_cache_misses_total';
    const scrape = async () => {
      const reply = await fresh('GET', `${node.url}/metrics`);
      t.equal(reply.status, 200, 'scraped');
      return parseExposition(reply.body).samples;
    };
    // A new identifier: the write drops it from every cache, so each worker's first resolution of it misses its
    // own cache, and the summed misses since the write count the workers that have served it.
    t.equal((await fresh('PUT', handleUrl('metrics-probe'), { authorization: enterprise, json: valuesOf('probe') })).status, 201);
    // Settled: a request is recorded just after its answer is sent, so the earlier subtests' last ones may trail.
    let before = await scrape();
    for (;;) {
      await sleep(200);
      const again = await scrape();
      if (again.get(RESOLVE) === before.get(RESOLVE) && again.get(MISSES) === before.get(MISSES)) break;
      before = again;
    }
    // Connections go to whichever worker accepts them first: send until both have served some. One at a time, so
    // that each worker misses once (its first answer fills its cache before it is sent), not once per
    // concurrent first request.
    let sent = 0;
    const servedBy = async () => (await scrape()).get(MISSES)! - before.get(MISSES)!;
    while (sent < 400 && (sent < 40 || (await servedBy()) < 2)) {
      t.equal((await fresh('GET', handleUrl('metrics-probe'))).status, 200);
      sent++;
    }
    const expected = before.get(RESOLVE)! + sent;
    await eventually(async () => (await scrape()).get(RESOLVE) === expected, `the scraped resolutions to reach ${expected}`, 10_000, 100);
    // Neither worker served all of them, so one worker's own figures could not show these totals.
    for (let i = 0; i < 8; i++) {
      const samples = await scrape();
      t.equal(samples.get(MISSES)! - before.get(MISSES)!, 2, 'both workers served some (each missed the probe once)');
      t.equal(samples.get(RESOLVE), expected, `scrape ${i + 1}: all ${sent} resolutions counted`);
      t.equal(samples.get(RESOLVED_OK), before.get(RESOLVED_OK)! + sent);
      t.equal(samples.get('idnode_metrics_workers_reporting_counts'), 2);
      t.equal(samples.get('idnode_metrics_workers_asked_counts'), 2);
      t.equal(samples.get('idnode_sqlite_writer_restarts_total'), 0, 'present, and 0: the primary\'s writer did not restart');
      const hits = samples.get('idnode_cache_hits_total')!;
      t.equal(samples.get('idnode_cache_hit_ratio'), hits / (hits + samples.get(MISSES)!), 'the hit ratio of the summed lookups');
      t.ok(samples.has('idnode_process_resident_memory_bytes{worker="0"}') && samples.has('idnode_process_resident_memory_bytes{worker="1"}'), 'per-process figures per worker');
    }
  });

  t.test('a killed worker is replaced and no acknowledged write is lost', async (t) => {
    const [, victim] = workerPids(node.readyFile);
    const acknowledged: string[] = [];
    let failed = 0;
    let writing = true;
    t.teardown(() => void (writing = false));
    const writers = Array.from({ length: 4 }, async (_, client) => {
      for (let i = 0; writing; i++) {
        const suffix = `kill-${client}-${i}`;
        try {
          const reply = await fresh('PUT', handleUrl(suffix), { authorization: enterprise, json: valuesOf(suffix) });
          if (reply.status === 201) acknowledged.push(suffix);
          else failed++;
        } catch {
          failed++; // the killed worker's connections: never acknowledged
        }
        // Paced, so that the replacement's start (slow on a loaded machine) does not pile up thousands to check.
        await sleep(20);
      }
    });
    await eventually(() => acknowledged.length >= 20, 'some writes acknowledged', 30_000);
    process.kill(victim!, 'SIGKILL');
    await eventually(() => !alive(victim!), 'the worker to die', 10_000);
    await eventually(() => {
      const pids = workerPids(node.readyFile);
      return pids.length === 2 && !pids.includes(victim!) && pids.every(alive);
    }, 'a replacement worker named in the ready file', 120_000, 100);
    const afterRestart = acknowledged.length;
    await eventually(() => acknowledged.length >= afterRestart + 20, 'writes acknowledged after the restart', 30_000);
    writing = false;
    await Promise.all(writers);
    t.ok(logLines(node.stdout()).some((line) => line['level'] === 50 && String(line['msg']).startsWith('worker 1 ended unasked; restarting it in')), 'the crash is logged');
    let missing = 0;
    for (const suffix of acknowledged) {
      const reply = await fresh('GET', handleUrl(suffix));
      if (reply.status !== 200 || !reply.body.includes(`https://example.org/${suffix}"`)) missing++;
    }
    t.equal(missing, 0, `all ${acknowledged.length} acknowledged writes are there (${failed} refused or cut by the kill)`);
  });

  t.test('SIGTERM drains every worker, then the primary exits 0 and removes the ready file', async (t) => {
    const pids = workerPids(node.readyFile);
    const inFlight = await startSlowPut(node.url, enterprise);
    node.process.kill('SIGTERM');
    await waitFor(() => logLines(node.stdout()).filter((line) => line['msg'] === 'stopping: no new connections; draining in-flight requests').length >= 3, 'the primary and both workers to start stopping');
    t.equal(await inFlight.finish(), 201, 'the in-flight request completes');
    t.same(await node.exited, { code: 0, signal: null }, 'the primary exits 0');
    t.notOk(existsSync(node.readyFile), 'the ready file is removed');
    t.ok(pids.every((pid) => !alive(pid)), 'no worker is left');
  });
});
