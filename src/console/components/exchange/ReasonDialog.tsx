import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/locale.tsx';
import { exchangeText } from './strings.ts';
import { Field } from '../fields.tsx';

type Props = {
  title: string;
  hint: string;
  /** A freeze is drawn in red: it locks a customer out of their money. */
  danger?: boolean;
  busy: boolean;
  error: string | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  testId?: string;
};

const MIN_REASON = 3;

/** A modal confirmation that asks why: every account action is audited with the reason the agent gave. */
export function ReasonDialog({
  title,
  hint,
  danger = false,
  busy,
  error,
  onConfirm,
  onCancel,
  testId = 'exchange-dialog',
}: Props) {
  const { locale } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim().length >= MIN_REASON && !busy) onConfirm(reason.trim());
  }

  return (
    <dialog
      ref={ref}
      className="reason-dialog"
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form onSubmit={submit} className="reason-dialog__form">
        <h2 className="reason-dialog__title">{title}</h2>
        <p className="reason-dialog__hint">{hint}</p>
        <Field label={exchangeText(locale, 'reason')}>
          <textarea
            className="reason-dialog__input"
            data-testid="exchange-reason"
            value={reason}
            rows={3}
            maxLength={500}
            required
            minLength={MIN_REASON}
            placeholder={exchangeText(locale, 'reasonPlaceholder')}
            onChange={(event) => setReason(event.target.value)}
            autoFocus
          />
        </Field>
        {error && (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        )}
        <div className="reason-dialog__actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            {exchangeText(locale, 'cancel')}
          </button>
          <button
            type="submit"
            className={`button ${danger ? 'button--danger' : 'button--primary'}`}
            data-testid="exchange-confirm"
            disabled={busy || reason.trim().length < MIN_REASON}
          >
            {exchangeText(locale, 'confirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
