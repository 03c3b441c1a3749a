import { type ReactNode, useCallback, useState } from 'react';
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
 * The end of every admin form: its outcome, the save button and, for a saved record, the delete button. The `save`
 * button's test id is `<testId>-save`.
 */
export function FormFooter(props: {
  message: FormOutcome | null;
  busy: boolean;
  testId: string;
  saveLabel: ReactNode;
  /** Shown only when given: records that exist can be deleted, new ones cannot. */
  onDelete?: () => void;
  deleteLabel?: ReactNode;
}) {
  return (
    <>
      <FormMessage message={props.message} />
      <div className="admin-form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid={`${props.testId}-save`}
          disabled={props.busy}
        >
          {props.saveLabel}
        </button>
        {props.onDelete && (
          <button type="button" className="button button--ghost" onClick={props.onDelete}>
            {props.deleteLabel}
          </button>
        )}
      </div>
    </>
  );
}

/**
 * The busy flag and outcome message of an admin form, and `save`: runs the request, then says "saved" or the server's
 * reason. `fail` shows a problem found before sending, `failWith` a failed request's reason, `clear` nothing.
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
  const fail = useCallback((text: string) => setMessage({ kind: 'error', text }), []);
  // Stable across renders, so a loader that reports with it can be an effect's dependency.
  const failWith = useCallback((failure: unknown) => fail(describeFailure(t, failure)), [fail, t]);
  const clear = useCallback(() => setMessage(null), []);
  return { busy, message, save, fail, failWith, clear };
}
