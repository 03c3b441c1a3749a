import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { EmailInbox, EmailInboxList } from '../../../contracts/email-inboxes.ts';
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
import { createEmailInbox, listEmailInboxes, removeEmailInbox, testImap, updateEmailInbox } from './email-api.ts';
import { adminText } from './strings.ts';

type Route = 'smtp' | 'imap';

/**
 * Admins' email inboxes: the address and the name mail goes out under, and how mail arrives (kefu's SMTP listener,
 * whose address is shown to point MX or forwarding at, or an IMAP mailbox with a connection test); an inbox is edited
 * in the same form. The password is write-only: the server never sends it back, and an edit that leaves it empty keeps
 * the stored one.
 */
export function EmailInboxes({ canEdit }: { canEdit: boolean }) {
  const { locale } = useI18n();
  const a = (key: Parameters<typeof adminText>[1], values?: Record<string, string | number>) =>
    adminText(locale, key, values);
  const [list, setList] = useState<EmailInboxList | null>(null);
  const [editing, setEditing] = useState<EmailInbox | null>(null);
  const [address, setAddress] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [route, setRoute] = useState<Route>('smtp');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('993');
  const [tls, setTls] = useState<'tls' | 'starttls'>('tls');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [mailbox, setMailbox] = useState('INBOX');
  const { busy, error, run, fail, clear } = useAdminRun();
  const [tested, setTested] = useState<string | null>(null);

  const load = useCallback(() => listEmailInboxes().then(setList).catch(fail), [fail]);
  useEffect(() => {
    if (canEdit) void load();
  }, [load, canEdit]);

  const imapSettings = () => ({
    kind: 'imap' as const,
    host: host.trim(),
    port: Number(port) || undefined,
    secure: tls === 'tls',
    user: user.trim(),
    mailbox: mailbox.trim() || 'INBOX',
    // Left empty on an edit: the stored password is kept.
    ...(password ? { password } : {}),
  });

  /** Ready for the next inbox; the route and server fields stay, as several inboxes often share a mail server. */
  function resetForm() {
    setEditing(null);
    setAddress('');
    setDisplayName('');
    setPassword('');
    setTested(null);
  }

  function edit(inbox: EmailInbox) {
    setEditing(inbox);
    setAddress(inbox.address);
    setDisplayName(inbox.displayName);
    setRoute(inbox.inbound.kind);
    if (inbox.inbound.kind === 'imap') {
      setHost(inbox.inbound.host);
      setPort(String(inbox.inbound.port));
      setTls(inbox.inbound.secure ? 'tls' : 'starttls');
      setUser(inbox.inbound.user);
      setMailbox(inbox.inbound.mailbox);
    }
    setPassword('');
    setTested(null);
    clear();
  }

  function save(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const body = {
        address: address.trim(),
        displayName: displayName.trim(),
        inbound: route === 'smtp' ? ({ kind: 'smtp' } as const) : imapSettings(),
      };
      if (editing) await updateEmailInbox(editing.id, body);
      else await createEmailInbox(body);
      resetForm();
      await load();
    });
  }

  function test() {
    void run(async () => {
      const result = await testImap(imapSettings(), editing?.id);
      setTested(
        result.ok ? a('email.testOk', { count: result.messages }) : a('email.testFailed', { error: result.error }),
      );
    });
  }

  function remove(inboxId: string) {
    return run(async () => {
      await removeEmailInbox(inboxId);
      if (editing?.id === inboxId) resetForm();
      await load();
    });
  }

  if (!canEdit) return <AdminOnly testId="admin-email" title={a('email')} text={a('email.adminOnly')} />;

  return (
    <AdminSection testId="admin-email" title={a('email')} intro={a('email.intro')}>
      <p className="muted" data-testid="email-smtp-listener">
        {list?.smtpListener
          ? a('email.listener', { host: list.smtpListener.host, port: list.smtpListener.port })
          : a('email.noListener')}
      </p>
      {editing && (
        <p className="muted" data-testid="email-editing">
          {a('email.editing', { address: editing.address })}
        </p>
      )}
      <form className="admin__form" onSubmit={save}>
        <AdminTextField
          size="wide"
          label={a('email.address')}
          testId="email-address"
          value={address}
          maxLength={320}
          placeholder="support@example.com"
          onChange={setAddress}
        />
        <AdminTextField
          size="wide"
          label={a('email.displayName')}
          testId="email-display-name"
          value={displayName}
          maxLength={100}
          onChange={setDisplayName}
        />
        <SelectField
          look="admin"
          label={a('email.route')}
          testId="email-route"
          value={route}
          options={[
            { value: 'smtp', label: a('email.route.smtp') },
            { value: 'imap', label: a('email.route.imap') },
          ]}
          onChange={setRoute}
        />
        {route === 'imap' && (
          <>
            <AdminTextField
              size="wide"
              label={a('email.host')}
              testId="email-host"
              value={host}
              maxLength={253}
              onChange={setHost}
            />
            <AdminTextField
              size="short"
              label={a('email.port')}
              testId="email-port"
              value={port}
              maxLength={5}
              onChange={setPort}
            />
            <SelectField
              look="admin"
              label={a('email.tls')}
              testId="email-tls"
              value={tls}
              options={[
                { value: 'tls', label: a('email.tls.tls') },
                { value: 'starttls', label: a('email.tls.starttls') },
              ]}
              onChange={setTls}
            />
            <AdminTextField
              size="wide"
              label={a('email.user')}
              testId="email-user"
              value={user}
              maxLength={320}
              onChange={setUser}
            />
            <Field look="admin-wide" label={a('email.password')}>
              <input
                className="admin__input"
                type="password"
                autoComplete="new-password"
                data-testid="email-password"
                value={password}
                maxLength={1000}
                placeholder={editing?.inbound.kind === 'imap' ? a('email.passwordKeep') : undefined}
                onChange={(event) => setPassword(event.target.value)}
              />
            </Field>
            <AdminTextField
              size="wide"
              label={a('email.mailbox')}
              testId="email-mailbox"
              value={mailbox}
              maxLength={200}
              onChange={setMailbox}
            />
            <button
              type="button"
              className="button"
              data-testid="email-test"
              disabled={busy || !host.trim() || !user.trim() || (!password && editing?.inbound.kind !== 'imap')}
              onClick={test}
            >
              {a('email.test')}
            </button>
          </>
        )}
        <FormActions
          busy={busy}
          canSubmit={address.includes('@') && displayName.trim() !== ''}
          submitLabel={editing ? a('save') : a('add')}
          submitTestId="email-add"
          onCancel={editing ? resetForm : undefined}
          cancelLabel={a('cancel')}
          cancelTestId="email-cancel"
        />
      </form>
      <StatusNote text={tested} testId="email-test-result" />
      <ErrorAlert error={error} />
      <AdminTable
        items={list?.inboxes}
        loadingText={a('loading')}
        emptyText={a('email.none')}
        headings={[a('email.address'), a('email.displayName'), a('email.route')]}
        rowTestId="email-row"
        cells={(inbox) => (
          <>
            <td>
              <code className="admin__code">{inbox.address}</code>
            </td>
            <td>{inbox.displayName}</td>
            <td>
              {inbox.inbound.kind === 'imap'
                ? `IMAP ${inbox.inbound.user}@${inbox.inbound.host}:${inbox.inbound.port} / ${inbox.inbound.mailbox}`
                : a('email.route.smtp')}
            </td>
          </>
        )}
        actionsLabel={a('remove')}
        actions={(inbox) => (
          <>
            <RowButton testId="email-edit" disabled={busy} onClick={() => edit(inbox)}>
              {a('edit')}
            </RowButton>{' '}
            <ConfirmButton
              testId="email-remove"
              disabled={busy}
              question={`${a('email.confirmRemove')}\n\n${inbox.address}`}
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
