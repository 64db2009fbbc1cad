import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { ANONYMOUS, LOCAL_OPERATOR, type Principal } from '../../src/core/auth/principal.js';
import { systemClock, systemRandom } from '../../src/core/clock/clock.js';
import { IdNode } from '../../src/core/node.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { TEST_CORE_CONFIG } from '../helpers/rest-node.js';
import { virtualRuntime } from '../helpers/virtual-runtime.js';

// The core services check the caller themselves, whichever front end (or none) calls them. The front-end
// matrix (test/scenarios/permission-matrix.test.ts) covers what REST and gRPC offer; this covers the rest:
// the CLI-only operations, and that the rules hold when a service is called directly.

const ENTERPRISE: Principal = { kind: 'enterprise', id: '300:0.NA/88.999.A', prefix: '88.999.A' };
const AUDITOR: Principal = { kind: 'auditor', id: '300:0.NA/AUDITOR.1' };

t.test('operator-only and audit-only core methods refuse everyone else and change nothing', async (t) => {
  const store = openSqliteStore({ file: join(t.testdir(), 'idnode.sqlite') });
  const node = await IdNode.create(TEST_CORE_CONFIG, { store, clock: systemClock, random: systemRandom, logger: pino({ level: 'silent' }), ...virtualRuntime() });
  t.teardown(async () => {
    await node.close();
    await store.close();
  });
  await node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: '88.999.A', name: 'A' });
  const state = async () => ({ principals: await store.listPrincipals(), homed: await store.listHomedPrefixes(), ledger: await store.listLedgerEntries() });

  const operatorOnly: [string, (who: Principal) => Promise<unknown>][] = [
    ['add an auditor', (who) => node.principals.addAuditor(who, 'x')],
    ["rotate the operator's secret", (who) => node.principals.rotateOperatorSecret(who, '88.999')],
    ['create the operator', (who) => node.principals.ensureOperator(who, '88.999')],
    ['add an enterprise', (who) => node.principals.addEnterprise(who, { prefix: '88.999.C', name: 'C' })],
    ['list enterprises', (who) => node.principals.listEnterprises(who)],
    ['revoke an enterprise', (who) => node.principals.revokeEnterprise(who, '88.999.A')],
    ['rotate a secret', (who) => node.principals.rotateEnterpriseSecret(who, '88.999.A')],
    ['home a prefix', (who) => node.homing.add(who, '77.1')],
    ['unhome a prefix', (who) => node.homing.remove(who, '88.999')],
    ['seal the ledger', (who) => node.ledger.sealClosedDays(who)],
  ];
  const auditOnly: [string, (who: Principal) => Promise<unknown>][] = [
    ['ledger entries', (who) => node.ledger.entries(who)],
    ['ledger export', (who) => node.ledger.export(who, { rows: false })],
    ['ledger status', (who) => node.ledger.status(who)],
    ['eligibility report', (who) => node.eligibility.report(who, { year: 2024 })],
    ['policy list', async (who) => node.eligibility.policyList(who)],
    ['daily figures', (who) => node.meteringReports.daily(who, { from: '2024-01-01', to: '2024-01-02' })],
    ['totals', (who) => node.meteringReports.totals(who, { from: '2024-01-01', to: '2024-01-02' })],
    ['day totals', (who) => node.meteringReports.dayTotals(who, { from: '2024-01-01', to: '2024-01-02' })],
    ['counter rows', (who) => node.meteringReports.counterRows(who, { from: '2024-01-01', to: '2024-01-02' })],
  ];
  const cases: [string, (who: Principal) => Promise<unknown>, Principal, string][] = [];
  for (const [name, run] of operatorOnly) {
    cases.push([name, run, ANONYMOUS, 'AUTHENTICATION_REQUIRED'], [name, run, ENTERPRISE, 'PERMISSION_DENIED'], [name, run, AUDITOR, 'PERMISSION_DENIED']);
  }
  for (const [name, run] of auditOnly) cases.push([name, run, ANONYMOUS, 'AUTHENTICATION_REQUIRED'], [name, run, ENTERPRISE, 'PERMISSION_DENIED']);
  for (const [name, run, who, code] of cases) {
    const before = await state();
    await t.rejects(run(who), { code }, `${name} as ${who.kind}: ${code}`);
    t.same(await state(), before, `${name} as ${who.kind}: nothing changed`);
  }
  // The checks come before the request is read: a bad request is refused as such only to a caller who may ask.
  await t.rejects(node.meteringReports.daily(ANONYMOUS, { from: 'never' }), { code: 'AUTHENTICATION_REQUIRED' });
  await t.rejects(node.meteringReports.daily(AUDITOR, { from: 'never' }), { code: 'REQUEST_INVALID' });
  await t.rejects(node.eligibility.report(ENTERPRISE, { year: 'twenty' }), { code: 'PERMISSION_DENIED' });
  await t.rejects(node.eligibility.report(AUDITOR, { year: 'twenty' }), { code: 'REQUEST_INVALID' });

  for (const [name, run] of [...operatorOnly.slice(0, 3), ...auditOnly]) await t.resolves(run(LOCAL_OPERATOR), `${name}: the local operator may`);
  await t.resolves(node.ledger.status(AUDITOR), 'an auditor reads the ledger');
});
