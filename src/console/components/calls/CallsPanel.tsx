import './calls.css';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  CALL_DIRECTIONS,
  CALL_OUTCOMES,
  type CallDirection,
  type CallOutcome,
  type ConversationCallsResponse,
} from '../../../contracts/callbacks.ts';
import type { Conversation } from '../../../contracts/domain.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../realtime/context.tsx';
import { fetchCalls, logCall } from './api.ts';
import { type CallsText, callsText } from './strings.ts';

const LANGUAGE_NAMES: Record<string, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

function formatWindow(start: string, end: string, locale: string, timeZone?: string): string {
  const format = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  });
  return format.formatRange(new Date(start), new Date(end));
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * "Calls / 通话" beside the conversation: the customer's callback request (number, the window on the agent's clock and
 * on the customer's, language) and the calls agents logged; the form logs one (it also lands in the timeline as a
 * private note). Open by default on phone conversations.
 */
export function CallsPanel({ conversation }: { conversation: Conversation }) {
  const { locale } = useI18n();
  const text = (key: CallsText, vars?: Record<string, string>) => callsText(locale, key, vars);
  const id = conversation.id;
  const [data, setData] = useState<ConversationCallsResponse | null>(null);
  const [direction, setDirection] = useState<CallDirection>('outbound');
  const [outcome, setOutcome] = useState<CallOutcome>('reached');
  const [minutes, setMinutes] = useState('0');
  const [seconds, setSeconds] = useState('0');
  const [notes, setNotes] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    fetchCalls(id)
      .then(setData)
      .catch(() => setData(null));
  }, [id]);
  useEffect(load, [load]);
  useRealtimeEvent((event) => {
    if (event.type === 'message.created' && event.conversationId === id && event.message.meta?.call) load();
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const durationSeconds = Math.max(0, Math.floor(Number(minutes) || 0) * 60 + Math.floor(Number(seconds) || 0));
      await logCall(id, { direction, outcome, durationSeconds, notes });
      setNotes('');
      setMinutes('0');
      setSeconds('0');
      load();
    } catch (failure) {
      setError(text('failed', { message: failure instanceof Error ? failure.message : String(failure) }));
    } finally {
      setSaving(false);
    }
  }

  const callbacks = data?.callbacks ?? [];
  const calls = data?.calls ?? [];
  return (
    <details className="calls" data-testid="calls-panel" open={conversation.channel === 'phone'}>
      <summary>
        {text('title')}
        {calls.length > 0 ? ` (${calls.length})` : ''}
      </summary>
      {callbacks.map((callback) => (
        <div key={callback.id} className="calls__callback" data-testid="callback-request" data-status={callback.status}>
          <strong>{text('callback')}</strong>
          <span className={`calls__status calls__status--${callback.status}`} data-testid="callback-status">
            {text(`status.${callback.status}` as CallsText)}
          </span>
          <dl>
            <dt>{text('number')}</dt>
            <dd>
              {conversation.contact.masked ? (
                // Partly hidden for this agent's role: no number to dial (the customer panel can reveal it).
                <span data-testid="callback-phone">{callback.phone}</span>
              ) : (
                <a href={`tel:${callback.phone}`} data-testid="callback-phone">
                  {callback.phone}
                </a>
              )}
            </dd>
            <dt>{text('windowYours')}</dt>
            <dd data-testid="callback-window-local">
              {formatWindow(callback.windowStart, callback.windowEnd, locale)}
            </dd>
            <dt>{text('windowCustomer', { zone: callback.timeZone })}</dt>
            <dd data-testid="callback-window-customer">
              {formatWindow(callback.windowStart, callback.windowEnd, locale, callback.timeZone)}
            </dd>
            <dt>{text('language')}</dt>
            <dd>{LANGUAGE_NAMES[callback.locale] ?? callback.locale}</dd>
            {callback.note && (
              <>
                <dt>{text('note')}</dt>
                <dd>{callback.note}</dd>
              </>
            )}
          </dl>
        </div>
      ))}
      <form className="calls__form" data-testid="call-form" onSubmit={submit} aria-label={text('logCall')}>
        <label>
          {text('direction')}
          <select
            className="select"
            data-testid="call-direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value as CallDirection)}
          >
            {CALL_DIRECTIONS.map((d) => (
              <option key={d} value={d}>
                {text(`direction.${d}` as CallsText)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {text('minutes')}
          <input
            className="input"
            type="number"
            min={0}
            max={1440}
            data-testid="call-minutes"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </label>
        <label>
          {text('seconds')}
          <input
            className="input"
            type="number"
            min={0}
            max={59}
            data-testid="call-seconds"
            value={seconds}
            onChange={(e) => setSeconds(e.target.value)}
          />
        </label>
        <label>
          {text('outcome')}
          <select
            className="select"
            data-testid="call-outcome"
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as CallOutcome)}
          >
            {CALL_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {text(`outcome.${o}` as CallsText)}
              </option>
            ))}
          </select>
        </label>
        <label className="calls__notes">
          {text('notes')}
          <textarea
            className="input"
            data-testid="call-notes"
            maxLength={5000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        </label>
        <button
          type="submit"
          className="button button--small button--primary"
          data-testid="call-save"
          disabled={saving}
        >
          {saving ? text('saving') : text('save')}
        </button>
        {error && (
          <span className="alert alert--error" role="alert">
            {error}
          </span>
        )}
      </form>
      <div className="calls__logged">{text('loggedCalls')}</div>
      {calls.length === 0 ? (
        <div className="muted">{text('noCalls')}</div>
      ) : (
        <ul className="calls__list" data-testid="call-list">
          {calls.map((call) => (
            <li key={call.id} data-testid="call-entry" data-outcome={call.outcome}>
              <div className="calls__meta">
                {formatDateTime(call.createdAt, locale)} · {call.agent?.name ?? ''} ·{' '}
                {text(`direction.${call.direction}` as CallsText)} · {formatDuration(call.durationSeconds)} ·{' '}
                <strong>{text(`outcome.${call.outcome}` as CallsText)}</strong>
              </div>
              {call.notes && <div className="calls__text">{call.notes}</div>}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
