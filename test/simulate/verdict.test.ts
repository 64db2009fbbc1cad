import t from 'tap';
import { headroomOf, policyThresholds, verdictOf } from '../../src/simulate/run-simulation.js';
import type { WorkloadSpec } from '../../src/simulate/workload.js';

const thresholds = policyThresholds();
const spec: WorkloadSpec = { nodes: 3, days: 10, seed: 1, registrationsPerNodePerDay: 3, resolutionsPerNodePerDay: 300, zipf: 1.1, crossNodeShare: 0.2, valueTtlSeconds: 0 };
const capacity = { resolutionsPerSecond: 200, registrationsPerSecond: 2000, method: 'test' };

t.test('the thresholds come from the default policy', async (t) => {
  t.same(thresholds, { registrationsPerYear: 10_000_000, dailyAverageResolutions: 3_000_000 });
});

t.test('headroom: the busiest day over the real seconds of a day, against capacity', async (t) => {
  const day = (registrations: number, asked: number, served: number) => ({ day: 'd', registrations, resolutionsAsked: asked, crossNodeAsked: 0, servedForOthers: served, failures: 0, registrationMs: 0, resolutionMs: 0 });
  const headroom = headroomOf([day(10, 100, 0), day(20, 150, 50)], 2, capacity, thresholds);
  // Busiest: 20 registrations and 200 resolutions in 2 s → 10/s of 2000 and 100/s of 200 → 0.005 + 0.5.
  t.same(headroom, {
    peakRegistrationsPerSecond: 10,
    peakResolutionsPerSecond: 100,
    utilisation: 0.505,
    headroom: 1.98,
    thresholdMultiples: { registrationsPerYear: Math.round(((2000 * 86400 * 365) / 10_000_000) * 100) / 100, dailyAverageResolutions: 5.76 },
  });
});

t.test('meets / misses by X with headroom Y, extrapolated from the load sent to the full load', async (t) => {
  // A scaled run: 3 registrations and 300 resolutions a node a day stand for 30,000/day (≈ 10.95 M a year) and 3.3 M a day.
  const outcome = { runTotals: { registrations: 30, countedResolutions: 3300 }, capacity };
  const full = { registrationsPerYear: 10_950_000, resolutionsPerDay: 3_300_000 };
  const verdict = verdictOf(outcome, spec, full, thresholds, { name: 'park', ...full, peakFactor: 2 });
  t.match(verdict.registrationsPerYear, { estimated: 10_950_000, threshold: 10_000_000, margin: 950_000, marginPercent: 9.5, meets: true });
  t.match(verdict.dailyAverageResolutions, { estimated: 3_630_000, margin: 630_000, meets: true });
  // One real day of capacity: 17,280,000 resolutions and 172,800,000 registrations against 7,260,000 (peak ×2) and 30,000.
  t.equal(verdict.headroom, Math.round((1 / (30_000 / 172_800_000 + 7_260_000 / 17_280_000)) * 100) / 100);
  t.match(verdict.sentence, /registrations\/year 10,950,000 meets by 950,000 \(\+9\.5%\); daily average resolutions 3,630,000 meets by 630,000 \(\+21%\); headroom [\d.]+× .*peak ×2/);
  t.match(verdict.basis, /scenario "park" for 10 days; EXTRAPOLATED/);
  const unscaled = verdictOf(outcome, spec, undefined, thresholds, undefined);
  t.match(unscaled, { registrationsPerYear: { estimated: 1095, meets: false }, dailyAverageResolutions: { estimated: 330, meets: false }, basis: /the simulated load .* the figures as reported/ });
});
