import './feedback.css';
import { useCallback, useEffect, useState } from 'react';
import type { AgentRole } from '../../../contracts/domain.ts';
import type { CsatGroup, CsatReport, FollowUp } from '../../../contracts/feedback.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../realtime/context.tsx';
import { closeFollowUp, fetchCsatReport, fetchFollowUps } from './api.ts';
import { feedbackText } from './strings.ts';

function Stars({ group }: { group: CsatGroup }) {
  return (
    <span>
      {group.average ?? '–'} ★ · {group.count}
    </span>
  );
}

/** For supervisors and admins: CSAT results (by agent and team) and the complaint follow-ups they owe, in a panel. */
export function SupervisorPanel({ role }: { role: AgentRole }) {
  const { locale } = useI18n();
  const text = (key: Parameters<typeof feedbackText>[1]) => feedbackText(locale, key);
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<CsatReport | null>(null);
  const [followUps, setFollowUps] = useState<FollowUp[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    fetchCsatReport()
      .then(setReport)
      .catch((e: Error) => setError(e.message));
    fetchFollowUps()
      .then(setFollowUps)
      .catch((e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    if (open) load();
  }, [open, load]);
  useRealtimeEvent((event) => {
    if (open && (event.type === 'followup.changed' || event.type === 'complaint.opened')) load();
  });

  if (role === 'agent') return null;
  const overdue = followUps.filter((f) => f.overdue).length;

  return (
    <>
      <button
        type="button"
        className="button button--ghost button--small"
        data-testid="feedback-open"
        onClick={() => setOpen((v) => !v)}
        aria-expanded={open}
      >
        {text('supervisor')}
        {overdue > 0 && <span className="bell__count">{overdue}</span>}
      </button>
      {open && (
        <div className="feedback-panel" role="dialog" aria-label={text('supervisor')} data-testid="feedback-panel">
          <div className="feedback-panel__head">
            <h2>{text('csat')}</h2>
            <button type="button" className="button button--small" onClick={() => setOpen(false)}>
              {text('dismiss')}
            </button>
          </div>
          {error && <div className="alert alert--error">{error}</div>}
          {report && (
            <section data-testid="csat-report">
              <p>
                <strong data-testid="csat-average">{report.average ?? '–'}</strong> {text('average')} ·{' '}
                <span data-testid="csat-count">{report.count}</span> {text('answers')}
              </p>
              <p className="muted">
                {(['5', '4', '3', '2', '1'] as const).map((k) => `${k}★ ${report.distribution[k]}`).join(' · ')}
              </p>
              <h3>{text('byAgent')}</h3>
              <ul>
                {report.byAgent.map((g) => (
                  <li key={g.agentId ?? 'none'} data-testid="csat-agent" data-agent-id={g.agentId ?? ''}>
                    {g.name ?? '—'}: <Stars group={g} />
                  </li>
                ))}
              </ul>
              <h3>{text('byTeam')}</h3>
              <ul>
                {report.byTeam.map((g) => (
                  <li key={g.teamId ?? 'none'}>
                    {g.name ?? text('noTeam')}: <Stars group={g} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <h2>{text('followUps')}</h2>
          {followUps.length === 0 && <p className="muted">{text('noFollowUps')}</p>}
          <ul data-testid="followups">
            {followUps.map((f) => (
              <li key={f.id} data-testid="followup" data-overdue={f.overdue}>
                #{f.conversationNumber} {f.contactName ?? ''} · {f.overdue ? text('overdue') : text('due')}{' '}
                {formatDateTime(f.dueAt, locale)}{' '}
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => {
                    const note = window.prompt(text('closeNote'))?.trim();
                    if (note) void closeFollowUp(f.id, note).then(load, (e: Error) => setError(e.message));
                  }}
                >
                  {text('close')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
