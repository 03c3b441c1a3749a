import { useI18n } from '../i18n/locale.tsx';
import { LOCALE_NAMES, UI_LOCALES } from '../i18n/messages.ts';
import { Select } from './fields.tsx';
import { GlobeIcon } from './icons.tsx';

/** The one place the console's language is chosen: on the sign-in page and at the right of the top bar. */
export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the Select, a <select>, inside the label.
    <label className="locale-switch" title={t('header.language')}>
      <GlobeIcon />
      <span className="visually-hidden">{t('header.language')}</span>
      <Select
        className="select select--compact"
        testId="locale-switch"
        value={locale}
        options={UI_LOCALES.map((value) => ({ value, label: LOCALE_NAMES[value] }))}
        onChange={setLocale}
      />
    </label>
  );
}
