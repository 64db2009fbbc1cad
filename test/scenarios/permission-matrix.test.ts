import { readFileSync } from 'node:fs';
import t from 'tap';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';
import type { Store } from '../../src/core/store/store.js';
import { startBothNode, type BothNode } from '../helpers/grpc-node.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { grpcDriver, hdlDriver, restDriver, type Driver, type Who } from './drivers.js';
import {
  answer,
  OPERATIONS,
  OTHER_PREFIX,
  OWN_PREFIX,
  PREFIX_OF,
  RELATIONS,
  privateEmailOf,
  renderTable,
  ROLES,
  type Answer,
  type Relation,
  type Role,
  type Setup,
  type Target,
} from './permission-matrix.js';

// The whole permission matrix (permission-matrix.ts) through every front end that offers each operation,
// one node per front end: the answer's catalogue code, Handle response code and front-end status, and after
// a refusal a store exactly as before (metering counters aside: refusals and reads are counted by design).

/** Every count lands on one metering day that never closes, so the ledger never seals by itself mid-test. */
const NOW = Date.UTC(2025, 2, 1, 2, 0, 0);
type Refusal = Exclude<Answer, 'allowed' | 'NOT_FOUND'>;
const HANDLE_CODE: Record<Refusal, number> = { AUTHENTICATION_REQUIRED: 402, PERMISSION_DENIED: 401, NOT_HOMED: 301 };
const WIRE_STATUS: Record<Driver['protocol'], Record<Refusal, number>> = {
  rest: { AUTHENTICATION_REQUIRED: 401, PERMISSION_DENIED: 403, NOT_HOMED: 400 },
  grpc: { AUTHENTICATION_REQUIRED: 16, PERMISSION_DENIED: 7, NOT_HOMED: 9 },
  // The Handle protocol's status is its response code.
  hdl: { AUTHENTICATION_REQUIRED: 402, PERMISSION_DENIED: 401, NOT_HOMED: 301 },
  // The SNMS status (src/snms/snms-status.ts). SNMS has no driver in the matrix: see the README's SNMS section.
  snms: { AUTHENTICATION_REQUIRED: -1, PERMISSION_DENIED: -3, NOT_HOMED: -2 },
};
const URL_VALUE = [{ index: 1, type: 'URL', data: 'https://example.org/seed' }];
const IDENTITY_HANDLE = `${OWN_PREFIX}/MATRIX-ID`;

/** What a refusal must leave as it was. */
async function snapshot(store: Store, target: Target) {
  return {
    target: await store.getHandle(target.handle),
    own: await store.listHandles(OWN_PREFIX, 0, 10_000),
    other: await store.listHandles(OTHER_PREFIX, 0, 10_000),
    targetPrefix: await store.listHandles(target.prefix, 0, 10_000),
    homed: await store.listHomedPrefixes(),
    principals: await store.listPrincipals(),
    ledger: await store.listLedgerEntries(),
    templates: await store.listTemplates(target.prefix),
    quota: await store.getMeta(`quota.${target.prefix}`),
  };
}

async function callersOf(node: BothNode): Promise<Record<Role, Who>> {
  const own = await node.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: OWN_PREFIX, name: 'Enterprise A' });
  await node.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: OTHER_PREFIX, name: 'Enterprise B' });
  const auditor = await node.node.principals.addAuditor(LOCAL_OPERATOR, 'Auditor');
  const operator = node.credentials.operator;
  // Enterprise A makes an identity in a handle of its own prefix and grants it every right.
  const identity = { id: `300:${IDENTITY_HANDLE}`, secret: 'matrix-identity-secret-0123456789' };
  await node.node.registry.put({
    principal: { kind: 'enterprise', id: own.id, prefix: OWN_PREFIX },
    handle: IDENTITY_HANDLE,
    values: [
      { index: 100, type: 'HS_ADMIN', data: { format: 'admin', value: { handle: IDENTITY_HANDLE, index: 300, permissions: '111111111111' } } },
      { index: 300, type: 'HS_SECKEY', data: identity.secret },
    ],
    overwrite: false,
    protocol: 'cli',
  });
  return { anonymous: undefined, enterprise: own, identity, auditor, operator };
}

/** Answers per cell and front end, for the cross-front-end check. */
const answered = new Map<string, Map<string, string>>();
/** Operations some driver performed. */
const driven = new Set<string>();

const FRONT_ENDS = [
  { name: 'REST', makeDriver: restDriver },
  { name: 'gRPC', makeDriver: grpcDriver },
  { name: 'the Handle protocol', makeDriver: hdlDriver },
];
for (const { name, makeDriver } of FRONT_ENDS) {
  t.test(`the permission matrix through ${name}`, async (t) => {
    const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
    t.teardown(() => node.close());
    const driver = makeDriver(node);
    const callers = await callersOf(node);
    const setup: Setup = {
      async seed(handle) {
        // A front end that cannot write (the Handle protocol) has its cells seeded over REST.
        const seeded = await (driver.update ?? restDriver(node).update)(callers.operator, handle, URL_VALUE);
        if (!seeded.ok) throw new Error(`seeding ${handle}: ${seeded.code}`);
      },
      async seedPrivate(handle) {
        const values = [...URL_VALUE, { index: 2, type: 'EMAIL', data: privateEmailOf(handle), permissions: '1100' }];
        const seeded = await (driver.update ?? restDriver(node).update)(callers.operator, handle, values);
        if (!seeded.ok) throw new Error(`seeding ${handle}: ${seeded.code}`);
      },
      home: async (prefix) => void (await node.node.homing.add(LOCAL_OPERATOR, prefix)),
      addEnterprise: async (prefix) => void (await node.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix, name: 'Matrix target' })),
      revokeEnterprise: async (prefix) => void (await node.node.principals.revokeEnterprise(LOCAL_OPERATOR, prefix)),
      addAuditor: async () => (await node.node.principals.addAuditor(LOCAL_OPERATOR, 'Matrix target')).id,
    };
    let cell = 0;
    for (const operation of OPERATIONS) {
      if (operation.run === undefined || operation.driverMethod === undefined || driver[operation.driverMethod] === undefined) continue;
      const relations: readonly (Relation | undefined)[] = operation.byPrefix ? RELATIONS : [undefined];
      for (const role of ROLES) {
        for (const relation of relations) {
          cell++;
          const prefix = relation !== undefined ? PREFIX_OF[relation] : (operation.freshPrefix?.(cell) ?? `88.999.M${cell}`);
          const made = await operation.prepare?.(setup, { prefix, handle: `${prefix}/CELL-${cell}` });
          const target: Target = { prefix, handle: `${prefix}/CELL-${cell}`, ...(typeof made === 'string' ? { subject: made } : {}) };
          const label = `${driver.protocol}: ${operation.name}, ${role}${relation === undefined ? '' : `, ${relation} prefix`}`;
          const before = await snapshot(node.store, target);
          const got = await operation.run(driver, callers[role], target);
          if (got === undefined) throw new Error(`${label}: the driver offers ${operation.driverMethod} but did not run it`);
          driven.add(operation.name);
          const want = answer(operation.rule, role, relation);
          const after = await snapshot(node.store, target);
          const key = `${operation.name}|${role}|${relation}`;
          answered.set(key, (answered.get(key) ?? new Map()).set(driver.protocol, got.ok ? 'allowed' : String(got.code)));
          if (want === 'allowed') {
            t.equal(got.ok, true, `${label}: allowed`);
            if (operation.changes) t.notSame(after, before, `${label}: the store changed`);
            else t.same(after, before, `${label}: the store is as it was`);
            continue;
          }
          t.equal(got.code, want, `${label}: ${want}`);
          if (want === 'NOT_FOUND') {
            t.same(after, before, `${label}: the store is as it was`);
            continue;
          }
          if (got.responseCode !== undefined) t.equal(got.responseCode, HANDLE_CODE[want], `${label}: response code ${HANDLE_CODE[want]}`);
          if (got.wireStatus !== undefined) t.equal(got.wireStatus, WIRE_STATUS[driver.protocol][want], `${label}: status ${WIRE_STATUS[driver.protocol][want]}`);
          if (got.wireStatus === 401) t.equal(got.challenge, 'Basic realm="handle"', `${label}: the challenge`);
          t.same(after, before, `${label}: the store is as it was`);
        }
      }
    }
  });
}

t.test('every front end that offers an operation answers every cell of it alike', async (t) => {
  for (const [cell, byProtocol] of answered) {
    if (byProtocol.size > 1) t.equal(new Set(byProtocol.values()).size, 1, cell);
  }
  for (const operation of OPERATIONS) {
    if (operation.run !== undefined) t.ok(driven.has(operation.name), `${operation.name}: driven through some front end`);
  }
});

t.test('docs/permissions.md holds the matrix as it is tested', async (t) => {
  const docs = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
  t.ok(docs.includes(renderTable()), 'the table in docs/permissions.md is renderTable() (regenerate it when the matrix changes)');
});

t.test('an enterprise owns exactly its prefix: not a derived prefix, not the node prefix', async (t) => {
  const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
  t.teardown(() => node.close());
  const { enterprise, operator } = await callersOf(node);
  const put = (handle: string, who: Who) =>
    send(`${node.url}/api/handles/${handle}`, { method: 'PUT', headers: { authorization: basic(who!.id, who!.secret) }, json: { values: URL_VALUE } });
  for (const prefix of [`${OWN_PREFIX}.1`, `${OWN_PREFIX}.1.2`, '88.999', '88.999.DEMO']) {
    const handle = `${prefix}/x`;
    const got = await put(handle, enterprise);
    t.equal(got.status, 403, prefix);
    t.equal(got.body.responseCode, 401, prefix);
    t.equal(got.body.code, 'PERMISSION_DENIED', prefix);
    t.match(got.body.message, new RegExp(`may not write under prefix ${prefix.replace(/\./g, '\\.')}`), `${prefix}: the message names the prefix`);
    t.equal(await node.store.getHandle(handle), undefined, `${prefix}: nothing stored`);
  }
  t.equal((await put(`${OWN_PREFIX}.1/x`, operator)).status, 201, 'the operator may write a derived prefix');
});
