import { Command, InvalidArgumentError } from 'commander';
import { parseYear } from '../../core/eligibility/eligibility.js';
import { LOCAL_OPERATOR } from '../../core/auth/principal.js';
import { LOCALES, localeOfTag, type Locale } from '../../i18n/locale.js';
import { onAdminNode } from '../on-admin-node.js';
import type { CliIo } from '../cli-io.js';
import { addAdminOptions, adminContext } from '../shared-options.js';

const FORMATS = ['json', 'md', 'html'] as const;

/** A usage error (exit 2, as commander's own) unless `value` is one of `allowed`. */
function oneOf<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  };
}

/**
 * The report's language: --lang when given, else the one the environment's locale names (LC_ALL, LC_MESSAGES,
 * LANG: `en_US.UTF-8` is English), else zh-CN, as negotiateLocale defaults.
 */
function reportLocale(lang: Locale | undefined, env: CliIo['env']): Locale {
  return lang ?? localeOfTag(env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG']) ?? 'zh-CN';
}

/** `idnode report`: the award-eligibility report of a year, as JSON, Markdown or HTML on stdout. */
export function reportCommand(io: CliIo): Command {
  return addAdminOptions(new Command('report').description('print the award-eligibility report of a calendar year'), ['timeZone', 'policyDir', 'defaultPolicy'])
    .option('--year <year>', 'calendar year (default: the current one)')
    .option('--policy <id>', 'policy id (default: the default policy)')
    .option('--format <format>', `${FORMATS.join(', ')}`, oneOf('--format', FORMATS), 'json')
    .option('--lang <locale>', `language of md and html: ${LOCALES.join(' or ')} (default: from LC_ALL/LANG, else zh-CN)`, oneOf('--lang', LOCALES))
    .action(async (options: Record<string, unknown>) => {
      const format = options['format'] as (typeof FORMATS)[number];
      const locale = reportLocale(options['lang'] as Locale | undefined, io.env);
      const year = parseYear(options['year'], '--year');
      const report = await onAdminNode(adminContext(options, io), (node) =>
        node.eligibility.report(LOCAL_OPERATOR, { ...(year === undefined ? {} : { year }), ...(typeof options['policy'] === 'string' ? { policyId: options['policy'] } : {}) }),
      );
      if (format === 'md') io.stdout((await import('../../reports/render-markdown.js')).renderReportMarkdown(report, locale));
      else if (format === 'html') io.stdout((await import('../../reports/render-html.js')).renderReportHtml(report, locale));
      else io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    });
}
