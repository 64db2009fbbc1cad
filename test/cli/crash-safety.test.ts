import { join } from 'node:path';
import t from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';

/**
 * An acknowledged write survives the process being killed the moment the acknowledgement arrives: the
 * node is SIGKILLed (no shutdown code runs) right after each 201 and restarted on the same data directory.
 */
t.test('a write acknowledged with 201 survives SIGKILL', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  let node = await spawnNode({ dataDir, t });
  const demo = firstRunCredentials(node.stderr())!.demo;
  const authorization = basic(demo.id, demo.secret);
  const written = new Map<string, unknown[]>();

  // Four trials (each an idnode start): every trial is another chance to catch a write acknowledged before it was
  // durable, and the first write must survive four kills, each recovery after the one before.
  for (let round = 0; round < 4; round++) {
    const handle = `88.999.DEMO/crash-${round}`;
    const values = [
      { index: 1, type: 'URL', data: { format: 'string', value: `https://example.com/item/${round}` } },
      { index: 2, type: 'product.model', data: { format: 'string', value: `Model ${round} — 型号` } },
      { index: 3, type: 'BLOB', data: { format: 'hex', value: 'deadbeef'.repeat(round + 1) } },
    ];
    const put = await send(`${node.url}/api/handles/${handle}`, { method: 'PUT', headers: { authorization }, json: { values } });
    t.equal(put.status, 201, `${handle} created`);
    node.process.kill('SIGKILL');
    t.same(await node.exited, { code: null, signal: 'SIGKILL' });
    written.set(handle, values);

    node = await spawnNode({ dataDir, t });
    for (const [earlier, expected] of written) {
      const get = await send(`${node.url}/api/handles/${earlier}`);
      t.equal(get.status, 200, `${earlier} is there after restart ${round + 1}`);
      t.same(
        get.body.values
          // The node adds an HS_ADMIN value (index 100) naming the enterprise as administrator.
          .filter((value: { index: number }) => value.index !== 100)
          .map((value: { index: number; type: string; data: unknown }) => ({ index: value.index, type: value.type, data: value.data })),
        expected,
        `${earlier} holds every value written`,
      );
    }
  }
  t.same(await node.stop(), { code: 0, signal: null });
});
