import pino from 'pino';
import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import { systemRandom, type Clock } from '../../src/core/clock/clock.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { SetClock } from '../../src/core/clock/set-clock.js';
import { SIMULATED_DAY_META, SimulatedDays } from '../../src/core/clock/simulated-days.js';
import { memoryKeyVault } from '../../src/core/ledger/key-vault.js';
import { silentLogger } from '../../src/core/log/logger.js';
import { IdNode } from '../../src/core/node.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ManualClock } from '../helpers/audit-node.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { virtualRuntime } from '../helpers/virtual-runtime.js';

// Issue 17, defect 6: days counted on a set clock were sealed "clock":"system" when the CLI sealed them later.
t.test('a day counted on a set clock is sealed simulated, even by a process on the system clock', async (t) => {
  const file = `${t.testdir()}/idnode.sqlite`;
  const keyVault = memoryKeyVault();
  const time = new ManualScheduler();
  const session = async (clock: Clock, work: (node: IdNode) => Promise<void>) => {
    const store = openSqliteStore({ file });
    const node = await IdNode.create(TEST_CORE_CONFIG, { store, clock, random: systemRandom, logger: pino({ level: 'silent' }), keyVault, ...virtualRuntime(time) });
    try {
      await work(node);
    } finally {
      await node.close();
      await store.close();
    }
  };
  // A simulation registers on 1 September (counted in the write's transaction) ...
  await session(new SetClock(Date.parse('2024-09-01T12:00:00+08:00'), 1, time), async (node) => {
    await node.registry.put({ principal: LOCAL_OPERATOR, protocol: 'rest', handle: '88.999/SIM-1', values: [{ index: 1, type: 'URL', data: 'https://example.org/' }], overwrite: true });
  });
  // ... another only resolves on 2 September (counted in memory, flushed at close) ...
  await session(new SetClock(Date.parse('2024-09-02T12:00:00+08:00'), 1, time), async (node) => {
    node.metering.countResolution('88.999', 'rest', 'resolution.store-read');
  });
  // ... and later the operator seals from the CLI, on the system clock; 3 September had no simulated count.
  await session(new ManualClock(Date.parse('2024-09-04T12:00:00+08:00')), async (node) => {
    node.metering.countResolution('88.999', 'cli', 'resolution.not-found');
    const sealed = await node.ledger.sealClosedDays(LOCAL_OPERATOR);
    t.same(
      sealed.map((entry) => [entry.day, entry.clock]),
      [
        ['2024-09-01', 'simulated'],
        ['2024-09-02', 'simulated'],
        ['2024-09-03', 'system'],
      ],
    );
    t.equal(await node.store.getMeta(`${SIMULATED_DAY_META}2024-09-03`), undefined);
  });
});

t.test('marking a day: once per process, retried after a store failure, nothing on the system clock', async (t) => {
  let fail = true;
  const calls: string[] = [];
  const store = {
    async initMeta(key: string, value: string) {
      calls.push(key);
      if (fail) throw new Error('store down');
      return value;
    },
    async getMeta() {
      return undefined;
    },
  };
  const days = new SimulatedDays(store, { simulation: { startMs: 0, rate: 1 } }, silentLogger);
  await t.rejects(days.mark('2024-01-01')!, /store down/);
  fail = false;
  await days.mark('2024-01-01');
  await days.mark('2024-01-01');
  t.same(calls, [`${SIMULATED_DAY_META}2024-01-01`, `${SIMULATED_DAY_META}2024-01-01`], 'tried again after the failure, then not again');
  t.equal(new SimulatedDays(store, { simulation: undefined }, silentLogger).mark('2024-01-01'), undefined);
  t.equal(await days.isSimulated('2024-01-01'), false);
});
