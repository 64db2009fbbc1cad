import t from 'tap';
import { addDays, daysBetween, daysInYear, eachDay, isCalendarDay, isLeapYear, nextDay, previousDay } from '../../src/core/clock/calendar-day.js';
import { MeteringDay } from '../../src/core/clock/metering-day.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { SetClock, describeClock } from '../../src/core/clock/set-clock.js';

t.test('leap years and real calendar dates', async (t) => {
  for (const [year, leap] of [[2024, true], [2023, false], [2000, true], [1900, false], [2100, false], [2400, true]] as const) {
    t.equal(isLeapYear(year), leap, `${year}`);
    t.equal(daysInYear(year), leap ? 366 : 365);
  }
  t.ok(isCalendarDay('2024-02-29'));
  t.notOk(isCalendarDay('2023-02-29'));
  t.notOk(isCalendarDay('1900-02-29'));
  t.ok(isCalendarDay('2000-02-29'));
  for (const bad of ['2024-13-01', '2024-04-31', '2024-1-01', '24-01-01', '2024-01-01T00:00', '', '0000-01-01', '2024-00-10']) t.notOk(isCalendarDay(bad), bad);
});

t.test('day arithmetic across month, leap day and year ends', async (t) => {
  t.equal(nextDay('2024-02-28'), '2024-02-29');
  t.equal(nextDay('2024-02-29'), '2024-03-01');
  t.equal(nextDay('2023-02-28'), '2023-03-01');
  t.equal(nextDay('2024-12-31'), '2025-01-01');
  t.equal(previousDay('2025-01-01'), '2024-12-31');
  t.equal(addDays('2024-01-01', 365), '2024-12-31');
  t.equal(addDays('0100-03-01', -1), '0100-02-28', 'years below 1000 keep four digits (and 100 is not a leap year)');
  t.equal(daysBetween('2024-01-01', '2024-12-31'), 366);
  t.equal(daysBetween('2023-01-01', '2023-12-31'), 365);
  t.equal(daysBetween('2024-05-02', '2024-05-01'), 0);
  t.same(eachDay('2024-02-27', '2024-03-01'), ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
});

t.test('metering days in Asia/Shanghai: 23:59:59.999 is the old day, 00:00:00 the new one', async (t) => {
  const days = new MeteringDay('Asia/Shanghai');
  const at = (iso: string) => days.dayOf(Date.parse(iso));
  t.equal(at('2024-12-31T23:59:59.999+08:00'), '2024-12-31');
  t.equal(at('2025-01-01T00:00:00.000+08:00'), '2025-01-01');
  t.equal(at('2024-12-31T15:59:59.999Z'), '2024-12-31', 'the same instants in UTC');
  t.equal(at('2024-12-31T16:00:00.000Z'), '2025-01-01');
  t.equal(at('2024-02-29T23:59:59.999+08:00'), '2024-02-29', 'leap day');
  t.equal(at('2024-03-01T00:00:00.000+08:00'), '2024-03-01');
  // Going backwards across the cached bounds as well.
  t.equal(at('2024-02-29T00:00:00.000+08:00'), '2024-02-29');
  t.equal(at('2024-02-28T23:59:59.999+08:00'), '2024-02-28');
});

t.test('a set clock starts where it is told and runs at its rate', async (t) => {
  const real = new ManualScheduler();
  const clock = new SetClock(Date.parse('2024-12-31T23:59:59.000+08:00'), 3600, real);
  t.equal(clock.now(), Date.parse('2024-12-31T15:59:59.000Z'));
  await real.advance(1000);
  t.equal(clock.now(), Date.parse('2025-01-01T00:59:59.000+08:00'), 'one real second is an hour at rate 3600');
  t.same(describeClock(clock), { mode: 'simulated', start: '2024-12-31T15:59:59.000Z', rate: 3600 });
  t.throws(() => new SetClock(Number.NaN, 1, real), RangeError);
  t.throws(() => new SetClock(0, 0, real), RangeError);
  t.throws(() => new SetClock(0, -2, real), RangeError);
  t.same(describeClock({ now: () => 0 }), { mode: 'system' });
});
