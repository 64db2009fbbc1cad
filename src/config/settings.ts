import { LOG_LEVELS } from './config.js';
import type { SettingKind } from './setting-kinds.js';

/** Dotted paths into Config (and into the JSON config file, which has the same shape). */
export type SettingKey =
  | 'dataDir'
  | 'signingKeyFile'
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
  | 'cache.admission'
  | 'limits.maxValues'
  | 'limits.maxDataBytes'
  | 'limits.bodyLimitBytes'
  | 'limits.batchBodyLimitBytes'
  | 'limits.grpcMaxMessageBytes'
  | 'limits.maxInFlight'
  | 'limits.maxEventLoopDelayMs'
  | 'limits.queueDelayTargetMs'
  | 'limits.queueDelayIntervalMs'
  | 'limits.maxConnections'
  | 'limits.maxConcurrentStreams'
  | 'timeouts.idleMs'
  | 'timeouts.headersMs'
  | 'timeouts.requestMs'
  | 'timeouts.keepAliveMs'
  | 'metricsCacheMs'
  | 'meteringFlushIntervalMs'
  | 'meteringMaxRowsPerDay'
  | 'allowRemoteCredentialsOverHttp'
  | 'loginMaxFailures'
  | 'quota.registrationsPerDay'
  | 'quota.resolutionsPerDay'
  | 'quota.requestsPerSecond'
  | 'loginFailureWindowSeconds'
  | 'shutdownTimeoutMs'
  | 'workers'
  | 'policyDir'
  | 'defaultPolicy'
  | 'clock.start'
  | 'clock.rate'
  | 'clock.realStart'
  | 'ledgerSealDelayMs'
  | 'topLevel.url'
  | 'topLevel.id'
  | 'topLevel.secret'
  | 'topLevelRetryMaxMs'
  | 'recursive'
  | 'recursion.timeoutMs'
  | 'recursion.maxHops'
  | 'recursion.failureTtlMs'
  | 'recursion.maxInFlight';

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
    description: 'Directory of the embedded SQLite store and, by default, the ledger signing key (created mode 0700 if missing).',
  },
  {
    key: 'signingKeyFile',
    name: 'signing-key-file',
    env: 'IDNODE_SIGNING_KEY_FILE',
    flag: '--signing-key-file',
    kind: { type: 'path' },
    description: 'The Ed25519 key that signs the ledger (PKCS#8 PEM, mode 0600; created on first start, moved there from the store of an earlier version). Default <data-dir>/node-key.pem. Every replica of one PostgreSQL store needs the same file.',
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
    key: 'cache.admission',
    name: 'cache-admission',
    env: 'IDNODE_CACHE_ADMISSION',
    defaultValue: 'second-sight',
    kind: { type: 'enum', values: ['second-sight', 'always'] },
    description:
      'second-sight: an identifier enters the resolution cache on its second miss (a doorkeeper filter), so a scan of identifiers read once does not evict the hot ones; always: on every miss.',
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
    description:
      'Largest HTTP request body, enforced while it is read (413 BODY_TOO_LARGE), batches excepted (batch-body-limit-bytes); the NDJSON import is read a line at a time and this bounds one line, not the import.',
  },
  {
    key: 'limits.batchBodyLimitBytes',
    name: 'batch-body-limit-bytes',
    env: 'IDNODE_BATCH_BODY_LIMIT_BYTES',
    defaultValue: 8_388_608,
    kind: { type: 'integer', min: 1024, max: 1_073_741_824 },
    description:
      'Largest body of a batch of up to 2,000 identifiers (POST /api/v1/handles/batch, SNMS batchCreate/batchUpdate/batchDelete), enforced while it is read; a batch is read only after its caller is authenticated.',
  },
  {
    key: 'limits.grpcMaxMessageBytes',
    name: 'grpc-max-message-bytes',
    env: 'IDNODE_GRPC_MAX_MESSAGE_BYTES',
    defaultValue: 1_048_576,
    kind: { type: 'integer', min: 1024, max: 1_073_741_824 },
    description:
      'Largest gRPC message received, refused from its length prefix before it is buffered (BODY_TOO_LARGE); a RegisterBatch is also refused before decoding when it holds more than 2,000 items. BulkRegister streams, so imports need no larger limit.',
  },
  {
    key: 'limits.maxInFlight',
    name: 'max-in-flight',
    env: 'IDNODE_MAX_IN_FLIGHT',
    flag: '--max-in-flight',
    defaultValue: 256,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description:
      'Requests and calls being served at once, REST, gRPC and Handle protocol together; one more is shed at once unread: 503 NODE_BUSY with Retry-After, gRPC UNAVAILABLE, Handle response code 3. /healthz, /readyz and /metrics are never shed.',
  },
  {
    key: 'limits.maxEventLoopDelayMs',
    name: 'max-event-loop-delay-ms',
    env: 'IDNODE_MAX_EVENT_LOOP_DELAY_MS',
    defaultValue: 500,
    kind: { type: 'integer', min: 1, max: 60_000 },
    description:
      'Requests are shed at once (as for max-in-flight) while the queueing delay (how far the event loop runs behind) is over this, without waiting for queue-delay-interval-ms. At least queue-delay-target-ms.',
  },
  {
    key: 'limits.queueDelayTargetMs',
    name: 'queue-delay-target-ms',
    env: 'IDNODE_QUEUE_DELAY_TARGET_MS',
    defaultValue: 50,
    kind: { type: 'integer', min: 1, max: 60_000 },
    description:
      'The queueing delay the node keeps to (docs/overload.md): once the time a request waits before the node starts on it (in socket buffers and the accept queue, measured as the event loop\'s delay) has stayed over this for queue-delay-interval-ms, requests are shed (503 NODE_BUSY with Retry-After, gRPC UNAVAILABLE, Handle code 3) until it is back under, so the requests it admits do not wait behind a backlog.',
  },
  {
    key: 'limits.queueDelayIntervalMs',
    name: 'queue-delay-interval-ms',
    env: 'IDNODE_QUEUE_DELAY_INTERVAL_MS',
    defaultValue: 100,
    kind: { type: 'integer', min: 1, max: 60_000 },
    description: 'How long the queueing delay may stay over queue-delay-target-ms (a burst) before shedding starts.',
  },
  {
    key: 'limits.maxConnections',
    name: 'max-connections',
    env: 'IDNODE_MAX_CONNECTIONS',
    defaultValue: 4096,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'Open connections per listener (HTTP, gRPC, Handle protocol TCP); a connection over the cap is closed at once.',
  },
  {
    key: 'limits.maxConcurrentStreams',
    name: 'max-concurrent-streams',
    env: 'IDNODE_MAX_CONCURRENT_STREAMS',
    defaultValue: 100,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'HTTP/2 streams (gRPC calls) open at once on one gRPC connection (SETTINGS_MAX_CONCURRENT_STREAMS).',
  },
  {
    key: 'timeouts.idleMs',
    name: 'idle-timeout-ms',
    env: 'IDNODE_IDLE_TIMEOUT_MS',
    defaultValue: 30_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'A connection on which nothing is sent or received for this long is closed (HTTP socket inactivity, gRPC max connection idle, Handle protocol TCP).',
  },
  {
    key: 'timeouts.headersMs',
    name: 'headers-timeout-ms',
    env: 'IDNODE_HEADERS_TIMEOUT_MS',
    defaultValue: 10_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'HTTP: time to receive a request\'s headers; at most request-timeout-ms.',
  },
  {
    key: 'timeouts.requestMs',
    name: 'request-timeout-ms',
    env: 'IDNODE_REQUEST_TIMEOUT_MS',
    defaultValue: 120_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description:
      'HTTP: time to receive a whole request, body included (a slow body is cut off after it). An NDJSON import that takes longer to upload needs it raised, or splitting (idnode import sends batches and is not affected).',
  },
  {
    key: 'timeouts.keepAliveMs',
    name: 'keep-alive-timeout-ms',
    env: 'IDNODE_KEEP_ALIVE_TIMEOUT_MS',
    defaultValue: 5_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'HTTP: how long a kept-alive connection waits for its next request before it is closed.',
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
    key: 'metricsCacheMs',
    name: 'metrics-cache-ms',
    env: 'IDNODE_METRICS_CACHE_MS',
    defaultValue: 1000,
    kind: { type: 'integer', min: 0, max: 60_000 },
    description: '/metrics is rendered at most once per this many ms and that rendering served to every scraper, so scraping cannot slow resolution; 0 renders at every scrape.',
  },
  {
    key: 'meteringMaxRowsPerDay',
    name: 'metering-max-rows-per-day',
    env: 'IDNODE_METERING_MAX_ROWS_PER_DAY',
    defaultValue: 100_000,
    kind: { type: 'integer', min: 1, max: MAX_INT32 },
    description: 'Most distinct counter rows (prefix × protocol × kind) one process starts per metering day for refusals and resolutions; further ones are counted under the prefix "(other)" (docs/auditing.md).',
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
    key: 'quota.registrationsPerDay',
    name: 'quota-registrations-per-day',
    env: 'IDNODE_QUOTA_REGISTRATIONS_PER_DAY',
    defaultValue: 0,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: 'Default quota of every enterprise: new identifiers per metering day under its prefix (REGISTRATION_LIMIT_EXCEEDED beyond); 0: no limit. Per enterprise: idnode enterprise quota.',
  },
  {
    key: 'quota.resolutionsPerDay',
    name: 'quota-resolutions-per-day',
    env: 'IDNODE_QUOTA_RESOLUTIONS_PER_DAY',
    defaultValue: 0,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: 'Default quota of every enterprise: resolutions per metering day of identifiers under its prefix (RESOLUTION_LIMIT_EXCEEDED beyond); 0: no limit.',
  },
  {
    key: 'quota.requestsPerSecond',
    name: 'quota-requests-per-second',
    env: 'IDNODE_QUOTA_REQUESTS_PER_SECOND',
    defaultValue: 0,
    kind: { type: 'integer', min: 0, max: MAX_INT32 },
    description: "Default quota of every enterprise: requests per second with its credentials, per process (RATE_LIMIT_EXCEEDED with Retry-After beyond); 0: no limit.",
  },
  {
    key: 'loginMaxFailures',
    name: 'login-max-failures',
    env: 'IDNODE_LOGIN_MAX_FAILURES',
    defaultValue: 10,
    kind: { type: 'integer', min: 1, max: 1_000_000 },
    description: 'Failed logins of one identity, or from one address, within login-failure-window-seconds after which its further attempts are refused (AUTHENTICATION_THROTTLED, HTTP 429 with Retry-After) until the window ends.',
  },
  {
    key: 'loginFailureWindowSeconds',
    name: 'login-failure-window-seconds',
    env: 'IDNODE_LOGIN_FAILURE_WINDOW_SECONDS',
    defaultValue: 60,
    kind: { type: 'integer', min: 1, max: 86_400 },
    description: 'The failed-login window, counted from the first failure of an identity or address.',
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
    key: 'workers',
    name: 'workers',
    env: 'IDNODE_WORKERS',
    flag: '--workers',
    defaultValue: 0,
    kind: { type: 'integer', min: 0, max: 1024 },
    description:
      'Request-serving processes of serve, on the same ports and sharing the store: 0 (default) one per core (os.availableParallelism()), 1 a single process. The memory store always runs one (each process would hold its own data).',
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
  {
    key: 'clock.realStart',
    name: 'clock-real-start',
    env: 'IDNODE_CLOCK_REAL_START',
    flag: '--clock-real-start',
    kind: { type: 'instant' },
    description: 'Tests, demos and simulations only: the real instant at which the set clock reads clock-start (default: when the node starts), so that several processes started one after another share one simulated clock (`idnode simulate`).',
  },
  {
    key: 'ledgerSealDelayMs',
    name: 'ledger-seal-delay-ms',
    env: 'IDNODE_LEDGER_SEAL_DELAY_MS',
    defaultValue: 10_000,
    kind: { type: 'integer', min: 10, max: 86_400_000 },
    description: 'How long (real ms) a closed day waits before the ledger seals it by itself: time for in-flight writes and every replica’s metering flush to land.',
  },
  {
    key: 'topLevel.url',
    name: 'top-level',
    env: 'IDNODE_TOP_LEVEL',
    flag: '--top-level',
    kind: { type: 'url' },
    description: 'Base URL of the national top-level node to connect with (`idnode top`), e.g. http://127.0.0.1:9000; with top-level-id and top-level-secret. Unset: not connected.',
  },
  {
    key: 'topLevel.id',
    name: 'top-level-id',
    env: 'IDNODE_TOP_LEVEL_ID',
    flag: '--top-level-id',
    kind: { type: 'text' },
    description: 'This node’s account id at the top-level node (`idnode top node add` prints it).',
  },
  {
    key: 'topLevel.secret',
    name: 'top-level-secret',
    env: 'IDNODE_TOP_LEVEL_SECRET',
    flag: '--top-level-secret',
    kind: { type: 'text' },
    description: 'The secret of that account (never logged).',
  },
  {
    key: 'topLevelRetryMaxMs',
    name: 'top-level-retry-max-ms',
    env: 'IDNODE_TOP_LEVEL_RETRY_MAX_MS',
    defaultValue: 60_000,
    kind: { type: 'integer', min: 100, max: 3_600_000 },
    description: 'Longest wait (real ms) between retries while the top-level node is unreachable; retries start at 250 ms and double up to it.',
  },
  {
    key: 'recursive',
    name: 'recursive',
    env: 'IDNODE_RECURSIVE',
    flag: '--recursive',
    defaultValue: false,
    kind: { type: 'boolean' },
    description: 'Recursive resolution: an identifier whose prefix is not homed here is resolved at the node the top-level node names for it (HS_SITE of its prefix handle) and cached by its TTLs, metered as resolution.referred. Needs top-level. Off: such an identifier is NOT_HOMED (Handle code 301).',
  },
  {
    key: 'recursion.timeoutMs',
    name: 'recursion-timeout-ms',
    env: 'IDNODE_RECURSION_TIMEOUT_MS',
    defaultValue: 2000,
    kind: { type: 'integer', min: 10, max: 60_000 },
    description: 'Recursive resolution: longest wait (real ms) for the serving node’s answer; then REMOTE_NODE_UNAVAILABLE.',
  },
  {
    key: 'recursion.maxHops',
    name: 'recursion-max-hops',
    env: 'IDNODE_RECURSION_MAX_HOPS',
    defaultValue: 2,
    kind: { type: 'integer', min: 1, max: 16 },
    description: 'Recursive resolution: a resolution already referred this many times between nodes is not referred again (RECURSION_LIMIT_EXCEEDED), so loops end.',
  },
  {
    key: 'recursion.failureTtlMs',
    name: 'recursion-failure-ttl-ms',
    env: 'IDNODE_RECURSION_FAILURE_TTL_MS',
    defaultValue: 5000,
    kind: { type: 'integer', min: 1, max: 3_600_000 },
    description: 'Recursive resolution: how long (real ms) a node that failed is not asked again; lookups for it fail at once meanwhile.',
  },
  {
    key: 'recursion.maxInFlight',
    name: 'recursion-max-in-flight',
    env: 'IDNODE_RECURSION_MAX_IN_FLIGHT',
    defaultValue: 64,
    kind: { type: 'integer', min: 1, max: 100_000 },
    description: 'Recursive resolution: most lookups in flight to one other node; one more fails at once (REMOTE_NODE_UNAVAILABLE) instead of queueing.',
  },
];
