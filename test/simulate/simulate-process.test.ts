import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { planWorkload, type WorkloadSpec } from '../../src/simulate/workload.js';
import { runCli } from '../helpers/run-cli.js';

// One `idnode simulate` run (itself, a top-level node and two secondary nodes: four processes) for every check.
t.test('idnode simulate: a small seeded workload, every report equal to what was sent, to the unit', async (t) => {
  const out = t.testdir();
  const run = await runCli(
    ['simulate', '--nodes', '2', '--days', '2', '--seconds-per-day', '4', '--seed', '42', '--registrations', '40', '--resolutions', '80', '--cross-node-share', '0.3', '--capacity-seconds', '0.2', '--startup-seconds', '3', '--out', out],
    { timeoutMs: 600_000 },
  );
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /Every figure of every report equals what was sent\./);
  t.match(run.stderr, /simulate: stopping every process/);
  const report = JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8'));
  const spec: WorkloadSpec = report.simulation.spec;
  t.match(spec, { nodes: 2, days: 2, seed: 42, registrationsPerNodePerDay: 40, resolutionsPerNodePerDay: 80, crossNodeShare: 0.3 });

  // The same seed gives the same workload: planned here, in another process, it is the one the run sent.
  const plan = planWorkload(spec);
  t.equal(report.simulation.workloadDigest, plan.digest, 'same seed, same workload');
  t.not(planWorkload({ ...spec, seed: 43 }).digest, plan.digest);

  t.equal(report.figuresMatch, true);
  report.nodes.forEach((node: any, i: number) => {
    const planned = plan.nodes[i]!;
    t.same(node.sent, { ...planned, failures: 0 }, `node ${i + 1}: everything planned was sent and accepted`);
    t.ok(node.checks.length >= 6 && node.checks.every((check: any) => check.equal), `node ${i + 1}: every check equal`);
    const totals = node.eligibility.figures.totals;
    t.equal(totals.registration, planned.registrations, `node ${i + 1}: registrations in its eligibility report`);
    t.equal(totals['resolution.cache-hit'] + totals['resolution.store-read'] + totals['resolution.referred'], planned.resolutionsAsked + planned.servedForOthers, `node ${i + 1}: resolutions`);
    t.equal(totals['resolution.referred'], planned.crossNodeAsked, `node ${i + 1}: referred`);
    t.equal(totals['resolution.not-found'], 0);
    const atTop = report.topLevel.nodes.find((entry: any) => entry.id === `node-${i + 1}`).years.find((year: any) => year.year === 2025);
    t.equal(atTop.registrations, planned.registrations, `node ${i + 1}: registrations at the top-level node`);
    t.equal(atTop.countedResolutions, planned.resolutionsAsked + planned.servedForOthers, `node ${i + 1}: counted resolutions at the top-level node`);
    t.ok(node.capacity.resolutionsPerSecond > 0 && node.capacity.registrationsPerSecond > 0, 'a capacity was measured');
    t.ok(node.headroom.utilisation > 0, 'and the load set against it');
  });
  t.ok(plan.nodes[0]!.crossNodeAsked > 0 && plan.nodes[1]!.crossNodeAsked > 0, 'the workload asked across nodes');
  t.match(report.trace, { handle: '88.302.MFG/ASSEMBLY-2-39', result: { counts: { found: 3, missing: 0, cycle: 0 } } });
  t.equal(report.trace.result.nodes.length, 2, 'the traced assembly spans both nodes');

  const html = readFileSync(join(out, 'simulation.html'), 'utf8');
  t.match(html, /data-figures-match="true"/);
  t.match(html, /<svg[^>]*aria-label="traced tree" data-trace-boxes="3"/);
  t.notMatch(html, /<script|<link|src="http/, 'no external asset');
});
