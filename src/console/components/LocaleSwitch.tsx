import { useI18n } from '../i18n/locale.tsx';
import { LOCALE_NAMES, UI_LOCALES, type UiLocale } from '../i18n/messages.ts';

export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <select
      className="select select--compact"
      data-testid="locale-switch"
      aria-label={t('header.language')}
      title={t('header.language')}
      value={locale}
      onChange={(event) => setLocale(event.target.value as UiLocale)}
    >
      {UI_LOCALES.map((value) => (
        <option key={value} value={value}>
          {LOCALE_NAMES[value]}
        </option>
      ))}
    </select>
  );
}
