import { textLookup } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';
import en from './en.json' with { type: 'json' };
import zhCNTable from './zh-CN.json' with { type: 'json' };
import zhTWTable from './zh-TW.json' with { type: 'json' };

/** The calls panel's wording (en.json sets the keys; zh-CN.json and zh-TW.json must have every one). */
export type CallsText = keyof typeof en;

const zhCN: Record<CallsText, string> = zhCNTable;
const zhTW: Record<CallsText, string> = zhTWTable;

/** Every table, by console locale: exported for the tests that check the tables stay complete and in step. */
export const CALLS_STRINGS: Record<UiLocale, Record<CallsText, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** The text for a key in a locale's table, placeholders filled. */
export const callsText = textLookup(CALLS_STRINGS);
