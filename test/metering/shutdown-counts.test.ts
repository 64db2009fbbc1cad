import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { Store } from '../../src/core/store/store.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { eventually } from '../helpers/eventually.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode, type SpawnedNode } from '../helpers/spawn-node.js';

/** Every count in the data directory's store, by kind (the node must have stopped). */
async function countsOf(dataDir: string): Promise<{ counts: Record<string, number>; store: Store }> {
  const store = openSqliteStore({ file: join(dataDir, SQLITE_FILE_NAME) });
  const counts: Record<string, number> = {};
  for (const sum of await store.sumCounters({ fromDay: '0001-01-01', toDay: '9999-12-31', groupBy: [] })) counts[sum.kind] = sum.count;
  return { counts, store };
}

/** idnode_metering_flushes_total in a /metrics text. */
function flushesOf(metrics: string): number {
  return Number(/^idnode_metering_flushes_total (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

async function startWithIdentifier(t: Test, dataDir: string): Promise<{ node: SpawnedNode; handleUrl: string; missingUrl: string; authorization: string; prefix: string }> {
  const node = await spawnNode({ dataDir, t, env: { IDNODE_METERING_FLUSH_INTERVAL_MS: '250' } });
  const credentials = firstRunCredentials(node.stderr())!;
  const authorization = basic(credentials.demo.id, credentials.demo.secret);
  const handleUrl = `${node.url}/api/handles/${credentials.demo.prefix}/SIG-1`;
  t.equal((await send(handleUrl, { method: 'PUT', headers: { authorization }, json: { values: [{ index: 1, type: 'URL', data: 'x' }] } })).status, 201);
  return { node, handleUrl, missingUrl: `${node.url}/api/handles/${credentials.demo.prefix}/NOPE`, authorization, prefix: credentials.demo.prefix };
}

t.test('SIGTERM: every resolution served is counted, none lost', async (t) => {
  const dataDir = t.testdir();
  const { node, handleUrl, missingUrl } = await startWithIdentifier(t, dataDir);
  let found = 0;
  let notFound = 0;
  // Bursts in parallel, then SIGTERM at once after the last answer: the last counts are still in memory.
  for (let burst = 0; burst < 10; burst++) {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i % 8 === 0 ? missingUrl : handleUrl)));
    for (const answer of answers) answer.status === 200 ? found++ : notFound++;
  }
  const exit = await node.stop('SIGTERM');
  t.same(exit, { code: 0, signal: null }, 'a clean stop');
  const { counts, store } = await countsOf(dataDir);
  t.teardown(() => store.close());
  t.equal((counts['resolution.cache-hit'] ?? 0) + (counts['resolution.store-read'] ?? 0), found, 'resolutions served = counted');
  t.equal(counts['resolution.not-found'], notFound);
  t.equal(counts['registration'], 1);
});

t.test('SIGKILL: counts never exceed what was served; registrations stay exact', async (t) => {
  const dataDir = t.testdir();
  const { node, handleUrl, authorization, prefix } = await startWithIdentifier(t, dataDir);
  let served = 0;
  let created = 0;
  let running = true;
  const clients = Array.from({ length: 8 }, async (_, client) => {
    for (let i = 0; running; i++) {
      try {
        if (i % 10 === 0) {
          const put = await send(`${node.url}/api/handles/${prefix}/K-${client}-${i}?overwrite=false`, { method: 'PUT', headers: { authorization }, json: { values: [{ index: 1, type: 'URL', data: 'k' }] } });
          if (put.status === 201) created++;
        } else if ((await send(handleUrl)).status === 200) served++;
      } catch {
        return; // the connection died with the process
      }
    }
  });
  // A few flushes (the child's real 250 ms timer), then kill mid-traffic: no shutdown code runs.
  await eventually(async () => flushesOf(await (await fetch(`${node.url}/metrics`)).text()) >= 2, 'two metering flushes', 30_000, 100);
  node.process.kill('SIGKILL');
  running = false;
  await Promise.all(clients);
  t.same(await node.exited, { code: null, signal: 'SIGKILL' });

  const { counts, store } = await countsOf(dataDir);
  t.teardown(() => store.close());
  const counted = (counts['resolution.cache-hit'] ?? 0) + (counts['resolution.store-read'] ?? 0);
  t.ok(counted > 0, `flushes happened before the kill (${counted} counted)`);
  t.ok(counted <= served, `counted ${counted} ≤ served ${served}: never over-reported`);
  const present = (await store.listHandles(prefix, 0, 1_000_000)).total;
  t.equal(counts['registration'], present, 'registrations counted = identifiers committed, across the crash');
  t.ok(present >= created + 1, 'every acknowledged create is there');
});
