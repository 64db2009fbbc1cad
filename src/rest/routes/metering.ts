import type { FastifyInstance } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
import { FIGURE_FIELDS } from '../../core/metering/figures.js';
import { dailyCsv, totalsCsv } from '../../core/metering/metering-reports.js';
import type { IdNode } from '../../core/node.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { errorResponses } from '../schemas.js';

const figureProperties = Object.fromEntries(FIGURE_FIELDS.map((field) => [field, Type.Integer()])) as Record<string, TSchema>;
const Figures = Type.Object(figureProperties, { description: 'resolutions = the sum of the four resolution kinds' });
const DailyRow = Type.Object({ day: Type.String(), prefix: Type.String(), protocol: Type.Optional(Type.String()), ...figureProperties });
const PrefixRow = Type.Object({ prefix: Type.String(), ...figureProperties });
const Header = { from: Type.String(), to: Type.String(), timeZone: Type.String(), prefix: Type.Optional(Type.String()) };

const RangeQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'first day, YYYY-MM-DD (metering days, in the node time zone)' })),
  to: Type.Optional(Type.String({ description: 'last day, YYYY-MM-DD, inclusive' })),
  prefix: Type.Optional(Type.String({ description: 'one enterprise prefix; all when absent' })),
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
});
const DailyQuery = Type.Composite([RangeQuery, Type.Object({ by: Type.Optional(Type.Literal('protocol', { description: 'split each row by front end' })) })]);

/**
 * Metering for auditors (and the operator): daily figures per prefix, and totals over a date range, as JSON or
 * CSV (RFC 4180). Figures are those flushed to the store (resolution counts lag at most one flush interval).
 */
export function meteringRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy): void {
  app.get<{ Querystring: Static<typeof DailyQuery> }>(
    '/api/v1/metering/daily',
    {
      schema: {
        summary: 'Daily metered figures per prefix (auditor, operator)',
        querystring: DailyQuery,
        response: { 200: Type.Object({ ...Header, rows: Type.Array(DailyRow), totals: Figures }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await principalOf(request, node.authenticator, policy);
      const report = await node.meteringReports.daily(principal, { ...request.query, byProtocol: request.query.by === 'protocol' });
      if (request.query.format === 'csv') return sendCsv(reply, dailyCsv(report), `metering-daily-${report.from}-${report.to}.csv`);
      return report;
    },
  );

  app.get<{ Querystring: Static<typeof RangeQuery> }>(
    '/api/v1/metering/totals',
    {
      schema: {
        summary: 'Metered totals per prefix over a date range (auditor, operator)',
        querystring: RangeQuery,
        response: { 200: Type.Object({ ...Header, days: Type.Integer(), prefixes: Type.Array(PrefixRow), totals: Figures }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const report = await node.meteringReports.totals(await principalOf(request, node.authenticator, policy), request.query);
      if (request.query.format === 'csv') return sendCsv(reply, totalsCsv(report), `metering-totals-${report.from}-${report.to}.csv`);
      return report;
    },
  );
}

function sendCsv(reply: import('fastify').FastifyReply, csv: string, filename: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
}
