import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
import { firstDayOfYear, lastDayOfYear } from '../../core/clock/calendar-day.js';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { renderDashboard } from '../dashboard/render-dashboard.js';
import { LANG_QUERY_DESCRIPTION, pageLocale } from '../request-locale.js';

const Query = Type.Object({
  year: Type.Optional(Type.String({ description: 'calendar year; the current one when absent' })),
  policy: Type.Optional(Type.String({ description: 'policy id; the default policy when absent' })),
  lang: Type.Optional(Type.String({ description: LANG_QUERY_DESCRIPTION })),
});

/**
 * The auditor dashboard, an HTML page for people (auditors and the operator). A browser asks for the Basic
 * credentials itself: an anonymous request gets 401 with WWW-Authenticate. In zh-CN or English (pageLocale).
 */
export function dashboardRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/dashboard',
    { schema: { summary: 'Auditor dashboard (HTML; auditor, operator)', querystring: Query, produces: ['text/html'] } },
    async (request, reply) => {
      const principal = await principalOf(request, node.authenticator, policy);
      // The report comes first: it refuses a caller without the right, and settles the year the rest is of.
      const report = await node.eligibility.report(principal, {
        ...(request.query.year === undefined ? {} : { year: request.query.year }),
        ...(request.query.policy ? { policyId: request.query.policy } : {}),
      });
      const [days, ledger] = await Promise.all([
        node.meteringReports.dayTotals(principal, { from: firstDayOfYear(report.year), to: lastDayOfYear(report.year) }),
        node.ledger.status(principal),
      ]);
      const locale = pageLocale(request, reply, request.query.lang);
      const html = renderDashboard({
        report,
        days,
        ledger,
        nodePrefixes: node.homing.list().map((homed) => homed.prefix),
        policies: node.eligibility.policyList(principal).policies.map((known) => ({ id: known.id, title: locale === 'zh-CN' ? (known.titleZh ?? known.title) : known.title })),
        ...(node.connection === undefined ? {} : { connection: node.connection.status() }),
        locale,
      });
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );
}
