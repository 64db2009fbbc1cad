import t from 'tap';
import { Doorkeeper } from '../../src/core/cache/doorkeeper.js';
import { answerFor, ResolutionCache } from '../../src/core/cache/resolution-cache.js';

t.test('the doorkeeper admits on second sight and forgets after as many first sightings as the cache holds', async (t) => {
  const door = new Doorkeeper(1000);
  t.notOk(door.admit('88.999/a'), 'first sight');
  t.ok(door.admit('88.999/a'), 'second sight');
  t.ok(door.admit('88.999/a'), 'and after');
  let early = 0;
  for (let k = 0; k < 999; k++) if (door.admit(`88.999/scan-${k}`)) early++;
  t.ok(early <= 20, `a scan of new identifiers is refused (${early} false positives of 999)`);
  t.ok(door.admit('88.999/a'), 'still remembered before the reset');
  for (let k = 0; k < 50; k++) door.admit(`88.999/more-${k}`); // past 1,000 first sightings: the filter is cleared
  t.notOk(door.admit('88.999/a'), 'forgotten after the reset');
});

t.test('a uniform scan larger than the cache does not evict the hot entries (second-sight admission)', async (t) => {
  const options = { maxEntries: 100, maxBytes: 1 << 24, maxTtlSeconds: 60, notFoundTtlSeconds: 5, monotonic: { now: () => 1 } };
  const record = (handle: string) => answerFor({ handle, prefix: '88.999', values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'v' }, ttl: 60, timestamp: '2024-01-01T00:00:00Z', permissions: '1110', references: [] }], createdAtMs: 0, updatedAtMs: 0 });
  for (const admission of ['second-sight', 'always'] as const) {
    const cache = new ResolutionCache({ ...options, admission });
    const hot = Array.from({ length: 50 }, (_, k) => `88.999/hot-${k}`);
    for (let round = 0; round < 2; round++) for (const handle of hot) if (!cache.get(handle)) cache.offer(handle, record(handle), cache.generation());
    for (let k = 0; k < 500; k++) {
      const handle = `88.999/scan-${k}`;
      if (!cache.get(handle)) cache.offer(handle, record(handle), cache.generation());
    }
    const kept = hot.filter((handle) => cache.get(handle) !== undefined).length;
    if (admission === 'second-sight') t.equal(kept, 50, 'second-sight: every hot entry survives the scan');
    else t.equal(kept, 0, 'always: the scan evicted them all');
  }
});

t.test("another node's answer is kept on first sight (asking again costs a network round trip)", async (t) => {
  const cache = new ResolutionCache({ maxEntries: 100, maxBytes: 1 << 24, maxTtlSeconds: 60, notFoundTtlSeconds: 5, monotonic: { now: () => 1 }, admission: 'second-sight' });
  const value = { index: 1, type: 'URL', data: { format: 'string' as const, value: 'v' }, ttl: 60, timestamp: '2024-01-01T00:00:00Z', permissions: '1110', references: [] };
  const local = answerFor({ handle: '88.999/local', prefix: '88.999', values: [value], createdAtMs: 0, updatedAtMs: 0 });
  const remote = { ...answerFor({ handle: '88.777/remote', prefix: '88.777', values: [value], createdAtMs: 0, updatedAtMs: 0 }), referred: true as const };
  t.notOk(cache.offer('88.999/local', local, cache.generation()), 'a local answer waits for its second miss');
  t.ok(cache.offer('88.777/remote', remote, cache.generation()), 'a referred answer is admitted at once');
  t.equal(cache.get('88.777/remote'), remote);
});
