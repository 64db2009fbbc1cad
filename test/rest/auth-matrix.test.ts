import t from 'tap';
import { send, type Sent } from '../helpers/http.js';
import { PREFIX_A, PREFIX_B, startFixture, UNHOMED } from './rest-fixture.js';

// Every caller × operation × target, with the expected outcome derived from the rules of DESIGN §1 rather
// than listed by hand: the operator writes every homed prefix, an enterprise exactly its own, auditors and
// anonymous callers nothing; everyone resolves; nothing is served for a prefix that is not homed here.

const fx = await startFixture(t);
const { auth } = fx;

type Caller = 'anonymous' | 'a' | 'b' | 'auditor' | 'operator';
type Operation = 'resolve' | 'create' | 'modify' | 'delete';
type Target = 'A' | 'B' | 'unhomed';

const CALLERS: readonly Caller[] = ['anonymous', 'a', 'b', 'auditor', 'operator'];
const OPERATIONS: readonly Operation[] = ['resolve', 'create', 'modify', 'delete'];
const TARGETS: readonly Target[] = ['A', 'B', 'unhomed'];
const PREFIX_OF: Record<Target, string> = { A: PREFIX_A, B: PREFIX_B, unhomed: UNHOMED };

interface Expected {
  readonly status: number;
  readonly responseCode: number;
  readonly code?: string;
}

function expected(caller: Caller, operation: Operation, target: Target): Expected {
  if (target === 'unhomed') return { status: 400, responseCode: 301, code: 'NOT_HOMED' };
  if (operation === 'resolve') return { status: 200, responseCode: 1 };
  if (caller === 'anonymous') return { status: 401, responseCode: 402, code: 'AUTHENTICATION_REQUIRED' };
  const owns = caller === 'operator' || (caller === 'a' && target === 'A') || (caller === 'b' && target === 'B');
  if (!owns) return { status: 403, responseCode: 401, code: 'PERMISSION_DENIED' };
  return { status: operation === 'create' ? 201 : 200, responseCode: 1 };
}

function authorizationOf(caller: Caller): Record<string, string> {
  return caller === 'anonymous' ? {} : { authorization: auth[caller] };
}

const ORIGINAL = [{ index: 1, type: 'URL', data: 'https://example.org/original' }];

async function perform(caller: Caller, operation: Operation, handle: string): Promise<Sent> {
  const headers = authorizationOf(caller);
  switch (operation) {
    case 'resolve':
      return send(fx.handleUrl(handle), { headers });
    case 'create':
      return send(`${fx.handleUrl(handle)}?overwrite=false`, { method: 'PUT', headers, json: { values: [{ index: 1, type: 'URL', data: `by ${caller}` }] } });
    case 'modify':
      return send(fx.handleUrl(handle), { method: 'PUT', headers, json: { values: [{ index: 1, type: 'URL', data: `changed by ${caller}` }] } });
    case 'delete':
      return send(fx.handleUrl(handle), { method: 'DELETE', headers });
  }
}

t.test('auth matrix: caller × operation × target', async (t) => {
  let cells = 0;
  for (const caller of CALLERS) {
    for (const operation of OPERATIONS) {
      for (const target of TARGETS) {
        const label = `${caller} ${operation} on ${target}`;
        const handle = `${PREFIX_OF[target]}/${operation}-${caller}`;
        // Every cell but create acts on an identifier that exists beforehand (where one can exist).
        if (operation !== 'create' && target !== 'unhomed') {
          t.equal((await fx.put(handle, ORIGINAL, auth.operator)).status, 201, `${label}: seeded`);
        }
        const before = await fx.stored(handle);
        const want = expected(caller, operation, target);
        const got = await perform(caller, operation, handle);

        t.equal(got.status, want.status, `${label}: HTTP ${want.status}`);
        t.equal(got.body?.responseCode, want.responseCode, `${label}: responseCode ${want.responseCode}`);
        const after = await fx.stored(handle);
        if (want.code !== undefined) {
          t.equal(got.body?.code, want.code, `${label}: ${want.code}`);
          t.match(got.body?.message, /\S/, `${label}: a message`);
          if (want.status === 401) t.equal(got.headers.get('www-authenticate'), 'Basic realm="handle"', `${label}: challenge`);
          t.same(after, before, `${label}: store unchanged`);
        } else if (operation === 'resolve') {
          t.equal(got.body.handle, handle, `${label}: the handle`);
          t.ok(got.body.values.length > 0, `${label}: values`);
          t.same(after, before, `${label}: a read changes nothing`);
        } else if (operation === 'create') {
          t.equal(before, undefined);
          t.equal(after?.values[0]?.data.value, `by ${caller}`, `${label}: created`);
        } else if (operation === 'modify') {
          t.equal(after?.values[0]?.data.value, `changed by ${caller}`, `${label}: modified`);
        } else {
          t.equal(after, undefined, `${label}: deleted`);
        }
        cells++;
      }
    }
  }
  t.equal(cells, CALLERS.length * OPERATIONS.length * TARGETS.length);
});

t.test('an enterprise owns exactly its prefix: not a derived prefix, not the node prefix', async (t) => {
  for (const prefix of [`${PREFIX_A}.1`, `${PREFIX_A}.1.2`, '88.999', '88.999.DEMO']) {
    const handle = `${prefix}/x`;
    const got = await fx.put(handle, ORIGINAL, auth.a);
    t.equal(got.status, 403, prefix);
    t.equal(got.body.responseCode, 401, prefix);
    t.equal(got.body.code, 'PERMISSION_DENIED', prefix);
    t.match(got.body.message, new RegExp(`may not write under prefix ${prefix.replace(/\./g, '\\.')}`), `${prefix}: the message names the prefix`);
    t.equal(await fx.stored(handle), undefined, `${prefix}: nothing stored`);
  }
  t.equal((await fx.put(`${PREFIX_A}.1/x`, ORIGINAL, auth.operator)).status, 201, 'the operator may write a derived prefix');
});
