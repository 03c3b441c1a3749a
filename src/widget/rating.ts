import type { Locale } from '../contracts/domain.ts';

/**
 * The customer's feedback in the widget: the rating card (1–5 stars, optional comment) shown when a resolved
 * conversation asks for it, and "report" to tell supervisors about the agent. Text only via textContent; its own
 * strings and CSS so the chat's files stay as they are.
 */

const STRINGS = {
  en: {
    question: 'How would you rate this conversation?',
    star: 'stars',
    comment: 'Anything to add? (optional)',
    submit: 'Submit rating',
    thanks: 'Thank you for your feedback!',
    failed: 'Could not send; please try again.',
    report: 'Report this agent',
    reportReason: 'What went wrong? Only supervisors will read this.',
    reportSubmit: 'Send report',
    reportCancel: 'Cancel',
    reported: 'Thank you. A supervisor will look into it.',
  },
  'zh-CN': {
    question: '您对本次服务满意吗？',
    star: '星',
    comment: '还有什么想说的？（选填）',
    submit: '提交评价',
    thanks: '感谢您的评价！',
    failed: '发送失败，请重试。',
    report: '投诉客服',
    reportReason: '请描述问题，仅主管可见。',
    reportSubmit: '提交投诉',
    reportCancel: '取消',
    reported: '感谢反馈，主管会尽快处理。',
  },
  'zh-TW': {
    question: '您對本次服務滿意嗎？',
    star: '星',
    comment: '還有什麼想說的？（選填）',
    submit: '提交評價',
    thanks: '感謝您的評價！',
    failed: '傳送失敗，請重試。',
    report: '投訴客服',
    reportReason: '請描述問題，僅主管可見。',
    reportSubmit: '提交投訴',
    reportCancel: '取消',
    reported: '感謝回饋，主管會盡快處理。',
  },
} satisfies Record<Locale, Record<string, string>>;

export const FEEDBACK_CSS = `
.fb{padding:8px 12px;border-top:1px solid #eef0f4;background:#fafbfc}
.fb-card{display:flex;flex-direction:column;gap:6px;padding:10px;border:1px solid #dfe3ea;border-radius:10px;background:#fff;margin-bottom:6px}
.fb-q{font-weight:600}
.fb-stars{display:flex;gap:4px}
.fb-star{border:0;background:none;cursor:pointer;font-size:24px;line-height:1;padding:2px;color:#c7ccd6}
.fb-star[aria-pressed="true"]{color:#f5a524}
.fb textarea{width:100%;min-height:44px;border:1px solid #dfe3ea;border-radius:8px;padding:6px 8px;resize:vertical}
.fb-btn{align-self:flex-start;border:0;border-radius:8px;padding:6px 12px;background:#1f4fd8;color:#fff;cursor:pointer}
.fb-btn:disabled{opacity:.5;cursor:default}
.fb-link{border:0;background:none;color:#6b7280;cursor:pointer;font-size:12px;padding:0;text-decoration:underline}
.fb-note{color:#047857}
.fb-err{color:#b42318;font-size:12px}
`;

export type FeedbackCallbacks = {
  /** 'ok' stored; 'answered' it was already rated (show thanks anyway); 'error' try again. */
  onRate: (rating: number, comment: string) => Promise<'ok' | 'answered' | 'error'>;
  onReport: (reason: string) => Promise<boolean>;
};

export type FeedbackView = {
  el: HTMLElement;
  setLocale: (locale: Locale) => void;
  /** Shows the rating card (once per conversation; a later call for the same one is ignored). */
  askRating: (conversationId: string) => void;
  /** A conversation to report on (null: nothing to report, the link hides). */
  setConversation: (conversationId: string | null) => void;
};

function make<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function createFeedbackView(initialLocale: Locale, callbacks: FeedbackCallbacks): FeedbackView {
  let t = STRINGS[initialLocale];
  let askedFor: string | null = null;
  let rating = 0;
  let state: 'hidden' | 'asking' | 'sending' | 'thanks' = 'hidden';
  let failed = false;
  let reportState: 'closed' | 'open' | 'sending' | 'sent' = 'closed';
  let reportFailed = false;
  let conversationId: string | null = null;

  const el = make('div', { class: 'fb', hidden: '' });
  const style = make('style');
  style.textContent = FEEDBACK_CSS;
  const card = make('div', { class: 'fb-card', 'data-testid': 'kefu-csat', hidden: '' });
  const report = make('div', { class: 'fb-report' });
  el.append(style, card, report);

  function renderCard(): void {
    card.hidden = state === 'hidden';
    if (state === 'thanks') {
      card.replaceChildren(make('div', { class: 'fb-note', 'data-testid': 'kefu-csat-thanks' }, t.thanks));
      return;
    }
    const stars = make('div', { class: 'fb-stars', role: 'group', 'aria-label': t.question });
    for (let value = 1; value <= 5; value++) {
      const star = make('button', {
        type: 'button',
        class: 'fb-star',
        'data-testid': 'kefu-csat-star',
        'data-value': String(value),
        'aria-label': `${value} ${t.star}`,
        'aria-pressed': String(value <= rating),
      });
      star.textContent = '★';
      star.addEventListener('click', () => {
        rating = value;
        for (const other of stars.children) {
          other.setAttribute('aria-pressed', String(Number(other.getAttribute('data-value')) <= rating));
        }
        submit.disabled = state === 'sending';
      });
      stars.append(star);
    }
    const comment = make('textarea', {
      'data-testid': 'kefu-csat-comment',
      maxlength: '1000',
      placeholder: t.comment,
      'aria-label': t.comment,
    });
    const submit = make('button', { type: 'button', class: 'fb-btn', 'data-testid': 'kefu-csat-submit' }, t.submit);
    submit.disabled = rating === 0 || state === 'sending';
    submit.addEventListener('click', () => {
      if (rating === 0 || state === 'sending') return;
      state = 'sending';
      submit.disabled = true;
      void callbacks.onRate(rating, comment.value.trim()).then((result) => {
        failed = result === 'error';
        state = failed ? 'asking' : 'thanks';
        renderCard();
      });
    });
    const parts: HTMLElement[] = [make('div', { class: 'fb-q' }, t.question), stars, comment, submit];
    if (failed) parts.push(make('div', { class: 'fb-err', role: 'alert' }, t.failed));
    card.replaceChildren(...parts);
  }

  function renderReport(): void {
    if (!conversationId) {
      report.replaceChildren();
      return;
    }
    if (reportState === 'sent') {
      report.replaceChildren(make('div', { class: 'fb-note' }, t.reported));
      return;
    }
    const toggle = make('button', { type: 'button', class: 'fb-link', 'data-testid': 'kefu-report' }, t.report);
    toggle.addEventListener('click', () => {
      reportState = reportState === 'closed' ? 'open' : 'closed';
      renderReport();
    });
    if (reportState === 'closed') {
      report.replaceChildren(toggle);
      return;
    }
    const reason = make('textarea', {
      'data-testid': 'kefu-report-reason',
      maxlength: '1000',
      placeholder: t.reportReason,
      'aria-label': t.reportReason,
    });
    const send = make(
      'button',
      { type: 'button', class: 'fb-btn', 'data-testid': 'kefu-report-submit' },
      t.reportSubmit,
    );
    send.addEventListener('click', () => {
      const text = reason.value.trim();
      if (!text || reportState === 'sending') return;
      reportState = 'sending';
      send.disabled = true;
      void callbacks.onReport(text).then((ok) => {
        reportFailed = !ok;
        reportState = ok ? 'sent' : 'open';
        renderReport();
      });
    });
    const cancel = make('button', { type: 'button', class: 'fb-link' }, t.reportCancel);
    cancel.addEventListener('click', () => {
      reportState = 'closed';
      renderReport();
    });
    const parts: HTMLElement[] = [reason, send, cancel];
    if (reportFailed) parts.push(make('div', { class: 'fb-err', role: 'alert' }, t.failed));
    const box = make('div', { class: 'fb-card' });
    box.append(...parts);
    report.replaceChildren(box);
  }

  function render(): void {
    el.hidden = state === 'hidden' && !conversationId;
    renderCard();
    renderReport();
  }

  render();
  return {
    el,
    setLocale(locale) {
      t = STRINGS[locale];
      render();
    },
    askRating(id) {
      if (askedFor === id) return;
      askedFor = id;
      rating = 0;
      failed = false;
      state = 'asking';
      render();
    },
    setConversation(id) {
      if (id === conversationId) return;
      conversationId = id;
      reportState = 'closed';
      reportFailed = false;
      if (askedFor && askedFor !== id) {
        askedFor = null;
        state = 'hidden';
      }
      render();
    },
  };
}

type Answer = { status: number; code: string | null };

async function post(apiOrigin: string, token: string, path: string, body: unknown): Promise<Answer> {
  try {
    const response = await fetch(apiOrigin + path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      credentials: 'omit',
      mode: 'cors',
    });
    const data = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
    return { status: response.status, code: data?.error?.code ?? null };
  } catch {
    return { status: 0, code: 'network_error' };
  }
}

export async function submitRating(
  apiOrigin: string,
  token: string,
  conversationId: string,
  rating: number,
  comment: string,
): Promise<'ok' | 'answered' | 'error'> {
  const answer = await post(apiOrigin, token, `/api/widget/conversations/${encodeURIComponent(conversationId)}/csat`, {
    rating,
    ...(comment ? { comment } : {}),
  });
  if (answer.status === 201) return 'ok';
  return answer.code === 'csat_already_answered' ? 'answered' : 'error';
}

export async function submitReport(
  apiOrigin: string,
  token: string,
  conversationId: string,
  reason: string,
): Promise<boolean> {
  const answer = await post(
    apiOrigin,
    token,
    `/api/widget/conversations/${encodeURIComponent(conversationId)}/report`,
    {
      reason,
    },
  );
  return answer.status === 201;
}

/** A system message that carries the rating request (seen in history after a reload). */
export function isRatingRequest(meta: Record<string, unknown> | undefined): boolean {
  const csat = meta?.csat as { request?: unknown } | undefined;
  return csat?.request === true;
}
