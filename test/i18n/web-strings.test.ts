import { readFileSync } from 'node:fs';
import t from 'tap';
import { LOCALES } from '../../src/i18n/locale.js';
import { WEB_STRINGS, webString } from '../../src/i18n/web-strings.js';

const places = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

t.test('both dictionaries have the same keys, each with the same places, none empty', async (t) => {
  const [first, ...others] = LOCALES;
  const keys = Object.keys(WEB_STRINGS[first]).sort();
  for (const locale of others) t.same(Object.keys(WEB_STRINGS[locale]).sort(), keys, `${locale} has the keys of ${first}`);
  for (const locale of LOCALES) {
    for (const key of keys) {
      const text = WEB_STRINGS[locale][key as keyof (typeof WEB_STRINGS)['en']];
      t.ok(text.trim().length > 0, `${locale} ${key} is not empty`);
      t.same(places(text), places(WEB_STRINGS[first][key as keyof (typeof WEB_STRINGS)['en']]), `${locale} ${key} has the same places`);
    }
  }
});

t.test('every key the browser scripts use is in the dictionaries', async (t) => {
  for (const script of ['console.js', 'docs.js']) {
    const source = readFileSync(new URL(`../../web/${script}`, import.meta.url), 'utf8');
    const used = new Set([...source.matchAll(/\bt\('([a-zA-Z.-]+)'/g)].map((match) => match[1]!));
    t.ok(used.size > 0, `${script} uses the dictionary`);
    for (const key of used) t.ok(key in WEB_STRINGS.en, `${script}: ${key}`);
  }
});

t.test('webString fills places and leaves unknown ones', async (t) => {
  t.equal(webString('en', 'landing.version', { version: '1.2.3' }), 'version 1.2.3');
  t.equal(webString('zh-CN', 'landing.version'), '版本 {version}');
});
