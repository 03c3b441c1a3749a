import { textLookup } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';
import en from './en.json' with { type: 'json' };
import zhCNTable from './zh-CN.json' with { type: 'json' };
import zhTWTable from './zh-TW.json' with { type: 'json' };

/** The integrations page's wording (en.json sets the keys; zh-CN.json and zh-TW.json must have every one). */
export type IntegrationsText = keyof typeof en;

const zhCN: Record<IntegrationsText, string> = zhCNTable;
const zhTW: Record<IntegrationsText, string> = zhTWTable;

export const INTEGRATIONS_STRINGS: Record<UiLocale, Record<IntegrationsText, string>> = {
  en,
  'zh-CN': zhCN,
  'zh-TW': zhTW,
};

export const integrationsText = textLookup(INTEGRATIONS_STRINGS);
