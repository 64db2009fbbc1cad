import { dirname, resolve } from 'node:path';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { Config } from './config.js';
import { readConfigFile } from './config-file.js';
import { parseValue, PORT_OFF, type RawValue } from './setting-kinds.js';
import { CONFIG_FILE_ENV, ENV_PREFIX, HARNESS_ENV_PREFIXES, SETTINGS, type Setting, type SettingKey } from './settings.js';
import { didYouMean } from './suggest.js';

/**
 * Command-line flag values as commander gives them: keyed by the flag's camelCase name (--http-port →
 * httpPort), text as typed, a repeated flag as a list. Keys that are not setting flags are ignored.
 */
export type CliFlags = Readonly<Record<string, unknown>>;

export interface ConfigSources {
  readonly flags?: CliFlags;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The --config flag; when absent, IDNODE_CONFIG names the file; when both are absent there is none. */
  readonly configFile?: string;
  /** Base of relative paths given by flags, the environment and defaults; defaults to process.cwd(). */
  readonly cwd?: string;
}

interface Candidate {
  readonly origin: string;
  readonly raw: RawValue;
  readonly baseDir: string;
}

/**
 * Builds the one validated configuration. Precedence, lowest first: defaults < JSON config file <
 * IDNODE_* environment < flags. Every given value is validated, even one a higher source overrides; an
 * empty environment variable counts as unset. Relative paths in the config file are relative to the file's
 * directory, others to `cwd`.
 *
 * Throws IdnodeError CONFIG_INVALID listing every problem, one per line, each naming the setting and its
 * source: `invalid configuration: http-port (from IDNODE_HTTP_PORT) must be an integer from 0 to 65535, got "abc"`.
 * Unknown config-file keys and unknown IDNODE_* variables are problems too (except the harnesses' IDNODE_TEST_*
 * and IDNODE_BENCH_*).
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const cwd = sources.cwd ?? process.cwd();
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const problems: string[] = [];

  const knownEnv = [CONFIG_FILE_ENV, ...SETTINGS.map((setting) => setting.env)];
  for (const name of Object.keys(env)) {
    const harness = HARNESS_ENV_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (name.startsWith(ENV_PREFIX) && !harness && !knownEnv.includes(name)) {
      problems.push(`unknown environment variable ${name}${didYouMean(name, knownEnv)}; unset it or fix its name`);
    }
  }

  const fileOrigin = sources.configFile !== undefined ? '--config' : CONFIG_FILE_ENV;
  const fileName = sources.configFile ?? nonEmpty(env[CONFIG_FILE_ENV]);
  let fileValues: ReadonlyMap<SettingKey, unknown> = new Map();
  let fileDir = cwd;
  let file: string | undefined;
  if (fileName !== undefined) {
    file = resolve(cwd, fileName);
    fileDir = dirname(file);
    const contents = readConfigFile(file, fileOrigin);
    fileValues = contents.values;
    problems.push(...contents.problems);
  }

  const values = new Map<SettingKey, unknown>();
  const origins = new Map<SettingKey, string>();
  for (const setting of SETTINGS) {
    // Highest precedence first.
    const candidates: Candidate[] = [];
    const flagValue = setting.flag === undefined ? undefined : flags[camelCase(setting.flag)];
    if (flagValue !== undefined) candidates.push({ origin: setting.flag!, raw: flagRaw(flagValue), baseDir: cwd });
    const envValue = nonEmpty(env[setting.env]);
    if (envValue !== undefined) candidates.push({ origin: setting.env, raw: { form: 'text', text: envValue }, baseDir: cwd });
    if (fileValues.has(setting.key)) {
      candidates.push({ origin: `config file ${file!}, key ${setting.key}`, raw: { form: 'json', value: fileValues.get(setting.key) }, baseDir: fileDir });
    }
    if (setting.defaultValue !== undefined) candidates.push({ origin: 'default', raw: { form: 'json', value: setting.defaultValue }, baseDir: cwd });

    let chosen = false;
    for (const candidate of candidates) {
      const parsed = parseValue(setting.kind, candidate.raw, candidate.baseDir);
      if (!parsed.ok) problems.push(`${setting.name} (from ${candidate.origin}) ${parsed.problem}`);
      else if (!chosen) {
        values.set(setting.key, parsed.value);
        origins.set(setting.key, candidate.origin);
      }
      chosen = true;
    }
  }

  problems.push(...crossCheck(values, origins));
  if (problems.length > 0) {
    throw new IdnodeError('CONFIG_INVALID', problems.map((problem) => `invalid configuration: ${problem}`).join('\n'));
  }
  return build(values);
}

/** Rules between settings; each message names both settings and where they came from. */
function crossCheck(values: ReadonlyMap<SettingKey, unknown>, origins: ReadonlyMap<SettingKey, string>): string[] {
  const problems: string[] = [];
  const describe = (key: SettingKey) => `${byKey(key).name} (from ${origins.get(key) ?? 'nowhere'})`;
  const cert = values.has('tls.certFile');
  const key = values.has('tls.keyFile');
  if (cert !== key) {
    const [given, missing] = cert ? (['tls.certFile', 'tls.keyFile'] as const) : (['tls.keyFile', 'tls.certFile'] as const);
    problems.push(`${describe(given)} is set but ${byKey(missing).name} is not: set both or neither`);
  }
  // The health listener answers probes only: it serves nothing of the API.
  const ports = SETTINGS.filter((setting) => setting.kind.type === 'port' && setting.key !== 'healthPort');
  if (ports.every((setting) => values.get(setting.key) === PORT_OFF)) {
    problems.push(`every front end is off (${ports.map((setting) => describe(setting.key)).join(', ')}): the node would serve nothing; turn one on`);
  }
  const topLevel = (['topLevel.url', 'topLevel.id', 'topLevel.secret'] as const).filter((key) => values.has(key));
  if (topLevel.length > 0 && topLevel.length < 3) {
    const missing = (['topLevel.url', 'topLevel.id', 'topLevel.secret'] as const).filter((key) => !values.has(key)).map((key) => byKey(key).name);
    problems.push(`${topLevel.map(describe).join(', ')} ${topLevel.length === 1 ? 'is' : 'are'} set but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not: set top-level, top-level-id and top-level-secret together, or none`);
  }
  if (values.get('recursive') === true && !values.has('topLevel.url')) {
    problems.push(`${describe('recursive')} is on but top-level is not set: recursive resolution finds the node serving a prefix through the top-level node; set top-level (with top-level-id and top-level-secret) or turn recursive off`);
  }
  const store = values.get('store');
  if (store === 'postgres' && !values.has('databaseUrl')) {
    problems.push(`database-url must be set when ${describe('store')} is "postgres"`);
  }
  if (store !== 'postgres' && values.has('databaseUrl')) {
    problems.push(`${describe('databaseUrl')} is set but ${describe('store')} is "${String(store)}": set store to "postgres" or remove database-url`);
  }
  const target = values.get('limits.queueDelayTargetMs') as number;
  const maxDelay = values.get('limits.maxEventLoopDelayMs') as number;
  if (target > maxDelay) {
    problems.push(`${describe('limits.queueDelayTargetMs')} is ${target} but ${describe('limits.maxEventLoopDelayMs')} is ${maxDelay}: a delay over max-event-loop-delay-ms sheds at once; make queue-delay-target-ms at most max-event-loop-delay-ms`);
  }
  const headers = values.get('timeouts.headersMs') as number;
  const request = values.get('timeouts.requestMs') as number;
  if (headers > request) {
    problems.push(`${describe('timeouts.headersMs')} is ${headers} but ${describe('timeouts.requestMs')} is ${request}: the headers are part of the request; make headers-timeout-ms at most request-timeout-ms`);
  }
  if (store === 'memory' && (values.get('workers') as number) > 1) {
    problems.push(`${describe('workers')} is ${String(values.get('workers'))} but ${describe('store')} is "memory": each process would hold its own data; use 1, or the SQLite or PostgreSQL store`);
  }
  if (store !== 'postgres' && values.has('databaseSchema')) {
    problems.push(`${describe('databaseSchema')} is set but ${describe('store')} is "${String(store)}": set store to "postgres" or remove database-schema`);
  }
  return problems;
}

function build(values: ReadonlyMap<SettingKey, unknown>): Config {
  const config: Record<string, unknown> = {};
  for (const [key, value] of values) {
    const [group, inner] = key.split('.') as [string, string | undefined];
    if (inner === undefined) config[group] = value;
    else config[group] = { ...(config[group] as object | undefined), [inner]: value };
  }
  return Object.freeze(config) as unknown as Config;
}

function flagRaw(value: unknown): RawValue {
  if (Array.isArray(value)) return { form: 'list', items: value.map(String) };
  return { form: 'text', text: String(value) };
}

function byKey(key: SettingKey): Setting {
  return SETTINGS.find((setting) => setting.key === key)!;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** "--http-port" → "httpPort", the key commander uses. */
export function camelCase(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
