import t from 'tap';
import { headroomLine, REGISTRATION_THRESHOLD_PER_SEC, RESOLUTION_THRESHOLD_PER_SEC } from '../../bench/lib/headroom.js';

t.test('the policy thresholds as rates', async (t) => {
  t.equal(RESOLUTION_THRESHOLD_PER_SEC.toFixed(1), '34.7');
  t.equal(REGISTRATION_THRESHOLD_PER_SEC.toFixed(4), '0.3171');
});

t.test('core share and headroom factor', async (t) => {
  const line = headroomLine(RESOLUTION_THRESHOLD_PER_SEC, '3,000,000 resolutions/day', 'rest-uniform', 8000, 100);
  // 34.72/s × 100 µs = 3472 µs of CPU per second: 0.35% of a core.
  t.ok(Math.abs(line.coreShare - 0.003472) < 1e-6);
  t.ok(Math.abs(line.headroomFactor - 8000 / 34.7222) < 0.01);
  t.equal(line.scenario, 'rest-uniform');
  const registrations = headroomLine(REGISTRATION_THRESHOLD_PER_SEC, '10,000,000 registrations/year', 'rest-register-single', 500, 2000);
  t.ok(Math.abs(registrations.coreShare - (0.3171 * 2000) / 1e6) < 1e-6);
  t.ok(Math.abs(registrations.headroomFactor - 500 / 0.31710) < 0.1);
});
