import './feedback.css';
import { useCallback, useEffect, useState } from 'react';
import type { Conversation } from '../../../contracts/domain.ts';
import type { ConversationFeedback as Feedback } from '../../../contracts/feedback.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../realtime/context.tsx';
import { fetchFeedback, markComplaint } from './api.ts';
import { feedbackText } from './strings.ts';

/**
 * Beside the open conversation: the customer's rating, a complaint badge with its due time and "mark as complaint"
 * (merging lives in ../views/MergeControl.tsx). Reports about agents reach only supervisors (the server
 * leaves them out for agents).
 */
export function ConversationFeedback({ conversation }: { conversation: Conversation }) {
  const { locale } = useI18n();
  const text = (key: Parameters<typeof feedbackText>[1]) => feedbackText(locale, key);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = conversation.id;

  const load = useCallback(() => {
    fetchFeedback(id)
      .then(setFeedback)
      .catch(() => setFeedback(null));
  }, [id]);

  useEffect(load, [load]);
  useRealtimeEvent((event) => {
    if (event.type === 'conversation.updated' && event.conversation.id === id) load();
    if (event.type === 'complaint.opened' && event.conversationId === id) load();
  });

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      load();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  const complaints = feedback?.complaints ?? [];
  const isComplaint = complaints.length > 0 || conversation.tags.includes('complaint');
  const due = complaints.map((c) => c.dueAt).sort()[0];
  const csat = feedback?.csat;

  return (
    <div className="feedback" data-testid="conversation-feedback">
      {isComplaint && (
        <span
          className="badge badge--complaint"
          data-testid="complaint-badge"
          title={complaints.map((c) => c.reason).join('\n')}
        >
          {text('complaint')}
          {due ? ` · ${text('complaintDue')} ${formatDateTime(due, locale)}` : ''}
        </span>
      )}
      {csat?.rating != null && (
        <span
          className="feedback__rating"
          data-testid="conversation-csat"
          data-rating={csat.rating}
          title={csat.comment ?? ''}
        >
          {text('rating')}: {'★'.repeat(csat.rating)}
          {'☆'.repeat(5 - csat.rating)}
          {csat.comment ? ` “${csat.comment}”` : ''}
        </span>
      )}
      {csat && csat.rating == null && csat.requestedAt && <span className="muted">{text('notRated')}</span>}
      {!isComplaint && (
        <button
          type="button"
          className="button button--small"
          data-testid="mark-complaint"
          onClick={() => {
            const reason = window.prompt(text('complaintReason'))?.trim();
            if (reason) void run(() => markComplaint(id, reason));
          }}
        >
          {text('markComplaint')}
        </button>
      )}
      {error && (
        <span className="alert alert--error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
