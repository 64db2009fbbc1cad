import t from 'tap';
import { Authenticator } from '../../src/core/auth/authenticator.js';
import { LoginThrottle } from '../../src/core/auth/login-throttle.js';
import { storeSecret, verifySecret } from '../../src/core/auth/secrets.js';
import { systemRandom } from '../../src/core/clock/clock.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import type { PrincipalRecord, StoredSecret } from '../../src/core/store/store.js';
import { statusOf, RETRY_AFTER_KEY } from '../../src/grpc/grpc-errors.js';
import { silentLogger } from '../../src/core/log/logger.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { startRestNode } from '../helpers/rest-node.js';
import { basic } from '../helpers/rest-node.js';
import { send } from '../helpers/http.js';

// Issue 17, defect 7: no failed-login throttling, and an unknown identity answered ~20 µs faster than a known one.

t.test('throttling per identity and per address: windows, Retry-After, success, bounded memory', async (t) => {
  const time = new ManualScheduler();
  const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 10_000, maxTracked: 2, monotonic: time });
  for (let i = 0; i < 3; i++) {
    throttle.check('300:0.NA/88.999.A', '10.0.0.1');
    throttle.failed('300:0.NA/88.999.A', `10.0.0.${i + 1}`);
  }
  await time.advance(2_500);
  t.throws(() => throttle.check('300:0.NA/88.999.A', '10.0.0.9'), { code: 'AUTHENTICATION_THROTTLED', retryAfterSeconds: 8, message: /too many failed logins for "300:0.NA\/88.999.A" or from this address: try again in 8 s/ });
  t.doesNotThrow(() => throttle.check('300:0.NA/88.999.B', '10.0.0.9'), 'another identity from another address tries');
  // One address failing for many identities is throttled too.
  throttle.failed('300:0.NA/88.999.C', '10.0.0.9');
  throttle.failed('300:0.NA/88.999.D', '10.0.0.9');
  throttle.failed('300:0.NA/88.999.E', '10.0.0.9');
  t.throws(() => throttle.check('300:0.NA/88.999.F', '10.0.0.9'), { code: 'AUTHENTICATION_THROTTLED' });
  t.doesNotThrow(() => throttle.check('300:0.NA/88.999.F', undefined), 'an unknown address counts for nothing');
  await time.advance(7_500);
  t.doesNotThrow(() => throttle.check('300:0.NA/88.999.A', '10.0.0.1'), 'the window has ended');
  throttle.failed('300:0.NA/88.999.A', undefined);
  throttle.succeeded('300:0.NA/88.999.A');
  t.same(throttle.stats(), { failures: 7, throttled: 2 });
  // At most maxTracked identities: the oldest window is forgotten first.
  const small = new LoginThrottle({ maxFailures: 1, windowMs: 10_000, maxTracked: 2, monotonic: time });
  small.failed('a', undefined);
  small.failed('b', undefined);
  small.failed('c', undefined);
  t.doesNotThrow(() => small.check('a', undefined), 'a was forgotten');
  t.throws(() => small.check('b', undefined));
  t.throws(() => small.check('c', undefined));
});

t.test('the secret is checked against a hash for every identity, known or not (constant-time lookups)', async (t) => {
  const secret = 'right';
  const records = new Map<string, PrincipalRecord>([
    ['300:0.NA/88.999.1', { id: '300:0.NA/88.999.1', role: 'enterprise', prefix: '88.999.1', name: 'one', secret: storeSecret(secret, systemRandom), createdAtMs: 0, revokedAtMs: undefined }],
    ['300:0.NA/88.999.2', { id: '300:0.NA/88.999.2', role: 'enterprise', prefix: '88.999.2', name: 'two', secret: storeSecret(secret, systemRandom), createdAtMs: 0, revokedAtMs: 1 }],
  ]);
  const checked: StoredSecret[] = [];
  const store = {
    async getPrincipal(id: string) {
      return records.get(id);
    },
    async getHandle() {
      return undefined;
    },
  };
  const authenticator = new Authenticator(store as never, { homeOf: () => undefined }, { principalOf: async () => { throw new Error('no tokens here'); } }, systemRandom, {
    verify: (presented, stored) => {
      checked.push(stored);
      return verifySecret(presented, stored);
    },
  });
  t.match(await authenticator.authenticate('300:0.NA/88.999.1', secret), { kind: 'enterprise' });
  await t.rejects(authenticator.authenticate('300:0.NA/88.999.1', 'wrong'), { code: 'AUTHENTICATION_FAILED' });
  await t.rejects(authenticator.authenticate('300:0.NA/88.999.2', secret), { code: 'AUTHENTICATION_FAILED' });
  await t.rejects(authenticator.authenticate('300:0.NA/88.999.NOBODY', secret), { code: 'AUTHENTICATION_FAILED' });
  await t.rejects(authenticator.authenticate('300:0.NA/88.999.NOBODY', 'wrong'), { code: 'AUTHENTICATION_FAILED' });
  t.equal(checked.length, 5, 'one hash check per attempt: known, wrong, revoked and unknown alike');
  t.equal(checked[3], checked[4], 'unknown identities are checked against the one dummy hash');
  t.not(checked[3], records.get('300:0.NA/88.999.1')!.secret);
  t.same(authenticator.stats(), { failures: 0, throttled: 0 }, 'no throttle, no counts');
});

t.test('REST: failed logins are throttled with 429 and Retry-After, counted in /metrics; gRPC carries retry-after', async (t) => {
  const rest = await startRestNode({ dir: t.testdir(), config: { loginMaxFailures: 3, loginFailureWindowSeconds: 30 } });
  t.teardown(() => rest.close());
  const { demoEnterprise } = rest.credentials;
  const wrong = { authorization: basic(demoEnterprise.id, 'not the secret') };
  const url = `${rest.url}/api/handles?prefix=${demoEnterprise.prefix}`;
  for (let i = 0; i < 3; i++) t.equal((await send(url, { headers: wrong })).status, 403);
  const throttled = await send(url, { headers: { authorization: basic(demoEnterprise.id, demoEnterprise.secret) } });
  t.equal(throttled.status, 429, 'even the right secret waits: nothing is checked while throttled');
  t.equal(throttled.headers.get('retry-after'), '30');
  t.match(throttled.body, { code: 'AUTHENTICATION_THROTTLED', responseCode: 3 });
  await rest.time.advance(30_000);
  t.equal((await send(url, { headers: { authorization: basic(demoEnterprise.id, demoEnterprise.secret) } })).status, 200, 'the window ended');
  t.same(rest.node.authenticator.stats(), { failures: 3, throttled: 1 });

  const status = statusOf(new IdnodeError('AUTHENTICATION_THROTTLED', 'wait', { retryAfterSeconds: 12 }), silentLogger);
  t.equal(status.code, 8, 'RESOURCE_EXHAUSTED');
  t.same(status.metadata!.get(RETRY_AFTER_KEY), ['12']);
});
