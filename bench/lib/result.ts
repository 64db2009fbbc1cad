/**
 * The shape of bench/results/latest.json. Throughputs are operations per second (an operation is one
 * resolution, one registration, or one identifier of a batch or import), latencies are milliseconds,
 * CPU is the measured process's own user + system time per operation.
 */
export interface BenchResults {
  readonly mode: 'full' | 'quick';
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly headroom: Headroom;
  readonly scenarios: ScenarioResult[];
  readonly goals: GoalVerdict[];
  /** Scenarios the issue asks for that could not run here, with why (e.g. the front end does not exist yet). */
  readonly notRun: { readonly name: string; readonly reason: string }[];
  readonly policyYear?: PolicyYearResult;
}

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  /** Percent of all CPU time stolen by the hypervisor over the whole bench run. */
  readonly cpuStealPercent: number;
  /** True when the server ran pinned to one core and the load generator to another. */
  readonly pinned: boolean;
  readonly serverCpu?: number;
  readonly generatorCpu?: number;
}

/** One side of a comparison: ours or the reference, over ≥ 3 measured runs. */
export interface Measured {
  readonly name: string;
  /** Median of the runs' ops/s. */
  readonly throughput: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number[];
  /** Median of the runs' percentiles. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** Total CPU of the measured process over all runs ÷ total operations. */
  readonly cpuMicrosPerOp: number;
  /** Peak RSS (VmHWM) of the measured process, MiB. */
  readonly rssMb: number;
  /** Mean share of one core the measured process used while loaded (1 = one full core). */
  readonly cpuShare: number;
  /**
   * Mean share of the runs the measured process's main thread waited for a CPU that other load held
   * (this machine is shared): high values mean the figures understate what a quiet core would do.
   */
  readonly waitShare: number;
  /** True when the load generator was busy (running or waiting for its core) ≥ 90% of any run: a floor. */
  readonly generatorSaturated: boolean;
  /** The generator's highest busy share (CPU + waiting for its core) over the runs. */
  readonly generatorBusyShare: number;
  /** Responses that were not what the scenario expects (wrong status, errors, timeouts), all runs. */
  readonly unexpected: number;
}

export interface ScenarioResult extends Measured {
  readonly title: string;
  readonly reference: Measured;
  /** ours ÷ reference: throughput, or for a fixed-rate run our p99 ÷ the reference's p99. */
  readonly ratio: number;
  readonly ratioOf: 'throughput' | 'p99';
  /**
   * Reference CPU µs/op ÷ ours: the share of the reference's CPU efficiency we reach. Each side's CPU is its
   * own accounting, so this holds up better than throughput when other load steals the server's core.
   */
  readonly cpuRatio: number;
  /** What the scenario's numbers do and do not say (floors, fixed rates, caveats). */
  readonly notes: string[];
}

export interface Headroom {
  readonly resolutions: HeadroomLine | undefined;
  readonly registrations: HeadroomLine | undefined;
}

export interface HeadroomLine {
  /** The policy threshold as an average rate (ops/s). */
  readonly thresholdPerSec: number;
  readonly basis: string;
  readonly scenario: string;
  readonly throughput: number;
  readonly cpuMicrosPerOp: number;
  /** Share of one core the threshold rate costs (0.01 = 1%). */
  readonly coreShare: number;
  /** Measured throughput ÷ threshold rate. */
  readonly headroomFactor: number;
}

export interface GoalVerdict {
  readonly goal: string;
  readonly measured: number | undefined;
  readonly target: number;
  readonly unit: string;
  /** undefined: not measured in this run. */
  readonly met: boolean | undefined;
  /** How far off, as text ("12% short"), when missed. */
  readonly gap?: string;
  readonly note?: string;
}

export interface PolicyYearResult {
  readonly registered: number;
  /** Seconds the registering import took (the whole streamed request), and its identifiers/s. */
  readonly seedSeconds: number;
  readonly seedRate: number;
  readonly replayed: number;
  readonly sent: number;
  readonly replaySeconds: number;
  /** False when the time budget ran out before every resolution was sent (then see projectedSeconds). */
  readonly complete: boolean;
  /** How long all `replayed` resolutions take at the measured rate (= replaySeconds when complete). */
  readonly projectedSeconds: number;
  readonly replayRate: number;
  readonly generatorSaturated: boolean;
  readonly p99Ms: number;
  /** Server peak RSS (VmHWM) right after the import, before the replay. */
  readonly importRssMb: number;
  readonly rssMb: number;
  readonly cacheEntries: number;
  readonly metered: Record<string, number>;
  readonly meteredResolutions: number;
  readonly meteredRegistrations: number;
  /** Metered resolutions = requests sent, and metered registrations = identifiers registered, to the unit. */
  readonly countsMatch: boolean;
  /** The product's eligibility report (`idnode report`), or why there is none. */
  readonly report: string;
  /** True when `report` is Markdown (printed as is); otherwise it is printed as a code block. */
  readonly reportIsMarkdown: boolean;
  readonly missing: string[];
}
