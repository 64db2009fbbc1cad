import t from 'tap';
import { placeholders, translator } from '../../src/i18n/dictionary.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { REPORT_MESSAGES } from '../../src/reports/messages.js';

t.test('both dictionaries hold the same keys, each with the same placeholders and some text', async (t) => {
  const en = REPORT_MESSAGES.en;
  const zh = REPORT_MESSAGES['zh-CN'];
  t.same(Object.keys(zh).sort(), Object.keys(en).sort(), 'the same keys');
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    t.same(placeholders(zh[key]), placeholders(en[key]), `${key}: the same placeholders`);
    for (const locale of LOCALES) t.ok(REPORT_MESSAGES[locale][key].trim().length > 0, `${locale} ${key} says something`);
  }
});

t.test('a translator fills placeholders, numbers in the locale figures', async (t) => {
  const en = translator(REPORT_MESSAGES, 'en');
  const zh = translator(REPORT_MESSAGES, 'zh-CN');
  t.equal(en.locale, 'en');
  t.equal(en('dash.chart.perDay', { value: 3_000_000 }), '3,000,000 / day');
  t.equal(zh('dash.chart.perDay', { value: 3_000_000 }), '3,000,000 次/日');
  t.equal(zh('report.title', { year: '2024' }), '2024 年度奖励资格报告');
  t.equal(en('report.title'), 'Award eligibility {year}', 'a missing parameter stays visible');
});
