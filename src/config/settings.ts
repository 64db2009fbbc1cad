import { LOG_LEVELS } from './config.js';
import type { SettingKind } from './setting-kinds.js';

/** Dotted paths into Config (and into the JSON config file, which has the same shape). */
export type SettingKey =
  | 'dataDir'
  | 'host'
  | 'httpPort'
  | 'grpcPort'
  | 'hdlPort'
  | 'nodePrefixes'
  | 'readyFile'
  | 'tls.certFile'
  | 'tls.keyFile'
  | 'logLevel'
  | 'store'
  | 'databaseUrl'
  | 'databaseSchema'
  | 'sqliteSynchronous'
  | 'timeZone'
  | 'cache.maxEntries'
  | 'cache.maxBytes'
  | 'cache.maxTtlSeconds'
  | 'cache.notFoundTtlSeconds'
  | 'limits.maxValues'
  | 'limits.maxDataBytes'
  | 'limits.bodyLimitBytes'
  | 'meteringFlushIntervalMs'
  | 'allowRemoteCredentialsOverHttp'
  | 'shutdownTimeoutMs'
  | 'policyDir'
  | 'defaultPolicy'
  | 'clock.start'
  | 'clock.rate';

export interface Setting {
  readonly key: SettingKey;
  /** The name used in messages and docs (kebab-case; the flag without dashes when there is a flag). */
  readonly name: string;
  readonly env: string;
  /** `undefined`: settable only by environment or config file. */
  readonly flag?: string;
  /** `undefined`: unset unless given. Paths are relative to the working directory. */
  readonly defaultValue?: unknown;
  readonly kind: SettingKind;
  readonly description: string;
}

/** The environment variable naming the JSON config file (the flag is --config). */
export const CONFIG_FILE_ENV = 'IDNODE_CONFIG';
/** Every IDNODE_* variable must be one of these or IDNODE_CONFIG; anything else is refused as a likely typo. */
export const ENV_PREFIX = 'IDNODE_';
/**
 * Variables of the test and benchmark harnesses (IDNODE_TEST_DATABASE_URL, IDNODE_BENCH_DATABASE_URL):
 * not settings, ignored, so that a CI environment that sets them can still start the node.
 */
export const HARNESS_ENV_PREFIXES: readonly string[] = ['IDNODE_TEST_', 'IDNODE_BENCH_'];

const MAX_INT32 = 2_147_483_647;

/**
 * Every setting, in documentation order. The README's configuration table is generated from this list
 * (settingsTableMarkdown) and a test checks that it documents every variable.
 */
export const SETTINGS: readonly Setting[] = [
  {
    key: 'dataDir',
    name: 'data-dir',
    env: 'IDNODE_DATA_DIR',
    flag: '--data-dir',
    defaultValue: './data',
    kind: { type: 'path' },
    description: 'Directory of the embedded SQLite store (created if missing).',
  },
  {
    key: 'host',
    name: 'host',
    env: 'IDNODE_HOST',
    flag: '--host',
    defaultValue: '127.0.0.1',
    kind: { type: 'host' },
    description: 'Address every front end (HTTP, gRPC, Handle protocol) listens on; 0.0.0.0 or :: for every interface.',
  },
  {
    key: 'httpPort',
    name: 'http-port',
    env: 'IDNODE_HTTP_PORT',
    flag: '--http-port',
    defaultValue: 8000,
    kind: { type: 'port' },
    description: 'HTTP (REST) port; 0 picks a free port (see ready-file); off: no REST listener.',
  },
  {
    key: 'grpcPort',
    name: 'grpc-port',
    env: 'IDNODE_GRPC_PORT',
    flag: '--grpc-port',
    defaultValue: 8001,
    kind: { type: 'port' },
    description: 'gRPC port (idnode.v1 services, health checking, reflection), on host and with tls like HTTP; 0 picks a free port (see ready-file); off: no gRPC listener.',
  },
  {
    key: 'hdlPort',
    name: 'hdl-port',
    env: 'IDNODE_HDL_PORT',
    flag: '--hdl-port',
    defaultValue: 2641,
    kind: { type: 'port' },
    description: 'Handle binary protocol port (RFC 3652: resolution and get site info), UDP and TCP on the same port, on host (no TLS); 0 picks a free port (see ready-file); off: no Handle protocol listener.',
  },
  {
    key: 'nodePrefixes',
    name: 'node-prefix',
    env: 'IDNODE_NODE_PREFIX',
    flag: '--node-prefix',
    defaultValue: ['88.999'],
    kind: { type: 'prefixes' },
    description:
      'Node prefixes homed here (comma-separated in the environment, flag repeatable, a list in the file). The operator identity is `300:0.NA/<node prefix>`.',
  },
  {
    key: 'readyFile',
    name: 'ready-file',
    env: 'IDNODE_READY_FILE',
    flag: '--ready-file',
    kind: { type: 'path' },
    description:
      'When set, written (atomically) once every front end listens: JSON with one key per front end serving, e.g. `{"http":"http://127.0.0.1:8000","grpc":"127.0.0.1:8001","hdl":"127.0.0.1:2641"}`; removed on graceful shutdown.',
  },
  {
    key: 'tls.certFile',
    name: 'tls-cert',
    env: 'IDNODE_TLS_CERT',
    flag: '--tls-cert',
    kind: { type: 'readable-file' },
    description: 'PEM certificate (chain) file; with tls-key, serves HTTPS. Set both or neither.',
  },
  {
    key: 'tls.keyFile',
    name: 'tls-key',
    env: 'IDNODE_TLS_KEY',
    flag: '--tls-key',
    kind: { type: 'readable-file' },
    description: 'PEM private key file of tls-cert.',
  },
  {
    key: 'logLevel',
    name: 'log-level',
    env: 'IDNODE_LOG_LEVEL',
    flag: '--log-level',
    defaultValue: 'info',
    kind: { type: 'enum', values: LOG_LEVELS },
    description: 'pino log level (JSON lines on stdout).',
  },
  {
    key: 'store',
    name: 'store',
    env: 'IDNODE_STORE',
    flag: '--store',
    defaultValue: 'sqlite',
    kind: { type: 'enum', values: ['sqlite', 'postgres', 'memory'] },
    description:
      'Storage backend: embedded SQLite in data-dir, PostgreSQL at database-url, or memory: kept in the process only and lost when it exits (not durable: for tests, demos and simulations; admin commands refuse it).',
  },
  {
    key: 'databaseUrl',
    name: 'database-url',
    env: 'IDNODE_DATABASE_URL',
    flag: '--database-url',
    kind: { type: 'database-url' },
    description: 'postgres:// URL; required when store is postgres, refused otherwise.',
  },
  {
    key: 'databaseSchema',
    name: 'database-schema',
    env: 'IDNODE_DATABASE_SCHEMA',
    flag: '--database-schema',
    kind: { type: 'schema-name' },
    description:
      'PostgreSQL schema holding the node’s tables (unset: `public`), created on first start: several nodes share one database in separate schemas, replicas of one node share one schema. Lower-case letters, digits and `_`, starting with a letter or `_`, at most 63, not `pg_…`; store postgres only.',
  },
  {
    key: 'sqliteSynchronous',
    name: 'sqlite-synchronous',
    env: 'IDNODE_SQLITE_SYNCHRONOUS',
    defaultValue: 'full',
    kind: { type: 'enum', values: ['full', 'normal'] },
    description: 'full: every acknowledged write survives power loss; normal: survives a process crash only (faster).',
  },
  {
    key: 'timeZone',
    name: 'time-zone',
    env: 'IDNODE_TIME_ZONE',
    flag: '--time-zone',
    defaultValue: 'Asia/Shanghai',
    kind: { type: 'time-zone' },
    description: 'IANA time zone of the metering day (the award policy’s calendar).',
  },
  {
    key: 'cache.maxEntries',
    name: 'cache-max-entries',
    env: 'IDNODE_CACHE_MAX_ENTRIES',
    defaultValue: 100_000,
    // lru-cache allocates its index arrays for `max` entries up front, so the bound keeps that sane.
    kind: { type: 'integer', min: 1, max: 10_000_000 },
    description: 'Resolution cache: most identifiers kept.',
  },
  {
    key: 'cache.maxBytes',
    name: 'cache-max-bytes',
    env: 'IDNODE_CACHE_MAX_BYTES',
    defaultValue: 268_435_456,
    kind: { type: 'integer', min: 1, max: 1_099_511_627_776 },
    description: 'Resolution cache: most (estimated) bytes kept.',
  },
  {
    key: 'cache.maxTtlSeconds',
    name: 'cache-max-ttl-seconds',
    env: 'IDNODE_CACHE_MAX_TTL_SECONDS',
    defaultValue: 86_400,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: 'Longest life of a cached answer, whatever its values’ TTLs; 0 disables caching of found identifiers.',
  },
  {
    key: 'cache.notFoundTtlSeconds',
    name: 'cache-not-found-ttl-seconds',
    env: 'IDNODE_CACHE_NOT_FOUND_TTL_SECONDS',
    defaultValue: 5,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: 'Life of a cached not-found answer; 0 disables negative caching.',
  },
  {
    key: 'limits.maxValues',
    name: 'max-values',
    env: 'IDNODE_MAX_VALUES',
    defaultValue: 1000,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'Most values one identifier may hold.',
  },
  {
    key: 'limits.maxDataBytes',
    name: 'max-data-bytes',
    env: 'IDNODE_MAX_DATA_BYTES',
    defaultValue: 65_536,
    kind: { type: 'integer', min: 1, max: 1_073_741_824 },
    description: 'Largest data of one value, in UTF-8 bytes.',
  },
  {
    key: 'limits.bodyLimitBytes',
    name: 'body-limit-bytes',
    env: 'IDNODE_BODY_LIMIT_BYTES',
    defaultValue: 1_048_576,
    kind: { type: 'integer', min: 1024, max: 1_073_741_824 },
    description: 'Largest HTTP request body.',
  },
  {
    key: 'meteringFlushIntervalMs',
    name: 'metering-flush-interval-ms',
    env: 'IDNODE_METERING_FLUSH_INTERVAL_MS',
    defaultValue: 1000,
    kind: { type: 'integer', min: 10, max: 1000 },
    description: 'How often resolution counts are flushed to the store; a crash loses at most one interval (docs/design.md §2: at most 1 s).',
  },
  {
    key: 'allowRemoteCredentialsOverHttp',
    name: 'allow-remote-credentials-over-http',
    env: 'IDNODE_ALLOW_REMOTE_CREDENTIALS_OVER_HTTP',
    defaultValue: false,
    kind: { type: 'boolean' },
    description: 'Accept HTTP Basic credentials over plain HTTP from non-loopback peers (e.g. behind a TLS-terminating proxy).',
  },
  {
    key: 'shutdownTimeoutMs',
    name: 'shutdown-timeout-ms',
    env: 'IDNODE_SHUTDOWN_TIMEOUT_MS',
    defaultValue: 10_000,
    kind: { type: 'integer', min: 1, max: 3_600_000 },
    description: 'On SIGTERM/SIGINT, how long in-flight work may take before the process exits with code 1.',
  },
  {
    key: 'policyDir',
    name: 'policy-dir',
    env: 'IDNODE_POLICY_DIR',
    flag: '--policy-dir',
    kind: { type: 'path' },
    description: 'A directory of further award policy files (<id>.json), read after the bundled policies/.',
  },
  {
    key: 'defaultPolicy',
    name: 'default-policy',
    env: 'IDNODE_DEFAULT_POLICY',
    flag: '--default-policy',
    kind: { type: 'policy-id' },
    description: 'The award policy of reports and the dashboard when a request names none (default zibo-2020-11-measure-2).',
  },
  {
    key: 'clock.start',
    name: 'clock-start',
    env: 'IDNODE_CLOCK_START',
    flag: '--clock-start',
    kind: { type: 'instant' },
    description: 'Tests, demos and simulations only: start the node clock at this ISO-8601 instant (e.g. 2024-01-01T00:00:00+08:00). The node then says it is simulated in /readyz, logs, reports and the ledger.',
  },
  {
    key: 'clock.rate',
    name: 'clock-rate',
    env: 'IDNODE_CLOCK_RATE',
    flag: '--clock-rate',
    kind: { type: 'rate', max: 1_000_000 },
    description: 'Tests, demos and simulations only: run the node clock this many times faster than real time (from clock-start, or from now).',
  },
];
