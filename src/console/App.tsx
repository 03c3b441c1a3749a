import { useCallback, useEffect, useState } from 'react';
import type { SessionResponse } from '../contracts/api.ts';
import { fetchSession, needsTotpEnrollment, onUnauthorized, setCsrfToken } from './api/client.ts';
import { EnrollmentPage } from './components/EnrollmentPage.tsx';
import { Inbox } from './components/Inbox.tsx';
import { Login } from './components/Login.tsx';
import { useI18n } from './i18n/locale.tsx';

type AuthState =
  | { kind: 'checking' }
  | { kind: 'anonymous'; notice: string | null }
  | { kind: 'enrolling' }
  | { kind: 'signed-in'; session: SessionResponse };

export function App() {
  const { adoptProfileLocale, t } = useI18n();
  const [auth, setAuth] = useState<AuthState>({ kind: 'checking' });

  const handleSession = useCallback(
    (session: SessionResponse) => {
      adoptProfileLocale(session.agent.locale);
      setAuth(needsTotpEnrollment(session) ? { kind: 'enrolling' } : { kind: 'signed-in', session });
    },
    [adoptProfileLocale],
  );

  useEffect(() => {
    fetchSession()
      .then(handleSession)
      .catch(() => setAuth({ kind: 'anonymous', notice: null }));
  }, [handleSession]);

  useEffect(() => {
    onUnauthorized((code) => {
      if (code === 'totp_enrollment_required') {
        setAuth({ kind: 'enrolling' });
        return;
      }
      setCsrfToken(null);
      setAuth({ kind: 'anonymous', notice: code === 'session_expired' ? code : null });
    });
    return () => onUnauthorized(null);
  }, []);

  const handleSignedOut = useCallback(() => setAuth({ kind: 'anonymous', notice: null }), []);

  switch (auth.kind) {
    case 'checking':
      return (
        <div className="splash" aria-busy="true">
          <span className="brand-mark">客</span>
          <span className="muted">{t('list.loading')}</span>
        </div>
      );
    case 'anonymous':
      return <Login onLoggedIn={handleSession} initialNotice={auth.notice} />;
    case 'enrolling':
      return <EnrollmentPage onEnrolled={handleSession} onCancelled={handleSignedOut} />;
    default:
      // Keyed by agent so a different login never sees the previous agent's state.
      return <Inbox key={auth.session.agent.id} session={auth.session} onLoggedOut={handleSignedOut} />;
  }
}
