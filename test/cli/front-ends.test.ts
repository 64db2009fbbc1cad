import pino from 'pino';
import t from 'tap';
import { frontEndsOf } from '../../src/cli/front-ends.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { IdNode } from '../../src/core/node.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';

// Building the list touches neither the node, a port nor a front end's module: each loads, builds and binds in listen().
const parts = { node: {} as IdNode, logger: pino({ level: 'silent' }), metrics: new NodeMetrics(), tls: undefined, serving: new Map<string, string>() };
const namesOf = (flags: Record<string, string>) => frontEndsOf(loadConfig({ env: {}, cwd: t.testdirName, flags }), parts).map((frontEnd) => frontEnd.name);

t.test('the list, in start order, leaves out the front ends turned off', async (t) => {
  t.same(namesOf({}), ['http', 'grpc', 'hdl'], 'all on by default');
  t.same(namesOf({ grpcPort: 'off', hdlPort: 'off' }), ['http']);
  t.same(namesOf({ httpPort: 'off', hdlPort: 'off' }), ['grpc']);
  t.same(namesOf({ httpPort: 'off', grpcPort: 'off' }), ['hdl']);
});

t.test('a front end that never listened closes at once and adds nothing to the site', async (t) => {
  for (const frontEnd of frontEndsOf(loadConfig({ env: {}, cwd: t.testdirName }), parts)) {
    t.same(frontEnd.describe?.() ?? {}, {}, `${frontEnd.name}: nothing to describe before listen`);
    await frontEnd.close();
    t.pass(`${frontEnd.name} closed`);
  }
});
