import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type {
  TelegramInbox,
  TelegramInboxList,
  TelegramMode,
  TelegramWebhookOutcome,
} from '../../../contracts/telegram-inboxes.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { AdminTextField, Field, SelectField } from '../fields.tsx';
import {
  AdminOnly,
  AdminSection,
  AdminTable,
  ConfirmButton,
  ErrorAlert,
  FormActions,
  RowButton,
  StatusNote,
  useAdminRun,
} from './admin-forms.tsx';
import { adminText } from './strings.ts';
import { connectTelegramInbox, listTelegramInboxes, removeTelegramInbox, updateTelegramInbox } from './telegram-api.ts';

type Text = Parameters<typeof adminText>[1];

/**
 * Admins' Telegram inboxes: connect a bot by its token, edit the name, whether kefu's bot answers first and how
 * updates arrive (webhook or polling), replace the token, make a new webhook secret, remove it. The token is
 * write-only; the webhook secret is shown once, when the admin has to set the webhook by hand (no public URL).
 */
export function TelegramInboxes({ canEdit }: { canEdit: boolean }) {
  const { locale } = useI18n();
  const a = (key: Text, values?: Record<string, string | number>) => adminText(locale, key, values);
  const [list, setList] = useState<TelegramInboxList | null>(null);
  const [editing, setEditing] = useState<TelegramInbox | null>(null);
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [mode, setMode] = useState<TelegramMode>('webhook');
  const [bot, setBot] = useState<'on' | 'off'>('on');
  const { busy, error, run, fail, clear } = useAdminRun();
  const [outcome, setOutcome] = useState<string | null>(null);

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
    clear();
  }

  function rotate(inboxId: string) {
    return run(async () => {
      const saved = await updateTelegramInbox(inboxId, { rotateWebhookSecret: true });
      setOutcome(describeWebhook(saved.webhook));
      await load();
    });
  }

  function remove(inboxId: string) {
    return run(async () => {
      await removeTelegramInbox(inboxId);
      if (editing?.id === inboxId) resetForm();
      await load();
    });
  }

  if (!canEdit) return <AdminOnly testId="admin-telegram" title={a('telegram')} text={a('telegram.adminOnly')} />;

  // A new inbox needs a token; an edited one keeps its own unless a new one is given.
  const canSave = name.trim() !== '' && (editing !== null || token.trim() !== '');
  return (
    <AdminSection testId="admin-telegram" title={a('telegram')} intro={a('telegram.intro')}>
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
        <FormActions
          busy={busy}
          canSubmit={canSave}
          submitLabel={editing ? a('save') : a('add')}
          submitTestId="telegram-save"
          onCancel={editing ? resetForm : undefined}
          cancelLabel={a('cancel')}
          cancelTestId="telegram-cancel"
        />
      </form>
      <StatusNote text={outcome} testId="telegram-outcome" />
      <ErrorAlert error={error} />
      <AdminTable
        items={list?.inboxes}
        loadingText={a('loading')}
        emptyText={a('telegram.none')}
        headings={[a('telegram.name'), a('telegram.username'), a('telegram.mode'), a('telegram.state')]}
        rowTestId="telegram-row"
        cells={(inbox) => (
          <>
            <td>{inbox.name}</td>
            <td>{inbox.username ? <code className="admin__code">@{inbox.username}</code> : null}</td>
            <td>{a(inbox.mode === 'polling' ? 'telegram.mode.polling' : 'telegram.mode.webhook')}</td>
            <td>{inbox.connected ? a('telegram.connected') : a('telegram.notConnected')}</td>
          </>
        )}
        actionsLabel={a('edit')}
        actions={(inbox) => (
          <>
            <RowButton testId="telegram-edit" disabled={busy} onClick={() => edit(inbox)}>
              {a('edit')}
            </RowButton>{' '}
            {inbox.connected && (
              <ConfirmButton
                testId="telegram-rotate"
                disabled={busy}
                question={a('telegram.confirmRotate')}
                onConfirm={() => void rotate(inbox.id)}
              >
                {a('telegram.rotate')}
              </ConfirmButton>
            )}{' '}
            <ConfirmButton
              testId="telegram-remove"
              disabled={busy}
              question={`${a('telegram.confirmRemove')}\n\n${inbox.name}`}
              onConfirm={() => void remove(inbox.id)}
            >
              {a('remove')}
            </ConfirmButton>
          </>
        )}
      />
    </AdminSection>
  );
}
