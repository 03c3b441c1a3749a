import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { SessionResponse } from '../../contracts/api.ts';
import { errorCodeOf, fetchSession, logIn } from '../api/client.ts';
import { describeError, useI18n } from '../i18n/locale.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { CodeInput, Field } from './fields.tsx';

type Step = 'credentials' | 'totp';

type Props = {
  onLoggedIn: (session: SessionResponse) => void;
  /** Why we are here (e.g. `session_expired`), shown until the agent acts. */
  initialNotice?: string | null;
};

export function Login({ onLoggedIn, initialNotice = null }: Props) {
  const { locale, setLocale, t } = useI18n();
  const [step, setStep] = useState<Step>('credentials');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [errorCode, setErrorCode] = useState<string | null>(initialNotice);
  const totpRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  // The login page has one job: put the cursor where the next keystroke belongs.
  useEffect(() => {
    if (step === 'totp') totpRef.current?.focus();
    else emailRef.current?.focus();
  }, [step]);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrorCode(null);
    try {
      const code = step === 'totp' ? totp.trim() : undefined;
      const session = await logIn({ email: email.trim(), password, totp: code || undefined });
      // Whoever signed in reading this language keeps it: their profile's locale does not switch it under them.
      setLocale(locale);
      onLoggedIn(session);
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'totp_required') {
        // Not an error: the account has 2FA, ask for the code and resubmit everything.
        setStep('totp');
      } else if (code === 'totp_enrollment_required') {
        // The login opened an enrolment-only session: the app shows the enrolment step from it.
        fetchSession()
          .then(onLoggedIn)
          .catch(() => setErrorCode(code));
      } else {
        if (code === 'totp_invalid') {
          setTotp('');
          totpRef.current?.focus();
        }
        setErrorCode(code);
      }
    } finally {
      setBusy(false);
    }
  }

  function startOver() {
    setStep('credentials');
    setTotp('');
    setPassword('');
    setErrorCode(null);
  }

  const errorText = errorCode ? describeError(t, errorCode) : null;

  return (
    <AuthLayout>
      <form className="auth__form" onSubmit={handleSubmit} noValidate>
        <h1 className="auth__title">{t('login.title')}</h1>
        <Field label={t('login.email')}>
          <input
            data-testid="login-email"
            type="email"
            name="email"
            autoComplete="username"
            required
            ref={emailRef}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </Field>
        <Field label={t('login.password')}>
          <input
            data-testid="login-password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        {step === 'totp' && (
          <Field label={t('login.totp')} hint={t('login.totpHint')}>
            <CodeInput ref={totpRef} testId="login-totp" name="totp" pattern="\d{6}" value={totp} onChange={setTotp} />
          </Field>
        )}
        {errorText && (
          <div className="alert alert--error" role="alert" data-testid="login-error">
            {errorText}
          </div>
        )}
        <button
          type="submit"
          className="button button--primary button--block"
          data-testid="login-submit"
          disabled={busy}
        >
          {busy ? t('login.busy') : step === 'totp' ? t('login.verify') : t('login.submit')}
        </button>
        {step === 'totp' && (
          <button type="button" className="button button--link" onClick={startOver}>
            {t('login.back')}
          </button>
        )}
      </form>
    </AuthLayout>
  );
}
