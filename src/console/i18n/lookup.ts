import { tableLocale, type UiLocale } from './messages.ts';

/** Values for a text's `{name}` placeholders. */
export type TextVars = Record<string, string | number>;

/** Fills `{name}` placeholders from vars; a placeholder without a value stays as written. */
export function interpolate(template: string, vars?: TextVars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

/** The table for a locale tag: zh-TW also serves zh-HK, zh-MO and any zh-Hant tag; every other zh tag gets zh-CN, anything else English. */
export function pickTable<T>(tables: Record<UiLocale, T>, locale: string): T {
  return tables[tableLocale(locale)];
}

/**
 * The one lookup behind every console strings table: `(locale, key, vars?)` → the text in the
 * locale's table, placeholders filled.
 */
export function textLookup<K extends string>(
  tables: Record<UiLocale, Record<K, string>>,
): (locale: string, key: K, vars?: TextVars) => string {
  return (locale, key, vars) => interpolate(pickTable(tables, locale)[key], vars);
}
