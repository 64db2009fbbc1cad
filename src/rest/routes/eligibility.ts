import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
import { renderReportHtml } from '../../reports/render-html.js';
import { renderReportMarkdown } from '../../reports/render-markdown.js';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';
import { LANG_QUERY_DESCRIPTION, pageLocale } from '../request-locale.js';

const Query = Type.Object({
  year: Type.Optional(Type.String({ description: 'calendar year, e.g. 2024; the current one when absent' })),
  policy: Type.Optional(Type.String({ description: 'policy id; the default policy when absent' })),
  format: Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('html')], { default: 'json' }),
  lang: Type.Optional(Type.String({ description: `${LANG_QUERY_DESCRIPTION}; for md and html (JSON is the same in every language)` })),
});

// The report's shape is documented in src/core/eligibility/report.ts; nested parts pass through as they are.
const Report = Type.Object(
  {
    policy: Type.Unknown(),
    year: Type.Integer(),
    period: Type.Unknown(),
    timeZone: Type.String(),
    clock: Type.Unknown(),
    generatedAt: Type.String(),
    figures: Type.Unknown(),
    awards: Type.Array(Type.Unknown()),
    notes: Type.Array(Type.String()),
  },
  { description: 'per award: verdict and criteria (measured, threshold, margin, verdict, method, projection)' },
);

/** Award eligibility (docs/design.md §2) and the policies it is judged by, for auditors and the operator. */
export function eligibilityRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/eligibility',
    { schema: { summary: 'Award-eligibility report for a year (auditor, operator)', querystring: Query, response: { 200: Report, ...errorResponses } } },
    async (request, reply) => {
      const report = await node.eligibility.report(await principalOf(request, node.authenticator, policy), {
        ...(request.query.year === undefined ? {} : { year: request.query.year }),
        ...(request.query.policy ? { policyId: request.query.policy } : {}),
      });
      if (request.query.format === 'md') return reply.type('text/markdown; charset=utf-8').send(renderReportMarkdown(report, pageLocale(request, reply, request.query.lang)));
      if (request.query.format === 'html') return reply.type('text/html; charset=utf-8').send(renderReportHtml(report, pageLocale(request, reply, request.query.lang)));
      return report;
    },
  );

  app.get(
    '/api/v1/policies',
    {
      schema: {
        summary: 'The award policies this node knows (auditor, operator)',
        response: { 200: Type.Object({ default: Type.String(), policies: Type.Array(Type.Unknown()) }), ...errorResponses },
      },
    },
    async (request) => node.eligibility.policyList(await principalOf(request, node.authenticator, policy)),
  );
}
