import { useState } from 'react';
import { useI18n } from '../../i18n/locale.tsx';
import { describeFailure } from './admin-api.ts';

/** The outcome of an admin form: saved (announced politely) or refused (announced at once), with the server's words. */
export type FormOutcome = { kind: 'ok' | 'error'; text: string };

export function FormMessage({ message }: { message: FormOutcome | null }) {
  if (!message) return null;
  return (
    <div
      className={`alert${message.kind === 'error' ? ' alert--error' : ''}`}
      role={message.kind === 'error' ? 'alert' : 'status'}
      data-testid="admin-message"
    >
      {message.text}
    </div>
  );
}

/**
 * The busy flag and outcome message of an admin form, and `save`: runs the request, then says "saved" or the server's
 * reason. `fail` shows a problem found before sending.
 */
export function useFormSave() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<FormOutcome | null>(null);
  async function save(request: () => Promise<unknown>, savedText: string): Promise<void> {
    setBusy(true);
    setMessage(null);
    try {
      await request();
      setMessage({ kind: 'ok', text: savedText });
    } catch (failure) {
      setMessage({ kind: 'error', text: describeFailure(t, failure) });
    } finally {
      setBusy(false);
    }
  }
  const fail = (text: string) => setMessage({ kind: 'error', text });
  const failWith = (failure: unknown) => fail(describeFailure(t, failure));
  return { busy, message, save, fail, failWith };
}
