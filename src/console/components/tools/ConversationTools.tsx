import './tools.css';
import { type FormEvent, useState } from 'react';
import type { Conversation } from '../../../contracts/domain.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { changeTags, snooze, ToolError, transcriptUrl } from './api.ts';
import { AttributesEditor } from './AttributesEditor.tsx';
import { toolText } from './strings.ts';

/** Tags, snooze, custom attributes and transcript export for the open conversation, in the customer panel. */
export function ConversationTools({ conversation }: { conversation: Conversation }) {
  const { locale } = useI18n();
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      // The change comes back through the socket as conversation.updated; the list and the panel follow it.
      await action();
    } catch (failure) {
      setError(failure instanceof ToolError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  function addTag(event: FormEvent) {
    event.preventDefault();
    const value = tag.trim();
    if (!value) return;
    setTag('');
    void run(() => changeTags(conversation.id, { add: [value] }));
  }

  const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();
  const tomorrowNine = () => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
    return d.toISOString();
  };

  return (
    <section className="tools" data-testid="conversation-tools">
      {conversation.mergedIntoId && <div className="alert">{toolText(locale, 'mergedInto')}</div>}
      <h3 className="tools__title">{toolText(locale, 'tags')}</h3>
      <div className="tools__tags">
        {conversation.tags.map((t) => (
          <span key={t} className="tag-chip" data-testid="tag">
            {t}
            <button
              type="button"
              aria-label={`− ${t}`}
              disabled={busy}
              onClick={() => void run(() => changeTags(conversation.id, { remove: [t] }))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <form onSubmit={addTag} className="tools__row">
        <input
          className="input input--small"
          value={tag}
          maxLength={40}
          placeholder={toolText(locale, 'addTag')}
          aria-label={toolText(locale, 'addTag')}
          onChange={(event) => setTag(event.target.value)}
        />
      </form>
      <h3 className="tools__title">{toolText(locale, 'snooze')}</h3>
      {conversation.status === 'snoozed' && (
        <div className="tools__note" data-testid="snoozed-until">
          {conversation.snoozedUntil
            ? `${toolText(locale, 'snoozedUntil')} ${formatDateTime(conversation.snoozedUntil, locale)}`
            : toolText(locale, 'snoozedReply')}
        </div>
      )}
      <div className="tools__row">
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => void run(() => snooze(conversation.id, inOneHour()))}
        >
          {toolText(locale, 'snoozeHour')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => void run(() => snooze(conversation.id, tomorrowNine()))}
        >
          {toolText(locale, 'snoozeTomorrow')}
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => void run(() => snooze(conversation.id, null))}
        >
          {toolText(locale, 'snoozeReply')}
        </button>
      </div>
      <h3 className="tools__title">{toolText(locale, 'attributes')}</h3>
      <AttributesEditor conversation={conversation} />
      <h3 className="tools__title">{toolText(locale, 'transcript')}</h3>
      <div className="tools__row">
        <a className="button button--small" href={transcriptUrl(conversation.id, 'txt')} download>
          TXT
        </a>
        <a className="button button--small" href={transcriptUrl(conversation.id, 'json')} download>
          JSON
        </a>
      </div>
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
