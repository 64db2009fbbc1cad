import t, { type Test } from 'tap';
import { addDays } from '../../src/core/clock/calendar-day.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { DAY_FIELD_RANGE_FIELDS, MAX_RANGE_DAYS, parseRange, QUERY_RANGE_FIELDS } from '../../src/core/metering/day-range.js';

function refusal(t: Test, run: () => unknown): IdnodeError {
  try {
    run();
  } catch (error) {
    t.type(error, IdnodeError);
    return error as IdnodeError;
  }
  throw new Error('expected a refusal');
}

t.test('one range validator: the longest range is MAX_RANGE_DAYS days, for every front end', async (t) => {
  const last = addDays('2020-01-01', MAX_RANGE_DAYS - 1);
  for (const fields of [QUERY_RANGE_FIELDS, DAY_FIELD_RANGE_FIELDS]) {
    t.same(parseRange({ from: '2020-01-01', to: last }, fields), { from: '2020-01-01', to: last }, `${fields.from}: ${MAX_RANGE_DAYS} days`);
    const tooLong = refusal(t, () => parseRange({ from: '2020-01-01', to: addDays(last, 1) }, fields));
    t.equal(tooLong.code, 'REQUEST_INVALID');
    t.match(tooLong.message, `spans ${MAX_RANGE_DAYS + 1} days`);
    t.match(tooLong.message, String(MAX_RANGE_DAYS));
  }
  t.same(parseRange({ from: '2024-02-29', to: '2024-02-29' }), { from: '2024-02-29', to: '2024-02-29' }, 'one day; REST names by default');
});

t.test("refusals name the field as the caller's front end calls it", async (t) => {
  t.equal(refusal(t, () => parseRange({ to: '2024-01-01' }, QUERY_RANGE_FIELDS)).message, 'from must be a calendar date YYYY-MM-DD, got nothing');
  t.equal(refusal(t, () => parseRange({ from: '2024-01-01', to: 7 }, DAY_FIELD_RANGE_FIELDS)).message, 'to_day must be a calendar date YYYY-MM-DD, got 7');
  t.equal(refusal(t, () => parseRange({ from: '2024-01-02', to: '2024-01-01' }, QUERY_RANGE_FIELDS)).message, 'to (2024-01-01) is before from (2024-01-02)');
  t.equal(refusal(t, () => parseRange({ from: '2024-01-02', to: '2024-01-01' }, DAY_FIELD_RANGE_FIELDS)).message, 'from_day 2024-01-02 is after to_day 2024-01-01');
});

t.test('the prefix: absent or empty means every prefix; otherwise text that is a prefix, normalised', async (t) => {
  t.same(parseRange({ from: '2024-01-01', to: '2024-01-01', prefix: '' }), { from: '2024-01-01', to: '2024-01-01' });
  t.same(parseRange({ from: '2024-01-01', to: '2024-01-01', prefix: '88.999.demo' }), { from: '2024-01-01', to: '2024-01-01', prefix: '88.999.DEMO' });
  t.match(refusal(t, () => parseRange({ from: '2024-01-01', to: '2024-01-01', prefix: 88 })), { code: 'REQUEST_INVALID', message: 'prefix must be text' });
  t.match(refusal(t, () => parseRange({ from: '2024-01-01', to: '2024-01-01', prefix: '88..1' })).message, /empty segment/);
});
