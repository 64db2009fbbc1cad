import { readFileSync } from 'node:fs';
import t from 'tap';
import { settingsTableMarkdown } from '../../src/config/settings-table.js';
import { CONFIG_FILE_ENV, SETTINGS } from '../../src/config/settings.js';

t.test('the generated table has a row per setting', async (t) => {
  const table = settingsTableMarkdown();
  const lines = table.trimEnd().split('\n');
  t.equal(lines.length, SETTINGS.length + 3, 'header, rule, the config-file row and one row per setting');
  for (const setting of SETTINGS) {
    const row = lines.find((line) => line.includes(`\`${setting.env}\``));
    t.ok(row, `${setting.env} has a row`);
    t.match(row, `\`${setting.key}\``);
    if (setting.flag !== undefined) t.match(row, `\`${setting.flag}\``);
  }
  t.match(table, '| `nodePrefixes` | `--node-prefix` | `IDNODE_NODE_PREFIX` | `88.999` |');
  t.match(table, '| `readyFile` | `--ready-file` | `IDNODE_READY_FILE` | (unset) |');
});

t.test('settings are unique in every column', async (t) => {
  for (const column of ['key', 'name', 'env', 'flag'] as const) {
    const values = SETTINGS.map((setting) => setting[column]).filter((value) => value !== undefined);
    t.equal(new Set(values).size, values.length, `${column} is unique`);
  }
});

t.test('README.md documents every setting', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const env of [CONFIG_FILE_ENV, ...SETTINGS.map((setting) => setting.env)]) {
    t.ok(readme.includes(env), `README.md mentions ${env}`);
  }
});
