import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { interpolate } from './lookup.ts';
import { MESSAGES, type MessageKey, tableLocale, UI_LOCALES, type UiLocale } from './messages.ts';

const STORAGE_KEY = 'kefu.console.locale';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

type LocaleContextValue = {
  locale: UiLocale;
  /** An explicit choice by the agent: remembered across sessions. */
  setLocale: (locale: UiLocale) => void;
  /** The agent's profile locale: used only while the agent has not picked one in this browser. */
  adoptProfileLocale: (locale: string) => void;
  t: Translate;
};

const LocaleContext = createContext<LocaleContextValue | null>(null);

export function toUiLocale(value: string | null | undefined): UiLocale | null {
  if (!value) return null;
  if ((UI_LOCALES as readonly string[]).includes(value)) return value as UiLocale;
  // Traditional script regions map to zh-TW: zh-HK/zh-MO readers expect 繁體 too.
  if (value.toLowerCase().startsWith('zh')) return tableLocale(value);
  return value.toLowerCase().startsWith('en') ? 'en' : null;
}

function readStoredLocale(): UiLocale | null {
  try {
    return toUiLocale(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function detectInitialLocale(): UiLocale {
  return readStoredLocale() ?? toUiLocale(navigator.language) ?? 'en';
}

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<UiLocale>(detectInitialLocale);

  const setLocale = useCallback((next: UiLocale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or storage disabled: the choice lasts for this page only.
    }
  }, []);

  const adoptProfileLocale = useCallback((profileLocale: string) => {
    if (readStoredLocale()) return;
    const next = toUiLocale(profileLocale);
    if (next) setLocaleState(next);
  }, []);

  const value = useMemo<LocaleContextValue>(() => {
    const table = MESSAGES[locale];
    const t: Translate = (key, vars) => interpolate(table[key] ?? MESSAGES.en[key] ?? key, vars);
    return { locale, setLocale, adoptProfileLocale, t };
  }, [locale, setLocale, adoptProfileLocale]);

  useEffect(() => {
    // Lets the browser pick CJK glyph variants (简/繁) and hyphenation for the active language.
    document.documentElement.lang = locale;
  }, [locale]);

  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useI18n(): LocaleContextValue {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useI18n must be used inside <LocaleProvider>');
  return value;
}

/** Error codes we have wording for; anything else falls back to the server's message or a generic line. */
export function describeError(t: Translate, code: string, serverMessage?: string): string {
  const key = `error.${code}` as MessageKey;
  if (key in MESSAGES.en) return t(key);
  return serverMessage || t('error.unknown');
}
