import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type {
  TelegramInbox,
  TelegramInboxList,
  TelegramMode,
  TelegramWebhookOutcome,
} from '../../../contracts/telegram-inboxes.ts';
import { ApiError, errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { AdminTextField, Field, SelectField } from '../fields.tsx';
import { adminText } from './strings.ts';
import { connectTelegramInbox, listTelegramInboxes, removeTelegramInbox, updateTelegramInbox } from './telegram-api.ts';

type Text = Parameters<typeof adminText>[1];

/**
 * Admins' Telegram inboxes: connect a bot by its token, edit the name, whether kefu's bot answers first and how
 * updates arrive (webhook or polling), replace the token, make a new webhook secret, remove it. The token is
 * write-only; the webhook secret is shown once, when the admin has to set the webhook by hand (no public URL).
 */
export function TelegramInboxes({ canEdit }: { canEdit: boolean }) {
  const { locale, t } = useI18n();
  const a = (key: Text, values?: Record<string, string | number>) => adminText(locale, key, values);
  const [list, setList] = useState<TelegramInboxList | null>(null);
  const [editing, setEditing] = useState<TelegramInbox | null>(null);
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [mode, setMode] = useState<TelegramMode>('webhook');
  const [bot, setBot] = useState<'on' | 'off'>('on');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  const fail = useCallback(
    (failure: unknown) =>
      setError(describeError(t, errorCodeOf(failure), failure instanceof ApiError ? failure.message : '')),
    [t],
  );
  const load = useCallback(
    () =>
      listTelegramInboxes()
        .then((loaded) => {
          setList(loaded);
          return loaded;
        })
        .catch(fail),
    [fail],
  );
  useEffect(() => {
    if (!canEdit) return;
    void load().then((loaded) => {
      // Without a public URL only polling can work: start the form there.
      if (loaded && !loaded.publicUrl) setMode('polling');
    });
  }, [load, canEdit]);

  function describeWebhook(webhook: TelegramWebhookOutcome | undefined): string | null {
    if (!webhook) return null;
    if ('secretToken' in webhook) return a('telegram.setByHand', { path: webhook.path, secret: webhook.secretToken });
    if ('url' in webhook) {
      return webhook.set
        ? a('telegram.webhookSet', { url: webhook.url })
        : a('telegram.webhookFailed', { url: webhook.url, error: webhook.error ?? '' });
    }
    return webhook.deleted
      ? a('telegram.webhookDeleted')
      : a('telegram.webhookNotDeleted', { error: webhook.error ?? '' });
  }

  function resetForm() {
    setEditing(null);
    setName('');
    setToken('');
    setBot('on');
    setMode(list?.publicUrl ? 'webhook' : 'polling');
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const saved = editing
        ? await updateTelegramInbox(editing.id, {
            name: name.trim(),
            bot: bot === 'on',
            ...(mode !== editing.mode ? { mode } : {}),
            ...(token.trim() ? { token: token.trim() } : {}),
          })
        : await connectTelegramInbox({ name: name.trim(), token: token.trim(), bot: bot === 'on', mode });
      setOutcome(describeWebhook(saved.webhook));
      resetForm();
      await load();
    });
  }

  function edit(inbox: TelegramInbox) {
    setEditing(inbox);
    setName(inbox.name);
    setToken('');
    setMode(inbox.mode);
    setBot(inbox.bot ? 'on' : 'off');
    setOutcome(null);
    setError(null);
  }

  if (!canEdit) {
    return (
      <section className="admin__page" data-testid="admin-telegram">
        <h1 className="admin__title">{a('telegram')}</h1>
        <p className="muted">{a('telegram.adminOnly')}</p>
      </section>
    );
  }

  // A new inbox needs a token; an edited one keeps its own unless a new one is given.
  const canSave = name.trim() !== '' && (editing !== null || token.trim() !== '');
  return (
    <section className="admin__page" data-testid="admin-telegram">
      <h1 className="admin__title">{a('telegram')}</h1>
      <p className="admin__intro">{a('telegram.intro')}</p>
      <p className="muted" data-testid="telegram-public-url">
        {list?.publicUrl ? a('telegram.publicUrl', { url: list.publicUrl }) : a('telegram.noPublicUrl')}
      </p>
      {editing && (
        <p className="muted" data-testid="telegram-editing">
          {a('telegram.editing', { name: editing.name })}
        </p>
      )}
      <form className="admin__form" onSubmit={save}>
        <AdminTextField
          size="wide"
          label={a('telegram.name')}
          testId="telegram-name"
          value={name}
          maxLength={100}
          onChange={setName}
        />
        <Field look="admin-wide" label={a('telegram.token')} hint={a('telegram.tokenHint')}>
          <input
            className="admin__input"
            type="password"
            autoComplete="off"
            data-testid="telegram-token"
            value={token}
            maxLength={130}
            placeholder={editing ? a('telegram.tokenKeep') : '123456789:AA…'}
            onChange={(event) => setToken(event.target.value)}
          />
        </Field>
        <SelectField
          look="admin"
          label={a('telegram.mode')}
          testId="telegram-mode"
          value={mode}
          options={[
            { value: 'webhook', label: a('telegram.mode.webhook') },
            { value: 'polling', label: a('telegram.mode.polling') },
          ]}
          onChange={setMode}
        />
        <SelectField
          look="admin"
          label={a('telegram.bot')}
          testId="telegram-bot"
          value={bot}
          options={[
            { value: 'on', label: a('telegram.bot.on') },
            { value: 'off', label: a('telegram.bot.off') },
          ]}
          onChange={setBot}
        />
        <button
          type="submit"
          className="button button--primary"
          data-testid="telegram-save"
          disabled={busy || !canSave}
        >
          {editing ? a('save') : a('add')}
        </button>
        {editing && (
          <button type="button" className="button" data-testid="telegram-cancel" disabled={busy} onClick={resetForm}>
            {a('cancel')}
          </button>
        )}
      </form>
      {outcome && (
        <p className="muted" role="status" data-testid="telegram-outcome">
          {outcome}
        </p>
      )}
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
      {list === null ? (
        <p className="muted">{a('loading')}</p>
      ) : list.inboxes.length === 0 ? (
        <p className="muted">{a('telegram.none')}</p>
      ) : (
        <table className="admin__table">
          <thead>
            <tr>
              <th>{a('telegram.name')}</th>
              <th>{a('telegram.username')}</th>
              <th>{a('telegram.mode')}</th>
              <th>{a('telegram.state')}</th>
              <th aria-label={a('edit')} />
            </tr>
          </thead>
          <tbody>
            {list.inboxes.map((inbox) => (
              <tr key={inbox.id} data-testid="telegram-row">
                <td>{inbox.name}</td>
                <td>{inbox.username ? <code className="admin__code">@{inbox.username}</code> : null}</td>
                <td>{a(inbox.mode === 'polling' ? 'telegram.mode.polling' : 'telegram.mode.webhook')}</td>
                <td>{inbox.connected ? a('telegram.connected') : a('telegram.notConnected')}</td>
                <td className="admin__cell--end">
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="telegram-edit"
                    disabled={busy}
                    onClick={() => edit(inbox)}
                  >
                    {a('edit')}
                  </button>{' '}
                  {inbox.connected && (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="telegram-rotate"
                      disabled={busy}
                      onClick={() => {
                        if (window.confirm(a('telegram.confirmRotate')))
                          void run(async () => {
                            const saved = await updateTelegramInbox(inbox.id, { rotateWebhookSecret: true });
                            setOutcome(describeWebhook(saved.webhook));
                            await load();
                          });
                      }}
                    >
                      {a('telegram.rotate')}
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="telegram-remove"
                    disabled={busy}
                    onClick={() => {
                      if (window.confirm(`${a('telegram.confirmRemove')}\n\n${inbox.name}`))
                        void run(async () => {
                          await removeTelegramInbox(inbox.id);
                          if (editing?.id === inbox.id) resetForm();
                          await load();
                        });
                    }}
                  >
                    {a('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
