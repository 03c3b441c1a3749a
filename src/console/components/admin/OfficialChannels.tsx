import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { CHANNEL_KINDS } from '../../../contracts/self-service.ts';
import { useI18n } from '../../i18n/locale.tsx';
import {
  addOfficialChannel,
  type ChannelKind,
  listOfficialChannels,
  type OfficialChannel,
  removeOfficialChannel,
} from '../exchange/exchange-api.ts';
import { AdminTextField, SelectField } from '../fields.tsx';
import { AdminSection, ConfirmButton, ErrorAlert, FormActions, AdminTable, useAdminRun } from './admin-forms.tsx';
import { adminText } from './strings.ts';

/** The registry customers check links and addresses against. Supervisors may read it; admins change it. */
export function OfficialChannels({ canEdit }: { canEdit: boolean }) {
  const { locale } = useI18n();
  const a = (key: Parameters<typeof adminText>[1]) => adminText(locale, key);
  const [channels, setChannels] = useState<OfficialChannel[] | null>(null);
  const [kind, setKind] = useState<ChannelKind>('url');
  const [value, setValue] = useState('');
  const [label, setLabel] = useState('');
  const { busy, error, run, fail } = useAdminRun();
  const load = useCallback(() => listOfficialChannels().then(setChannels).catch(fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);

  /** Every change reloads the list, so what is shown is what customers are checked against. */
  const change = (action: () => Promise<unknown>) =>
    run(async () => {
      await action();
      await load();
    });

  function add(event: FormEvent) {
    event.preventDefault();
    if (value.trim().length < 2) return;
    void change(async () => {
      await addOfficialChannel({ kind, value: value.trim(), label: label.trim() });
      setValue('');
      setLabel('');
    });
  }

  return (
    <AdminSection testId="admin-official-channels" title={a('channels')} intro={a('channelsIntro')}>
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
          <FormActions
            busy={busy}
            canSubmit={value.trim().length >= 2}
            submitLabel={a('add')}
            submitTestId="channel-add"
          />
        </form>
      ) : (
        <p className="muted">{a('adminOnly')}</p>
      )}
      <ErrorAlert error={error} />
      <AdminTable
        items={channels}
        loadingText={a('loading')}
        emptyText={a('noChannels')}
        headings={[a('kind'), a('value'), a('label')]}
        rowTestId="channel-row"
        cells={(channel) => (
          <>
            <td>{a(`channel.${channel.kind}`)}</td>
            <td>
              <code className="admin__code">{channel.value}</code>
            </td>
            <td>{channel.label}</td>
          </>
        )}
        actionsLabel={a('remove')}
        actions={
          canEdit
            ? (channel) => (
                <ConfirmButton
                  testId="channel-remove"
                  disabled={busy}
                  question={`${a('confirmRemove')}\n\n${channel.value}`}
                  onConfirm={() => void change(() => removeOfficialChannel(channel.id))}
                >
                  {a('remove')}
                </ConfirmButton>
              )
            : undefined
        }
      />
    </AdminSection>
  );
}
