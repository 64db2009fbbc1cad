import { join } from 'node:path';
import t, { type Test } from 'tap';
import { answerFor } from '../../../src/core/cache/resolution-cache.js';
import type { Principal } from '../../../src/core/auth/principal.js';
import { virtualRuntime } from '../../helpers/virtual-runtime.js';
import { systemRandom } from '../../../src/core/clock/clock.js';
import { IdnodeError } from '../../../src/core/errors/catalogue.js';
import type { Logger } from '../../../src/core/log/logger.js';
import { IdNode } from '../../../src/core/node.js';
import type { HandleValue } from '../../../src/core/values/handle-value.js';
import type { CounterKind, HandleWrite, Store } from '../../../src/core/store/store.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { TEST_CORE_CONFIG } from '../../helpers/rest-node.js';

const OPERATOR: Principal = { kind: 'operator', id: '300:0.NA/88.999' };
const NOW = Date.UTC(2025, 0, 1, 2, 0, 0);

interface Logged {
  level: string;
  msg: string | undefined;
  obj: Record<string, unknown>;
}

/** A logger that keeps what it is told. */
function recordingLogger(): Logger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void =>
      void lines.push({ level, msg, obj: obj as Record<string, unknown> });
  const logger = { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => logger };
  return logger;
}

/** A node on a real SQLite file whose applyWrites calls are counted. */
async function fixture(t: Test) {
  const real = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite'), synchronous: 'normal' });
  const calls = { applyWrites: 0 };
  const store: Store = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'applyWrites') calls.applyWrites++;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const log = recordingLogger();
  const node = await IdNode.create(TEST_CORE_CONFIG, { store, clock: { now: () => NOW }, random: systemRandom, logger: log, ...virtualRuntime() });
  t.teardown(async () => {
    await node.close();
    await real.close();
  });
  const counted = async (kind: CounterKind): Promise<Record<string, number>> => {
    await node.metering.flush();
    const totals: Record<string, number> = {};
    for (const row of await real.listCounters('2000-01-01', '2100-01-01')) if (row.kind === kind) totals[row.prefix] = (totals[row.prefix] ?? 0) + row.count;
    return totals;
  };
  return { node, store: real, calls, log, counted };
}

function url(data: string): HandleValue {
  return { index: 1, type: 'URL', data: { format: 'string', value: data }, ttl: 86400, timestamp: '2025-01-01T02:00:00Z', permissions: '1110', references: [] };
}

function create(handle: string, data = 'https://example.org/'): HandleWrite {
  return { op: 'create', handle, prefix: handle.slice(0, handle.indexOf('/')), values: [url(data)] };
}

t.test('commit: one transaction, an outcome per write, changed identifiers dropped from the cache', async (t) => {
  const f = await fixture(t);
  const registry = f.node.registry;
  const context = registry.writeContext('rest');
  const writer = { principal: OPERATOR, protocol: 'rest' };
  t.same(await registry.commit([], context, writer), [], 'an empty list is a no-op');
  t.equal(f.calls.applyWrites, 0, 'and never reaches the store');

  await registry.commit([create('88.999/KEPT')], context, writer);
  // Cached answers for the identifiers about to be written, and for one that is not.
  for (const handle of ['88.999/KEPT', '88.999/NEW', '88.999/OTHER']) f.node.cache.put(handle, answerFor(undefined), f.node.cache.generation());
  const outcomes = await registry.commit([create('88.999/NEW'), create('88.999/KEPT', 'https://other/')], context, writer);
  t.same(
    outcomes.map((outcome) => [outcome.handle, outcome.status]),
    [
      ['88.999/NEW', 'created'],
      ['88.999/KEPT', 'exists'],
    ],
  );
  t.equal(f.calls.applyWrites, 2, 'one store call per commit');
  t.equal(f.node.cache.get('88.999/NEW'), undefined, 'created: dropped');
  t.ok(f.node.cache.get('88.999/KEPT'), 'exists (nothing written): kept');
  t.ok(f.node.cache.get('88.999/OTHER'), 'not written: kept');

  await registry.commit([{ ...create('88.999/KEPT', 'https://third/'), op: 'replace' } as HandleWrite, { op: 'delete', handle: '88.999/NEW', prefix: '88.999' }], context, writer);
  t.equal(f.node.cache.get('88.999/KEPT'), undefined, 'updated: dropped');
  t.same(await f.counted('registration'), { '88.999': 2 }, 'the store counts what was committed');
  t.same(await f.counted('update'), { '88.999': 1 });
  t.same(await f.counted('delete'), { '88.999': 1 });
});

t.test('commit logs what took effect: the write itself when one, the counts when many', async (t) => {
  const f = await fixture(t);
  const registry = f.node.registry;
  const context = registry.writeContext('grpc');
  const writer = { principal: OPERATOR, protocol: 'grpc', log: f.log };
  await registry.commit([create('88.999/ONE')], context, writer);
  await registry.commit([create('88.999/ONE')], context, writer);
  await registry.commit([create('88.999/TWO'), create('88.999/THREE'), create('88.999/ONE')], context, writer);
  await registry.commit([create('88.999/TWO'), create('88.999/THREE')], context, writer);
  t.same(
    f.log.lines.map((line) => [line.level, line.msg, line.obj]),
    [
      ['info', 'write committed', { handle: '88.999/ONE', op: 'create', outcome: 'created', principal: OPERATOR.id, protocol: 'grpc' }],
      ['info', 'writes committed', { writes: 3, created: 2, updated: 0, deleted: 0, principal: OPERATOR.id, protocol: 'grpc' }],
    ],
    'an outcome that is a refusal (exists) is the caller’s to report',
  );
});

t.test('a store failure: nothing invalidated, nothing logged, the error thrown as the store threw it', async (t) => {
  const f = await fixture(t);
  const registry = f.node.registry;
  f.node.cache.put('88.999/X', answerFor(undefined), f.node.cache.generation());
  await f.store.close();
  await t.rejects(registry.commit([create('88.999/X')], registry.writeContext('rest'), { principal: OPERATOR, protocol: 'rest', log: f.log }), { code: 'STORE_UNAVAILABLE' });
  t.ok(f.node.cache.get('88.999/X'));
  t.same(f.log.lines, []);
});

t.test('refused: counted under the allocated prefix the handle names ("(other)" for any other), logged with its place', async (t) => {
  const f = await fixture(t);
  const registry = f.node.registry;
  await f.node.principals.addEnterprise(OPERATOR, { prefix: '88.999.1', name: 'one' });
  await f.node.principals.addEnterprise(OPERATOR, { prefix: '88.999.2', name: 'two' });
  const writer = { principal: { kind: 'enterprise', id: '300:0.NA/88.999.DEMO', prefix: '88.999.DEMO' } as Principal, protocol: 'rest', log: f.log };
  const error = new IdnodeError('PERMISSION_DENIED', 'not yours');
  t.equal(registry.refused(error, writer, '88.999.1/x'), error, 'returns the error, for throwing');
  registry.refused(error, writer, '88.999.abc/y', { position: 4 });
  registry.refused(error, writer, '88.999.2/', { position: 5, line: 7 });
  registry.refused(error, writer, 'no-slash');
  registry.refused(error, writer);
  t.same(await f.counted('refused'), { '88.999.1': 1, '88.999.2': 1, '(other)': 3 }, 'a prefix followed by "/" names that prefix; unallocated ABC and none go to (other)');
  t.same(
    f.log.lines.map((line) => [line.level, line.msg, line.obj]),
    [
      ['warn', 'write refused: not yours', { handle: '88.999.1/x', code: 'PERMISSION_DENIED', principal: '300:0.NA/88.999.DEMO', protocol: 'rest' }],
      ['warn', 'write refused: not yours', { handle: '88.999.abc/y', position: 4, code: 'PERMISSION_DENIED', principal: '300:0.NA/88.999.DEMO', protocol: 'rest' }],
      ['warn', 'write refused: not yours', { handle: '88.999.2/', position: 5, line: 7, code: 'PERMISSION_DENIED', principal: '300:0.NA/88.999.DEMO', protocol: 'rest' }],
      ['warn', 'write refused: not yours', { handle: 'no-slash', code: 'PERMISSION_DENIED', principal: '300:0.NA/88.999.DEMO', protocol: 'rest' }],
      ['warn', 'write refused: not yours', { code: 'PERMISSION_DENIED', principal: '300:0.NA/88.999.DEMO', protocol: 'rest' }],
    ],
  );
});

t.test('single writes and bulk items share one refusal rule: a prefix followed by "/" counts under that prefix', async (t) => {
  const f = await fixture(t);
  const principal: Principal = { kind: 'enterprise', id: '300:0.NA/88.999.DEMO', prefix: '88.999.DEMO' };
  await f.node.principals.addEnterprise(OPERATOR, { prefix: '88.999.OTHER', name: 'other' });
  await t.rejects(f.node.registry.put({ principal, handle: '88.999.OTHER/', values: [{ index: 1, type: 'URL', data: 'x' }], overwrite: false, mintSuffix: true, protocol: 'rest' }), {
    code: 'PERMISSION_DENIED',
  });
  const { results } = await f.node.bulk.registerBatch([{ handle: '88.999.OTHER/', values: [{ index: 1, type: 'URL', data: 'x' }] }], { principal, overwrite: false, protocol: 'rest' });
  t.equal(results[0]!.status, 'failed');
  t.same(await f.counted('refused'), { '88.999.OTHER': 2 });
});
