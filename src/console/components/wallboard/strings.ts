import { textLookup } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';
import en from './en.json' with { type: 'json' };
import zhCNTable from './zh-CN.json' with { type: 'json' };
import zhTWTable from './zh-TW.json' with { type: 'json' };

/** Wording of the live wallboard, in the console's three languages (en, zh-CN, zh-TW): the tables are en.json, zh-CN.json and zh-TW.json beside this file; English sets the keys, and each other table must have every one. */
export type WallboardText = keyof typeof en;

const zhCN: Record<WallboardText, string> = zhCNTable;
const zhTW: Record<WallboardText, string> = zhTWTable;

/** Every table, by console locale: exported for the tests that check the tables stay complete and in step. */
export const WALLBOARD_STRINGS: Record<UiLocale, Record<WallboardText, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** The text for a key in a locale's table (zh-HK, zh-Hant → zh-TW; other zh → zh-CN; else English), placeholders filled. */
export const wallboardText = textLookup(WALLBOARD_STRINGS);
