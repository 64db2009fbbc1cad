import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { LOCK_HOLDER_FILE_NAME, lockDataDir } from '../../src/store/sqlite/data-dir-lock.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { runCli } from '../helpers/run-cli.js';
import { runInProcess } from '../cli/in-process.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';

const VALUES = { values: [{ index: 1, type: 'URL', data: 'https://example.com/locked' }] };

t.test('lockDataDir: one holder at a time, named in the refusal; released, the directory can be taken again', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const first = lockDataDir(dataDir);
  t.match(first.holder, { pid: process.pid, startedAt: /^\d{4}-/ });
  first.describe({ http: 'http://127.0.0.1:1234' });
  t.match(JSON.parse(readFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'utf8')), { pid: process.pid, frontEnds: { http: 'http://127.0.0.1:1234' } });
  t.throws(() => lockDataDir(dataDir), new IdnodeError('DATA_DIR_LOCKED', `the data directory ${dataDir} is in use by idnode serve pid ${process.pid} on host ${first.holder.host}, started ${first.holder.startedAt}, serving http://127.0.0.1:1234; one idnode serve per data directory: stop that one first, or use another --data-dir (several replicas need the PostgreSQL store)`));
  // The holder file is only a description; an unreadable one still leaves the lock in force.
  writeFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'garbage');
  t.throws(() => lockDataDir(dataDir), { code: 'DATA_DIR_LOCKED', message: /in use by another idnode serve process \(which has not written serve\.lock\.json yet\)/ });
  first.release();
  first.release();
  first.describe({ http: 'ignored after release' });
  const second = lockDataDir(dataDir);
  t.equal(JSON.parse(readFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'utf8')).frontEnds, undefined, 'the new holder described itself afresh');
  second.release();
  const underAFile = join(dataDir, LOCK_HOLDER_FILE_NAME, 'data');
  writeFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'a file, not a directory');
  t.throws(() => lockDataDir(underAFile), { code: 'CONFIG_INVALID', message: `cannot create the lock file ${join(underAFile, 'serve.lock')}: ` });
});

t.test('a second serve on one data directory refuses, naming the first; the first keeps serving; SIGKILL leaves no stale lock', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const first = await spawnNode({ dataDir, t, readyTimeoutMs: 90_000 });
  const credentials = firstRunCredentials(first.stderr())!;
  const demo = { authorization: basic(credentials.demo.id, credentials.demo.secret) };
  t.equal((await send(`${first.url}/api/handles/88.999.DEMO/one`, { method: 'PUT', headers: demo, json: VALUES })).status, 201);

  // Admin commands are not serve: they still work beside the running node (run beside the refused serve,
  // which changes nothing either; in this process, another one than the node's).
  const [second, listed] = await Promise.all([
    runCli(['serve', '--data-dir', dataDir, '--http-port', '0', '--grpc-port', 'off', '--hdl-port', 'off', '--ready-file', first.readyFile, '--log-level', 'warn'], { timeoutMs: 90_000 }),
    runInProcess(['enterprise', 'list', '--json', '--data-dir', dataDir], { cwd: dataDir }),
  ]);
  t.equal(second.code, 1, 'the second serve exits 1');
  t.match(second.stderr, `error: idnode failed to start: DATA_DIR_LOCKED: the data directory ${dataDir} is in use by idnode serve pid ${first.process.pid} on host `);
  t.match(second.stderr, `serving ${first.url}`);
  t.ok(readFileSync(first.readyFile, 'utf8').includes(first.url), 'the first node’s ready file is untouched');
  t.equal((await send(`${first.url}/api/handles/88.999.DEMO/one`)).status, 200, 'the first node still serves');
  t.equal((await send(`${first.url}/api/handles/88.999.DEMO/two`, { method: 'PUT', headers: demo, json: VALUES })).status, 201);

  t.equal(listed.code, 0, listed.stderr);

  // Killed without a chance to clean up: the kernel drops the lock with the process.
  t.same(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
  const third = await spawnNode({ dataDir, t, readyTimeoutMs: 90_000 });
  t.equal(JSON.parse(readFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME), 'utf8')).pid, third.process.pid, 'the new holder names itself');
  t.equal((await send(`${third.url}/api/handles/88.999.DEMO/two`)).status, 200, 'and serves what the first acknowledged');
  t.same(await third.stop(), { code: 0, signal: null });
  t.throws(() => readFileSync(join(dataDir, LOCK_HOLDER_FILE_NAME)), { code: 'ENOENT' }, 'a graceful stop removes the holder file');
});
