import { translator, type Dictionary, type Translator } from '../i18n/dictionary.js';
import type { Locale } from '../i18n/locale.js';
import { REPORT_MESSAGES_EN, type ReportKey } from './messages-en.js';
import { REPORT_MESSAGES_ZH_CN } from './messages-zh-cn.js';

export type { ReportKey } from './messages-en.js';
export type ReportText = Translator<ReportKey>;

/** Both dictionaries of the reports and the dashboard, by locale. */
export const REPORT_MESSAGES: Readonly<Record<Locale, Dictionary<ReportKey>>> = { en: REPORT_MESSAGES_EN, 'zh-CN': REPORT_MESSAGES_ZH_CN };

/** The texts of the reports and the dashboard in `locale`. */
export function reportText(locale: Locale): ReportText {
  return translator(REPORT_MESSAGES, locale);
}

/** A policy text in the page's language: the Chinese one on zh-CN pages when the policy has it. */
export function policyText(t: ReportText, text: string, textZh: string | undefined): string {
  return t.locale === 'zh-CN' && textZh !== undefined ? textZh : text;
}
