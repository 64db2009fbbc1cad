import { Command } from 'commander';
import { parseYear } from '../../core/eligibility/eligibility.js';
import { renderReportHtml } from '../../reports/render-html.js';
import { renderReportMarkdown } from '../../reports/render-markdown.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { withAdminNode } from '../admin-node.js';
import type { CliIo } from '../cli-io.js';
import { addAdminOptions, adminContext } from '../shared-options.js';

const FORMATS = ['json', 'md', 'html'] as const;

/** `idnode report`: the award-eligibility report of a year, as JSON, Markdown or HTML on stdout. */
export function reportCommand(io: CliIo): Command {
  return addAdminOptions(new Command('report').description('print the award-eligibility report of a calendar year'), ['timeZone', 'policyDir', 'defaultPolicy'])
    .option('--year <year>', 'calendar year (default: the current one)')
    .option('--policy <id>', 'policy id (default: the default policy)')
    .option('--format <format>', `${FORMATS.join(', ')}`, 'json')
    .action(async (options: Record<string, unknown>) => {
      const format = String(options['format']);
      if (!(FORMATS as readonly string[]).includes(format)) throw new IdnodeError('REQUEST_INVALID', `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
      const year = parseYear(options['year'], '--year');
      const report = await withAdminNode(adminContext(options, io), (node) =>
        node.eligibility.report(LOCAL_OPERATOR, { ...(year === undefined ? {} : { year }), ...(typeof options['policy'] === 'string' ? { policyId: options['policy'] } : {}) }),
      );
      io.stdout(format === 'md' ? renderReportMarkdown(report) : format === 'html' ? renderReportHtml(report) : `${JSON.stringify(report, null, 2)}\n`);
    });
}
