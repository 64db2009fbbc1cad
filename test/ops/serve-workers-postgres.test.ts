import { join } from 'node:path';
import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { fresh } from '../helpers/fresh-request.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { freshSchema, TEST_DATABASE_URL } from '../helpers/test-database.js';

// serve --workers 2 on PostgreSQL: each worker is a replica-like client (its own pool and LISTEN connection),
// so a change through one reaches the other's cache by LISTEN/NOTIFY, within the replicas' invalidation delay
// (README, "Replicas"), not before the acknowledgement as on SQLite. One node, started once.

// Real processes, each compiling the sources as it starts: on this loaded 2-core machine a node of two workers
// takes one to three minutes to be ready, over the suite's 120 s per file.
t.setTimeout(600_000);

const valuesOf = (text: string) => ({ values: [{ index: 1, type: 'URL', data: { format: 'string', value: `https://example.org/${text}` } }] });

t.test('serve --workers 2 on PostgreSQL: both serve, a change reaches both by LISTEN/NOTIFY, SIGTERM drains', async (t) => {
  const schema = freshSchema(t);
  const root = t.testdir();
  const node = await spawnNode({
    dataDir: join(root, 'data'),
    t,
    args: ['--workers', '2', '--store', 'postgres', '--database-url', TEST_DATABASE_URL, '--database-schema', schema],
    readyTimeoutMs: 300_000,
  });
  const credentials = firstRunCredentials(node.stderr())!;
  t.ok(credentials, 'the first-run credentials are printed once, by the lead');
  const enterprise = basic(credentials.demo.id, credentials.demo.secret);
  const handleUrl = `${node.url}/api/handles/88.999.DEMO/pg-shared`;

  t.equal((await fresh('PUT', handleUrl, { authorization: enterprise, json: valuesOf('v0') })).status, 201);
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; i < 4; i++) t.match((await fresh('GET', handleUrl)).body, `v${round - 1}`, 'cached by both workers');
    t.equal((await fresh('PUT', handleUrl, { authorization: enterprise, json: valuesOf(`v${round}`) })).status, 200);
    // Alternating connections reach both workers: four new answers in a row means both have dropped the old one.
    let inARow = 0;
    await eventually(async () => {
      inARow = (await fresh('GET', handleUrl)).body.includes(`https://example.org/v${round}"`) ? inARow + 1 : 0;
      return inARow >= 4;
    }, `both workers to answer v${round}`, 15_000, 2);
  }

  t.same(await node.stop(), { code: 0, signal: null }, 'SIGTERM drains both workers; the primary exits 0');
});
