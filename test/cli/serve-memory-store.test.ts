import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { VALUES } from './serve-helpers.js';

t.test('serve --store memory: a working node that writes no store to disk and starts afresh each time', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const first = await spawnNode({ dataDir, t, args: ['--store', 'memory'] });
  const ready = await send(`${first.url}/readyz`);
  t.equal(ready.status, 200);
  t.equal(ready.body.store, 'memory');

  const printed = firstRunCredentials(first.stderr());
  t.ok(printed, 'a new store is a first run');
  const handleUrl = `${first.url}/api/handles/88.999.DEMO/in-memory`;
  const put = await send(handleUrl, { method: 'PUT', headers: { authorization: basic(printed!.demo.id, printed!.demo.secret) }, json: VALUES });
  t.equal(put.status, 201);
  t.equal((await send(handleUrl)).status, 200);
  t.same(await first.stop(), { code: 0, signal: null });
  t.same(readdirSync(dataDir).filter((name) => name.includes('sqlite')), [], 'no database file');

  const second = await spawnNode({ dataDir, t, args: ['--store', 'memory'] });
  t.ok(firstRunCredentials(second.stderr()), 'nothing outlived the first process: first run again');
  t.equal((await send(`${second.url}/api/handles/88.999.DEMO/in-memory`)).status, 404);
  t.same(await second.stop(), { code: 0, signal: null });
});
