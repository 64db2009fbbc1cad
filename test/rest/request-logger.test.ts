import { Writable } from 'node:stream';
import t from 'tap';
import pino from 'pino';
import { requestLogger } from '../../src/rest/request-logger.js';
import { send } from '../helpers/http.js';
import { startFixture, PREFIX_A } from './rest-fixture.js';

/** A pino logger at `level` whose lines (parsed, without time) are collected in `lines`. */
function capturing(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
        lines.push(rest);
      }
      done();
    },
  });
  return { logger: pino({ level, base: { pid: 1 }, redact: { paths: ['secret', '*.secret'], censor: '[redacted]' } }, stream), lines };
}

t.test('a request logger writes what a pino child with the same bindings writes, and nothing below the level', async (t) => {
  const lazy = capturing('warn');
  const eager = capturing('warn');
  const log = requestLogger(lazy.logger, { reqId: 'r-1' }, {});
  const child = eager.logger.child({ reqId: 'r-1' });
  for (const logger of [log, child]) {
    logger.info({ handle: 'x' }, 'not at this level');
    logger.debug({ handle: 'x' }, 'not at this level');
    logger.warn({ handle: '88.999.A/1', secret: 's3cret' }, 'write refused');
    logger.error('plain message %s', 'formatted');
    logger.child({ op: 'import' }).warn({ n: 2 }, 'from a child');
  }
  await new Promise((resolve) => setImmediate(resolve));
  t.same(lazy.lines, eager.lines, 'the same lines, fields and order');
  t.equal(lazy.lines.length, 3, 'warn, error and the child line; info and debug dropped');
  t.equal(lazy.lines[0]!['reqId'], 'r-1', 'the request id is bound');
  t.equal(lazy.lines[0]!['secret'], '[redacted]', 'redaction applies as to any child');
  t.same(lazy.lines[2], { level: 40, pid: 1, reqId: 'r-1', op: 'import', n: 2, msg: 'from a child' });
  t.equal(log.level, 'warn', 'its level is the parent level');
  t.notOk(log.isLevelEnabled('info'));
  t.same(log.bindings(), { reqId: 'r-1' });
});

t.test('with options of its own (a route log level) the child is made at once, with them', async (t) => {
  const { logger, lines } = capturing('warn');
  const log = requestLogger(logger, { reqId: 'r-2' }, { level: 'debug' });
  log.debug({ a: 1 }, 'at the route level');
  await new Promise((resolve) => setImmediate(resolve));
  t.same(lines, [{ level: 20, pid: 1, reqId: 'r-2', a: 1, msg: 'at the route level' }]);
});

t.test("a REST write's log lines carry its request id", async (t) => {
  const { logger, lines } = capturing('info');
  const fixture = await startFixture(t, { restLogger: logger });
  const put = (id: string) =>
    send(fixture.handleUrl(`${PREFIX_A}/logged`) + '?overwrite=false', {
      method: 'PUT',
      headers: { authorization: fixture.auth.a, 'x-request-id': id },
      json: { values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/' } }] },
    });
  t.equal((await put('put-created-1')).status, 201);
  t.equal((await put('put-refused-2')).status, 409);
  await new Promise((resolve) => setImmediate(resolve));
  const committed = lines.find((line) => line['msg'] === 'write committed');
  const refused = lines.find((line) => typeof line['msg'] === 'string' && (line['msg'] as string).startsWith('write refused'));
  t.equal(committed?.['reqId'], 'put-created-1', 'the committed write names its request');
  t.equal(committed?.['handle'], `${PREFIX_A}/logged`);
  t.equal(refused?.['reqId'], 'put-refused-2', 'the refusal names its request');
  t.equal(refused?.['code'], 'HANDLE_ALREADY_EXISTS');
});
