import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { logLines, VALUES, waitFor } from './serve-helpers.js';

t.test('first run prints credentials once; they work; SIGTERM exits 0 with the store closed cleanly', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const first = await spawnNode({ dataDir, t, logLevel: 'info' });
  t.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.same(JSON.parse(readFileSync(first.readyFile, 'utf8')), { http: first.url }, 'the ready file holds the URL, nothing else');

  const printed = firstRunCredentials(first.stderr());
  t.ok(printed, 'the first-run block is on stderr');
  t.equal(printed!.operator.id, '300:0.NA/88.999');
  t.equal(printed!.demo.prefix, '88.999.DEMO');
  t.equal(printed!.demo.id, '300:0.NA/88.999.DEMO');
  t.match(first.stderr(), `curl -X PUT '${first.url}/api/handles/88.999.DEMO/hello-world'`, 'the curl example uses the actual URL');
  t.match(first.stderr(), `-u '300%3A0.NA/88.999.DEMO:${printed!.demo.secret}'`);
  t.match(first.stderr(), `curl '${first.url}/api/handles/88.999.DEMO/hello-world'`);
  t.match(first.stderr(), `Or sign in with either credential in a browser: ${first.url}/console`, 'the banner names the console');
  t.notMatch(first.stdout(), printed!.demo.secret, 'secrets never reach the log');
  t.notMatch(first.stdout(), printed!.operator.secret);
  await waitFor(() => first.stdout().includes('idnode ready'), 'the ready log line');
  t.ok(logLines(first.stdout()).every((line) => typeof line['level'] === 'number'), 'stdout holds only JSON log lines');
  t.ok(logLines(first.stdout()).some((line) => line['msg'] === 'idnode ready' && line['url'] === first.url), 'the ready line names the URL');

  // The curl example of the block, done with fetch.
  const handleUrl = `${first.url}/api/handles/88.999.DEMO/hello-world`;
  const put = await send(handleUrl, { method: 'PUT', headers: { authorization: basic(printed!.demo.id, printed!.demo.secret) }, json: VALUES });
  t.equal(put.status, 201, 'the demo credential registers an identifier');
  const get = await send(handleUrl);
  t.equal(get.status, 200, 'and it resolves');
  t.equal(get.body.values.find((value: { index: number }) => value.index === 1).data.value, 'https://example.com/');

  const exit = await first.stop('SIGTERM');
  t.same(exit, { code: 0, signal: null }, 'SIGTERM: exit code 0');
  t.notOk(existsSync(first.readyFile), 'the ready file is removed on a graceful stop');
  t.same(readdirSync(dataDir).filter((name) => name.endsWith('-wal') || name.endsWith('-shm')), [], 'SQLite closed cleanly: WAL checkpointed and removed');
  const lines = logLines(first.stdout());
  t.ok(lines.some((line) => line['msg'] === 'idnode stopped' && line['clean'] === true));

  const second = await spawnNode({ dataDir, t });
  t.equal(firstRunCredentials(second.stderr()), undefined, 'no credentials on the second start');
  t.equal(second.stderr(), '', 'nothing on stderr');
  const secondUrl = `${second.url}/api/handles/88.999.DEMO/hello-world`;
  const again = await send(secondUrl);
  t.equal(again.status, 200, 'the data survived the restart');
  const stillValid = await send(secondUrl, { method: 'PUT', headers: { authorization: basic(printed!.demo.id, printed!.demo.secret) }, json: VALUES });
  t.equal(stillValid.status, 200, 'the first-run secret still works (an overwrite answers 200)');
  t.same(await second.stop('SIGINT'), { code: 0, signal: null }, 'SIGINT: exit code 0');
});
