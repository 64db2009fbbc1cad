import t from 'tap';
import { seededRandom } from '../../bench/lib/random.js';
import { scatter, zipfSampler } from '../../bench/lib/zipf.js';

t.test('seeded random is reproducible and in [0, 1)', async (t) => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const drawn = Array.from({ length: 1000 }, () => a());
  t.same(drawn, Array.from({ length: 1000 }, () => b()));
  t.ok(drawn.every((x) => x >= 0 && x < 1));
  t.not(seededRandom(43)(), drawn[0]);
});

t.test('zipf s=1 over 1000 follows 1/k within sampling error', async (t) => {
  const n = 1000;
  const draws = 200_000;
  const sample = zipfSampler(n, 1, seededRandom(7));
  const counts = new Array<number>(n + 1).fill(0);
  let outside = 0;
  for (let i = 0; i < draws; i++) {
    const k = sample();
    if (Number.isInteger(k) && k >= 1 && k <= n) counts[k]!++;
    else outside++;
  }
  t.equal(outside, 0, 'every rank is an integer in 1..n');
  let harmonic = 0;
  for (let k = 1; k <= n; k++) harmonic += 1 / k;
  for (const k of [1, 2, 3, 10, 100]) {
    const expected = draws / (k * harmonic);
    // 5 standard deviations of a binomial count.
    const tolerance = 5 * Math.sqrt(expected);
    t.ok(Math.abs(counts[k]! - expected) < tolerance, `rank ${k}: ${counts[k]} ≈ ${expected.toFixed(0)}`);
  }
  // The tail: ranks 501..1000 together carry ln(2)/H of the mass, about 9.3%.
  const tail = counts.slice(501).reduce((sum, count) => sum + count, 0) / draws;
  t.ok(Math.abs(tail - Math.log(2) / harmonic) < 0.005, `tail share ${tail}`);
});

t.test('zipf works for other exponents, a population of one, and ten million without a table', async (t) => {
  const steep = zipfSampler(100, 2, seededRandom(1));
  let ones = 0;
  for (let i = 0; i < 50_000; i++) if (steep() === 1) ones++;
  // 1 / zeta_100(2) ≈ 0.6145
  t.ok(Math.abs(ones / 50_000 - 0.6145) < 0.01, `rank 1 share ${ones / 50_000}`);
  const single = zipfSampler(1, 1, seededRandom(1));
  t.equal(single(), 1);
  const huge = zipfSampler(10_000_000, 1, seededRandom(3));
  for (let i = 0; i < 1000; i++) {
    const k = huge();
    if (k < 1 || k > 10_000_000) t.fail(`rank ${k} out of range`);
  }
});

t.test('zipf refuses a bad population or exponent', async (t) => {
  t.throws(() => zipfSampler(0, 1, Math.random), { code: 'CONFIG_INVALID' });
  t.throws(() => zipfSampler(1.5, 1, Math.random), { code: 'CONFIG_INVALID' });
  t.throws(() => zipfSampler(10, 0, Math.random), { code: 'CONFIG_INVALID' });
});

t.test('scatter is a bijection of [0, n)', async (t) => {
  for (const n of [1, 7, 1000, 100_000, 40503 * 2]) {
    const spread = scatter(n);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add(spread(i));
    t.equal(seen.size, n, `n = ${n}`);
    t.ok([...seen].every((x) => x >= 0 && x < n));
  }
  const big = scatter(10_000_000);
  t.equal(big(0), 0);
  t.ok(big(1) !== 1, 'consecutive ranks are spread');
  t.ok(big(9_999_999) < 10_000_000);
});
