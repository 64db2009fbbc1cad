import { join } from 'node:path';
import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnNode } from '../helpers/spawn-node.js';
import { VALUES } from './serve-helpers.js';

t.test('the admin CLI on a running server’s store: new credentials and revocations take effect at once', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const node = await spawnNode({ dataDir, t });
  const added = await runCli(['enterprise', 'add', '--prefix', '88.999.live', '--name', 'Live', '--json', '--data-dir', dataDir]);
  t.equal(added.code, 0, added.stderr);
  const credential = JSON.parse(added.stdout) as { id: string; secret: string };
  const url = `${node.url}/api/handles/88.999.LIVE/item-1`;
  t.equal((await send(url, { method: 'PUT', headers: { authorization: basic(credential.id, credential.secret) }, json: VALUES })).status, 201);

  const revoked = await runCli(['enterprise', 'revoke', '--prefix', '88.999.live', '--data-dir', dataDir]);
  t.equal(revoked.code, 0, revoked.stderr);
  const refused = await send(url, { method: 'PUT', headers: { authorization: basic(credential.id, credential.secret) }, json: VALUES });
  t.equal(refused.status, 403, 'the revoked credential is refused by the running server');
  t.same(await node.stop(), { code: 0, signal: null });
});
