import { type FormEvent, useState } from 'react';
import type { ContactSummary } from '../../../contracts/domain.ts';
import { errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { revealContact } from './contacts-api.ts';
import { type ContactText, contactText } from './strings.ts';

/**
 * For an agent who sees the customer's personal data masked: "Show in full…" asks why, and the server answers with the
 * contact in full and records the reveal in the audit log. Nothing is shown before the server has recorded it.
 */
export function RevealContact({
  conversationId,
  onRevealed,
}: {
  conversationId: string;
  onRevealed: (contact: ContactSummary) => void;
}) {
  const { locale, t } = useI18n();
  const s = (key: ContactText) => contactText(locale, key);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onRevealed(await revealContact(conversationId, reason.trim()));
      setOpen(false);
      setReason('');
    } catch (failure) {
      setError(describeError(t, errorCodeOf(failure), failure instanceof Error ? failure.message : ''));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button
        type="button"
        className="button button--small"
        title={s('revealTitle')}
        data-testid="contact-reveal"
        onClick={() => setOpen(true)}
      >
        {s('reveal')}
      </button>
    );
  }
  return (
    <form className="contact-reveal" onSubmit={submit} data-testid="contact-reveal-form">
      <p className="muted">{s('revealTitle')}</p>
      <input
        className="input"
        value={reason}
        maxLength={500}
        placeholder={s('revealReason')}
        aria-label={s('revealReason')}
        onChange={(e) => setReason(e.target.value)}
      />
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
      <div className="contact-reveal__actions">
        <button type="submit" className="button button--small" disabled={busy || reason.trim().length < 3}>
          {s('revealConfirm')}
        </button>
        <button type="button" className="button button--small button--ghost" onClick={() => setOpen(false)}>
          {s('cancel')}
        </button>
      </div>
    </form>
  );
}
