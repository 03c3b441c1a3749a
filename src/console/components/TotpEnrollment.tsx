import { type FormEvent, useEffect, useState } from 'react';
import type { TotpSetupResponse } from '../../contracts/api.ts';
import { enableTotp, errorCodeOf, setUpTotp } from '../api/client.ts';
import { describeError, useI18n } from '../i18n/locale.tsx';
import { groupSecret } from '../lib/format.ts';
import { CodeInput, Field } from './fields.tsx';

type Props = {
  onEnabled: () => void;
  onCancel: () => void;
};

/** The org requires 2FA and this agent has none yet: show a fresh secret, then confirm it with one code. */
export function TotpEnrollment({ onEnabled, onCancel }: Props) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<TotpSetupResponse | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [errorCode, setErrorCode] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  // One secret per visit: each setup call replaces the previous secret on the server.
  useEffect(() => {
    let cancelled = false;
    setUpTotp()
      .then((response) => {
        if (!cancelled) setSetup(response);
      })
      .catch((error: unknown) => {
        if (!cancelled) setErrorCode(errorCodeOf(error));
      });
    return () => {
      cancelled = true;
    };
  }, []);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrorCode(null);
    try {
      await enableTotp(code);
      onEnabled();
    } catch (error) {
      setErrorCode(errorCodeOf(error));
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  async function copySecret() {
    if (!setup) return;
    try {
      await navigator.clipboard.writeText(setup.secret);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard blocked (insecure context): the secret stays selectable.
    }
  }

  return (
    <form className="auth__form" onSubmit={handleSubmit} noValidate data-testid="totp-enrollment">
      <h1 className="auth__title">{t('enroll.title')}</h1>
      <p className="auth__text">{t('enroll.intro')}</p>
      {setup ? (
        <>
          <div className="field">
            <span className="field__label">{t('enroll.secret')}</span>
            <div className="secret">
              <code className="secret__value" data-testid="totp-secret" data-secret={setup.secret}>
                {groupSecret(setup.secret)}
              </code>
              <button type="button" className="button button--small" onClick={copySecret}>
                {copied ? t('enroll.copied') : t('enroll.copy')}
              </button>
            </div>
          </div>
          <div className="field">
            <span className="field__label">{t('enroll.url')}</span>
            <code className="secret__url" data-testid="totp-url">
              {setup.otpauthUrl}
            </code>
          </div>
          <Field label={t('enroll.code')}>
            <CodeInput testId="totp-code" value={code} onChange={setCode} />
          </Field>
        </>
      ) : (
        !errorCode && <p className="muted">{t('enroll.loading')}</p>
      )}
      {errorCode && (
        <div className="alert alert--error" role="alert" data-testid="login-error">
          {describeError(t, errorCode)}
        </div>
      )}
      <button
        type="submit"
        className="button button--primary button--block"
        data-testid="totp-submit"
        disabled={busy || !setup || code.length !== 6}
      >
        {t('enroll.submit')}
      </button>
      <button type="button" className="button button--link" onClick={onCancel}>
        {t('login.back')}
      </button>
    </form>
  );
}
