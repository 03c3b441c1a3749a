import crypto from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import {
  type CallbackRequest,
  type CallbackRequestBody,
  type CallbackRequestResponse,
  type CallbackStatus,
  type CallDirection,
  type CallLog,
  type CallOutcome,
  type ConversationCallsResponse,
  type LogCallBody,
  type LogCallResponse,
  maskPhone,
} from '../../contracts/callbacks.ts';
import type { Locale } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { systemClock } from '../clock.ts';
import { addContactIdentity } from '../contacts/contacts.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { raisePriorityByRule, updateConversationTags } from '../conversations/conversation-writes.ts';
import {
  getConversation,
  postMessage,
  publishConversationUpdated,
  startConversation,
} from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { phoneFor } from '../privacy/pii-policy.ts';
import { ensurePhoneInbox } from '../orgs/orgs.service.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import { zonedInstant } from '../sla/calendar.ts';
import {
  type CallbackRow,
  type CallLogRow,
  insertCallbackRequest,
  insertCallLog,
  selectCallbacksOfConversation,
  selectCallLogs,
  updateCallbackStatus,
} from './callbacks.queries.ts';

/**
 * Phone callbacks. A customer's request (from the widget) becomes a conversation in the organization's phone inbox
 * (channel 'phone'), tagged `callback` and raised to priority high: SLA targets are chosen by priority only
 * (src/server/sla/sla.service.ts targetsFor), so a callback is answered within the high priority's targets. Its
 * number, validated and normalised to E.164 on the server, becomes the contact's phone identity and is kept in full
 * only in the callback row; the conversation's first message shows the last 4 digits.
 *
 * Agents log calls on any conversation: each is a row here and a private note in the timeline (meta.call), audited.
 * A call's outcome moves the conversation's open callback request: reached → done, callback_scheduled → scheduled,
 * no_answer / voicemail / wrong_number → missed (a later call may still complete it); a done request stays done.
 */

const CALLBACK_TAG = 'callback';
const CALLBACK_PRIORITY = 'high';

/** E.164 for what the customer typed (a number without +country code read in `country`), or `phone_invalid`. */
export function normalisePhone(typed: string, country?: string): string {
  const parsed = parsePhoneNumberFromString(typed, country as Parameters<typeof parsePhoneNumberFromString>[1]);
  if (!parsed?.isValid()) throw new AppError('phone_invalid');
  return parsed.number;
}

type LocalDate = { year: number; month: number; day: number };

function localDateIn(instant: Date, timeZone: string): LocalDate {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
  for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year, month: parts.month, day: parts.day };
}

/**
 * The window as instants: today or tomorrow on the customer's clock, from–to whole hours there (a DST change moves a
 * skipped hour forward). A window already over is `callback_window_invalid`; one under way starts now.
 */
export function callbackWindow(
  body: Pick<CallbackRequestBody, 'day' | 'fromHour' | 'toHour' | 'timeZone'>,
  now: Date,
): { start: Date; end: Date } {
  const today = localDateIn(now, body.timeZone);
  const date =
    body.day === 'today'
      ? today
      : localDateIn(new Date(Date.UTC(today.year, today.month - 1, today.day, 12) + 86_400_000), 'UTC');
  const start = zonedInstant(date, body.fromHour * 60, body.timeZone);
  const end = zonedInstant(date, body.toHour * 60, body.timeZone);
  if (end <= start || end <= now.getTime()) throw new AppError('callback_window_invalid');
  return { start: new Date(Math.max(start, now.getTime())), end: new Date(end) };
}

const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

const REQUEST_TEXT: Record<Locale, (v: { phone: string; window: string; zone: string; language: string }) => string> = {
  en: (v) => `Please call me back at ${v.phone}, ${v.window} (${v.zone}). Language: ${v.language}.`,
  'zh-CN': (v) => `请给我回电：${v.phone}，时间 ${v.window}（${v.zone}），语言：${v.language}。`,
  'zh-TW': (v) => `請回電給我：${v.phone}，時間 ${v.window}（${v.zone}），語言：${v.language}。`,
};
const NOTE_LABEL: Record<Locale, string> = { en: 'Note: ', 'zh-CN': '备注：', 'zh-TW': '備註：' };

function requestMessage(locale: Locale, phone: string, start: Date, end: Date, zone: string, note: string | null) {
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const text = REQUEST_TEXT[locale]({
    phone: maskPhone(phone),
    window: format.formatRange(start, end),
    zone,
    language: LANGUAGE_NAMES[locale],
  });
  return note ? `${text}\n${NOTE_LABEL[locale]}${note}` : text;
}

function toCallback(row: CallbackRow): CallbackRequest {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    phone: row.phone,
    windowStart: new Date(row.window_start).toISOString(),
    windowEnd: new Date(row.window_end).toISOString(),
    timeZone: row.time_zone,
    locale: row.locale,
    note: row.note,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The request as staff see it: the number in full only for those who see personal data (privacy/pii-policy.ts). */
function callbackFor(ctx: Ctx, row: CallbackRow): CallbackRequest {
  const callback = toCallback(row);
  return { ...callback, phone: phoneFor(ctx.actor, callback.phone) };
}

function toCallLog(row: CallLogRow): CallLog {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    callbackId: row.callback_id,
    direction: row.direction,
    durationSeconds: row.duration_seconds,
    outcome: row.outcome,
    notes: row.notes,
    agent: row.agent_id ? { id: row.agent_id, name: row.agent_name ?? '' } : null,
    messageId: row.message_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * A customer asks to be called back. Everything is checked before anything is stored: an invalid number or window
 * leaves no contact identity, conversation or row behind.
 */
export async function requestCallback(
  ctx: Ctx,
  body: CallbackRequestBody,
  now: Date = systemClock.now(),
): Promise<CallbackRequestResponse> {
  if (ctx.actor.kind !== 'customer') throw new AppError('forbidden');
  const contactId = ctx.actor.contactId;
  const phone = normalisePhone(body.phone, body.country);
  const window = callbackWindow(body, now);
  const note = body.note ? screenFreeText(body.note) : null;

  const inbox = await ensurePhoneInbox(ctx);
  await addContactIdentity(ctx, contactId, { kind: 'phone', value: phone });
  const { conversation } = await startConversation(ctx, {
    inboxId: inbox.id,
    contactId,
    firstMessage: {
      body: requestMessage(body.locale, phone, window.start, window.end, body.timeZone, note),
      clientId: body.clientId ?? null,
      meta: {
        callback: {
          phone: maskPhone(phone),
          windowStart: window.start.toISOString(),
          windowEnd: window.end.toISOString(),
          timeZone: body.timeZone,
          locale: body.locale,
        },
      },
    },
  });
  const row = await insertCallbackRequest(ctx.db, ctx.org.id, {
    conversationId: conversation.id,
    contactId,
    phone,
    windowStart: window.start,
    windowEnd: window.end,
    timeZone: body.timeZone,
    locale: body.locale,
    note,
  });
  // Its own SLA: the high priority's targets (the policy chooses targets by priority), and a tag for views.
  const raised = await raisePriorityByRule(ctx.db, ctx.org.id, conversation.id, {
    priority: CALLBACK_PRIORITY,
    reasons: ['callback request'],
    fundsAtRisk: false,
  });
  const tagged = await updateConversationTags(ctx.db, ctx.org.id, conversation.id, { add: [CALLBACK_TAG], remove: [] });
  const changes = [
    ...(raised ? ['priority'] : []),
    ...(tagged && !tagged.before.includes(CALLBACK_TAG) ? ['tags'] : []),
  ];
  if (changes.length > 0) await publishConversationUpdated(ctx, conversation.id, changes);
  await recordAudit(ctx, ctx.db, {
    action: 'callback.request',
    targetType: 'conversation',
    targetId: conversation.id,
    details: { callbackId: row.id, windowStart: row.window_start, windowEnd: row.window_end },
  });
  const callback = toCallback(row);
  return {
    callback: {
      id: callback.id,
      phone: maskPhone(callback.phone),
      windowStart: callback.windowStart,
      windowEnd: callback.windowEnd,
      timeZone: callback.timeZone,
      status: callback.status,
    },
    conversationId: conversation.id,
    conversation: await getConversation(ctx, conversation.id),
  };
}

export async function listCalls(ctx: Ctx, conversationId: string): Promise<ConversationCallsResponse> {
  requireAgentRole(ctx);
  await getConversation(ctx, conversationId);
  const [callbacks, calls] = await Promise.all([
    selectCallbacksOfConversation(ctx.db, ctx.org.id, conversationId),
    selectCallLogs(ctx.db, ctx.org.id, conversationId),
  ]);
  return { callbacks: callbacks.map((c) => callbackFor(ctx, c)), calls: calls.map(toCallLog) };
}

const STATUS_AFTER: Record<CallOutcome, CallbackStatus> = {
  reached: 'done',
  callback_scheduled: 'scheduled',
  no_answer: 'missed',
  voicemail: 'missed',
  wrong_number: 'missed',
};

const DIRECTION_TEXT: Record<Locale, Record<CallDirection, string>> = {
  en: { inbound: 'Inbound call', outbound: 'Outbound call' },
  'zh-CN': { inbound: '呼入电话', outbound: '呼出电话' },
  'zh-TW': { inbound: '來電', outbound: '撥出電話' },
};
const OUTCOME_TEXT: Record<Locale, Record<CallOutcome, string>> = {
  en: {
    reached: 'Reached',
    no_answer: 'No answer',
    voicemail: 'Voicemail',
    wrong_number: 'Wrong number',
    callback_scheduled: 'Callback scheduled',
  },
  'zh-CN': {
    reached: '已接通',
    no_answer: '无人接听',
    voicemail: '语音信箱',
    wrong_number: '号码错误',
    callback_scheduled: '已约定回电',
  },
  'zh-TW': {
    reached: '已接通',
    no_answer: '無人接聽',
    voicemail: '語音信箱',
    wrong_number: '號碼錯誤',
    callback_scheduled: '已約定回電',
  },
};

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** An agent logs a call: the row, a private note in the timeline (in order with the chat), the audit entry. */
export async function logCall(ctx: Ctx, conversationId: string, body: LogCallBody): Promise<LogCallResponse> {
  const agent = requireAgentRole(ctx);
  await getConversation(ctx, conversationId);
  const notes = screenFreeText(body.notes.trim());
  const callbacks = await selectCallbacksOfConversation(ctx.db, ctx.org.id, conversationId);
  const open = callbacks.find((c) => c.status !== 'done');
  const id = crypto.randomUUID();
  const locale: Locale = agent.locale ?? 'en';
  const summary = `📞 ${DIRECTION_TEXT[locale][body.direction]} · ${formatDuration(body.durationSeconds)} · ${OUTCOME_TEXT[locale][body.outcome]}`;
  const message = await postMessage(ctx, conversationId, {
    body: notes ? `${summary}\n${notes}` : summary,
    clientId: null,
    private: true,
    meta: {
      call: {
        id,
        direction: body.direction,
        durationSeconds: body.durationSeconds,
        outcome: body.outcome,
        callbackId: open?.id ?? null,
      },
    },
  });
  const updated = await ctx.db.transaction(async (tx) => {
    await insertCallLog(tx, ctx.org.id, {
      id,
      conversationId,
      callbackId: open?.id ?? null,
      agentId: agent.id,
      direction: body.direction,
      durationSeconds: body.durationSeconds,
      outcome: body.outcome,
      notes,
      messageId: message.id,
    });
    const after = open ? await updateCallbackStatus(tx, ctx.org.id, open.id, STATUS_AFTER[body.outcome]) : undefined;
    await recordAudit(ctx, tx, {
      action: 'call.log',
      targetType: 'conversation',
      targetId: conversationId,
      details: {
        callId: id,
        direction: body.direction,
        durationSeconds: body.durationSeconds,
        outcome: body.outcome,
        ...(open && after ? { callback: { id: open.id, from: open.status, to: after.status } } : {}),
      },
    });
    return after;
  });
  if (updated && updated.status !== open?.status) await publishConversationUpdated(ctx, conversationId, ['callback']);
  const [row] = await selectCallLogs(ctx.db, ctx.org.id, conversationId, id);
  const callback = updated ?? open;
  return { call: toCallLog(row), callback: callback ? callbackFor(ctx, callback) : null };
}
