import type { SettingKind } from './setting-kinds.js';
import { FEDERATION_SETTINGS } from './settings/federation-settings.js';
import { NODE_SETTINGS } from './settings/node-settings.js';
import { OPERATION_SETTINGS } from './settings/operation-settings.js';
import { SERVING_SETTINGS } from './settings/serving-settings.js';

/** Dotted paths into Config (and into the JSON config file, which has the same shape). */
export type SettingKey =
  | 'dataDir'
  | 'signingKeyFile'
  | 'host'
  | 'httpPort'
  | 'grpcPort'
  | 'hdlPort'
  | 'healthPort'
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
  | 'limits.acceptsPerTurn'
  | 'limits.maxConcurrentStreams'
  | 'restFastLane'
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
  | 'semiSpaceMb'
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

/**
 * Every setting, in documentation order. The README's configuration table is generated from this list
 * (settingsTableMarkdown) and a test checks that it documents every variable.
 */
export const SETTINGS: readonly Setting[] = [
  ...NODE_SETTINGS,
  ...SERVING_SETTINGS,
  ...OPERATION_SETTINGS,
  ...FEDERATION_SETTINGS,
];
