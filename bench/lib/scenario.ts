import type { Credential } from './seed.js';
import type { ScenarioResult } from './result.js';
import type { BenchEnv, FullRowSample, RunningServer } from './servers.js';

/** How long and how hard each mode measures. */
export interface ModeSettings {
  /** Measured runs per side (the median is reported; the issue asks for at least 3). */
  readonly runs: number;
  readonly durationSec: number;
  /** Warm-up of the duration-bound targets (raw inserts, registrations, fixed-rate runs). */
  readonly warmupSec: number;
  /**
   * Warm-up of the flat-out HTTP targets, in requests rather than seconds: the JIT (whose compiler threads
   * count in the server's CPU) needs a number of calls, which a busy machine would not fit in a fixed time.
   */
  readonly warmupRequests: number;
  /** ...but no longer than this (a busy machine must not stretch the bench): seconds per warm-up step. */
  readonly warmupMaxSec: number;
  /** Concurrent HTTP connections of the generator. */
  readonly connections: number;
  /** Identifiers seeded into the SQLite store before any server starts. */
  readonly population: number;
  /** Identifiers of the Zipf hot set (all cached after warm-up). */
  readonly hotSize: number;
  /** Identifiers seeded into PostgreSQL for its scenario. */
  readonly postgresPopulation: number;
  /** Identifiers of the NDJSON import per run, and items per batch request. */
  readonly importSize: number;
  readonly batchSize: number;
}

export const QUICK: ModeSettings = {
  runs: 3,
  durationSec: 0.75,
  warmupSec: 0.5,
  warmupRequests: 1000,
  warmupMaxSec: 1.5,
  connections: 10,
  population: 100_000,
  hotSize: 1_000,
  postgresPopulation: 10_000,
  importSize: 10_000,
  batchSize: 1000,
};

export const FULL: ModeSettings = {
  runs: 3,
  durationSec: 3,
  warmupSec: 1,
  warmupRequests: 10_000,
  warmupMaxSec: 5,
  connections: 10,
  population: 1_000_000,
  hotSize: 10_000,
  postgresPopulation: 200_000,
  importSize: 200_000,
  batchSize: 1000,
};

/** The seeded SQLite data directory every REST scenario's idnode serves. */
export interface SeededData {
  readonly dataDir: string;
  readonly sqliteFile: string;
  readonly count: number;
  readonly credential: Credential;
  /** values_json of one seeded identifier (the raw insert reference stores rows of this size). */
  readonly valuesJson: string;
  /** The rest of that identifier's row as idnode writes it (the raw reference's full rows carry it). */
  readonly fullRow: FullRowSample;
}

export interface BenchContext extends BenchEnv {
  readonly mode: 'full' | 'quick';
  readonly settings: ModeSettings;
  readonly seeded: SeededData;
  /** The shared bare node:http reference (answers every seeded identifier from a Map). */
  readonly bareHttp: RunningServer;
  /** Compiled references by name (bare-http-server, raw-sqlite-insert, …). */
  readonly references: ReadonlyMap<string, string>;
  /** Scenarios measured so far, in order (the half-rate scenario reads the warm maximum). */
  readonly results: readonly ScenarioResult[];
  log(message: string): void;
}

/** One module of bench/scenarios/. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** Only in the full bench (too long for --quick). */
  readonly fullOnly?: boolean;
  /** undefined when it can run here; otherwise why not (it is then listed as not benchmarked). */
  unavailable(context: BenchContext): Promise<string | undefined>;
  /** One result, or one per reference when a scenario measures ours against more than one (a row each). */
  run(context: BenchContext): Promise<ScenarioResult | readonly ScenarioResult[]>;
}
