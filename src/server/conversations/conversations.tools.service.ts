import type { Channel, Conversation } from '../../contracts/domain.ts';
import type {
  AttributeDefinition,
  AttributeValue,
  ConversationHistoryResponse,
  TagCount,
  TranscriptJson,
  TranscriptMessage,
} from '../../contracts/tools.ts';
import { MAX_TAGS } from '../../contracts/tools.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { redactSecrets, screenFreeText } from '../secrets/secret-guard.ts';
import { type Clock, systemClock } from '../clock.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { conversationFor, messageFor } from '../privacy/pii-policy.ts';
import type { EventBus } from '../events/bus.ts';
import { selectConversation } from './conversations.queries.ts';
import { postMessage, publishConversationUpdated, toConversation, toMessage } from './conversations.service.ts';
import {
  lockConversationsForMerge,
  markMerged,
  selectAttributeDefinitions,
  selectMergeFamily,
  selectMessagesOfConversations,
  selectOrgsWithDueSnoozes,
  selectTagCounts,
  snoozeConversationRow,
  updateConversationAttributes,
  updateConversationTags,
  upsertAttributeDefinition,
  wakeDueSnoozes,
} from './conversations.tools.queries.ts';

/** The agent tools on one conversation: tags, custom attributes, snooze, merge, history and transcript export. */

function requireManager(ctx: Ctx): void {
  if (requireAgentRole(ctx).role === 'agent') throw new AppError('forbidden');
}

// ---------- Tags ----------

export async function changeTags(
  ctx: Ctx,
  conversationId: string,
  change: { add: string[]; remove: string[] },
): Promise<Conversation> {
  requireAgentRole(ctx);
  await ctx.db.transaction(async (tx) => {
    const result = await updateConversationTags(tx, ctx.org.id, conversationId, change);
    if (!result) throw new AppError('conversation_not_found');
    if (result.after.length > MAX_TAGS) {
      throw new AppError('validation_failed', `A conversation holds at most ${MAX_TAGS} tags.`);
    }
    await recordAudit(ctx, tx, {
      action: 'conversation.tags',
      targetType: 'conversation',
      targetId: conversationId,
      details: { from: result.before, to: result.after },
    });
  });
  return conversationFor(ctx.actor, await publishConversationUpdated(ctx, conversationId, ['tags']));
}

export async function listTags(ctx: Ctx): Promise<TagCount[]> {
  requireAgentRole(ctx);
  return selectTagCounts(ctx.db, ctx.org.id, 200);
}

// ---------- Custom attributes ----------

export async function listAttributeDefinitions(ctx: Ctx): Promise<AttributeDefinition[]> {
  requireAgentRole(ctx);
  return selectAttributeDefinitions(ctx.db, ctx.org.id);
}

export async function defineAttribute(ctx: Ctx, typed: AttributeDefinition): Promise<AttributeDefinition> {
  requireManager(ctx);
  const definition = {
    ...typed,
    label: screenFreeText(typed.label, 'value'),
    options: typed.options?.map((option) => screenFreeText(option, 'value')) ?? null,
  };
  await ctx.db.transaction(async (tx) => {
    await upsertAttributeDefinition(tx, ctx.org.id, definition);
    await recordAudit(ctx, tx, {
      action: 'attribute.define',
      targetType: 'attribute_definition',
      targetId: definition.key,
      details: { ...definition },
    });
  });
  return definition;
}

/**
 * Checks one value against its definition and returns it in its stored form (dates as YYYY-MM-DD, numbers finite),
 * or throws `attribute_invalid` naming the attribute.
 */
export function coerceAttributeValue(definition: AttributeDefinition, value: AttributeValue): AttributeValue {
  const invalid = (why: string) => new AppError('attribute_invalid', `${definition.key}: ${why}`);
  switch (definition.type) {
    case 'text':
      if (typeof value !== 'string' || value.trim() === '') throw invalid('expected non-empty text');
      // Free text an agent typed: a secret in it is redacted like in a message (the stored form).
      return screenFreeText(value.trim(), 'value');
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('expected a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid('expected true or false');
      return value;
    case 'date': {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalid('expected a date YYYY-MM-DD');
      const parsed = new Date(`${value}T00:00:00Z`);
      if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) throw invalid('no such date');
      return value;
    }
    case 'list':
      if (typeof value !== 'string' || !definition.options?.includes(value)) {
        throw invalid(`expected one of ${(definition.options ?? []).join(', ')}`);
      }
      return value;
  }
}

export async function setAttributes(
  ctx: Ctx,
  conversationId: string,
  values: Record<string, AttributeValue | null>,
): Promise<Conversation> {
  requireAgentRole(ctx);
  // Another organization's conversation is not found before its attribute names are judged (found by the matrix).
  if (!(await selectConversation(ctx.db, ctx.org.id, conversationId))) throw new AppError('conversation_not_found');
  const definitions = new Map((await selectAttributeDefinitions(ctx.db, ctx.org.id)).map((d) => [d.key, d]));
  const set: Record<string, AttributeValue> = {};
  const remove: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const definition = definitions.get(key);
    if (!definition) throw new AppError('attribute_unknown', `No attribute "${key}" is defined.`);
    if (value === null) remove.push(key);
    else set[key] = coerceAttributeValue(definition, value);
  }
  await ctx.db.transaction(async (tx) => {
    const result = await updateConversationAttributes(tx, ctx.org.id, conversationId, { set, remove });
    if (!result) throw new AppError('conversation_not_found');
    await recordAudit(ctx, tx, {
      action: 'conversation.attributes',
      targetType: 'conversation',
      targetId: conversationId,
      details: { set, remove },
    });
  });
  return conversationFor(ctx.actor, await publishConversationUpdated(ctx, conversationId, ['attributes']));
}

// ---------- Snooze ----------

/**
 * Puts a conversation aside until `until`, or until the customer writes again when `until` is null (the message path
 * already reopens a snoozed conversation on a customer message, and so it does for a timed snooze that has not woken).
 */
export async function snoozeConversation(
  ctx: Ctx,
  conversationId: string,
  until: string | null,
  clock: Clock = systemClock,
): Promise<Conversation> {
  requireAgentRole(ctx);
  const wakeAt = until ? new Date(until) : null;
  if (wakeAt && wakeAt.getTime() <= clock.now().getTime()) {
    throw new AppError('validation_failed', 'Snooze until a time in the future.');
  }
  await ctx.db.transaction(async (tx) => {
    const prev = await snoozeConversationRow(tx, ctx.org.id, conversationId, wakeAt);
    if (!prev) {
      const exists = await selectConversation(tx, ctx.org.id, conversationId);
      if (!exists) throw new AppError('conversation_not_found');
      throw new AppError('conflict', 'A closed conversation cannot be snoozed.');
    }
    await recordAudit(ctx, tx, {
      action: 'conversation.snooze',
      targetType: 'conversation',
      targetId: conversationId,
      details: { from: prev.prev_status, until: wakeAt?.toISOString() ?? 'customer_reply' },
    });
  });
  return conversationFor(ctx.actor, await publishConversationUpdated(ctx, conversationId, ['status', 'snoozedUntil']));
}

/**
 * Reopens the organization's snoozed conversations whose time has come by `now` (the caller's clock). Run by the job
 * queue every few seconds; returns the ids woken.
 */
export async function wakeSnoozedConversations(ctx: Ctx, now: Date): Promise<string[]> {
  const woken = await ctx.db.transaction(async (tx) => {
    const rows = await wakeDueSnoozes(tx, ctx.org.id, now);
    for (const row of rows) {
      await recordAudit(ctx, tx, {
        action: 'conversation.wake',
        targetType: 'conversation',
        targetId: row.id,
        details: { snoozedUntil: new Date(row.snoozed_until).toISOString() },
      });
    }
    return rows.map((r) => r.id);
  });
  for (const id of woken) await publishConversationUpdated(ctx, id, ['status', 'snoozedUntil']);
  return woken;
}

/** The whole platform's due snoozes, organization by organization (what the periodic job calls). */
export async function wakeAllSnoozedConversations(
  deps: { db: Db; log: Ctx['log']; events: EventBus },
  now: Date,
): Promise<number> {
  let total = 0;
  for (const orgId of await selectOrgsWithDueSnoozes(deps.db, now)) {
    const ctx: Ctx = { ...deps, org: { id: orgId }, actor: { kind: 'system' } };
    total += (await wakeSnoozedConversations(ctx, now)).length;
  }
  return total;
}

// ---------- Merge ----------

/**
 * Merges `mergedId` into `survivorId` (same customer only): the merged conversation is closed and points at the
 * survivor, keeps its messages (read through the survivor's history and transcript), and the survivor gets a note.
 */
export async function mergeConversations(ctx: Ctx, mergedId: string, survivorId: string): Promise<Conversation> {
  requireAgentRole(ctx);
  if (mergedId === survivorId) throw new AppError('merge_refused', 'A conversation cannot be merged into itself.');
  const { merged, survivor } = await ctx.db.transaction(async (tx) => {
    const rows = await lockConversationsForMerge(tx, ctx.org.id, [mergedId, survivorId]);
    const merged = rows.find((r) => r.id === mergedId);
    const survivor = rows.find((r) => r.id === survivorId);
    if (!merged || !survivor) throw new AppError('conversation_not_found');
    if (merged.contact_id !== survivor.contact_id) {
      throw new AppError('merge_refused', 'Only conversations of the same customer can be merged.');
    }
    if (merged.merged_into_id || survivor.merged_into_id) {
      throw new AppError('merge_refused', 'One of these conversations was already merged.');
    }
    if (survivor.status === 'closed') throw new AppError('merge_refused', 'Merge into an open conversation.');
    await markMerged(tx, ctx.org.id, mergedId, survivorId);
    await recordAudit(ctx, tx, {
      action: 'conversation.merge',
      targetType: 'conversation',
      targetId: mergedId,
      details: { into: survivorId, intoNumber: survivor.number, number: merged.number },
    });
    await recordAudit(ctx, tx, {
      action: 'conversation.merge_into',
      targetType: 'conversation',
      targetId: survivorId,
      details: { from: mergedId, fromNumber: merged.number },
    });
    return { merged, survivor };
  });
  const agentName = ctx.actor.kind === 'agent' ? ctx.actor.name : 'system';
  await postMessage({ ...ctx, actor: { kind: 'system' } }, survivorId, {
    body: `#${merged.number} was merged into #${survivor.number} by ${agentName}; its messages are in this conversation's history.`,
    clientId: `merge:${mergedId}`,
    private: true,
    meta: { merge: { fromId: mergedId, fromNumber: merged.number } },
  });
  await publishConversationUpdated(ctx, mergedId, ['status', 'mergedIntoId']);
  return conversationFor(ctx.actor, await publishConversationUpdated(ctx, survivorId, ['tags', 'merged']));
}

/** A merged conversation's history lives with its survivor: asking either gives the whole family. */
async function findFamily(ctx: Ctx, conversationId: string) {
  const row = await selectConversation(ctx.db, ctx.org.id, conversationId);
  if (!row) throw new AppError('conversation_not_found');
  const survivor = row.merged_into_id ? await selectConversation(ctx.db, ctx.org.id, row.merged_into_id) : row;
  if (!survivor) throw new AppError('conversation_not_found');
  return { survivor, family: await selectMergeFamily(ctx.db, ctx.org.id, survivor.id) };
}

const HISTORY_LIMIT = 5000;

export async function getConversationHistory(ctx: Ctx, conversationId: string): Promise<ConversationHistoryResponse> {
  requireAgentRole(ctx);
  const { family } = await findFamily(ctx, conversationId);
  const numbers = new Map(family.map((c) => [c.id, c.number]));
  const rows = await selectMessagesOfConversations(
    ctx.db,
    ctx.org.id,
    family.map((c) => c.id),
    { includePrivate: true, limit: HISTORY_LIMIT },
  );
  return {
    conversations: family.map((c) => ({
      id: c.id,
      number: c.number,
      mergedIntoId: c.merged_into_id,
      channel: c.channel as Channel,
    })),
    messages: rows.map((row) => ({
      ...messageFor(ctx.actor, toMessage(row)),
      conversationNumber: numbers.get(row.conversation_id) ?? 0,
    })),
  };
}

// ---------- Transcript ----------

/**
 * The conversation (with everything merged into it) as a file. Agents only, so private notes are included and
 * labelled. Customer messages were redacted before storage; every body is screened again here because an agent's
 * private note is stored as typed and a transcript leaves the platform.
 */
export async function exportTranscript(
  ctx: Ctx,
  conversationId: string,
  format: 'txt' | 'json',
  clock: Clock = systemClock,
): Promise<{ filename: string; contentType: string; body: string }> {
  requireAgentRole(ctx);
  const { survivor, family } = await findFamily(ctx, conversationId);
  const numbers = new Map(family.map((c) => [c.id, c.number]));
  const rows = await selectMessagesOfConversations(
    ctx.db,
    ctx.org.id,
    family.map((c) => c.id),
    { includePrivate: true, limit: HISTORY_LIMIT },
  );
  const messages: TranscriptMessage[] = rows.map((row) => ({
    conversationNumber: numbers.get(row.conversation_id) ?? 0,
    seq: row.seq,
    createdAt: new Date(row.created_at).toISOString(),
    authorKind: row.author_kind,
    authorName: row.author_name,
    private: row.private,
    body: redactSecrets(row.body).text,
  }));
  // A transcript leaves the platform: it shows the customer's UID exactly as its exporter may see it.
  const conversation = conversationFor(ctx.actor, toConversation(survivor));
  const exportedAt = clock.now().toISOString();
  await recordAudit(ctx, ctx.db, {
    action: 'conversation.transcript_export',
    targetType: 'conversation',
    targetId: survivor.id,
    details: { format, messages: messages.length },
  });
  const filename = `conversation-${conversation.number}.${format}`;
  if (format === 'json') {
    const json: TranscriptJson = {
      conversation: {
        id: conversation.id,
        number: conversation.number,
        status: conversation.status,
        createdAt: conversation.createdAt,
        mergedNumbers: family.filter((c) => c.id !== survivor.id).map((c) => c.number),
      },
      contact: { name: conversation.contact.name, exchangeUid: conversation.contact.exchangeUid },
      exportedAt,
      messages,
    };
    return { filename, contentType: 'application/json; charset=utf-8', body: JSON.stringify(json, null, 2) };
  }
  return {
    filename,
    contentType: 'text/plain; charset=utf-8',
    body: transcriptText(conversation, family, messages, exportedAt),
  };
}

const AUTHOR_LABELS: Record<TranscriptMessage['authorKind'], string> = {
  customer: 'Customer',
  agent: 'Agent',
  bot: 'Bot',
  system: 'System',
};

function transcriptText(
  conversation: Conversation,
  family: { id: string; number: number }[],
  messages: TranscriptMessage[],
  exportedAt: string,
): string {
  const merged = family.filter((c) => c.id !== conversation.id).map((c) => `#${c.number}`);
  const header = [
    `Conversation #${conversation.number} (${conversation.status})`,
    `Customer: ${conversation.contact.name ?? '—'}${conversation.contact.exchangeUid ? ` (UID ${conversation.contact.exchangeUid})` : ''}`,
    merged.length ? `Merged into it: ${merged.join(', ')}` : null,
    `Exported: ${exportedAt}`,
    '',
  ].filter((line) => line !== null);
  const lines = messages.map((m) => {
    const who = `${AUTHOR_LABELS[m.authorKind]}${m.authorName ? ` (${m.authorName})` : ''}`;
    const where = merged.length ? ` #${m.conversationNumber}` : '';
    const label = m.private ? ' [INTERNAL NOTE — not visible to the customer]' : '';
    const body = m.body.replace(/\n/g, '\n    ');
    return `[${m.createdAt}]${where} ${who}${label}:\n    ${body}`;
  });
  return `${[...header, ...lines].join('\n')}\n`;
}
