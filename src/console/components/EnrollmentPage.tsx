import { useState } from 'react';
import type { SessionResponse } from '../../contracts/api.ts';
import { errorCodeOf, fetchSession, logOut } from '../api/client.ts';
import { describeError, useI18n } from '../i18n/locale.tsx';
import { AuthLayout } from './AuthLayout.tsx';
import { TotpEnrollment } from './TotpEnrollment.tsx';

type Props = { onEnrolled: (session: SessionResponse) => void; onCancelled: () => void };

/** Shown for an enrolment-only session: the org requires 2FA and this agent has not set it up yet. */
export function EnrollmentPage({ onEnrolled, onCancelled }: Props) {
  const { t } = useI18n();
  const [errorCode, setErrorCode] = useState<string | null>(null);

  async function handleEnabled() {
    try {
      // The same session is now a full one: reload it for the updated agent (totpEnabled) and carry on.
      onEnrolled(await fetchSession());
    } catch (error) {
      setErrorCode(errorCodeOf(error));
    }
  }

  async function handleCancel() {
    try {
      await logOut();
    } catch {
      // Leaving anyway: the enrolment-only session expires on its own.
    }
    onCancelled();
  }

  return (
    <AuthLayout>
      <TotpEnrollment onEnabled={handleEnabled} onCancel={handleCancel} />
      {errorCode && (
        <div className="alert alert--error" role="alert">
          {describeError(t, errorCode)}
        </div>
      )}
    </AuthLayout>
  );
}
