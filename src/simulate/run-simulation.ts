import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RESOLUTION_KINDS } from '../core/metering/figures.js';
import { loadConfiguredPolicies } from '../policies/load-policies.js';
import { lookupThroughNode } from '../trace/trace-lookup.js';
import { traceHandle, type TraceResult } from '../trace/trace.js';
import { measureCapacity, type Capacity } from './capacity.js';
import { startCluster, type CliCommand, type Cluster } from './cluster.js';
import { DAY_MS, driveWorkload, meteringDayLabel, realInstantOf, type DayTally } from './drive.js';
import { basicAuth, expectJson } from './http.js';
import type { Scenario } from './scenario.js';
import { itemHandle, planWorkload, simNodes, type PlannedLoad, type SimNode, type WorkloadSpec } from './workload.js';

export interface SimulationOptions {
  readonly spec: WorkloadSpec;
  readonly secondsPerDay: number;
  readonly year: number;
  /** The factor of the thresholds (or of the scenario's load) asked for (1: the rates given as they are). */
  readonly scale: number;
  /**
   * The full load the run is a scaled copy of (the scenario's, or the thresholds' with --scale): the year is
   * extrapolated by it over the rates actually sent (whole operations a day, so not exactly `scale`).
   */
  readonly fullLoad?: { readonly registrationsPerYear: number; readonly resolutionsPerDay: number };
  readonly scenario?: Scenario;
  readonly recursive: boolean;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly capacitySeconds: number;
  /** Real seconds allowed for the processes to start before day 1 of the year begins on their clock. */
  readonly startupSeconds: number;
  readonly readyTimeoutMs: number;
  readonly dir: string;
  readonly cli: CliCommand;
  readonly log: (line: string) => void;
  /** Told of every process started (the caller stops them on a signal). */
  readonly track: (child: ChildProcess) => void;
}

/** One figure of a node's reports beside what the simulator sent. */
export interface FigureCheck {
  readonly report: 'metering' | 'eligibility' | 'top-level';
  readonly figure: string;
  readonly sent: number;
  readonly reported: number;
  readonly equal: boolean;
}

export interface NodeOutcome {
  readonly node: SimNode;
  readonly url: string;
  readonly planned: PlannedLoad;
  readonly sent: PlannedLoad & { readonly failures: number };
  /** The node's metered figures over the run's days (first workload day to the day the last answer fell on). */
  readonly runTotals: { readonly registrations: number; readonly countedResolutions: number };
  readonly checks: readonly FigureCheck[];
  readonly days: readonly DayTally[];
  /** The node's metering per day (its own figures, all prefixes summed). */
  readonly daily: readonly { readonly day: string; readonly registrations: number; readonly resolutions: number }[];
  readonly eligibility: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the node's report, as served
  readonly capacity: Capacity;
  readonly headroom: Headroom;
}

/**
 * The load a node carried against its capacity. Offered rates are a workload day's operations over the real
 * seconds the day lasts (its busiest day); utilisation adds the two fractions (a linear cost model: a second
 * of registrations and a second of resolutions do not overlap), and headroom is its inverse.
 */
export interface Headroom {
  readonly peakRegistrationsPerSecond: number;
  readonly peakResolutionsPerSecond: number;
  readonly utilisation: number;
  readonly headroom: number;
  /** Capacity × 86,400 s against the thresholds: how many times the policy's load one real day of capacity carries. */
  readonly thresholdMultiples: { readonly registrationsPerYear: number; readonly dailyAverageResolutions: number };
}

export interface Verdict {
  readonly basis: string;
  readonly registrationsPerYear: { readonly estimated: number; readonly threshold: number; readonly margin: number; readonly marginPercent: number; readonly meets: boolean };
  readonly dailyAverageResolutions: { readonly estimated: number; readonly threshold: number; readonly margin: number; readonly marginPercent: number; readonly meets: boolean };
  /** Measured capacity per day against the estimated load (the busiest of the two): ≥ 1 means it fits. */
  readonly headroom: number;
  readonly sentence: string;
}

export interface SimulationReport {
  readonly simulation: {
    readonly spec: WorkloadSpec;
    readonly workloadDigest: string;
    readonly year: number;
    readonly firstDay: string;
    readonly lastDay: string;
    readonly secondsPerDay: number;
    readonly clockRate: number;
    readonly scale: number;
    readonly scenario?: Scenario;
    readonly recursive: boolean;
    readonly realSeconds: number;
    readonly overruns: readonly string[];
    readonly failures: readonly string[];
    readonly loadAverage: readonly number[];
    readonly startedAt: string;
  };
  readonly thresholds: { readonly registrationsPerYear: number; readonly dailyAverageResolutions: number };
  readonly nodes: readonly NodeOutcome[];
  readonly topLevel: { readonly url: string; readonly nodes: readonly unknown[] };
  readonly trace: { readonly handle: string; readonly through: string; readonly result: TraceResult; readonly nodeNames: Readonly<Record<string, string>> } | undefined;
  readonly verdicts: readonly (Verdict & { readonly node: string })[];
  /** True when every figure of every report equals what was sent. */
  readonly figuresMatch: boolean;
}

/** The thresholds of the default award policy (registrations in a year, daily average of resolutions). */
export function policyThresholds(): { registrationsPerYear: number; dailyAverageResolutions: number } {
  const criteria = loadConfiguredPolicies({}).get(undefined).awards.flatMap((award) => award.criteria);
  const threshold = (metric: string) => criteria.find((criterion) => criterion.metric === metric)?.threshold ?? 0;
  return { registrationsPerYear: threshold('registrations'), dailyAverageResolutions: threshold('daily-average-resolutions') };
}

/**
 * The whole simulation: starts the cluster, creates one enterprise per node, drives the workload day by day,
 * waits until the last day is sealed and reported to the top-level node, takes every report, checks each
 * figure against what was sent, traces one product across the nodes, measures each node's capacity, and
 * stops every process (also when something fails on the way).
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const { spec, log } = options;
  const startedAt = new Date();
  const began = performance.now();
  const rate = DAY_MS / 1000 / options.secondsPerDay;
  const yearStart = Date.parse(`${options.year}-01-01T00:00:00+08:00`);
  const clock = { startMs: yearStart, rate, realStartMs: Date.now() + options.startupSeconds * 1000 };
  const nodes = simNodes(spec.nodes);
  const thresholds = policyThresholds();
  log(`starting the top-level node and ${spec.nodes} secondary node${spec.nodes === 1 ? '' : 's'} (${options.dir}); the clock reads ${new Date(yearStart).toISOString()} at ${new Date(clock.realStartMs).toISOString()}, ${rate}× real time`);
  const cluster: Cluster = await startCluster(
    { cli: options.cli, dir: options.dir, nodes: nodes.map((node) => ({ name: node.name, nodePrefix: node.nodePrefix })), clock, recursive: options.recursive, readyTimeoutMs: options.readyTimeoutMs },
    options.track,
  );
  try {
    const enterprises = await Promise.all(
      cluster.nodes.map((node, i) =>
        expectJson(`${node.url}/api/v1/enterprises`, 201, {
          method: 'POST',
          authorization: basicAuth(node.operator.id, node.operator.secret),
          json: { prefix: nodes[i]!.enterprisePrefix, name: `Simulated ${nodes[i]!.role}` },
        }) as Promise<{ id: string; secret: string }>,
      ),
    );
    // Day 1 is the first whole day after the set-up (the year's first day when it was quick enough).
    const readyOnClock = yearStart + (Date.now() + 500 - clock.realStartMs) * rate;
    const offsetDays = Math.max(0, Math.ceil((readyOnClock - yearStart) / DAY_MS));
    if (offsetDays + spec.days > 365) throw new Error(`the set-up took until day ${offsetDays + 1} of ${options.year}: ${spec.days} days no longer fit in the year (give --startup-seconds more, or fewer days)`);
    const firstDayStartMs = yearStart + offsetDays * DAY_MS;
    log(`${cluster.nodes.length} nodes ready, enterprises ${nodes.map((node) => node.enterprisePrefix).join(', ')}; day 1 is ${meteringDayLabel(firstDayStartMs)}`);
    const driven = await driveWorkload({
      spec,
      nodes: cluster.nodes.map((node, i) => ({ url: node.url, enterprise: enterprises[i]! })),
      clock,
      firstDayStartMs,
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      onDay: (day, label) => {
        if (day === 1 || day === spec.days || day % Math.max(1, Math.ceil(spec.days / 10)) === 0) log(`day ${day}/${spec.days} (${label})`);
      },
    });
    const lastDayStartMs = firstDayStartMs + (spec.days - 1) * DAY_MS;
    const lastDay = meteringDayLabel(lastDayStartMs);
    // After an overrun the last counts fall on a later day: wait for that one to be sealed and reported.
    const reportedTo = driven.lastActiveDay > lastDay ? driven.lastActiveDay : lastDay;
    log(`workload sent; waiting until ${reportedTo} is sealed and reported to the top-level node`);
    const reportedToEndMs = Date.parse(`${reportedTo}T00:00:00+08:00`) + DAY_MS;
    const connection = await waitForReports(cluster, realInstantOf(clock, reportedToEndMs), reportedTo, cluster.nodes.length, options.readyTimeoutMs);
    const plan = planWorkload(spec);
    const outcomes: Omit<NodeOutcome, 'capacity' | 'headroom'>[] = [];
    for (const [i, node] of cluster.nodes.entries()) {
      const operator = basicAuth(node.operator.id, node.operator.secret);
      const eligibility = await expectJson(`${node.url}/api/v1/eligibility?year=${options.year}`, 200, { authorization: operator });
      const firstDay = meteringDayLabel(firstDayStartMs);
      const metering = await expectJson(`${node.url}/api/v1/metering/daily?from=${firstDay}&to=${reportedTo}`, 200, { authorization: operator });
      const daily = new Map<string, { day: string; registrations: number; resolutions: number }>();
      for (const row of metering.rows as { day: string; registrations: number; resolutions: number }[]) {
        const entry = daily.get(row.day) ?? { day: row.day, registrations: 0, resolutions: 0 };
        entry.registrations += row.registrations;
        entry.resolutions += row.resolutions;
        daily.set(row.day, entry);
      }
      const tallies = driven.days[i]!;
      const sum = (field: keyof PlannedLoad | 'failures') => tallies.reduce((total, tally) => total + tally[field], 0);
      const sent = { registrations: sum('registrations'), resolutionsAsked: sum('resolutionsAsked'), crossNodeAsked: sum('crossNodeAsked'), servedForOthers: sum('servedForOthers'), failures: sum('failures') };
      const top = (connection as { id: string; years: { year: number; registrations: number; countedResolutions: number; totals: Record<string, number> }[] }[]).find((entry) => entry.id === `node-${i + 1}`);
      // The run's own days (a day that overran spills into the next, possibly past the year): the metering totals.
      const run = (await expectJson(`${node.url}/api/v1/metering/totals?from=${firstDay}&to=${reportedTo}`, 200, { authorization: operator })).totals as Record<string, number>;
      const runTotals = { registrations: run['registrations']!, countedResolutions: run['resolutionCacheHits']! + run['resolutionStoreReads']! + run['resolutionReferred']! };
      const withinYear = reportedTo.startsWith(String(options.year));
      outcomes.push({
        node: nodes[i]!,
        url: node.url,
        planned: plan.nodes[i]!,
        sent,
        runTotals,
        checks: figureChecks(run, withinYear ? eligibility : undefined, top?.years ?? [], sent, options.recursive),
        days: tallies,
        daily: [...daily.values()],
        eligibility,
      });
    }
    const trace = await traceProduct(spec, cluster, nodes);
    log('reports taken; measuring each node’s capacity');
    const finished: NodeOutcome[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const capacity = await measureCapacity({ spec, node: i, url: outcome.url, enterprise: enterprises[i]!, seconds: options.capacitySeconds, concurrency: Math.max(16, options.concurrency), batchSize: options.batchSize });
      finished.push({ ...outcome, capacity, headroom: headroomOf(outcome.days, options.secondsPerDay, capacity, thresholds) });
    }
    const verdicts = finished.map((outcome) => ({ node: outcome.node.name, ...verdictOf(outcome, spec, options.fullLoad, thresholds, options.scenario) }));
    return {
      simulation: {
        spec,
        workloadDigest: plan.digest,
        year: options.year,
        firstDay: meteringDayLabel(firstDayStartMs),
        lastDay,
        secondsPerDay: options.secondsPerDay,
        clockRate: rate,
        scale: options.scale,
        ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
        recursive: options.recursive,
        realSeconds: Math.round((performance.now() - began) / 100) / 10,
        overruns: driven.overruns,
        failures: driven.firstFailures,
        loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
        startedAt: startedAt.toISOString(),
      },
      thresholds,
      nodes: finished,
      topLevel: { url: cluster.top.url, nodes: connection },
      trace,
      verdicts,
      figuresMatch: finished.every((outcome) => outcome.checks.every((check) => check.equal)),
    };
  } finally {
    log('stopping every process');
    await cluster.stop();
  }
}

/** Waits until the clock has passed `afterReal` and the top-level node holds `lastDay` from every node. */
async function waitForReports(cluster: Cluster, afterReal: number, lastDay: string, count: number, timeoutMs: number): Promise<unknown[]> {
  const wait = afterReal - Date.now();
  if (wait > 0) await sleep(wait);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await expectJson(`${cluster.top.url}/api/v1/nodes`, 200);
    const nodes = report.nodes as { reports: { lastDay?: string } }[];
    if (nodes.length === count && nodes.every((node) => node.reports.lastDay !== undefined && node.reports.lastDay >= lastDay)) return nodes;
    if (Date.now() > deadline) throw new Error(`the top-level node did not hold ${lastDay} from every node within ${timeoutMs} ms: ${JSON.stringify(nodes.map((node) => node.reports.lastDay))}`);
    await sleep(200);
  }
}

/**
 * Each report's figures against what was sent. The node's metering over the run's days counts the
 * registrations it took, the resolutions asked of it plus those other nodes asked of it (recursion), and —
 * with recursion — the referred ones among them. Its eligibility report for the year holds the same when the
 * run stayed within the year (`eligibility` undefined otherwise: a day that overran spilled past it). The
 * top-level node's connection report holds the same totals from the sealed days, over all its years.
 */
function figureChecks(run: Record<string, number>, eligibility: any, topYears: readonly { registrations: number; countedResolutions: number }[], sent: PlannedLoad, recursive: boolean): FigureCheck[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const check = (report: FigureCheck['report'], figure: string, expected: number, reported: number): FigureCheck => ({ report, figure, sent: expected, reported, equal: expected === reported });
  const resolutionsSent = sent.resolutionsAsked + sent.servedForOthers;
  const checks = [
    check('metering', 'registrations', sent.registrations, run['registrations'] ?? 0),
    check('metering', 'resolutions (asked here + asked of it by other nodes)', resolutionsSent, run['resolutions'] ?? 0),
    check('metering', 'resolutions not found', 0, run['resolutionNotFound'] ?? 0),
  ];
  if (recursive) checks.push(check('metering', 'resolutions referred (asked here, homed elsewhere)', sent.crossNodeAsked, run['resolutionReferred'] ?? 0));
  if (eligibility !== undefined) {
    const totals = eligibility.figures.totals as Record<string, number>;
    checks.push(check('eligibility', 'registrations', sent.registrations, totals['registration'] ?? 0));
    checks.push(check('eligibility', 'resolutions (asked here + asked of it by other nodes)', resolutionsSent, RESOLUTION_KINDS.reduce((sum, kind) => sum + (totals[kind] ?? 0), 0)));
    if (recursive) checks.push(check('eligibility', 'resolutions referred', sent.crossNodeAsked, totals['resolution.referred'] ?? 0));
  }
  const counted = (run['resolutionCacheHits'] ?? 0) + (run['resolutionStoreReads'] ?? 0) + (run['resolutionReferred'] ?? 0);
  checks.push(check('top-level', 'registrations', sent.registrations, topYears.reduce((sum, year) => sum + year.registrations, 0)));
  checks.push(check('top-level', 'counted resolutions', counted, topYears.reduce((sum, year) => sum + year.countedResolutions, 0)));
  return checks;
}

export function headroomOf(days: readonly DayTally[], secondsPerDay: number, capacity: Capacity, thresholds: { registrationsPerYear: number; dailyAverageResolutions: number }): Headroom {
  const peakRegistrations = Math.max(0, ...days.map((day) => day.registrations)) / secondsPerDay;
  const peakResolutions = Math.max(0, ...days.map((day) => day.resolutionsAsked + day.servedForOthers)) / secondsPerDay;
  const utilisation = ratio(peakRegistrations, capacity.registrationsPerSecond) + ratio(peakResolutions, capacity.resolutionsPerSecond);
  return {
    peakRegistrationsPerSecond: round2(peakRegistrations),
    peakResolutionsPerSecond: round2(peakResolutions),
    utilisation: round4(utilisation),
    headroom: utilisation === 0 ? Number.POSITIVE_INFINITY : round2(1 / utilisation),
    thresholdMultiples: {
      registrationsPerYear: round2((capacity.registrationsPerSecond * 86_400 * 365) / thresholds.registrationsPerYear),
      dailyAverageResolutions: round2((capacity.resolutionsPerSecond * 86_400) / thresholds.dailyAverageResolutions),
    },
  };
}

/**
 * Meets / misses the thresholds by X, with headroom Y: the year's figures estimated from the run (the
 * node's reported figures × the full load over the rates sent, registrations × 365 / days), against the
 * thresholds; headroom is a real day of measured capacity against the estimated day's load (with the
 * scenario's peak factor, when it gives one).
 */
export function verdictOf(outcome: Pick<NodeOutcome, 'runTotals' | 'capacity'>, spec: WorkloadSpec, fullLoad: SimulationOptions['fullLoad'], thresholds: { registrationsPerYear: number; dailyAverageResolutions: number }, scenario: Scenario | undefined): Verdict {
  const counted = outcome.runTotals.countedResolutions;
  const registrations = outcome.runTotals.registrations;
  const registrationFactor = fullLoad === undefined || spec.registrationsPerNodePerDay === 0 ? 1 : fullLoad.registrationsPerYear / 365 / spec.registrationsPerNodePerDay;
  const resolutionFactor = fullLoad === undefined || spec.resolutionsPerNodePerDay === 0 ? 1 : fullLoad.resolutionsPerDay / spec.resolutionsPerNodePerDay;
  const estimatedRegistrations = Math.round((registrations * registrationFactor * 365) / spec.days);
  const estimatedDaily = Math.round((counted * resolutionFactor) / spec.days);
  const margin = (estimated: number, threshold: number) => ({ estimated, threshold, margin: estimated - threshold, marginPercent: round2(((estimated - threshold) / threshold) * 100), meets: estimated > threshold });
  const peak = scenario?.peakFactor ?? 1;
  const dayLoad = ratio(estimatedRegistrations / 365, outcome.capacity.registrationsPerSecond * 86_400) + ratio(estimatedDaily * peak, outcome.capacity.resolutionsPerSecond * 86_400);
  const headroom = dayLoad === 0 ? Number.POSITIVE_INFINITY : round2(1 / dayLoad);
  const r = margin(estimatedRegistrations, thresholds.registrationsPerYear);
  const q = margin(estimatedDaily, thresholds.dailyAverageResolutions);
  const word = (m: typeof r) => `${m.meets ? 'meets' : 'misses'} by ${Math.abs(m.margin).toLocaleString('en')} (${m.marginPercent >= 0 ? '+' : ''}${m.marginPercent}%)`;
  return {
    basis: `${scenario === undefined ? (fullLoad === undefined ? 'the simulated load' : 'the policy thresholds') : `scenario "${scenario.name}"`} for ${spec.days} day${spec.days === 1 ? '' : 's'}; ${fullLoad === undefined ? 'the figures as reported' : `EXTRAPOLATED: the node's reported figures × ${round2(registrationFactor)} (registrations) and × ${round2(resolutionFactor)} (resolutions), the full load over the load sent`}, registrations × 365 / ${spec.days}`,
    registrationsPerYear: r,
    dailyAverageResolutions: q,
    headroom,
    sentence: `registrations/year ${r.estimated.toLocaleString('en')} ${word(r)}; daily average resolutions ${q.estimated.toLocaleString('en')} ${word(q)}; headroom ${headroom}× (measured capacity of one real day against that load${peak === 1 ? '' : `, peak ×${peak}`})`,
  };
}

/** Traces the newest item of the last node with components, through the first node (which does not home it). */
async function traceProduct(spec: WorkloadSpec, cluster: Cluster, nodes: readonly SimNode[]): Promise<SimulationReport['trace']> {
  const top = nodes.filter((node) => node.role !== 'supplier').at(-1);
  if (top === undefined || spec.registrationsPerNodePerDay === 0) return undefined;
  const handle = itemHandle(spec, top.index, spec.days * spec.registrationsPerNodePerDay - 1);
  const through = cluster.nodes[0]!.url;
  const result = await traceHandle(handle, lookupThroughNode(through, { timeoutMs: 10_000, now: () => performance.now() }));
  return { handle, through, result, nodeNames: Object.fromEntries(cluster.nodes.map((node, i) => [node.url, nodes[i]!.name])) };
}

function ratio(load: number, capacity: number): number {
  return load === 0 ? 0 : capacity === 0 ? Number.POSITIVE_INFINITY : load / capacity;
}
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
