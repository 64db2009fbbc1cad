import t from 'tap';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { silentLogger } from '../../src/core/log/logger.js';
import { parseQuotaChange } from '../../src/core/quotas/quota-limits.js';
import { Quotas } from '../../src/core/quotas/quotas.js';
import { openMemoryStore } from '../../src/store/memory/memory-store.js';

const NOW = Date.parse('2025-06-01T10:00:00+08:00');

t.test('quotas: overrides kept in the store, daily figures synced from the shared counters, the rate per process', async (t) => {
  const store = openMemoryStore();
  const time = new ManualScheduler();
  const make = () =>
    new Quotas(store, { now: () => NOW }, new MeteringDay('Asia/Shanghai'), silentLogger, {
      defaults: { registrationsPerDay: 5, resolutionsPerDay: 0, requestsPerSecond: 0 },
      isEnterprise: (prefix) => prefix.startsWith('88.999.E'),
      monotonic: time,
    });
  const first = make();
  await first.set('88.999.E1', { registrationsPerDay: 2, requestsPerSecond: 1 });
  const second = make();
  await second.load(['88.999.E1', '88.999.E2']);
  t.same(second.limitsOf('88.999.E1'), { registrationsPerDay: 2, resolutionsPerDay: 0, requestsPerSecond: 1 }, 'another process loads what one set');
  t.same(second.limitsOf('88.999.NOT'), { registrationsPerDay: 0, resolutionsPerDay: 0, requestsPerSecond: 0 }, 'no quota for a prefix no enterprise holds');

  // Another replica registered two under E1 today: after a sync this one refuses the third.
  second.checkRegistration('88.999.E1', '88.999.E1/a');
  await store.addCounters([{ day: '2025-06-01', prefix: '88.999.E1', protocol: 'rest', kind: 'registration', count: 2 }, { day: '2025-06-01', prefix: '88.999.E1', protocol: 'rest', kind: 'resolution.cache-hit', count: 7 }]);
  await second.sync();
  t.throws(() => second.checkRegistration('88.999.E1', '88.999.E1/b'), { code: 'REGISTRATION_LIMIT_EXCEEDED', retryAfterSeconds: 14 * 3600 });
  t.match(second.usageOf('88.999.E1'), { registrations: 2, resolutions: 7 });

  // The rate: one a second, the next refused for the second it takes to refill.
  second.takeRequest('88.999.E1');
  t.throws(() => second.takeRequest('88.999.E1'), { code: 'RATE_LIMIT_EXCEEDED', retryAfterSeconds: 1 });
  await time.advance(1000);
  t.doesNotThrow(() => second.takeRequest('88.999.E1'));
  t.same(second.refusals(), { 'registrations-per-day': 1, 'resolutions-per-day': 0, 'requests-per-second': 1 });
  await store.close();
});

t.test('a quota change: integers from 0, or null; anything else is refused naming the field', async (t) => {
  t.same(parseQuotaChange({ registrationsPerDay: 0, resolutionsPerDay: null }), { registrationsPerDay: 0, resolutionsPerDay: null });
  t.throws(() => parseQuotaChange([]), { code: 'REQUEST_INVALID', message: /a quota change is an object/ });
  t.throws(() => parseQuotaChange({ perDay: 1 }), { code: 'REQUEST_INVALID', message: /unknown quota field "perDay"/ });
  t.throws(() => parseQuotaChange({ requestsPerSecond: 1.5 }), { code: 'REQUEST_INVALID', message: /requestsPerSecond must be an integer/ });
});
