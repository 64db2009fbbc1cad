import { Registry } from 'prom-client';
import t from 'tap';
import { OTHER_PREFIX } from '../../src/core/metering/counted-prefixes.js';
import { CountStats } from '../../src/metrics/count-stats.js';

/** The series of `name` as label sets with their values, sorted for comparison. */
async function series(registry: Registry, name: string): Promise<string[]> {
  const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return (metric?.values ?? []).map((value) => `${JSON.stringify(value.labels)}=${value.value}`).sort();
}

t.test('counts go to the series of their kind, homed prefix and protocol, also in runs of one series', async (t) => {
  const registry = new Registry();
  const homed = new Set<string>();
  const stats = new CountStats(registry, (prefix) => (homed.has(prefix) ? prefix : undefined));
  const count = stats.observer;

  // Before the prefix is homed: "(other)".
  count('resolution.cache-hit', '88.1', 'rest', 1);
  count('resolution.cache-hit', '88.1', 'rest', 1);
  // Homed now: the same kind, prefix and protocol counted again go under the prefix, not to the series before.
  homed.add('88.1');
  count('resolution.cache-hit', '88.1', 'rest', 1);
  count('resolution.cache-hit', '88.1', 'rest', 2);
  // Another protocol, another kind, then back: each to its own series.
  count('resolution.cache-hit', '88.1', 'grpc', 1);
  count('resolution.store-read', '88.1', 'grpc', 1);
  count('resolution.cache-hit', '88.1', 'rest', 1);
  count('refused', OTHER_PREFIX, 'rest', 1);
  count('registration', '88.1', 'rest', 5);

  t.same(await series(registry, 'idnode_resolutions_total'), [
    `{"kind":"cache-hit","prefix":"${OTHER_PREFIX}","protocol":"rest"}=2`,
    '{"kind":"cache-hit","prefix":"88.1","protocol":"grpc"}=1',
    '{"kind":"cache-hit","prefix":"88.1","protocol":"rest"}=4',
    '{"kind":"store-read","prefix":"88.1","protocol":"grpc"}=1',
  ]);
  t.same(await series(registry, 'idnode_refused_writes_total'), [`{"prefix":"${OTHER_PREFIX}","protocol":"rest"}=1`]);
  t.same(await series(registry, 'idnode_registrations_total'), ['{"prefix":"88.1","protocol":"rest"}=5']);

  // Unhomed: counted under "(other)" again, after a run under the prefix.
  homed.delete('88.1');
  count('resolution.cache-hit', '88.1', 'rest', 1);
  t.same(await series(registry, 'idnode_resolutions_total'), [
    `{"kind":"cache-hit","prefix":"${OTHER_PREFIX}","protocol":"rest"}=3`,
    '{"kind":"cache-hit","prefix":"88.1","protocol":"grpc"}=1',
    '{"kind":"cache-hit","prefix":"88.1","protocol":"rest"}=4',
    '{"kind":"store-read","prefix":"88.1","protocol":"grpc"}=1',
  ]);
});
