import { Command } from 'commander';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandFailed, EXIT_CONFIG, EXIT_FAILURE, type CliIo } from '../cli-io.js';
import { integerIn, numberIn } from './arguments.js';

const DEFAULTS = { nodes: 3, days: 3, secondsPerDay: 4, seed: 1, registrations: 100, resolutions: 1000, zipf: 1.1, crossNodeShare: 0.2, year: 2025, concurrency: 16, batchSize: 500, capacitySeconds: 3, startupSeconds: 20 };

/**
 * `idnode simulate`: a top-level node and N secondary nodes as real processes on 127.0.0.1, a deterministic
 * workload (--seed) through compressed days on their shared set clock, and the reports: each node's
 * eligibility report and figure checks, the top-level node's connection report, the headroom against the
 * capacity measured here, a traced product. Printed, and written to --out as simulation.json and
 * simulation.html. Every process is stopped at the end, on a failure and on SIGINT/SIGTERM. Exit 0 when every
 * reported figure equals what was sent, 1 otherwise. See docs/simulate.md.
 */
export function simulateCommand(io: CliIo): Command {
  return new Command('simulate')
    .description('run a top-level node and N secondary nodes on loopback through simulated days; report eligibility, connection, headroom and a traced product')
    .option('--nodes <n>', `secondary nodes (default ${DEFAULTS.nodes})`, integerIn(1, 12))
    .option('--days <n>', `simulated days of workload (default ${DEFAULTS.days})`, integerIn(1, 365))
    .option('--seconds-per-day <s>', `real seconds a simulated day lasts (default ${DEFAULTS.secondsPerDay})`, numberIn(0.05, 86_400))
    .option('--seed <k>', `workload seed: the same seed gives the same workload (default ${DEFAULTS.seed})`, integerIn(0, 2 ** 32 - 1))
    .option('--out <dir>', 'write simulation.json and simulation.html here (default ./simulation)')
    .option('--registrations <n>', `registrations per node per day (default ${DEFAULTS.registrations})`, integerIn(0, 100_000_000))
    .option('--resolutions <n>', `resolutions asked at each node per day (default ${DEFAULTS.resolutions})`, integerIn(0, 1_000_000_000))
    .option('--scale <f>', 'instead of --registrations/--resolutions: this factor of the policy thresholds (or of the --scenario load); figures are extrapolated by 1/f', numberIn(1e-9, 1000))
    .option('--scenario <file>', 'JSON of an operator\'s expected load: {"name", "registrationsPerYear", "resolutionsPerDay", "peakFactor"?}')
    .option('--zipf <s>', `Zipf exponent of identifier popularity (default ${DEFAULTS.zipf})`, numberIn(0, 10))
    .option('--cross-node-share <f>', `share of resolutions asked at a node that does not home the identifier (default ${DEFAULTS.crossNodeShare})`, numberIn(0, 1))
    .option('--no-recursive', 'start the nodes without recursive resolution (then --cross-node-share must be 0)')
    .option('--year <y>', `the simulated year (default ${DEFAULTS.year})`, integerIn(2000, 2200))
    .option('--concurrency <n>', `requests in flight per node (default ${DEFAULTS.concurrency})`, integerIn(1, 1024))
    .option('--batch-size <n>', `registrations per batch request (default ${DEFAULTS.batchSize})`, integerIn(1, 2000))
    .option('--capacity-seconds <s>', `real seconds of each capacity burst per node (default ${DEFAULTS.capacitySeconds})`, numberIn(0.1, 600))
    .option('--startup-seconds <s>', `real seconds allowed for the processes to start before day 1 (default ${DEFAULTS.startupSeconds}; a slower start begins later in the year)`, numberIn(0, 3600))
    .option('--json', 'print the whole report as JSON instead of the text summary')
    .action(async (options: Record<string, unknown>) => {
      const { runSimulation, policyThresholds } = await import('../../simulate/run-simulation.js');
      const { renderSimulationText } = await import('../../simulate/render-text.js');
      const { renderSimulationHtml } = await import('../../simulate/render-html.js');
      const { parseScenario } = await import('../../simulate/scenario.js');
      const { ownCliCommand, stopAll } = await import('../../simulate/cluster.js');
      const get = <T>(name: string, fallback: T): T => (options[name] as T | undefined) ?? fallback;
      const out = resolve(io.cwd, get('out', 'simulation'));
      const scenarioFile = options['scenario'] as string | undefined;
      const scenario = scenarioFile === undefined ? undefined : parseScenario(readFileSync(resolve(io.cwd, scenarioFile), 'utf8'), scenarioFile);
      const scale = get<number | undefined>('scale', undefined);
      if (scale !== undefined && (options['registrations'] !== undefined || options['resolutions'] !== undefined)) throw usage(io, '--scale replaces --registrations and --resolutions: give one or the other');
      let registrations = get('registrations', DEFAULTS.registrations);
      let resolutions = get('resolutions', DEFAULTS.resolutions);
      const fullLoad =
        scenario !== undefined || scale !== undefined
          ? (scenario ?? { registrationsPerYear: policyThresholds().registrationsPerYear, resolutionsPerDay: policyThresholds().dailyAverageResolutions })
          : undefined;
      if (fullLoad !== undefined) {
        registrations = Math.max(scale === undefined ? 0 : 1, Math.round((fullLoad.registrationsPerYear / 365) * (scale ?? 1)));
        resolutions = Math.max(scale === undefined ? 0 : 1, Math.round(fullLoad.resolutionsPerDay * (scale ?? 1)));
      }
      const recursive = options['recursive'] !== false;
      const crossNodeShare = get('crossNodeShare', DEFAULTS.crossNodeShare);
      if (!recursive && crossNodeShare > 0 && get('nodes', DEFAULTS.nodes) > 1) throw usage(io, '--no-recursive needs --cross-node-share 0: a node without recursion answers other nodes\' identifiers "not homed here"');
      const spec = {
        nodes: get('nodes', DEFAULTS.nodes),
        days: get('days', DEFAULTS.days),
        seed: get('seed', DEFAULTS.seed),
        registrationsPerNodePerDay: registrations,
        resolutionsPerNodePerDay: resolutions,
        zipf: get('zipf', DEFAULTS.zipf),
        crossNodeShare,
        // TTL 0: every cross-node resolution reaches the home node, so each node's counts are known exactly (docs/simulate.md).
        valueTtlSeconds: 0,
      };
      mkdirSync(out, { recursive: true });
      const children: ChildProcess[] = [];
      const onSignal = (signal: NodeJS.Signals) => {
        io.stderr(`simulate: ${signal}: stopping every process\n`);
        void stopAll(children, 5000).then(() => io.exit(130));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await runSimulation({
          spec,
          secondsPerDay: get('secondsPerDay', DEFAULTS.secondsPerDay),
          year: get('year', DEFAULTS.year),
          scale: scale ?? 1,
          ...(fullLoad === undefined ? {} : { fullLoad: { registrationsPerYear: fullLoad.registrationsPerYear, resolutionsPerDay: fullLoad.resolutionsPerDay } }),
          ...(scenario === undefined ? {} : { scenario }),
          recursive,
          concurrency: get('concurrency', DEFAULTS.concurrency),
          batchSize: get('batchSize', DEFAULTS.batchSize),
          capacitySeconds: get('capacitySeconds', DEFAULTS.capacitySeconds),
          startupSeconds: get('startupSeconds', DEFAULTS.startupSeconds),
          readyTimeoutMs: 180_000,
          dir: join(out, 'nodes'),
          cli: ownCliCommand(),
          log: (line) => io.stderr(`simulate: ${line}\n`),
          track: (child) => children.push(child),
        });
        writeFileSync(join(out, 'simulation.json'), `${JSON.stringify(report, null, 2)}\n`);
        writeFileSync(join(out, 'simulation.html'), renderSimulationHtml(report));
        io.stdout(options['json'] === true ? `${JSON.stringify(report)}\n` : `${renderSimulationText(report)}reports: ${join(out, 'simulation.json')}, ${join(out, 'simulation.html')}\n`);
        if (!report.figuresMatch) throw new CommandFailed(EXIT_FAILURE);
      } catch (error) {
        // A process that would not start, a day that cannot fit, a node that refused: one line, exit 1.
        if (error instanceof CommandFailed || !(error instanceof Error)) throw error;
        io.stderr(`error: simulate: ${error.message}\n`);
        throw new CommandFailed(EXIT_FAILURE);
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        await stopAll(children, 5000);
      }
    });
}

/** A usage error: printed, exit 2 (as commander's own). */
function usage(io: CliIo, message: string): CommandFailed {
  io.stderr(`error: ${message}\n`);
  return new CommandFailed(EXIT_CONFIG);
}
