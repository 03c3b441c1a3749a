import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  WEBHOOK_EVENTS,
  type WebhookDelivery,
  type WebhookEventType,
} from '../../../contracts/public-api.ts';
import { useI18n } from '../../i18n/locale.tsx';
import {
  ConfirmButton,
  ErrorAlert,
  FormActions,
  ListState,
  useAdminRun,
  useDescribeFailure,
} from '../admin/admin-forms.tsx';
import {
  createApiKey,
  createWebhook,
  deleteWebhook,
  fetchApiKeys,
  fetchDeliveries,
  fetchWebhooks,
  replayDelivery,
  revokeApiKey,
  updateWebhook,
} from './integrations-api.ts';
import { type IntegrationsText, integrationsText } from './strings.ts';
import './integrations.css';

function useText() {
  const { locale } = useI18n();
  const x = (key: IntegrationsText, vars?: Record<string, string | number>) => integrationsText(locale, key, vars);
  const fail = useDescribeFailure();
  return { x, fail, locale };
}

const when = (iso: string | null, locale: string) => (iso ? new Date(iso).toLocaleString(locale) : null);

function CopyOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const { x } = useText();
  const [copied, setCopied] = useState(false);
  return (
    <div className="integrations__once" role="status" data-testid="integrations-once">
      <p>{label}</p>
      <code data-testid="integrations-secret">{value}</code>
      <div className="integrations__row">
        <button
          type="button"
          className="button button--small"
          onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}
        >
          {copied ? x('copied') : x('copy')}
        </button>
        <button type="button" className="button button--ghost button--small" onClick={onDone}>
          {x('dismiss')}
        </button>
      </div>
    </div>
  );
}

/**
 * A list from the API and the actions on it: each action runs with the others disabled, then the list is reloaded;
 * a failure is shown in the agent's words.
 */
function useReloadingList<T>(fetchList: () => Promise<T[]>) {
  const [items, setItems] = useState<T[] | null>(null);
  const { busy, error, run: runAction, fail } = useAdminRun();
  const load = useCallback(() => fetchList().then(setItems).catch(fail), [fetchList, fail]);
  useEffect(() => {
    void load();
  }, [load]);
  const run = (action: () => Promise<unknown>) =>
    runAction(async () => {
      await action();
      await load();
    });
  return { items, error, busy, run };
}

/** A set of names to choose from (a key's scopes, a webhook's events), each a checkbox labelled with the name. */
function CodeChecks<T extends string>(props: {
  legend: string;
  all: readonly T[];
  chosen: T[];
  onChange: (chosen: T[]) => void;
}) {
  const { chosen, onChange } = props;
  return (
    <fieldset className="integrations__checks">
      <legend>{props.legend}</legend>
      {props.all.map((name) => (
        <label key={name}>
          <input
            type="checkbox"
            checked={chosen.includes(name)}
            onChange={() => onChange(chosen.includes(name) ? chosen.filter((n) => n !== name) : [...chosen, name])}
          />{' '}
          <code>{name}</code>
        </label>
      ))}
    </fieldset>
  );
}

/** API keys and webhook endpoints, for admins (the server checks every call). */
export default function IntegrationsPage() {
  const { x } = useText();
  return (
    <div className="integrations" data-testid="integrations-page">
      <div className="integrations__inner">
        <h1>{x('title')}</h1>
        <p className="integrations__intro">{x('intro')}</p>
        <ApiKeysSection />
        <WebhooksSection />
      </div>
    </div>
  );
}

function ApiKeysSection() {
  const { x, locale } = useText();
  const { items: keys, error, busy, run } = useReloadingList(fetchApiKeys);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['contacts:write', 'conversations:write']);
  const [shown, setShown] = useState<string | null>(null);
  function create(event: FormEvent) {
    event.preventDefault();
    if (!name.trim() || scopes.length === 0) return;
    void run(async () => {
      const made = await createApiKey(name.trim(), scopes);
      setShown(made.key);
      setName('');
    });
  }
  return (
    <section className="integrations__section" aria-labelledby="integrations-keys">
      <h2 id="integrations-keys">{x('apiKeys')}</h2>
      <ErrorAlert error={error} />
      {shown && <CopyOnce label={x('keyOnce')} value={shown} onDone={() => setShown(null)} />}
      <form className="integrations__form" onSubmit={create}>
        <label className="field">
          <span>{x('keyName')}</span>
          <input value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="api-key-name" />
        </label>
        <CodeChecks legend={x('scopes')} all={API_KEY_SCOPES} chosen={scopes} onChange={setScopes} />
        <FormActions busy={busy} canSubmit={name.trim() !== '' && scopes.length > 0} submitLabel={x('createKey')} />
      </form>
      <ListState items={keys} emptyText={x('noKeys')} emptyClassName="integrations__empty">
        {(keys) => (
          <table className="integrations__table">
            <thead>
              <tr>
                <th>{x('keyName')}</th>
                <th>{x('prefix')}</th>
                <th>{x('scopes')}</th>
                <th>{x('created')}</th>
                <th>{x('lastUsed')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} className={key.revokedAt ? 'integrations__revoked' : undefined}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.scopes.join(', ')}</td>
                  <td>{when(key.createdAt, locale)}</td>
                  <td>{when(key.lastUsedAt, locale) ?? x('never')}</td>
                  <td>
                    {key.revokedAt ? (
                      x('revoked')
                    ) : (
                      <ConfirmButton
                        className="button button--danger button--small"
                        disabled={busy}
                        question={x('confirmRevoke')}
                        onConfirm={() => void run(() => revokeApiKey(key.id))}
                      >
                        {x('revoke')}
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ListState>
    </section>
  );
}

function WebhooksSection() {
  const { x } = useText();
  const { items: hooks, error, busy, run } = useReloadingList(fetchWebhooks);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['message.created']);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  function create(event: FormEvent) {
    event.preventDefault();
    if (!url.trim() || events.length === 0) return;
    void run(async () => {
      const made = await createWebhook({ url: url.trim(), events, description: description.trim() || undefined });
      setSecret(made.secret);
      setUrl('');
      setDescription('');
    });
  }
  return (
    <section className="integrations__section" aria-labelledby="integrations-hooks">
      <h2 id="integrations-hooks">{x('webhooks')}</h2>
      <ErrorAlert error={error} />
      {secret && <CopyOnce label={x('secretOnce')} value={secret} onDone={() => setSecret(null)} />}
      <form className="integrations__form" onSubmit={create}>
        <label className="field">
          <span>{x('url')}</span>
          <input
            type="url"
            value={url}
            placeholder="https://"
            onChange={(e) => setUrl(e.target.value)}
            data-testid="webhook-url"
          />
        </label>
        <label className="field">
          <span>{x('description')}</span>
          <input value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <CodeChecks legend={x('events')} all={WEBHOOK_EVENTS} chosen={events} onChange={setEvents} />
        <FormActions busy={busy} canSubmit={url.trim() !== '' && events.length > 0} submitLabel={x('addWebhook')} />
      </form>
      <ListState items={hooks} emptyText={x('noWebhooks')} emptyClassName="integrations__empty">
        {(hooks) =>
          hooks.map((hook) => (
            <article key={hook.id} className="integrations__hook" data-testid="webhook-row">
              <div className="integrations__row">
                <span className={`badge ${hook.enabled ? 'integrations__on' : 'integrations__off'}`}>
                  {hook.enabled ? x('enabled') : x('disabled')}
                </span>
                <code className="integrations__url">{hook.url}</code>
                <span className="integrations__muted">{hook.events.join(', ')}</span>
                {hook.consecutiveFailures > 0 && (
                  <span className="integrations__muted">{x('failures', { count: hook.consecutiveFailures })}</span>
                )}
              </div>
              {hook.description && <p className="integrations__muted">{hook.description}</p>}
              {hook.disabledReason && (
                <div className="alert alert--error" role="status">
                  {hook.disabledReason}
                </div>
              )}
              <div className="integrations__row">
                <button
                  type="button"
                  className="button button--small"
                  disabled={busy}
                  onClick={() => void run(() => updateWebhook(hook.id, { enabled: !hook.enabled }))}
                >
                  {hook.enabled ? x('disable') : x('enable')}
                </button>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-expanded={open === hook.id}
                  onClick={() => setOpen(open === hook.id ? null : hook.id)}
                >
                  {open === hook.id ? x('hideDeliveries') : x('deliveries')}
                </button>
                <ConfirmButton
                  className="button button--danger button--small"
                  disabled={busy}
                  question={x('confirmRemove')}
                  onConfirm={() => void run(() => deleteWebhook(hook.id))}
                >
                  {x('remove')}
                </ConfirmButton>
              </div>
              {open === hook.id && <DeliveryLog webhookId={hook.id} />}
            </article>
          ))
        }
      </ListState>
    </section>
  );
}

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { x, fail, locale } = useText();
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(
    () =>
      fetchDeliveries(webhookId)
        .then(setDeliveries)
        .catch((failure) => setError(fail(failure))),
    [webhookId, fail],
  );
  useEffect(() => {
    void load();
  }, [load]);

  async function replay(deliveryId: string) {
    setBusy(deliveryId);
    setError(null);
    try {
      const updated = await replayDelivery(webhookId, deliveryId);
      setDeliveries((current) => current?.map((d) => (d.id === updated.id ? updated : d)) ?? null);
    } catch (failure) {
      setError(fail(failure));
    } finally {
      setBusy(null);
    }
  }

  if (error) return <ErrorAlert error={error} />;
  return (
    <ListState items={deliveries} emptyText={x('noDeliveries')} emptyClassName="integrations__empty">
      {(deliveries) => (
        <table className="integrations__table" data-testid="webhook-deliveries">
          <thead>
            <tr>
              <th>{x('event')}</th>
              <th>{x('created')}</th>
              <th>{x('status')}</th>
              <th>{x('tries')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td>
                  <code>{delivery.eventType}</code>
                </td>
                <td>{when(delivery.createdAt, locale)}</td>
                <td>
                  {x(`status.${delivery.status}`)}
                  {delivery.status === 'pending' && delivery.nextAttemptAt && (
                    <div className="integrations__muted">
                      {x('nextTry', { time: when(delivery.nextAttemptAt, locale) ?? '' })}
                    </div>
                  )}
                </td>
                <td>
                  <ul className="integrations__tries">
                    {delivery.attempts.map((attempt) => (
                      <li key={attempt.attempt} className={attempt.succeeded ? undefined : 'integrations__failed'}>
                        {x('tryLine', {
                          attempt: attempt.attempt,
                          result: attempt.responseCode ?? attempt.error ?? '—',
                          duration: attempt.durationMs,
                        })}
                        {attempt.replay && ` · ${x('replayMark')}`}
                        {attempt.error && attempt.responseCode === null && (
                          <div className="integrations__muted">{attempt.error}</div>
                        )}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    disabled={busy !== null}
                    onClick={() => void replay(delivery.id)}
                  >
                    {x('replay')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ListState>
  );
}
