import { useState } from 'react';
import { CASE_STATUSES } from '../../../contracts/self-service.ts';
import { ApiError, errorCodeOf } from '../../api/client.ts';
import { useAgents } from '../../hooks/useAgents.ts';
import { describeError, useI18n } from '../../i18n/locale.tsx';
import { formatRelativeTime } from '../../lib/format.ts';
import { PriorityBadge } from '../badges.tsx';
import type { CaseStatus, SupportCase } from '../../../contracts/self-service.ts';
import { changeCaseStatus, REQUIRED_APPROVALS } from './exchange-api.ts';
import { exchangeText } from './strings.ts';

type Props = {
  cases: SupportCase[];
  /** The server's `approve_unfreeze` action: the agent's role may approve and the account is still frozen. */
  canApprove: boolean;
  busy: boolean;
  onApprove: (caseId: string) => void;
  onChanged: () => void;
};

const isClosed = (c: SupportCase) => c.status === 'resolved' || c.status === 'rejected';

/** The cases opened from this conversation, with their status and, for unfreeze requests, the approvals so far. */
export function CasesSection({ cases, canApprove, busy, onApprove, onChanged }: Props) {
  const { locale, t } = useI18n();
  const agents = useAgents();
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function changeStatus(c: SupportCase, status: CaseStatus) {
    setSaving(c.id);
    setError(null);
    try {
      await changeCaseStatus(c.id, status);
      onChanged();
    } catch (failure) {
      setError(describeError(t, errorCodeOf(failure), failure instanceof ApiError ? failure.message : ''));
    } finally {
      setSaving(null);
    }
  }

  const nameOf = (id: string) => agents.find((agent) => agent.id === id)?.name ?? id.slice(0, 8);

  return (
    <section className="details__section cases" data-testid="cases">
      <h3 className="details__heading">{exchangeText(locale, 'cases')}</h3>
      {cases.length === 0 && <p className="muted">{exchangeText(locale, 'noCases')}</p>}
      <ul className="cases__list">
        {cases.map((c) => {
          const unfreeze = c.kind === 'unfreeze_request';
          // An unfreeze ends with the second approval, never by picking "resolved".
          const statuses = CASE_STATUSES.filter((s) => !unfreeze || s !== 'resolved' || c.status === 'resolved');
          return (
            <li key={c.id} className="cases__item" data-testid="case-item" data-kind={c.kind} data-status={c.status}>
              <div className="exchange__line">
                <code className="exchange__code cases__ref">{c.ref}</code>
                <span className="cases__kind">{exchangeText(locale, `kind.${c.kind}`)}</span>
                <PriorityBadge priority={c.priority} always />
              </div>
              <div className="exchange__sub" title={c.title}>
                {c.title} · {formatRelativeTime(c.createdAt, locale)}
              </div>
              <div className="exchange__line">
                <select
                  className="select select--compact cases__status"
                  data-testid="case-status"
                  aria-label={exchangeText(locale, 'status')}
                  value={c.status}
                  disabled={saving === c.id || busy || (unfreeze && isClosed(c))}
                  onChange={(event) => void changeStatus(c, event.target.value as CaseStatus)}
                >
                  {statuses.map((s) => (
                    <option key={s} value={s}>
                      {exchangeText(locale, `case.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
              {unfreeze && (
                <div className="cases__approvals" data-testid="case-approvals" data-count={c.approvers.length}>
                  <span>
                    {exchangeText(locale, 'approvals', {
                      n: Math.min(c.approvers.length, REQUIRED_APPROVALS),
                      m: REQUIRED_APPROVALS,
                    })}
                  </span>
                  {c.approvers.length > 0 && (
                    <span className="exchange__sub"> · {c.approvers.map(nameOf).join(', ')}</span>
                  )}
                  {canApprove && !isClosed(c) && (
                    <button
                      type="button"
                      className="button button--small button--primary cases__approve"
                      data-testid="case-approve"
                      disabled={busy}
                      onClick={() => onApprove(c.id)}
                    >
                      {exchangeText(locale, 'approve')}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
