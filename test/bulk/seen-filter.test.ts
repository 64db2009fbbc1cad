import t from 'tap';
import { SeenFilter } from '../../src/core/bulk/seen-filter.js';

t.test('never forgets a key, rarely claims one it never saw, about a byte per key', async (t) => {
  const filter = new SeenFilter(1024);
  t.notOk(filter.mightContain('88.999.1/SN-0'), 'empty');
  const n = 200_000;
  for (let i = 0; i < n; i++) filter.add(`88.999.1/SN-${i}`);
  let missed = 0;
  for (let i = 0; i < n; i++) if (!filter.mightContain(`88.999.1/SN-${i}`)) missed++;
  t.equal(missed, 0, 'no false negatives');
  let claimed = 0;
  const probes = 100_000;
  for (let i = 0; i < probes; i++) if (filter.mightContain(`88.999.2/OTHER-${i}`)) claimed++;
  t.ok(claimed / probes < 0.08, `false positives ${((claimed / probes) * 100).toFixed(2)}% stay under 8% across 8 layers`);
  t.ok(filter.bytes() < n * 4, `${filter.bytes()} bytes for ${n} keys`);
});
