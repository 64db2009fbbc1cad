import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { isIdnodeError } from '../../src/core/errors/catalogue.js';
import type { Config } from '../../src/config/config.js';
import { loadConfig, type ConfigSources } from '../../src/config/load-config.js';
import { SETTINGS } from '../../src/config/settings.js';

/** The message of the CONFIG_INVALID error loadConfig throws (fails the test if it does not throw). */
function problemsOf(sources: ConfigSources): string {
  try {
    loadConfig(sources);
  } catch (error) {
    if (isIdnodeError(error) && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(sources)}`);
}

function writeJson(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

t.test('defaults', async (t) => {
  const cwd = t.testdir();
  const config = loadConfig({ env: {}, cwd });
  const expected: Config = {
    dataDir: join(cwd, 'data'),
    host: '127.0.0.1',
    httpPort: 8000,
    grpcPort: 8001,
    hdlPort: 2641,
    healthPort: 'off',
    nodePrefixes: ['88.999'],
    logLevel: 'info',
    store: 'sqlite',
    sqliteSynchronous: 'full',
    timeZone: 'Asia/Shanghai',
    cache: { maxEntries: 100000, maxBytes: 268435456, maxTtlSeconds: 86400, notFoundTtlSeconds: 5, admission: 'second-sight' },
    limits: { maxValues: 1000, maxDataBytes: 65536, bodyLimitBytes: 1048576, batchBodyLimitBytes: 8388608, grpcMaxMessageBytes: 1048576, maxInFlight: 256, maxEventLoopDelayMs: 500, queueDelayTargetMs: 50, queueDelayIntervalMs: 100, maxConnections: 4096, acceptsPerTurn: 16, maxConcurrentStreams: 100 },
    timeouts: { idleMs: 30000, headersMs: 10000, requestMs: 120000, keepAliveMs: 5000 },
    meteringFlushIntervalMs: 1000,
    metricsCacheMs: 1000,
    meteringMaxRowsPerDay: 100_000,
    loginMaxFailures: 10,
    quota: { registrationsPerDay: 0, resolutionsPerDay: 0, requestsPerSecond: 0 },
    loginFailureWindowSeconds: 60,
    allowRemoteCredentialsOverHttp: false,
    restFastLane: true,
    shutdownTimeoutMs: 10000,
    workers: 0,
    semiSpaceMb: 0,
    ledgerSealDelayMs: 10000,
    topLevelRetryMaxMs: 60000,
    recursive: false,
    recursion: { timeoutMs: 2000, maxHops: 2, failureTtlMs: 5000, maxInFlight: 64 },
  };
  t.same(config, expected);
  t.notOk('readyFile' in config, 'no ready file unless configured');
  t.notOk('tls' in config, 'plain HTTP unless configured');
  t.notOk('databaseUrl' in config);
  t.ok(Object.isFrozen(config));
});

t.test('precedence: defaults < config file < environment < flags', async (t) => {
  const cwd = t.testdir({ conf: {} });
  const file = writeJson(join(cwd, 'conf'), 'idnode.json', {
    httpPort: 1001,
    host: '0.0.0.0',
    timeZone: 'UTC',
    logLevel: 'warn',
    dataDir: 'var/data',
    cache: { maxEntries: 5 },
    nodePrefixes: ['88.1'],
  });
  const fromFile = loadConfig({ env: {}, cwd, configFile: file });
  t.equal(fromFile.httpPort, 1001);
  t.equal(fromFile.host, '0.0.0.0');
  t.equal(fromFile.cache.maxEntries, 5);
  t.equal(fromFile.cache.maxBytes, 268435456, 'a group key left out keeps its default');
  t.equal(fromFile.dataDir, join(cwd, 'conf', 'var', 'data'), 'relative paths in the file are relative to the file');
  t.same(fromFile.nodePrefixes, ['88.1']);

  const env = { IDNODE_CONFIG: file, IDNODE_HTTP_PORT: '1002', IDNODE_TIME_ZONE: 'Europe/Berlin', IDNODE_NODE_PREFIX: '88.2, 88.3', IDNODE_DATA_DIR: 'envdata' };
  const fromEnv = loadConfig({ env, cwd });
  t.equal(fromEnv.httpPort, 1002, 'environment beats the file (named by IDNODE_CONFIG)');
  t.equal(fromEnv.timeZone, 'Europe/Berlin');
  t.equal(fromEnv.logLevel, 'warn', 'the file still supplies what the environment does not');
  t.same(fromEnv.nodePrefixes, ['88.2', '88.3'], 'comma-separated, trimmed');
  t.equal(fromEnv.dataDir, join(cwd, 'envdata'), 'relative paths from the environment are relative to the working directory');

  const fromFlags = loadConfig({ env, cwd, flags: { httpPort: '0', nodePrefix: ['88.4', '88.5.x'], host: '::1', dataDir: '/abs/dir' } });
  t.equal(fromFlags.httpPort, 0, 'flags beat the environment; 0 is allowed');
  t.same(fromFlags.nodePrefixes, ['88.4', '88.5.X'], 'a repeated flag replaces the list; prefixes are normalised');
  t.equal(fromFlags.host, '::1');
  t.equal(fromFlags.dataDir, '/abs/dir');
  t.equal(fromFlags.timeZone, 'Europe/Berlin');

  const explicit = writeJson(cwd, 'other.json', { httpPort: 1003 });
  t.equal(loadConfig({ env, cwd, configFile: explicit }).httpPort, 1002, '--config replaces IDNODE_CONFIG, env still wins');
  t.equal(loadConfig({ env: {}, cwd, configFile: explicit }).httpPort, 1003);
});

t.test('an empty environment variable counts as unset; unrelated variables are ignored', async (t) => {
  const config = loadConfig({ env: { IDNODE_HTTP_PORT: '', PATH: '/bin', IDNODEX: 'x' }, cwd: t.testdir() });
  t.equal(config.httpPort, 8000);
});

t.test('every setting: a bad value names the setting and its source', async (t) => {
  const cwd = t.testdir();
  const badText: Record<string, string> = {
    integer: 'abc',
    port: 'abc',
    boolean: 'maybe',
    enum: 'bogus',
    host: 'not a host!',
    'readable-file': join(cwd, 'missing.pem'),
    prefixes: '88..1',
    'time-zone': 'Mars/Olympus_Mons',
    'database-url': 'mysql://u:hunter2@h/db',
    'schema-name': 'Idnode-A',
  };
  for (const setting of SETTINGS) {
    const fromFile = writeJson(cwd, `${setting.name}.json`, setting.key.includes('.') ? { [setting.key.split('.')[0]!]: { [setting.key.split('.')[1]!]: { bad: true } } } : { [setting.key]: { bad: true } });
    const fileMessage = problemsOf({ env: {}, cwd, configFile: fromFile });
    t.match(fileMessage, `invalid configuration: ${setting.name} (from config file ${fromFile}, key ${setting.key}) must`, `${setting.key} from the file`);

    const text = badText[setting.kind.type];
    if (text === undefined) continue; // paths: any non-empty text is a path
    const envMessage = problemsOf({ env: { [setting.env]: text }, cwd });
    t.match(envMessage, `invalid configuration: ${setting.name} (from ${setting.env}) must`, `${setting.env}`);
    if (setting.flag !== undefined) {
      const flagKey = setting.flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      const flagMessage = problemsOf({ env: {}, cwd, flags: { [flagKey]: setting.kind.type === 'prefixes' ? [text] : text } });
      t.match(flagMessage, `invalid configuration: ${setting.name} (from ${setting.flag}) must`, `${setting.flag}`);
    }
  }
});

t.test('the exact message of the README example', async (t) => {
  t.equal(
    problemsOf({ env: { IDNODE_HTTP_PORT: 'abc' }, cwd: t.testdir() }),
    'invalid configuration: http-port (from IDNODE_HTTP_PORT) must be an integer from 0 to 65535, got "abc"',
  );
});

t.test('a port is an integer from 0 to 65535 or "off"; a node with every front end off is refused', async (t) => {
  const cwd = t.testdir();
  t.equal(loadConfig({ env: { IDNODE_GRPC_PORT: 'off' }, cwd }).grpcPort, 'off', 'from the environment');
  t.equal(loadConfig({ env: {}, cwd, flags: { httpPort: 'off' } }).httpPort, 'off', 'from a flag');
  t.equal(loadConfig({ env: {}, cwd, configFile: writeJson(cwd, 'off.json', { grpcPort: 'off', httpPort: 0 }) }).grpcPort, 'off', 'from the file');
  t.match(problemsOf({ env: { IDNODE_GRPC_PORT: 'Off' }, cwd }), 'grpc-port (from IDNODE_GRPC_PORT) must be an integer from 0 to 65535, got "Off"');
  t.equal(
    problemsOf({ env: { IDNODE_GRPC_PORT: 'off' }, cwd, flags: { httpPort: 'off', hdlPort: 'off' } }),
    'invalid configuration: every front end is off (http-port (from --http-port), grpc-port (from IDNODE_GRPC_PORT), hdl-port (from --hdl-port)): the node would serve nothing; turn one on',
  );
  t.equal(loadConfig({ env: { IDNODE_HDL_PORT: 'off' }, cwd }).hdlPort, 'off', 'hdl-port from the environment');
  t.equal(loadConfig({ env: { IDNODE_GRPC_PORT: 'off' }, cwd, flags: { httpPort: 'off' } }).hdlPort, 2641, 'the Handle protocol alone is a node that serves');
});

t.test('range, integer, boolean and enum rules', async (t) => {
  const cwd = t.testdir();
  t.match(problemsOf({ env: { IDNODE_HTTP_PORT: '65536' }, cwd }), 'from 0 to 65535, got "65536"');
  t.match(problemsOf({ env: { IDNODE_HTTP_PORT: '80.5' }, cwd }), 'got "80.5"');
  t.match(problemsOf({ env: { IDNODE_METERING_FLUSH_INTERVAL_MS: '5000' }, cwd }), 'metering-flush-interval-ms (from IDNODE_METERING_FLUSH_INTERVAL_MS) must be an integer from 10 to 1000');
  t.match(problemsOf({ env: { IDNODE_CACHE_MAX_ENTRIES: '0' }, cwd }), 'cache-max-entries');
  t.match(problemsOf({ env: { IDNODE_LOG_LEVEL: 'verbose' }, cwd }), 'log-level (from IDNODE_LOG_LEVEL) must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"');
  t.match(problemsOf({ env: { IDNODE_ALLOW_REMOTE_CREDENTIALS_OVER_HTTP: 'yes' }, cwd }), 'must be "true" or "false"');
  const file = writeJson(cwd, 'c.json', { httpPort: '8080' });
  t.match(problemsOf({ env: {}, cwd, configFile: file }), 'got "8080"', 'the file needs JSON numbers, not strings');

  t.equal(loadConfig({ env: { IDNODE_ALLOW_REMOTE_CREDENTIALS_OVER_HTTP: 'true' }, cwd }).allowRemoteCredentialsOverHttp, true);
  t.equal(loadConfig({ env: { IDNODE_ALLOW_REMOTE_CREDENTIALS_OVER_HTTP: '1' }, cwd }).allowRemoteCredentialsOverHttp, true);
  t.equal(loadConfig({ env: { IDNODE_ALLOW_REMOTE_CREDENTIALS_OVER_HTTP: '0' }, cwd }).allowRemoteCredentialsOverHttp, false);
  t.equal(loadConfig({ env: {}, cwd, configFile: writeJson(cwd, 'b.json', { allowRemoteCredentialsOverHttp: true }) }).allowRemoteCredentialsOverHttp, true);
  t.equal(loadConfig({ env: { IDNODE_CACHE_MAX_TTL_SECONDS: '0', IDNODE_CACHE_NOT_FOUND_TTL_SECONDS: '0' }, cwd }).cache.maxTtlSeconds, 0);
  t.equal(loadConfig({ env: { IDNODE_SQLITE_SYNCHRONOUS: 'normal' }, cwd }).sqliteSynchronous, 'normal');
  t.equal(loadConfig({ env: { IDNODE_HOST: 'node-1.example.com' }, cwd }).host, 'node-1.example.com');
});

t.test('node prefixes', async (t) => {
  const cwd = t.testdir();
  t.match(problemsOf({ env: { IDNODE_NODE_PREFIX: '88.123,88..4' }, cwd }), 'node-prefix (from IDNODE_NODE_PREFIX) must list valid prefixes, but "88..4" is not one: prefix "88..4" has an empty segment');
  t.match(problemsOf({ env: { IDNODE_NODE_PREFIX: '88.1,' }, cwd }), 'node-prefix (from IDNODE_NODE_PREFIX) must list valid prefixes, but "" is not one');
  t.match(problemsOf({ env: { IDNODE_NODE_PREFIX: '88.abc,88.ABC' }, cwd }), 'lists 88.ABC twice');
  t.match(problemsOf({ env: { IDNODE_NODE_PREFIX: '88.1,88.1.2' }, cwd }), 'lists both 88.1 and 88.1.2, one inside the other');
  t.match(problemsOf({ env: {}, cwd, configFile: writeJson(cwd, 'p.json', { nodePrefixes: [] }) }), 'must name at least one prefix');
  t.match(problemsOf({ env: {}, cwd, configFile: writeJson(cwd, 'q.json', { nodePrefixes: '88.1' }) }), 'must be a list of prefixes such as ["88.123"], got "88.1"');
  t.match(problemsOf({ env: {}, cwd, configFile: writeJson(cwd, 'r.json', { nodePrefixes: [7] }) }), 'must be a list of prefixes, but holds 7');
  t.same(loadConfig({ env: {}, cwd, configFile: writeJson(cwd, 's.json', { nodePrefixes: ['86.100', '88.123'] }) }).nodePrefixes, ['86.100', '88.123']);
});

t.test('time zone must be a valid IANA zone', async (t) => {
  const cwd = t.testdir();
  t.match(problemsOf({ env: {}, cwd, flags: { timeZone: 'Asia/Shanghia' } }), 'time-zone (from --time-zone) must be an IANA time zone such as "Asia/Shanghai" or "UTC", got "Asia/Shanghia"');
  t.equal(loadConfig({ env: { IDNODE_TIME_ZONE: 'America/New_York' }, cwd }).timeZone, 'America/New_York');
});

t.test('TLS: both files or neither, each readable', async (t) => {
  const cwd = t.testdir({ 'cert.pem': 'CERT', 'key.pem': 'KEY', dir: {} });
  const both = loadConfig({ env: { IDNODE_TLS_CERT: 'cert.pem' }, cwd, flags: { tlsKey: join(cwd, 'key.pem') } });
  t.same(both.tls, { certFile: join(cwd, 'cert.pem'), keyFile: join(cwd, 'key.pem') });
  t.equal(
    problemsOf({ env: { IDNODE_TLS_CERT: 'cert.pem' }, cwd }),
    `invalid configuration: tls-cert (from IDNODE_TLS_CERT) is set but tls-key is not: set both or neither`,
  );
  t.match(problemsOf({ env: {}, cwd, flags: { tlsKey: 'key.pem' } }), 'tls-key (from --tls-key) is set but tls-cert is not');
  t.match(problemsOf({ env: { IDNODE_TLS_CERT: 'nope.pem', IDNODE_TLS_KEY: 'key.pem' }, cwd }), `tls-cert (from IDNODE_TLS_CERT) must be the path of a readable file, but ${join(cwd, 'nope.pem')} does not exist`);
  t.match(problemsOf({ env: { IDNODE_TLS_CERT: 'dir', IDNODE_TLS_KEY: 'key.pem' }, cwd }), 'is not a regular file');
  const file = writeJson(join(cwd, 'dir'), 'tls.json', { tls: { certFile: '../cert.pem', keyFile: '../key.pem' } });
  t.same(loadConfig({ env: {}, cwd, configFile: file }).tls, { certFile: join(cwd, 'cert.pem'), keyFile: join(cwd, 'key.pem') }, 'relative to the config file');
});

t.test('store and database URL', async (t) => {
  const cwd = t.testdir();
  t.equal(problemsOf({ env: { IDNODE_STORE: 'postgres' }, cwd }), 'invalid configuration: database-url must be set when store (from IDNODE_STORE) is "postgres"');
  t.equal(
    problemsOf({ env: { IDNODE_DATABASE_URL: 'postgres://u:pw@127.0.0.1/db' }, cwd }),
    'invalid configuration: database-url (from IDNODE_DATABASE_URL) is set but store (from default) is "sqlite": set store to "postgres" or remove database-url',
  );
  const postgres = loadConfig({ env: { IDNODE_STORE: 'postgres' }, cwd, flags: { databaseUrl: 'postgresql://u:pw@127.0.0.1:5432/db' } });
  t.equal(postgres.store, 'postgres');
  t.equal(postgres.databaseUrl, 'postgresql://u:pw@127.0.0.1:5432/db');

  const wrongScheme = problemsOf({ env: { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: 'mysql://u:hunter2@h/db' }, cwd });
  t.match(wrongScheme, 'database-url (from IDNODE_DATABASE_URL) must be a postgres:// or postgresql:// URL, got "mysql://u:***@h/db"');
  t.notMatch(wrongScheme, 'hunter2', 'the password is never echoed');
  const unparsable = problemsOf({ env: { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: 'hunter2 not a url' }, cwd });
  t.match(unparsable, 'does not parse as a URL; not shown');
  t.notMatch(unparsable, 'hunter2');
});

t.test('database schema: a PostgreSQL schema name, for store postgres only', async (t) => {
  const cwd = t.testdir();
  const env = { IDNODE_STORE: 'postgres', IDNODE_DATABASE_URL: 'postgres://127.0.0.1/db' };
  t.notOk('databaseSchema' in loadConfig({ env, cwd }), 'unset: the store uses "public"');
  t.equal(loadConfig({ env: { ...env, IDNODE_DATABASE_SCHEMA: 'node_b' }, cwd }).databaseSchema, 'node_b');
  t.equal(loadConfig({ env, cwd, flags: { databaseSchema: '_n1' } }).databaseSchema, '_n1');
  const rule = 'must be a PostgreSQL schema name: 1 to 63 lower-case letters, digits and "_", starting with a letter or "_", not starting with "pg_" (reserved)';
  for (const bad of ['Node_B', '1node', 'node-b', 'node b', 'pg_catalog', 'a'.repeat(64), '']) {
    const problems = problemsOf({ env, cwd, flags: { databaseSchema: bad } });
    t.equal(problems, `invalid configuration: database-schema (from --database-schema) ${rule}, got ${JSON.stringify(bad)}`, `"${bad}" refused`);
  }
  t.equal(
    problemsOf({ env: { IDNODE_DATABASE_SCHEMA: 'node_b' }, cwd }),
    'invalid configuration: database-schema (from IDNODE_DATABASE_SCHEMA) is set but store (from default) is "sqlite": set store to "postgres" or remove database-schema',
  );
});

t.test('store memory: from a flag, the environment or the file; refuses a database URL; unknown stores name the choices', async (t) => {
  const cwd = t.testdir();
  t.equal(loadConfig({ env: {}, cwd, flags: { store: 'memory' } }).store, 'memory');
  t.equal(loadConfig({ env: { IDNODE_STORE: 'memory' }, cwd }).store, 'memory');
  t.equal(loadConfig({ env: {}, cwd, configFile: writeJson(cwd, 'memory.json', { store: 'memory' }) }).store, 'memory');
  t.notOk('databaseUrl' in loadConfig({ env: { IDNODE_STORE: 'memory' }, cwd }));
  t.equal(
    problemsOf({ env: { IDNODE_STORE: 'memory', IDNODE_DATABASE_URL: 'postgres://u:pw@127.0.0.1/db' }, cwd }),
    'invalid configuration: database-url (from IDNODE_DATABASE_URL) is set but store (from IDNODE_STORE) is "memory": set store to "postgres" or remove database-url',
  );
  t.match(problemsOf({ env: { IDNODE_STORE: 'mongo' }, cwd }), /sqlite.*postgres.*memory/);
});

t.test('unknown settings are refused, with a suggestion', async (t) => {
  const cwd = t.testdir();
  t.equal(
    problemsOf({ env: { IDNODE_HTTP_PROT: '80' }, cwd }),
    'invalid configuration: unknown environment variable IDNODE_HTTP_PROT (did you mean IDNODE_HTTP_PORT?); unset it or fix its name',
  );
  t.match(problemsOf({ env: { IDNODE_WHATEVER: '' }, cwd }), 'unknown environment variable IDNODE_WHATEVER;', 'even when empty');
  t.equal(loadConfig({ env: { IDNODE_TEST_DATABASE_URL: 'postgres://x', IDNODE_BENCH_DATABASE_URL: 'postgres://y' }, cwd }).store, 'sqlite', 'harness variables are not settings');
  const file = writeJson(cwd, 'typo.json', { httpPrt: 1, cache: { maxEntrys: 3 }, extra: true });
  const message = problemsOf({ env: {}, cwd, configFile: file });
  t.match(message, `config file ${file} has an unknown setting httpPrt (did you mean httpPort?)`);
  t.match(message, `has an unknown setting cache.maxEntrys (did you mean cache.maxEntries?)`);
  t.match(message, /has an unknown setting extra$/m);
  t.match(problemsOf({ env: {}, cwd, configFile: writeJson(cwd, 'g.json', { cache: 5 }) }), 'key cache must be an object, got 5');
});

t.test('config file problems', async (t) => {
  const cwd = t.testdir();
  t.equal(
    problemsOf({ env: {}, cwd, configFile: 'absent.json' }),
    `invalid configuration: config (from --config) must name a readable JSON file, but ${join(cwd, 'absent.json')} does not exist`,
  );
  t.match(problemsOf({ env: { IDNODE_CONFIG: cwd }, cwd }), `config (from IDNODE_CONFIG) must name a readable JSON file, but ${cwd} cannot be read (EISDIR)`);
  t.match(problemsOf({ env: {}, cwd, configFile: writeJson(cwd, 'bad.json', '{"httpPort": 1,') }), 'is not valid JSON');
  t.match(problemsOf({ env: {}, cwd, configFile: writeJson(cwd, 'arr.json', [1]) }), 'must hold a JSON object, got [1]');
});

t.test('every problem is reported at once, one per line', async (t) => {
  const message = problemsOf({ env: { IDNODE_HTTP_PORT: 'x', IDNODE_LOG_LEVEL: 'loud', IDNODE_TYPO: '1' }, cwd: t.testdir(), flags: { httpPort: '1' } });
  const lines = message.split('\n');
  t.equal(lines.length, 3);
  for (const line of lines) t.match(line, /^invalid configuration: /);
  t.match(message, 'http-port (from IDNODE_HTTP_PORT)', 'a bad value is reported even when a flag overrides it');
});

t.test('top-level settings: all three or none, a base URL, text without control characters', async (t) => {
  const cwd = t.testdir();
  const config = loadConfig({ cwd, flags: { topLevel: 'http://127.0.0.1:9000/', topLevelId: 'node-1', topLevelSecret: 's3cret' } });
  t.same(config.topLevel, { url: 'http://127.0.0.1:9000', id: 'node-1', secret: 's3cret' });
  const described = JSON.stringify((await import('../../src/config/config.js')).describeConfig(config));
  t.notMatch(described, /s3cret/, 'the secret is never described');
  t.throws(() => loadConfig({ cwd, flags: { topLevel: 'http://127.0.0.1:9000' } }), /top-level \(from --top-level\) is set but top-level-id and top-level-secret are not/);
  t.throws(() => loadConfig({ cwd, env: { IDNODE_TOP_LEVEL_ID: 'a', IDNODE_TOP_LEVEL_SECRET: 'b' } }), /are set but top-level is not/);
  t.throws(() => loadConfig({ cwd, flags: { topLevel: 'ftp://x', topLevelId: 'a', topLevelSecret: 'b' } }), /top-level \(from --top-level\) must be an http:\/\/ or https:\/\/ base URL/);
  t.throws(() => loadConfig({ cwd, flags: { topLevel: 'not a url', topLevelId: 'a', topLevelSecret: 'b' } }), /must be an http/);
  t.throws(() => loadConfig({ cwd, flags: { topLevel: 'http://x', topLevelId: 'a\u0001', topLevelSecret: 'b' } }), /top-level-id .* must be non-empty text/);
  t.equal(loadConfig({ cwd, env: { IDNODE_LEDGER_SEAL_DELAY_MS: '200', IDNODE_TOP_LEVEL_RETRY_MAX_MS: '500' } }).ledgerSealDelayMs, 200);
});

t.test('headers-timeout-ms may not exceed request-timeout-ms', async (t) => {
  t.throws(() => loadConfig({ env: { IDNODE_HEADERS_TIMEOUT_MS: '20000', IDNODE_REQUEST_TIMEOUT_MS: '10000' } }), {
    code: 'CONFIG_INVALID',
    message: /headers-timeout-ms \(from IDNODE_HEADERS_TIMEOUT_MS\) is 20000 but request-timeout-ms \(from IDNODE_REQUEST_TIMEOUT_MS\) is 10000/,
  });
});

t.test('queue-delay-target-ms may not exceed max-event-loop-delay-ms; both are integers in range', async (t) => {
  t.throws(() => loadConfig({ env: { IDNODE_QUEUE_DELAY_TARGET_MS: '800' } }), {
    code: 'CONFIG_INVALID',
    message: /queue-delay-target-ms \(from IDNODE_QUEUE_DELAY_TARGET_MS\) is 800 but max-event-loop-delay-ms \(from default\) is 500/,
  });
  t.throws(() => loadConfig({ env: { IDNODE_QUEUE_DELAY_INTERVAL_MS: '0' } }), /queue-delay-interval-ms \(from IDNODE_QUEUE_DELAY_INTERVAL_MS\) must be an integer from 1 to 60000/);
  const config = loadConfig({ env: { IDNODE_QUEUE_DELAY_TARGET_MS: '800', IDNODE_MAX_EVENT_LOOP_DELAY_MS: '1000', IDNODE_QUEUE_DELAY_INTERVAL_MS: '250' } });
  t.match(config.limits, { queueDelayTargetMs: 800, maxEventLoopDelayMs: 1000, queueDelayIntervalMs: 250 });
});

t.test('recursive: --recursive alone turns it on, only with a top-level node; its bounds are validated', async (t) => {
  const cwd = t.testdir();
  const topLevel = { topLevel: 'http://127.0.0.1:9000', topLevelId: 'node-1', topLevelSecret: 's' };
  t.equal(loadConfig({ env: {}, cwd, flags: { recursive: true, ...topLevel } }).recursive, true);
  t.equal(loadConfig({ env: { IDNODE_RECURSIVE: 'true' }, cwd, flags: { recursive: 'false', ...topLevel } }).recursive, false, 'the flag wins over the environment');
  t.throws(() => loadConfig({ env: {}, cwd, flags: { recursive: true } }), { code: 'CONFIG_INVALID', message: /recursive \(from --recursive\) is on but top-level is not set/ });
  t.same(loadConfig({ env: { IDNODE_RECURSION_TIMEOUT_MS: '500', IDNODE_RECURSION_MAX_HOPS: '3' }, cwd, flags: { recursive: true, ...topLevel } }).recursion, { timeoutMs: 500, maxHops: 3, failureTtlMs: 5000, maxInFlight: 64 });
  t.throws(() => loadConfig({ env: { IDNODE_RECURSION_TIMEOUT_MS: '0' }, cwd }), { code: 'CONFIG_INVALID', message: /recursion-timeout-ms/ });
  t.throws(() => loadConfig({ env: { IDNODE_RECURSION_MAX_HOPS: '17' }, cwd }), { code: 'CONFIG_INVALID', message: /recursion-max-hops/ });
});
