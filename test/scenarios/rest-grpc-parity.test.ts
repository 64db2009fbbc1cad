import t from 'tap';
import { startBothNode, type BothNode } from '../helpers/grpc-node.js';
import { grpcDriver, restDriver, snmsDriver, type Driver, type Outcome, type Who, type WritingDriver } from './drivers.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

const DEMO = '88.999.DEMO';
const OTHER = '88.999.OTHER';
/** 2025-03-01 10:00 in Asia/Shanghai: every count lands on one metering day, and timestamps are equal. */
const NOW = Date.UTC(2025, 2, 1, 2, 0, 0);

interface Actors {
  demo: Who;
  other: Who;
  operator: Who;
  wrong: Who;
  anonymous: Who;
}

interface Step {
  readonly name: string;
  run(driver: WritingDriver, actors: Actors): Promise<Outcome>;
  /** What both front ends must answer (matched as a pattern); beyond it, their answers must be identical. */
  readonly expect: Partial<Outcome> | Record<string, unknown>;
}

const url = (n: number) => ({ index: 1, type: 'URL', data: `https://example.org/${n}` });

/** The shared cases, run in this order against a fresh node per front end. */
const STEPS: Step[] = [
  { name: 'create', run: (d, a) => d.create(a.demo, `${DEMO}/PN-1`, [url(1), { index: 2, type: 'EMAIL', data: 'ops@example.org', permissions: '1100' }]), expect: { ok: true, created: true, handle: `${DEMO}/PN-1` } },
  { name: 'create conflict', run: (d, a) => d.create(a.demo, `${DEMO}/PN-1`, [url(1)]), expect: { ok: false, code: 'HANDLE_ALREADY_EXISTS', responseCode: 101 } },
  { name: 'create with a lower-case prefix', run: (d, a) => d.create(a.demo, `88.999.demo/PN-2`, [url(2), { index: 5, type: 'blob', data: { format: 'hex', value: 'CAFE' }, ttl: 60 }]), expect: { ok: true, handle: `${DEMO}/PN-2` } },
  { name: 'resolve', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-1`), expect: { ok: true, responseCode: 1 } },
  { name: 'resolve again (cache)', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-1`), expect: { ok: true, responseCode: 1 } },
  { name: 'resolve by type', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-2`, { types: ['blob'] }), expect: { ok: true, values: [{ index: 5, format: 'hex', value: 'cafe', ttl: 60 }] } },
  { name: 'resolve by index or type', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-2`, { indexes: [1], types: ['HS_ADMIN'] }), expect: { ok: true, responseCode: 1 } },
  { name: 'private values hidden from anonymous', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-1`, { types: ['EMAIL'] }), expect: { ok: true, responseCode: 200, values: [] } },
  { name: 'private values shown to the owner', run: (d, a) => d.resolve(a.demo, `${DEMO}/PN-1`, { types: ['EMAIL'] }), expect: { ok: true, responseCode: 1, values: [{ type: 'EMAIL', permissions: '1100' }] } },
  { name: 'not found', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-404`), expect: { ok: false, code: 'HANDLE_NOT_FOUND', responseCode: 100 } },
  { name: 'bad identifier (resolve)', run: (d, a) => d.resolve(a.anonymous, `${DEMO}`), expect: { ok: false, code: 'IDENTIFIER_MISSING_SLASH', responseCode: 102 } },
  { name: 'bad identifier (create)', run: (d, a) => d.create(a.demo, '88.999.DEMO./X', [url(3)]), expect: { ok: false, code: 'PREFIX_TRAILING_DOT', responseCode: 102 } },
  { name: 'not homed', run: (d, a) => d.resolve(a.anonymous, '77.1/X'), expect: { ok: false, code: 'NOT_HOMED', responseCode: 301 } },
  { name: 'bad value', run: (d, a) => d.create(a.demo, `${DEMO}/BAD`, [{ index: 1, type: 'URL', data: { format: 'base64', value: 'not base64!' } }]), expect: { ok: false, code: 'VALUE_DATA_INVALID', responseCode: 202 } },
  { name: 'unauthorised prefix', run: (d, a) => d.create(a.demo, `${OTHER}/X-1`, [url(4)]), expect: { ok: false, code: 'PERMISSION_DENIED', responseCode: 401 } },
  { name: 'the other enterprise in its own prefix', run: (d, a) => d.create(a.other, `${OTHER}/X-1`, [url(4)]), expect: { ok: true, created: true } },
  { name: 'no credentials', run: (d, a) => d.create(a.anonymous, `${DEMO}/ANON`, [url(5)]), expect: { ok: false, code: 'AUTHENTICATION_REQUIRED', responseCode: 402 } },
  { name: 'wrong secret', run: (d, a) => d.create(a.wrong, `${DEMO}/WRONG`, [url(5)]), expect: { ok: false, code: 'AUTHENTICATION_FAILED', responseCode: 403 } },
  { name: 'update', run: (d, a) => d.update(a.demo, `${DEMO}/PN-1`, [url(10)]), expect: { ok: true, created: false } },
  { name: 'update some values', run: (d, a) => d.update(a.demo, `${DEMO}/PN-1`, [{ index: 3, type: 'URL', data: 'https://three' }], [3]), expect: { ok: true, created: false } },
  { name: 'resolve after update', run: (d, a) => d.resolve(a.anonymous, `${DEMO}/PN-1`), expect: { ok: true, values: [{ index: 1, value: 'https://example.org/10' }, { index: 3 }, { index: 100 }] } },
  { name: 'operator writes anywhere homed', run: (d, a) => d.update(a.operator, `${OTHER}/OP-1`, [url(6)]), expect: { ok: true, created: true } },
  { name: 'delete', run: (d, a) => d.remove(a.demo, `${DEMO}/PN-2`), expect: { ok: true } },
  { name: 'delete again', run: (d, a) => d.remove(a.demo, `${DEMO}/PN-2`), expect: { ok: false, code: 'HANDLE_NOT_FOUND' } },
  {
    name: 'batch with partial success',
    run: (d, a) =>
      d.batch(a.demo, [
        { handle: `${DEMO}/B-1`, values: [url(1)] },
        { handle: `${DEMO}/PN-1`, values: [url(10)] },
        { handle: `${OTHER}/B-2`, values: [url(2)] },
        { handle: 'B-3', values: [url(3)] },
        { handle: `${DEMO}/B-1`, values: [url(1)] },
      ]),
    expect: { ok: true, summary: { received: 5, created: 1, alreadyExisted: 0, updated: 0, failed: 4 } },
  },
  { name: 'batch re-sent', run: (d, a) => d.batch(a.demo, [{ handle: `${DEMO}/B-1`, values: [url(1)] }]), expect: { ok: true, summary: { created: 0, alreadyExisted: 1 } } },
  { name: 'batch without credentials', run: (d, a) => d.batch(a.anonymous, [{ handle: `${DEMO}/B-9`, values: [url(1)] }]), expect: { ok: false, code: 'AUTHENTICATION_REQUIRED' } },
  {
    name: 'streamed import',
    run: (d, a) =>
      d.stream(
        a.demo,
        Array.from({ length: 10 }, (_, i) => ({ handle: i === 4 ? `${OTHER}/S-${i}` : `${DEMO}/S-${i % 8}`, values: [url(i)] })),
      ),
    expect: { ok: true, summary: { received: 10, created: 7, failed: 3 }, results: [{ position: 4, code: 'PERMISSION_DENIED' }, { position: 8 }, { position: 9 }] },
  },
  { name: 'streamed import with a wrong secret', run: (d, a) => d.stream(a.wrong, [{ handle: `${DEMO}/S-99`, values: [url(1)] }]), expect: { ok: false, code: 'AUTHENTICATION_FAILED' } },
];

async function actorsOf(node: BothNode): Promise<Actors> {
  const other = await node.node.principals.addEnterprise(LOCAL_OPERATOR, { prefix: OTHER, name: 'Other enterprise' });
  const demo = node.credentials.demoEnterprise;
  return {
    demo: { id: demo.id, secret: demo.secret },
    other: { id: other.id, secret: other.secret },
    operator: { id: node.credentials.operator.id, secret: node.credentials.operator.secret },
    wrong: { id: demo.id, secret: 'not-the-secret' },
    anonymous: undefined,
  };
}

/** Counter rows without the protocol column (which names the front end), summed per day, prefix and kind. */
async function countersByKind(node: BothNode): Promise<{ byKind: Record<string, number>; protocols: string[] }> {
  await node.node.metering.flush();
  const byKind: Record<string, number> = {};
  const protocols = new Set<string>();
  for (const row of await node.store.listCounters('2000-01-01', '2100-01-01')) {
    const key = `${row.day} ${row.prefix} ${row.kind}`;
    byKind[key] = (byKind[key] ?? 0) + row.count;
    protocols.add(row.protocol);
  }
  return { byKind, protocols: [...protocols] };
}

t.test('the same cases through REST and gRPC: the same outcomes and the same metering', async (t) => {
  const outcomes: Record<string, Outcome[]> = {};
  const metering: Record<string, Awaited<ReturnType<typeof countersByKind>>> = {};
  for (const make of [restDriver, grpcDriver]) {
    const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
    try {
      const driver = make(node);
      const actors = await actorsOf(node);
      const results: Outcome[] = [];
      for (const step of STEPS) {
        const outcome = await step.run(driver, actors);
        t.match(outcome, step.expect, `${driver.protocol}: ${step.name}`);
        results.push(outcome);
      }
      outcomes[driver.protocol] = results;
      metering[driver.protocol] = await countersByKind(node);
    } finally {
      await node.close();
    }
  }
  for (let i = 0; i < STEPS.length; i++) t.same(outcomes['grpc']![i], outcomes['rest']![i], `same outcome: ${STEPS[i]!.name}`);
  t.same(metering['grpc']!.byKind, metering['rest']!.byKind, 'the same counter deltas');
  t.same(metering['rest']!.protocols, ['rest']);
  t.same(metering['grpc']!.protocols, ['grpc']);
  t.match(metering['rest']!.byKind, {
    [`2025-03-01 ${DEMO} registration`]: 10,
    [`2025-03-01 ${OTHER} registration`]: 2,
    [`2025-03-01 ${DEMO} update`]: 2,
    [`2025-03-01 ${DEMO} delete`]: 1,
    [`2025-03-01 ${DEMO} resolution.not-found`]: 1,
  });
});

/** The steps SNMS has the operations for (no resolution filters, partial updates or streamed import), and those that depend on them. */
const NOT_IN_SNMS = new Set(['resolve by type', 'resolve by index or type', 'private values hidden from anonymous', 'private values shown to the owner', 'update some values', 'resolve after update', 'streamed import', 'streamed import with a wrong secret']);

t.test('the same cases through SNMS and REST: the same outcomes, counted under snms', async (t) => {
  const steps = STEPS.filter((step) => !NOT_IN_SNMS.has(step.name));
  const outcomes: Record<string, Outcome[]> = {};
  const metering: Record<string, Awaited<ReturnType<typeof countersByKind>>> = {};
  for (const make of [restDriver, snmsDriver]) {
    const node = await startBothNode({ dir: t.testdir(), clock: { now: () => NOW } });
    try {
      const driver = make(node);
      const actors = await actorsOf(node);
      const results: Outcome[] = [];
      for (const step of steps) {
        const outcome = await step.run(driver as WritingDriver & Driver, actors);
        // Without "update some values", PN-1 holds what the batch re-sends: it already exists.
        const expect = step.name === 'batch with partial success' ? { ok: true, summary: { received: 5, created: 1, alreadyExisted: 1, failed: 3 } } : step.expect;
        t.match(outcome, expect, `${driver.protocol}: ${step.name}`);
        results.push(outcome);
      }
      outcomes[driver.protocol] = results;
      metering[driver.protocol] = await countersByKind(node);
    } finally {
      await node.close();
    }
  }
  for (let i = 0; i < steps.length; i++) t.same(outcomes['snms']![i], outcomes['rest']![i], `same outcome: ${steps[i]!.name}`);
  t.same(metering['snms']!.byKind, metering['rest']!.byKind, 'the same counter deltas');
  t.same(metering['snms']!.protocols, ['snms']);
});
