import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { CHANNEL_KINDS } from '../../../contracts/self-service.ts';
import { ApiError, errorCodeOf } from '../../api/client.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import {
  addOfficialChannel,
  type ChannelKind,
  listOfficialChannels,
  type OfficialChannel,
  removeOfficialChannel,
} from '../exchange/exchange-api.ts';
import { adminText } from './strings.ts';
import { AdminTextField, SelectField } from '../fields.tsx';

/** The registry customers check links and addresses against. Supervisors may read it; admins change it. */
export function OfficialChannels({ canEdit }: { canEdit: boolean }) {
  const { locale, t } = useI18n();
  const a = (key: Parameters<typeof adminText>[1]) => adminText(locale, key);
  const [channels, setChannels] = useState<OfficialChannel[] | null>(null);
  const [kind, setKind] = useState<ChannelKind>('url');
  const [value, setValue] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fail = useCallback(
    (failure: unknown) =>
      setError(describeError(t, errorCodeOf(failure), failure instanceof ApiError ? failure.message : '')),
    [t],
  );
  const load = useCallback(() => listOfficialChannels().then(setChannels).catch(fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      await load();
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  }

  function add(event: FormEvent) {
    event.preventDefault();
    if (value.trim().length < 2) return;
    void run(async () => {
      await addOfficialChannel({ kind, value: value.trim(), label: label.trim() });
      setValue('');
      setLabel('');
    });
  }

  function remove(channel: OfficialChannel) {
    if (!window.confirm(`${a('confirmRemove')}\n\n${channel.value}`)) return;
    void run(() => removeOfficialChannel(channel.id));
  }

  return (
    <section className="admin__page" data-testid="admin-official-channels">
      <h1 className="admin__title">{a('channels')}</h1>
      <p className="admin__intro">{a('channelsIntro')}</p>
      {canEdit ? (
        <form className="admin__form" onSubmit={add}>
          <SelectField
            look="admin"
            label={a('kind')}
            testId="channel-kind"
            value={kind}
            options={CHANNEL_KINDS.map((k) => ({ value: k, label: a(`channel.${k}`) }))}
            onChange={setKind}
          />
          <AdminTextField
            size="wide"
            label={a('value')}
            testId="channel-value"
            value={value}
            maxLength={300}
            placeholder={kind === 'url' ? 'https://www.example.com' : kind === 'telegram' ? '@example' : ''}
            onChange={setValue}
          />
          <AdminTextField
            size="wide"
            label={a('label')}
            testId="channel-label"
            value={label}
            maxLength={200}
            onChange={setLabel}
          />
          <button
            type="submit"
            className="button button--primary"
            data-testid="channel-add"
            disabled={busy || value.trim().length < 2}
          >
            {a('add')}
          </button>
        </form>
      ) : (
        <p className="muted">{a('adminOnly')}</p>
      )}
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
      {channels === null ? (
        <p className="muted">{a('loading')}</p>
      ) : channels.length === 0 ? (
        <p className="muted">{a('noChannels')}</p>
      ) : (
        <table className="admin__table">
          <thead>
            <tr>
              <th>{a('kind')}</th>
              <th>{a('value')}</th>
              <th>{a('label')}</th>
              {canEdit && <th aria-label={a('remove')} />}
            </tr>
          </thead>
          <tbody>
            {channels.map((channel) => (
              <tr key={channel.id} data-testid="channel-row">
                <td>{a(`channel.${channel.kind}`)}</td>
                <td>
                  <code className="admin__code">{channel.value}</code>
                </td>
                <td>{channel.label}</td>
                {canEdit && (
                  <td className="admin__cell--end">
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="channel-remove"
                      disabled={busy}
                      onClick={() => remove(channel)}
                    >
                      {a('remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
