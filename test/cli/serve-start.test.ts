import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../helpers/child-node.js';
import { runCli } from '../helpers/run-cli.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { logLines } from './serve-helpers.js';

const TLS_DIR = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'tls');

// One running node, serving HTTPS, for both subtests: the failed starts need a port in use, TLS a running node.
t.test('idnode serve --tls-cert --tls-key, and failed starts beside it', async (t) => {
  const dir = t.testdir({ 'bad-cert.pem': 'not a certificate', 'bad-key.pem': 'not a key' });
  const running = await spawnNode({
    dataDir: join(dir, 'a'),
    t,
    args: ['--tls-cert', join(TLS_DIR, 'cert.pem'), '--tls-key', join(TLS_DIR, 'key.pem')],
  });

  await t.test('a failed start exits 1 and says why', async (t) => {
    const port = new URL(running.url).port;
    // Two failed starts of their own (data directories b and c), run side by side.
    const [portInUse, badTls] = await Promise.all([
      runCli(['serve', '--data-dir', join(dir, 'b'), '--http-port', port, '--grpc-port', 'off', '--hdl-port', 'off', '--ready-file', join(dir, 'b.json')]),
      runCli(['serve', '--data-dir', join(dir, 'c'), '--http-port', '0', '--grpc-port', 'off', '--hdl-port', 'off', '--tls-cert', join(dir, 'bad-cert.pem'), '--tls-key', join(dir, 'bad-key.pem')]),
    ]);
    t.equal(portInUse.code, 1);
    t.match(portInUse.stderr, /^error: idnode failed to start: .*EADDRINUSE/m);
    t.notOk(existsSync(join(dir, 'b.json')), 'no ready file after a failed start');
    t.ok(logLines(portInUse.stdout).some((line) => line['level'] === 60 && String(line['msg']).includes('EADDRINUSE')), 'logged as fatal');
    t.equal(firstRunCredentials(portInUse.stderr), undefined, 'the one showing of the secrets is not spent on a failed start');

    t.equal(badTls.code, 1);
    t.match(badTls.stderr, /^error: idnode failed to start: /m);
  });

  await t.test('TLS: serves HTTPS; the ready file says so', async (t) => {
    t.match(running.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(TLS_DIR, 'cert.pem'));
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpsRequest(`${running.url}/healthz`, { ca }, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
        .on('error', reject)
        .end();
    });
    t.equal(status, 200);
  });

  t.same(await running.stop(), { code: 0, signal: null });
});
