import { status } from '@grpc/grpc-js';
import t from 'tap';
import { authMetadata, valueMessage } from '../helpers/grpc-client.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { LOCAL_OPERATOR } from '../../src/core/auth/principal.js';

const DEMO = '88.999.DEMO';

t.test('DailyFigures: counter rows for auditors and the operator only', async (t) => {
  const fixed = Date.UTC(2025, 5, 30, 20, 0, 0); // 2025-07-01 04:00 in Asia/Shanghai
  const both = await startBothNode({ dir: t.testdir(), clock: { now: () => fixed } });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/M-1`, values: [valueMessage(1, 'URL', 'u')] }, authMetadata(demo.id, demo.secret));
  await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/M-1` });
  await both.node.metering.flush();

  const auditor = await both.node.principals.addAuditor(LOCAL_OPERATOR, 'Auditor');
  const figures = await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2025-07-01', toDay: '2025-07-01' }, authMetadata(auditor.id, auditor.secret));
  t.same(figures, {
    ok: true,
    value: {
      timeZone: 'Asia/Shanghai',
      rows: [
        { day: '2025-07-01', prefix: DEMO, protocol: 'grpc', kind: 'registration', count: 1 },
        { day: '2025-07-01', prefix: DEMO, protocol: 'grpc', kind: 'resolution.store-read', count: 1 },
      ],
    },
  });
  const operator = both.credentials.operator;
  const before = await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2025-06-01', toDay: '2025-06-30' }, authMetadata(operator.id, operator.secret));
  t.same(before, { ok: true, value: { timeZone: 'Asia/Shanghai', rows: [] } });

  t.match(await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2025-07-01', toDay: '2025-07-01' }, authMetadata(demo.id, demo.secret)), {
    status: status.PERMISSION_DENIED,
    code: 'PERMISSION_DENIED',
  });
  t.match(await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2025-07-01', toDay: '2025-07-01' }), { status: status.UNAUTHENTICATED, code: 'AUTHENTICATION_REQUIRED' });
  const asAuditor = authMetadata(auditor.id, auditor.secret);
  t.match(await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2025-02-30', toDay: '2025-07-01' }, asAuditor), {
    status: status.INVALID_ARGUMENT,
    code: 'REQUEST_INVALID',
    details: 'from_day must be a calendar date YYYY-MM-DD, got "2025-02-30"',
  });
  t.match(await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2025-07-02', toDay: '2025-07-01' }, asAuditor), { details: 'from_day 2025-07-02 is after to_day 2025-07-01' });
  t.match(await clients.unary(clients.metering, 'DailyFigures', { fromDay: '2000-01-01', toDay: '2025-07-01' }, asAuditor), { details: /spans 9314 days; the limit is 3700/ });
  t.match(await clients.unary(clients.metering, 'DailyFigures', {}, asAuditor), { details: 'from_day must be a calendar date YYYY-MM-DD, got ""' });
});

t.test('Eligibility: the same report as REST, for auditors and the operator only', async (t) => {
  const fixed = Date.UTC(2025, 5, 30, 20, 0, 0);
  const both = await startBothNode({ dir: t.testdir(), clock: { now: () => fixed } });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/E-1`, values: [valueMessage(1, 'URL', 'u')] }, authMetadata(demo.id, demo.secret));
  await both.node.metering.flush();
  const auditor = await both.node.principals.addAuditor(LOCAL_OPERATOR, 'Auditor');
  const reply = await clients.unary(clients.metering, 'Eligibility', { year: 2025 }, authMetadata(auditor.id, auditor.secret));
  t.equal(reply.ok, true);
  if (!reply.ok) return;
  const expected = await both.node.eligibility.report(LOCAL_OPERATOR, { year: 2025 });
  t.equal(reply.value.year, 2025);
  t.equal(reply.value.policyId, expected.policy.id);
  t.same(reply.value.awards, expected.awards.map((award) => ({ id: award.id, title: award.title, verdict: award.verdict })));
  const report = JSON.parse(reply.value.reportJson);
  t.same(report.figures, expected.figures, 'the measured figures match the core report');
  t.equal(report.figures.totals.registration, 1);
  t.match(await clients.unary(clients.metering, 'Eligibility', { year: 2025 }, authMetadata(demo.id, demo.secret)), { status: status.PERMISSION_DENIED });
  t.match(await clients.unary(clients.metering, 'Eligibility', { year: 2025, policy: 'no-such-policy' }, authMetadata(auditor.id, auditor.secret)), {
    code: 'POLICY_NOT_FOUND',
  });
});

t.test('gRPC calls are recorded in /metrics beside REST requests', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/absent` });
  await clients.unary(clients.resolver, 'Resolve', { handle: 'not an identifier' });
  const exposition = await (await fetch(`${both.url}/metrics`)).text();
  t.match(exposition, /idnode_requests_total\{frontend="grpc",operation="Resolve",outcome="client_error"\} 2/);
  t.match(exposition, /idnode_request_duration_seconds_count\{frontend="grpc",operation="Resolve"\} 2/);
});
