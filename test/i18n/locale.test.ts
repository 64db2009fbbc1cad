import t from 'tap';
import { formatDay, formatNumber, formatYuan, localeOfTag, negotiateLocale } from '../../src/i18n/locale.js';

t.test('an explicit choice wins: query, then cookie, then Accept-Language, then zh-CN', async (t) => {
  t.equal(negotiateLocale({ query: 'en', cookie: 'idnode-lang=zh-CN', acceptLanguage: 'zh' }), 'en');
  t.equal(negotiateLocale({ cookie: 'a=b; idnode-lang=en', acceptLanguage: 'zh-CN' }), 'en');
  t.equal(negotiateLocale({ acceptLanguage: 'en-GB,en;q=0.9' }), 'en');
  t.equal(negotiateLocale({ acceptLanguage: 'fr, en;q=0.5, zh;q=0.8' }), 'zh-CN');
  t.equal(negotiateLocale({ acceptLanguage: 'en;q=0, de' }), 'zh-CN', 'q=0 excludes a tag');
  t.equal(negotiateLocale({ acceptLanguage: 'en;q=abc' }), 'zh-CN', 'a malformed q is ignored');
  t.equal(negotiateLocale({ query: 'xx', cookie: 'idnode-lang=fr' }), 'zh-CN');
  t.equal(negotiateLocale({ cookie: 'idnode-lang=%E0%A4%A', acceptLanguage: 'en' }), 'en', 'a malformed cookie is ignored');
  t.equal(negotiateLocale({}), 'zh-CN');
});

t.test('tags', async (t) => {
  t.equal(localeOfTag('zh-Hans'), 'zh-CN');
  t.equal(localeOfTag('EN_us'), 'en');
  t.equal(localeOfTag('de'), undefined);
  t.equal(localeOfTag(undefined), undefined);
});

t.test('figures, money and days in each locale', async (t) => {
  t.equal(formatNumber(10_000_000, 'zh-CN'), '10,000,000');
  t.equal(formatNumber(1.234, 'en'), '1.23');
  t.equal(formatYuan(1_000_000, 'zh-CN'), '¥1,000,000');
  t.equal(formatYuan(1_000_000, 'en'), 'CN¥1,000,000');
  t.equal(formatDay('2026-11-29', 'zh-CN'), '2026年11月29日');
  t.equal(formatDay('2026-11-29', 'en'), '29 Nov 2026');
  t.equal(formatDay('not a day', 'en'), 'not a day');
});
