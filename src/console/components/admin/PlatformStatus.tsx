import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import {
  listPlatformStatus,
  type PlatformStatusEntry,
  type ServiceState,
  savePlatformStatus,
} from '../exchange/exchange-api.ts';
import { AdminTextField, Select } from '../fields.tsx';
import { AdminSection, ErrorAlert, useAdminRun } from './admin-forms.tsx';
import { adminText } from './strings.ts';

const STATES: ServiceState[] = ['enabled', 'suspended', 'congested'];
const COIN = /^[A-Za-z0-9]{2,12}$/;
const NETWORK = /^[A-Za-z0-9_-]{2,16}$/;

const keyOf = (e: { coin: string; network: string }) => `${e.coin.toUpperCase()}/${e.network.toUpperCase()}`;

/** Deposits and withdrawals per coin and network, with the incident note customers are shown in their language. */
export function PlatformStatus() {
  const { locale } = useI18n();
  const a = (key: Parameters<typeof adminText>[1]) => adminText(locale, key);
  const [entries, setEntries] = useState<PlatformStatusEntry[] | null>(null);
  const [added, setAdded] = useState<PlatformStatusEntry[]>([]);
  const [coin, setCoin] = useState('');
  const [network, setNetwork] = useState('');
  const { error, fail } = useAdminRun();

  const load = useCallback(() => listPlatformStatus().then(setEntries).catch(fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);

  function addRow(event: FormEvent) {
    event.preventDefault();
    if (!COIN.test(coin.trim()) || !NETWORK.test(network.trim())) return;
    const entry: PlatformStatusEntry = {
      coin: coin.trim().toUpperCase(),
      network: network.trim().toUpperCase(),
      deposits: 'enabled',
      withdrawals: 'enabled',
      note: {},
      updatedAt: '',
    };
    const exists = [...(entries ?? []), ...added].some((e) => keyOf(e) === keyOf(entry));
    if (!exists) setAdded((rows) => [...rows, entry]);
    setCoin('');
    setNetwork('');
  }

  async function saved(entry: PlatformStatusEntry) {
    setAdded((rows) => rows.filter((row) => keyOf(row) !== keyOf(entry)));
    await load();
  }

  const rows = [...(entries ?? []), ...added];
  return (
    <AdminSection testId="admin-platform-status" title={a('status')} intro={a('statusIntro')}>
      <ErrorAlert error={error} />
      {entries === null ? (
        <p className="muted">{a('loading')}</p>
      ) : (
        <table className="admin__table admin__table--status">
          <thead>
            <tr>
              <th>{a('coin')}</th>
              <th>{a('network')}</th>
              <th>{a('deposits')}</th>
              <th>{a('withdrawals')}</th>
              <th>{a('noteZh')}</th>
              <th>{a('noteEn')}</th>
              <th>{a('updated')}</th>
              <th aria-label={a('save')} />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  {a('noEntries')}
                </td>
              </tr>
            )}
            {rows.map((entry) => (
              <StatusRow key={`${keyOf(entry)}@${entry.updatedAt}`} entry={entry} onSaved={saved} />
            ))}
          </tbody>
        </table>
      )}
      <form className="admin__form" onSubmit={addRow}>
        <AdminTextField
          size="short"
          label={a('coin')}
          testId="status-new-coin"
          value={coin}
          maxLength={12}
          placeholder="USDT"
          onChange={setCoin}
        />
        <AdminTextField
          size="short"
          label={a('network')}
          testId="status-new-network"
          value={network}
          maxLength={16}
          placeholder="TRC20"
          onChange={setNetwork}
        />
        <button
          type="submit"
          className="button"
          data-testid="status-add-row"
          disabled={!COIN.test(coin.trim()) || !NETWORK.test(network.trim())}
        >
          {a('addRow')}
        </button>
      </form>
    </AdminSection>
  );
}

function StatusRow({ entry, onSaved }: { entry: PlatformStatusEntry; onSaved: (entry: PlatformStatusEntry) => void }) {
  const { locale } = useI18n();
  const a = (key: Parameters<typeof adminText>[1]) => adminText(locale, key);
  const [deposits, setDeposits] = useState(entry.deposits);
  const [withdrawals, setWithdrawals] = useState(entry.withdrawals);
  const [noteZh, setNoteZh] = useState(entry.note['zh-CN'] ?? '');
  const [noteEn, setNoteEn] = useState(entry.note.en ?? '');
  const { busy, error, run } = useAdminRun();
  const dirty =
    !entry.updatedAt ||
    deposits !== entry.deposits ||
    withdrawals !== entry.withdrawals ||
    noteZh !== (entry.note['zh-CN'] ?? '') ||
    noteEn !== (entry.note.en ?? '');

  const save = () =>
    run(async () => {
      // A zh-TW note written elsewhere (the API) is kept, not wiped by a page that does not show it.
      const note = { ...entry.note, 'zh-CN': noteZh.trim(), en: noteEn.trim() };
      const result = await savePlatformStatus({
        coin: entry.coin,
        network: entry.network,
        deposits,
        withdrawals,
        note,
      });
      onSaved(result.entry);
    });

  const stateSelect = (value: ServiceState, onChange: (next: ServiceState) => void, testId: string) => (
    <Select
      className={`select select--compact admin__state admin__state--${value}`}
      testId={testId}
      value={value}
      disabled={busy}
      options={STATES.map((s) => ({ value: s, label: a(`state.${s}`) }))}
      onChange={onChange}
    />
  );

  return (
    <tr data-testid="status-row" data-coin={entry.coin} data-network={entry.network}>
      <td>
        <strong>{entry.coin}</strong>
      </td>
      <td>{entry.network}</td>
      <td>{stateSelect(deposits, setDeposits, 'status-deposits')}</td>
      <td>{stateSelect(withdrawals, setWithdrawals, 'status-withdrawals')}</td>
      <td>
        <input
          className="admin__input"
          data-testid="status-note-zh"
          lang="zh-CN"
          value={noteZh}
          maxLength={1000}
          disabled={busy}
          onChange={(event) => setNoteZh(event.target.value)}
        />
      </td>
      <td>
        <input
          className="admin__input"
          data-testid="status-note-en"
          lang="en"
          value={noteEn}
          maxLength={1000}
          disabled={busy}
          onChange={(event) => setNoteEn(event.target.value)}
        />
      </td>
      <td className="muted">{formatDateTime(entry.updatedAt || null, locale)}</td>
      <td className="admin__cell--end">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="status-save"
          disabled={busy || !dirty}
          onClick={() => void save()}
        >
          {dirty ? a('save') : a('saved')}
        </button>
        {error && (
          <div className="admin__row-error" role="alert">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}
