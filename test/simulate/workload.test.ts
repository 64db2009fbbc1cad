import t from 'tap';
import { parseScenario } from '../../src/simulate/scenario.js';
import { COMPONENT_TYPE, itemHandle, planWorkload, registrationsOf, resolutionsOf, simNodes, type WorkloadSpec } from '../../src/simulate/workload.js';
import { zipfRank } from '../../src/simulate/zipf.js';
import { prng } from '../../src/simulate/prng.js';

const SPEC: WorkloadSpec = { nodes: 3, days: 2, seed: 7, registrationsPerNodePerDay: 30, resolutionsPerNodePerDay: 80, zipf: 1.1, crossNodeShare: 0.25, valueTtlSeconds: 0 };

t.test('the same seed gives the same workload; another seed another', async (t) => {
  const first = planWorkload(SPEC);
  t.same(planWorkload({ ...SPEC }), first, 'same spec, same digest and counts');
  t.not(planWorkload({ ...SPEC, seed: 8 }).digest, first.digest, 'another seed, another workload');
  t.same(
    first.nodes.map((node) => node.registrations),
    [60, 60, 60],
  );
  t.same(first.nodes.map((node) => node.resolutionsAsked), [160, 160, 160]);
  const cross = first.nodes.reduce((sum, node) => sum + node.crossNodeAsked, 0);
  t.equal(cross, first.nodes.reduce((sum, node) => sum + node.servedForOthers, 0), 'every cross-node resolution is served by one other node');
  t.ok(cross > 60 && cross < 180, `about a quarter cross nodes (${cross} of 480)`);
  // A day is generated alone, the same as within the whole run.
  t.same([...resolutionsOf(SPEC, 1, 2)], [...resolutionsOf({ ...SPEC }, 1, 2)]);
});

t.test('the supply chain: parts, assemblies of parts, batches of assemblies', async (t) => {
  t.same(
    simNodes(3).map((node) => [node.nodePrefix, node.enterprisePrefix, node.role]),
    [
      ['88.301', '88.301.SUP', 'supplier'],
      ['88.302', '88.302.MFG', 'manufacturer'],
      ['88.303', '88.303.DST', 'distributor'],
    ],
  );
  const parts = registrationsOf(SPEC, 0, 1);
  t.equal(parts.length, 30);
  t.equal(parts[0]!.handle, '88.301.SUP/PART-1-0');
  t.notOk(parts.some((item) => item.values.some((value) => value.type === COMPONENT_TYPE)), 'parts have no components');
  const assembly = registrationsOf(SPEC, 1, 2)[5]!;
  const components = assembly.values.filter((value) => value.type === COMPONENT_TYPE);
  t.equal(components.length, 2);
  t.ok(components.every((value) => /^88\.301\.SUP\/PART-[12]-\d+$/.test(value.data)), 'an assembly names parts registered up to its day');
  const batch = registrationsOf(SPEC, 2, 1)[0]!;
  t.equal(batch.values.filter((value) => value.type === COMPONENT_TYPE && value.data.startsWith('88.302.MFG/ASSEMBLY-1-')).length, 3);
  t.equal(itemHandle(SPEC, 2, 31), '88.303.DST/BATCH-2-1');
});

t.test('zipfRank: within 1..n, heavy at the head', async (t) => {
  const random = prng(1);
  const counts = new Map<number, number>();
  let outside = 0;
  for (let i = 0; i < 20_000; i++) {
    const rank = zipfRank(random(), 1000, 1.1);
    if (!(rank >= 1 && rank <= 1000 && Number.isInteger(rank))) outside++;
    counts.set(rank, (counts.get(rank) ?? 0) + 1);
  }
  t.equal(outside, 0, 'every rank a whole number in 1..1000');
  t.ok((counts.get(1) ?? 0) > (counts.get(10) ?? 0) * 5, 'rank 1 far more popular than rank 10');
  t.equal(zipfRank(0.5, 1, 1.1), 1);
  t.equal(zipfRank(0.999999, 10, 0), 10, 'exponent 0 is uniform up to n');
  const uniform = zipfRank(0.5, 100, 1);
  t.ok(uniform >= 1 && uniform <= 100);
});

t.test('a scenario file: fields checked, named in the error', async (t) => {
  t.same(parseScenario('{"name":"Zibo","registrationsPerYear":12000000,"resolutionsPerDay":3500000,"peakFactor":3}', 's.json'), { name: 'Zibo', registrationsPerYear: 12_000_000, resolutionsPerDay: 3_500_000, peakFactor: 3 });
  t.throws(() => parseScenario('nope', 's.json'), /s\.json is not JSON/);
  t.throws(() => parseScenario('[]', 's.json'), /must hold a JSON object/);
  t.throws(() => parseScenario('{"name":"x","registrationsPerYear":-1,"resolutionsPerDay":1}', 's.json'), /registrationsPerYear must be a whole number/);
  t.throws(() => parseScenario('{"name":"","registrationsPerYear":1,"resolutionsPerDay":1}', 's.json'), /name must be a non-empty string/);
  t.throws(() => parseScenario('{"name":"x","registrationsPerYear":1,"resolutionsPerDay":1,"peakFactor":0.5}', 's.json'), /peakFactor must be a number ≥ 1/);
  t.throws(() => parseScenario('{"name":"x","registrationsPerYear":1,"resolutionsPerDay":1,"typo":1}', 's.json'), /unknown field typo/);
});
