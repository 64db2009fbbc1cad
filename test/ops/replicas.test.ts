import { join } from 'node:path';
import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { freshSchema, TEST_DATABASE_URL, withDatabase } from '../helpers/test-database.js';

// A metering day every 4 real seconds, so days close (and get sealed) while the test runs.
const FAST_DAYS = ['--clock-start', '2024-06-01T00:00:00+08:00', '--clock-rate', '21600'];
/**
 * Closed days sealed 2 s after they end instead of the default 10 s (the test waits for three sealed days),
 * still ten metering flushes (200 ms each) of every replica after it.
 */
const FAST_SEAL = { IDNODE_METERING_FLUSH_INTERVAL_MS: '200', IDNODE_LEDGER_SEAL_DELAY_MS: '2000' };
/** Generous: a bound on correctness (the change does arrive), never a timing goal; the delay itself is reported. */
const STALE_BOUND_MS = 15_000;

t.test('replicas on one PostgreSQL schema: no stale answers beyond the invalidation, exact metering, each day sealed once', async (t) => {
  const schema = freshSchema(t);
  const root = t.testdir();
  // Replicas of one store sign one ledger: they share one key file (README, "Replicas").
  const args = ['--store', 'postgres', '--database-url', TEST_DATABASE_URL, '--database-schema', schema, '--signing-key-file', join(root, 'node-key.pem'), ...FAST_DAYS];
  // Started together (as a deployment does), so that their set clocks start about together too; the migration
  // and the first-run credentials are decided once between them.
  const replicas = await Promise.all(['a', 'b', 'c'].map((name) => spawnNode({ dataDir: join(root, name), t, env: FAST_SEAL, args, readyTimeoutMs: 90_000 })));
  const issued = replicas.map((node) => firstRunCredentials(node.stderr())).filter((printed) => printed !== undefined);
  t.equal(issued.length, 1, 'first-run credentials are issued once, by one replica');
  const credentials = issued[0]!;
  const demo = { authorization: basic(credentials.demo.id, credentials.demo.secret) };

  let registrations = 0;
  let resolutions = 0;
  const put = async (url: string, suffix: string, value: string) => {
    const answer = await send(`${url}/api/handles/88.999.DEMO/${suffix}`, { method: 'PUT', headers: demo, json: { values: [{ index: 1, type: 'URL', data: value }] } });
    if (answer.status === 201) registrations++;
    return answer.status;
  };
  const resolve = async (url: string, suffix: string): Promise<string | undefined> => {
    resolutions++;
    const answer = await send(`${url}/api/handles/88.999.DEMO/${suffix}`);
    return answer.status === 200 ? (answer.body.values[0].data.value as string) : undefined;
  };

  // Staleness: each round caches the current value on every replica, changes it through one, and polls the
  // others until they answer the new value, while background load keeps every replica busy.
  let loading = true;
  const load = Promise.all(
    replicas.map(async (node, k) => {
      for (let n = 0; loading; n++) {
        await put(node.url, `load-${k}-${n}`, 'x');
        await resolve(node.url, `load-${k}-${n}`);
      }
    }),
  );
  const delays: number[] = [];
  for (let round = 0; round < 6; round++) {
    const writer = replicas[round % replicas.length]!;
    const readers = replicas.filter((node) => node !== writer);
    t.equal(await put(writer.url, 'shared', `v${round - 1}`), round === 0 ? 201 : 200);
    for (const reader of readers) await eventually(async () => (await resolve(reader.url, 'shared')) === `v${round - 1}`, 'the previous value everywhere', STALE_BOUND_MS);
    for (const reader of readers) await resolve(reader.url, 'shared'); // now cached
    t.equal(await put(writer.url, 'shared', `v${round}`), 200);
    const acknowledged = Date.now();
    await Promise.all(
      readers.map(async (reader) => {
        await eventually(async () => (await resolve(reader.url, 'shared')) === `v${round}`, `replica ${reader.url} to stop serving v${round - 1}`, STALE_BOUND_MS, 2);
        delays.push(Date.now() - acknowledged);
      }),
    );
  }
  loading = false;
  await load;
  delays.sort((a, b) => a - b);
  t.comment(`invalidation delay under load, write acknowledged → other replica answers the new value (polled every 2 ms): ${delays.length} samples, median ${delays[delays.length >> 1]} ms, max ${delays.at(-1)} ms`);

  // Days go on closing while the replicas run: let them seal a few (each replica tries every day).
  const sealed = async () => Number((await withDatabase((client) => client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".ledger`))).rows[0]!.n);
  await eventually(async () => (await sealed()) >= 3, 'three sealed days', 60_000, 250);

  // Metering: every request sent was counted exactly once, whichever replica served it.
  await Promise.all(replicas.map((node) => node.stop()));
  const sums = await withDatabase((client) =>
    client.query<{ kind: string; n: string }>(`SELECT CASE WHEN kind LIKE 'resolution.%' THEN 'resolution' ELSE kind END AS kind, sum(count) AS n FROM "${schema}".counters GROUP BY 1`),
  );
  const counted = Object.fromEntries(sums.rows.map((row) => [row.kind, Number(row.n)]));
  t.equal(counted['registration'], registrations, `registrations: ${registrations} acknowledged, counted exactly`);
  t.equal(counted['resolution'], resolutions, `resolutions: ${resolutions} served by three replicas, counted exactly`);

  // Sealing: the replicas all seal on their own; each closed day is in the ledger once, none skipped.
  const ledger = await withDatabase((client) => client.query<{ seq: string; day: string }>(`SELECT seq, day FROM "${schema}".ledger ORDER BY seq`));
  t.ok(ledger.rows.length >= 2, `days were sealed (${ledger.rows.length})`);
  ledger.rows.forEach((row, k) => {
    t.equal(Number(row.seq), k + 1, `seq ${k + 1} once`);
    if (k > 0) t.equal(Date.parse(`${row.day}T00:00:00Z`) - Date.parse(`${ledger.rows[k - 1]!.day}T00:00:00Z`), 86_400_000, `${row.day} follows ${ledger.rows[k - 1]!.day}: no day skipped`);
  });
  t.equal(new Set(ledger.rows.map((row) => row.day)).size, ledger.rows.length, 'no day sealed twice');
});
