import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { firstDayOfYear, lastDayOfYear } from '../../core/clock/calendar-day.js';
import { parseYear } from '../../core/eligibility/eligibility.js';
import type { IdNode } from '../../core/node.js';
import { auditorOf } from '../audit-access.js';
import type { CredentialPolicy } from '../credentials.js';
import { renderDashboard } from '../dashboard/render-dashboard.js';

const Query = Type.Object({
  year: Type.Optional(Type.String({ description: 'calendar year; the current one when absent' })),
  policy: Type.Optional(Type.String({ description: 'policy id; the default policy when absent' })),
});

/**
 * The auditor dashboard, an HTML page for people (auditors and the operator). A browser asks for the Basic
 * credentials itself: an anonymous request gets 401 with WWW-Authenticate.
 */
export function dashboardRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/dashboard',
    { schema: { summary: 'Auditor dashboard (HTML; auditor, operator)', querystring: Query, produces: ['text/html'] } },
    async (request, reply) => {
      await auditorOf(request, node, policy, 'the auditor dashboard');
      const year = parseYear(request.query.year) ?? node.eligibility.currentYear();
      const [report, days, ledger] = await Promise.all([
        node.eligibility.report({ year, ...(request.query.policy ? { policyId: request.query.policy } : {}) }),
        node.meteringReports.dayTotals({ from: firstDayOfYear(year), to: lastDayOfYear(year) }),
        node.ledger.status(),
      ]);
      const html = renderDashboard({
        report,
        days,
        ledger,
        nodePrefixes: node.homing.list().map((homed) => homed.prefix),
        policies: node.eligibility.policies.list().map((known) => ({ id: known.id, title: known.title })),
      });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );
}
