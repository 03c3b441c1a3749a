import type { ReactNode } from 'react';
import { useI18n } from '../i18n/locale.tsx';
import { LocaleSwitch } from './LocaleSwitch.tsx';

/** The centred card shared by the login and the 2FA enrolment pages. */
export function AuthLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth">
      <div className="auth__locale">
        <LocaleSwitch />
        <p className="auth__locale-hint">{t('auth.languageHint')}</p>
      </div>
      <div className="auth__card">
        <div className="auth__brand">
          <span className="brand-mark" aria-hidden="true">
            客
          </span>
          <div>
            <div className="auth__product">{t('app.name')}</div>
            <div className="auth__console">{t('app.console')}</div>
          </div>
        </div>
        {children}
      </div>
    </div>
  );
}
