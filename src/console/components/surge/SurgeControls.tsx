import '../feedback/feedback.css';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { AgentRole } from '../../../contracts/domain.ts';
import type { SurgeMode, SurgeReport, SurgeStateResponse } from '../../../contracts/surge.ts';
import { errorCodeOf } from '../../api/client.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../realtime/context.tsx';
import { fetchSurge, fetchSurgeReports, postAnnouncement, setSurgeMode, setSurgeOptIn } from './surge-api.ts';
import { fill, surgeStrings } from './strings.ts';

const minutes = (seconds: number | null) => (seconds === null ? '–' : `${Math.round(seconds / 60)} min`);
const percent = (value: number | null) => (value === null ? '–' : `${value}%`);

/**
 * Surge mode in the header: a badge every agent sees while it is on (and their own off-duty alert opt-in); for
 * supervisors and admins a panel to force it on or off, announce an incident to every waiting customer, and read
 * the past surges.
 */
export function SurgeControls({ role }: { role: AgentRole }) {
  const { locale } = useI18n();
  const s = surgeStrings(locale);
  const supervisor = role !== 'agent';
  const [surge, setSurge] = useState<SurgeStateResponse | null>(null);
  const [open, setOpen] = useState(false);
  const [reports, setReports] = useState<SurgeReport[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState({ zh: '', en: '', coin: '', network: '' });

  const refresh = useCallback(() => {
    fetchSurge()
      .then(setSurge)
      .catch(() => {});
    if (supervisor && open)
      fetchSurgeReports()
        .then(setReports)
        .catch(() => {});
  }, [supervisor, open]);
  useEffect(refresh, [refresh]);
  useRealtimeEvent((event) => {
    if (event.type === 'surge.changed') refresh();
  });

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setNotice(null);
    try {
      await action();
    } catch (error) {
      setNotice(String(errorCodeOf(error) ?? error));
    } finally {
      setBusy(false);
      refresh();
    }
  }

  const changeMode = (mode: SurgeMode) => run(async () => setSurge(await setSurgeMode(mode)));
  const changeOptIn = (optIn: boolean) => run(async () => setSurge(await setSurgeOptIn(optIn)));
  function announce(event: FormEvent) {
    event.preventDefault();
    const coin = text.coin.trim();
    const network = text.network.trim();
    void run(async () => {
      const result = await postAnnouncement({
        text: { 'zh-CN': text.zh, en: text.en },
        ...(coin && network ? { coin, network } : {}),
      });
      setText({ zh: '', en: '', coin: '', network: '' });
      setNotice(fill(s.announcedTo, { count: result.announcedTo }));
    });
  }

  if (!surge) return null;
  const { state } = surge;
  const badge = state.active ? (
    <span className="bell__count" data-testid="surge-badge" title={state.manual ? s.manual : s.auto}>
      {s.surge}
    </span>
  ) : null;

  return (
    <>
      <button
        type="button"
        className="button button--ghost button--small"
        data-testid="surge-open"
        data-active={state.active}
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
      >
        {state.active ? badge : s.surge}
      </button>
      {state.active && surge.alertedAt && !open && (
        <span className="routing-notice" role="status" data-testid="surge-alert">
          {s.alerted}
        </span>
      )}
      {open && (
        <div className="feedback-panel" role="dialog" aria-label={s.surge} data-testid="surge-panel">
          <div className="feedback-panel__head">
            <h2 data-testid="surge-state">
              {state.active ? s.surgeOn : s.surgeOff} · {state.manual ? s.manual : s.auto}
            </h2>
            <button type="button" className="button button--small" onClick={() => setOpen(false)}>
              {s.dismiss}
            </button>
          </div>
          {state.load && (
            <p className="muted">
              {fill(s.load, { arrivals: state.load.arrivalsPerMinute, queue: state.load.unassignedOpen })}
            </p>
          )}
          {surge.alertedAt && state.active && <div className="alert">{s.alerted}</div>}
          <label>
            <input
              type="checkbox"
              data-testid="surge-opt-in"
              checked={surge.optIn}
              disabled={busy}
              onChange={(event) => void changeOptIn(event.target.checked)}
            />{' '}
            {s.optIn}
          </label>
          {notice && (
            <p role="status" data-testid="surge-notice">
              {notice}
            </p>
          )}
          {supervisor && (
            <>
              <p>
                <button
                  type="button"
                  className="button button--small"
                  data-testid="surge-on"
                  disabled={busy}
                  onClick={() => void changeMode('on')}
                >
                  {s.forceOn}
                </button>{' '}
                <button
                  type="button"
                  className="button button--small"
                  data-testid="surge-off"
                  disabled={busy}
                  onClick={() => void changeMode('off')}
                >
                  {s.forceOff}
                </button>{' '}
                <button
                  type="button"
                  className="button button--small"
                  data-testid="surge-auto"
                  disabled={busy}
                  onClick={() => void changeMode('auto')}
                >
                  {s.backToAuto}
                </button>
              </p>
              <form onSubmit={announce} data-testid="surge-announce">
                <h3>{s.announce}</h3>
                <label>
                  {s.textZh}
                  <textarea
                    required
                    maxLength={2000}
                    value={text.zh}
                    onChange={(e) => setText({ ...text, zh: e.target.value })}
                  />
                </label>
                <label>
                  {s.textEn}
                  <textarea
                    required
                    maxLength={2000}
                    value={text.en}
                    onChange={(e) => setText({ ...text, en: e.target.value })}
                  />
                </label>
                <label>
                  {s.coin}{' '}
                  <input
                    value={text.coin}
                    maxLength={10}
                    onChange={(e) => setText({ ...text, coin: e.target.value })}
                  />
                </label>{' '}
                <label>
                  {s.network}{' '}
                  <input
                    value={text.network}
                    maxLength={20}
                    onChange={(e) => setText({ ...text, network: e.target.value })}
                  />
                </label>{' '}
                <button type="submit" className="button button--small" disabled={busy}>
                  {s.send}
                </button>
              </form>
              <h3>{s.reports}</h3>
              {reports.length === 0 ? (
                <p className="muted">{s.noReports}</p>
              ) : (
                <ul data-testid="surge-reports">
                  {reports.map((r) => (
                    <li key={r.id}>
                      {formatDateTime(r.startedAt, locale)} –{' '}
                      {r.endedAt ? formatDateTime(r.endedAt, locale) : s.ongoing}
                      {' · '}
                      {s.peak} {r.peakArrivalsPerMinute} · {s.containment} {percent(r.containmentPercent)} ·{' '}
                      {s.longestWait} {minutes(r.longestWaitSeconds)} · {s.slaAttainment}{' '}
                      {percent(r.slaAttainmentPercent)}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
      )}
    </>
  );
}
