import { CONFIG_FILE_ENV, SETTINGS } from './settings.js';

/**
 * The README's configuration table, in Markdown: one row per setting with its config-file key, flag,
 * environment variable, default and description, plus the row for the config file itself.
 * test/config/settings-table.test.ts checks that README.md names every setting; paste this function's output
 * into the README's "Configuration" section when a setting is added.
 */
export function settingsTableMarkdown(): string {
  const rows = [
    ['Config file key', 'Flag', 'Environment', 'Default', 'Description'],
    ['—', '`--config`', `\`${CONFIG_FILE_ENV}\``, '(none)', 'JSON config file with the keys of this table (nested: `tls.certFile`, `cache.maxEntries`, …); unknown keys are refused; relative paths in it are relative to its directory.'],
    ...SETTINGS.map((setting) => [
      `\`${setting.key}\``,
      setting.flag === undefined ? '—' : `\`${setting.flag}\``,
      `\`${setting.env}\``,
      setting.defaultValue === undefined ? '(unset)' : `\`${formatDefault(setting.defaultValue)}\``,
      setting.description,
    ]),
  ];
  const lines = rows.map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`);
  lines.splice(1, 0, `|${' --- |'.repeat(rows[0]!.length)}`);
  return lines.join('\n') + '\n';
}

function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}
