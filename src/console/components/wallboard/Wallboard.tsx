import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServerEvent } from '../../../contracts/realtime.ts';
import type { WallboardResponse } from '../../../contracts/wallboard.ts';
import { callApi, errorCodeOf } from '../../api/client.ts';
import { useNow } from '../../hooks/useNow.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { useRealtimeEvent, useReconnect } from '../../realtime/context.tsx';
import { formatCount, formatPercent, formatWait } from '../reports/numbers.ts';
import { openInsights } from '../reports/page-route.ts';
import { type WallboardText, wallboardText } from './strings.ts';
import './wallboard.css';

/** Events that change what the board shows; each refetches it (at most once a second). */
const LIVE_EVENTS = new Set<ServerEvent['type']>([
  'message.created',
  'conversation.activity',
  'conversation.updated',
  'presence',
  'surge.changed',
]);
const THROTTLE_MS = 1000;
const POLL_MS = 10_000;

/** Refetches on demand, at most once per THROTTLE_MS (a burst of events gives one call now and one at its end). */
function useThrottledBoard() {
  const [board, setBoard] = useState<WallboardResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef(false);
  const again = useRef(false);
  // load asks for one more round through request, which is defined from load: a ref breaks the circle.
  const requestRef = useRef<() => void>(() => {});

  const load = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    last.current = Date.now();
    try {
      setBoard(await callApi<WallboardResponse>('/api/agent/wallboard'));
      setError(null);
    } catch (e) {
      setError(errorCodeOf(e));
    } finally {
      inFlight.current = false;
    }
    if (again.current) {
      again.current = false;
      requestRef.current();
    }
  }, []);

  const request = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + THROTTLE_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      void load();
    }, wait);
  }, [load]);
  requestRef.current = request;

  useEffect(() => {
    request();
    const poll = setInterval(request, POLL_MS);
    return () => {
      clearInterval(poll);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [request]);

  return { board, error, request };
}

export default function Wallboard() {
  const { locale } = useI18n();
  const text = (key: WallboardText, vars?: Record<string, string | number>) => wallboardText(locale, key, vars);
  const { board, error, request } = useThrottledBoard();
  const now = useNow(1000);
  const root = useRef<HTMLDivElement>(null);

  useRealtimeEvent((event) => {
    if (LIVE_EVENTS.has(event.type)) request();
  });
  useReconnect(request);

  // Waits tick between fetches: the server's figure plus the time since it answered.
  const drift = board ? Math.max(0, (now - Date.parse(board.generatedAt)) / 1000) : 0;
  const waitOf = (seconds: number | null) => (seconds === null ? null : seconds + drift);

  function fullScreen() {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.();
  }

  return (
    <div className="wallboard" ref={root} data-testid="wallboard">
      <div className="wallboard__head">
        <button type="button" className="wallboard__button" onClick={() => openInsights(null)}>
          {text('back')}
        </button>
        <h1 className="wallboard__title">{text('title')}</h1>
        {board && (
          <span className="wallboard__updated">
            {text('updated', {
              time: new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(new Date(board.generatedAt)),
            })}
          </span>
        )}
        <button type="button" className="wallboard__button" onClick={fullScreen}>
          {text('fullScreen')}
        </button>
      </div>
      {error && (
        <p className="wallboard__error" role="alert">
          {text('error', { code: error })}
        </p>
      )}
      {!board && !error && <p className="wallboard__muted">{text('loading')}</p>}
      {board && (
        <>
          {board.surge?.active && (
            <div className="wallboard__surge" data-testid="wallboard-surge" role="status">
              {text('surgeOn', {
                reason: text(`surge.${board.surge.reason ?? 'manual'}` as WallboardText),
                perMinute: formatCount(board.surge.load?.arrivalsPerMinute ?? null, locale),
              })}
            </div>
          )}
          <div className="wallboard__grid">
            <section className="wallboard__tile wallboard__tile--wide">
              <h2>{text('waiting')}</h2>
              <div className="wallboard__big" data-testid="wallboard-waiting-total">
                {formatCount(board.waiting.total, locale)}
              </div>
              <div className="wallboard__priorities">
                {(['urgent', 'high', 'normal', 'low'] as const).map((p) => (
                  <span
                    key={p}
                    className={`wallboard__chip wallboard__chip--${p}`}
                    data-testid={`wallboard-waiting-${p}`}
                  >
                    {text(`priority.${p}`)} <strong>{formatCount(board.waiting.byPriority[p], locale)}</strong>
                  </span>
                ))}
              </div>
            </section>
            <section className="wallboard__tile">
              <h2>{text('longestWait')}</h2>
              <div
                className={`wallboard__big${(waitOf(board.waiting.longestWaitSeconds) ?? 0) > 300 ? ' wallboard__big--alert' : ''}`}
                data-testid="wallboard-longest"
              >
                {formatWait(waitOf(board.waiting.longestWaitSeconds))}
              </div>
            </section>
            <section className="wallboard__tile">
              <h2>{text('arrivals', { minutes: board.arrivals.windowMinutes })}</h2>
              <div className="wallboard__big" data-testid="wallboard-arrivals">
                {formatCount(board.arrivals.count, locale)}
              </div>
              <div className="wallboard__sub">
                {board.arrivals.forecast === null
                  ? text('noForecast')
                  : text('forecast', { value: formatCount(board.arrivals.forecast, locale) })}
              </div>
            </section>
            <section className="wallboard__tile">
              <h2>{text('agents')}</h2>
              <div className="wallboard__agents" data-testid="wallboard-agents">
                <span>
                  <strong>{formatCount(board.agents.online, locale)}</strong> {text('online')}
                </span>
                <span>
                  <strong>{formatCount(board.agents.busy, locale)}</strong> {text('busy')}
                </span>
                <span>
                  <strong>{formatCount(board.agents.away, locale)}</strong> {text('away')}
                </span>
              </div>
              <div className="wallboard__sub">
                {text('load', {
                  load: formatCount(board.agents.load, locale),
                  capacity: formatCount(board.agents.capacity, locale),
                  rate: formatPercent(board.agents.capacity ? board.agents.load / board.agents.capacity : null, locale),
                })}
              </div>
            </section>
            <section className="wallboard__tile">
              <h2>{text('surge')}</h2>
              <div className="wallboard__big wallboard__big--text">
                {board.surge === null ? '—' : board.surge.active ? text('surge.active') : text('surge.inactive')}
              </div>
              {board.surge?.manual && <div className="wallboard__sub">{text(`manual.${board.surge.manual}`)}</div>}
            </section>
          </div>
          <div className="wallboard__lists">
            <section className="wallboard__tile">
              <h2>{text('queue')}</h2>
              <ol className="wallboard__list" data-testid="wallboard-queue">
                {board.waiting.queue.map((e) => (
                  <li key={e.conversationId} data-conversation-id={e.conversationId}>
                    <span className={`wallboard__chip wallboard__chip--${e.priority}`}>
                      {text(`priority.${e.priority}` as WallboardText)}
                    </span>
                    <span className="wallboard__wait">{formatWait(waitOf(e.waitSeconds))}</span>
                  </li>
                ))}
                {board.waiting.queue.length === 0 && <li className="wallboard__muted">{text('nobodyWaiting')}</li>}
              </ol>
            </section>
            <section className="wallboard__tile">
              <h2>{text('slaRisk')}</h2>
              <ol className="wallboard__list" data-testid="wallboard-sla">
                {board.slaRisk.map((r) => (
                  <li key={r.conversationId}>
                    <span className={`wallboard__chip wallboard__chip--${r.risk === 'breached' ? 'urgent' : 'high'}`}>
                      {text(`risk.${r.risk}`)}
                    </span>
                    <span>#{r.number}</span>
                    <span className="wallboard__muted">{r.assignee ?? text('unassigned')}</span>
                    {r.dueAt && (
                      <span className="wallboard__wait">
                        {formatWait((Date.parse(r.dueAt) - now) / 1000 > 0 ? (Date.parse(r.dueAt) - now) / 1000 : 0)}
                      </span>
                    )}
                  </li>
                ))}
                {board.slaRisk.length === 0 && <li className="wallboard__muted">{text('noRisk')}</li>}
              </ol>
            </section>
            <section className="wallboard__tile">
              <h2>{text('incidents')}</h2>
              <ul className="wallboard__list" data-testid="wallboard-incidents">
                {board.incidents.map((i) => (
                  <li key={`${i.coin}/${i.network}`}>
                    <strong>
                      {i.coin} · {i.network}
                    </strong>
                    <span>
                      {text('deposits')}: {text(`state.${i.deposits}` as WallboardText)}
                    </span>
                    <span>
                      {text('withdrawals')}: {text(`state.${i.withdrawals}` as WallboardText)}
                    </span>
                  </li>
                ))}
                {board.incidents.length === 0 && <li className="wallboard__muted">{text('noIncidents')}</li>}
              </ul>
            </section>
          </div>
        </>
      )}
    </div>
  );
}
