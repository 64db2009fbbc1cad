import type { CoreConfig, RecursionConfig } from '../core/node.js';
import type { QuotaLimits } from '../core/quotas/quota-limits.js';

/** A front end's port: "off" means the front end does not start. */
export type Port = number | 'off';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The node's validated configuration: built once at start-up by loadConfig from defaults, a JSON file, the
 * environment and command-line flags, and never changed afterwards. Paths are absolute. The JSON config file
 * uses exactly these (nested) keys.
 */
export interface Config extends CoreConfig {
  readonly dataDir: string;
  /** `undefined`: <dataDir>/node-key.pem (see signingKeyPath). */
  readonly signingKeyFile?: string;
  readonly host: string;
  /** The REST front end's port. 0 means "let the OS pick a free port" (the ready file then tells which). */
  readonly httpPort: Port;
  /** The gRPC front end's port, as httpPort. */
  readonly grpcPort: Port;
  /** The Handle protocol front end's port (UDP and TCP), as httpPort. */
  readonly hdlPort: Port;
  /** The liveness listener's port (a thread of its own; not a front end of the API), as httpPort. */
  readonly healthPort: Port;
  /** Normalised, non-empty, no duplicates, none below another. */
  readonly nodePrefixes: readonly string[];
  /** `undefined`: no ready file is written. */
  readonly readyFile?: string;
  /** `undefined`: plain HTTP. Both files existed and were readable when the configuration was loaded. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly logLevel: LogLevel;
  /** memory: nothing outlives the process (tests, demos, simulations). */
  readonly store: 'sqlite' | 'postgres' | 'memory';
  /** Set iff `store` is 'postgres'. Holds a password: never log it (see redactDatabaseUrl). */
  readonly databaseUrl?: string;
  /** Only with `store` 'postgres'; `undefined`: the schema "public". */
  readonly databaseSchema?: string;
  readonly sqliteSynchronous: 'full' | 'normal';
  readonly timeZone: string;
  readonly cache: {
    readonly maxEntries: number;
    readonly maxBytes: number;
    readonly maxTtlSeconds: number;
    readonly notFoundTtlSeconds: number;
    /** See the cache-admission setting; absent: 'always' (CacheOptions). */
    readonly admission?: 'always' | 'second-sight';
  };
  readonly limits: {
    readonly maxValues: number;
    readonly maxDataBytes: number;
    readonly bodyLimitBytes: number;
    readonly batchBodyLimitBytes: number;
    readonly grpcMaxMessageBytes: number;
    readonly maxInFlight: number;
    readonly maxEventLoopDelayMs: number;
    /** At most maxEventLoopDelayMs (checked at load). */
    readonly queueDelayTargetMs: number;
    readonly queueDelayIntervalMs: number;
    /** Per listener: HTTP, gRPC, Handle protocol TCP. */
    readonly maxConnections: number;
    /** REST: descriptors of the listening socket, each accepting one connection per loop turn (listenOnCopies). */
    readonly acceptsPerTurn: number;
    readonly maxConcurrentStreams: number;
  };
  /** Connection and request timeouts of the front ends (README, "Overload and limits"). */
  readonly timeouts: {
    readonly idleMs: number;
    /** At most requestMs (checked at load). */
    readonly headersMs: number;
    readonly requestMs: number;
    readonly keepAliveMs: number;
  };
  readonly meteringFlushIntervalMs: number;
  /** How long one /metrics rendering is served (0: every scrape renders). */
  readonly metricsCacheMs: number;
  readonly meteringMaxRowsPerDay: number;
  /** A directory of further award policy files, read after the bundled policies/ (default none). */
  readonly policyDir?: string;
  /** The policy of a report that names none (default zibo-2020-11-measure-2). */
  readonly defaultPolicy?: string;
  /** false: HTTP Basic credentials over plain HTTP are accepted from loopback peers only. */
  readonly allowRemoteCredentialsOverHttp: boolean;
  /** REST: the fast lane reads plain-HTTP connections first (src/rest/fast-lane). */
  readonly restFastLane: boolean;
  readonly loginMaxFailures: number;
  readonly quota: QuotaLimits;
  readonly loginFailureWindowSeconds: number;
  readonly shutdownTimeoutMs: number;
  /** serve's request-serving processes: 0 one per core, 1 a single process (docs/architecture.md, "Workers"). */
  readonly workers: number;
  /** The young generation of each worker of serve --workers, MiB per semi-space (0: V8's own sizing; see workerExecArgv). */
  readonly semiSpaceMb: number;
  /**
   * Set only for tests, demos and simulations: the node clock starts at `start` (epoch ms; now when absent) and
   * runs `rate` times faster than real time (1 when absent), from the real instant `realStart` (epoch ms; when
   * the process builds its clock when absent). `undefined`: the system clock.
   */
  readonly clock?: { readonly start?: number; readonly rate?: number; readonly realStart?: number };
  /** Real ms a closed day waits before it is sealed by itself (default 10 000). */
  readonly ledgerSealDelayMs: number;
  /** The national top-level node to connect with; all three set or none (loadConfig checks). `secret` is never logged. */
  readonly topLevel?: { readonly url: string; readonly id: string; readonly secret: string };
  /** Longest wait between retries while the top-level node is unreachable. */
  readonly topLevelRetryMaxMs: number;
  /** Recursive resolution; only with topLevel (loadConfig checks). */
  readonly recursive: boolean;
  readonly recursion: RecursionConfig;
}

/** The URL with any password replaced by "***" (for logs and error messages); `undefined` if it does not parse. */
export function redactDatabaseUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return undefined;
  }
}

/** What is safe and useful to log about the configuration at start-up (no secrets). */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    dataDir: config.dataDir,
    host: config.host,
    httpPort: config.httpPort,
    grpcPort: config.grpcPort,
    hdlPort: config.hdlPort,
    healthPort: config.healthPort,
    nodePrefixes: config.nodePrefixes,
    tls: config.tls !== undefined,
    store: config.store,
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: redactDatabaseUrl(config.databaseUrl) }),
    ...(config.databaseSchema === undefined ? {} : { databaseSchema: config.databaseSchema }),
    timeZone: config.timeZone,
    workers: config.workers,
    semiSpaceMb: config.semiSpaceMb,
    cache: config.cache,
    limits: config.limits,
    timeouts: config.timeouts,
    meteringFlushIntervalMs: config.meteringFlushIntervalMs,
    meteringMaxRowsPerDay: config.meteringMaxRowsPerDay,
    allowRemoteCredentialsOverHttp: config.allowRemoteCredentialsOverHttp,
    restFastLane: config.restFastLane,
    loginMaxFailures: config.loginMaxFailures,
    quota: config.quota,
    loginFailureWindowSeconds: config.loginFailureWindowSeconds,
    ...(config.policyDir === undefined ? {} : { policyDir: config.policyDir }),
    ...(config.defaultPolicy === undefined ? {} : { defaultPolicy: config.defaultPolicy }),
    ...(config.topLevel === undefined ? {} : { topLevel: { url: config.topLevel.url, id: config.topLevel.id } }),
    recursive: config.recursive,
    ...(config.recursive ? { recursion: config.recursion } : {}),
    ...(config.clock === undefined
      ? {}
      : { clock: { simulated: true, ...(config.clock.start === undefined ? {} : { start: new Date(config.clock.start).toISOString() }), rate: config.clock.rate ?? 1, ...(config.clock.realStart === undefined ? {} : { realStart: new Date(config.clock.realStart).toISOString() }) } }),
  };
}
