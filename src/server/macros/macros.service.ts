import type { Conversation, Locale, Message } from '../../contracts/domain.ts';
import {
  chooseMacroLanguage,
  type Macro,
  type MacroActions,
  type MacroLanguage,
  type MacroValues,
  renderTemplate,
} from '../../contracts/tools.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { screenFreeText, screenFreeTextIn } from '../secrets/secret-guard.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { updateConversationFields, updateConversationTags } from '../conversations/conversation-writes.ts';
import {
  type ConversationRow,
  findConversationRow,
  getConversation,
  postMessage,
  publishConversationUpdated,
} from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { conversationFor, seesPii } from '../privacy/pii-policy.ts';
import {
  deleteMacroRow,
  insertMacro,
  type MacroRow,
  selectMacro,
  selectMacros,
  updateMacroRow,
} from './macros.queries.ts';

/** Canned replies: admins and supervisors manage them, every agent applies them. */

function toMacro(row: MacroRow): Macro {
  return {
    id: row.id,
    name: row.name,
    shortcut: row.shortcut,
    bodies: row.bodies,
    actions: row.actions,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function requireManager(ctx: Ctx): Extract<Ctx['actor'], { kind: 'agent' }> {
  const actor = requireAgentRole(ctx);
  if (actor.role === 'agent') throw new AppError('forbidden', 'Only admins and supervisors manage macros.');
  return actor;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

export async function listMacros(ctx: Ctx): Promise<Macro[]> {
  requireAgentRole(ctx);
  return (await selectMacros(ctx.db, ctx.org.id)).map(toMacro);
}

type MacroInput = {
  name: string;
  shortcut: string;
  bodies: Partial<Record<MacroLanguage, string>>;
  actions: MacroActions;
};

/** A macro's name and reply texts are typed by staff and sent to customers: screened before they are stored. */
function screenMacroText<T extends Partial<MacroInput>>(input: T): T {
  return {
    ...input,
    ...(input.name !== undefined ? { name: screenFreeText(input.name, 'value') } : {}),
    ...(input.bodies !== undefined ? { bodies: screenFreeTextIn(input.bodies) } : {}),
  };
}

export async function createMacro(ctx: Ctx, typed: MacroInput): Promise<Macro> {
  const actor = requireManager(ctx);
  const input = screenMacroText(typed);
  try {
    return toMacro(
      await ctx.db.transaction(async (tx) => {
        const row = await insertMacro(tx, ctx.org.id, { ...input, createdBy: actor.id });
        await recordAudit(ctx, tx, { action: 'macro.create', targetType: 'macro', targetId: row.id, details: input });
        return row;
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `The shortcut /${input.shortcut} is taken.`);
    throw error;
  }
}

export async function updateMacro(ctx: Ctx, macroId: string, typed: Partial<MacroInput>): Promise<Macro> {
  requireManager(ctx);
  const input = screenMacroText(typed);
  try {
    return toMacro(
      await ctx.db.transaction(async (tx) => {
        const row = await updateMacroRow(tx, ctx.org.id, macroId, input);
        if (!row) throw new AppError('macro_not_found');
        await recordAudit(ctx, tx, { action: 'macro.update', targetType: 'macro', targetId: macroId, details: input });
        return row;
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `The shortcut /${input.shortcut} is taken.`);
    throw error;
  }
}

export async function deleteMacro(ctx: Ctx, macroId: string): Promise<void> {
  requireManager(ctx);
  await ctx.db.transaction(async (tx) => {
    if (!(await deleteMacroRow(tx, ctx.org.id, macroId))) throw new AppError('macro_not_found');
    await recordAudit(ctx, tx, { action: 'macro.delete', targetType: 'macro', targetId: macroId });
  });
}

/**
 * The values a macro may use for this conversation and agent. For an agent who sees personal data masked the UID and
 * email take the template's fallback, as in the console's picker: the reply would show them the value in full.
 */
export function macroValuesFor(row: ConversationRow, agentName: string, seesPersonalData = true): MacroValues {
  return {
    'contact.name': row.contact_name,
    'contact.uid': seesPersonalData ? row.contact_exchange_uid : null,
    'contact.email': seesPersonalData ? row.contact_email : null,
    'contact.vip': row.contact_vip_level,
    'conversation.number': row.number,
    'agent.name': agentName,
  };
}

export type AppliedMacro = { message: Message | null; conversation: Conversation; unknownVariables: string[] };

/**
 * Renders the macro for this customer (their language, their name, this conversation) and posts it through the normal
 * message path, so the secret guard refuses it exactly like a typed reply and nothing else changes. Then its actions
 * and one audit entry commit together. A retried apply (same clientId) finds the reply already posted and completes
 * the actions.
 */
export async function applyMacro(
  ctx: Ctx,
  conversationId: string,
  macroId: string,
  input: { clientId: string; language?: MacroLanguage },
): Promise<AppliedMacro> {
  const actor = requireAgentRole(ctx);
  const macro = await selectMacro(ctx.db, ctx.org.id, macroId);
  if (!macro) throw new AppError('macro_not_found');
  const row = await findConversationRow(ctx, conversationId);
  if (!row) throw new AppError('conversation_not_found');
  const language = chooseMacroLanguage(macro.bodies, row.contact_locale as Locale | null, input.language);
  const rendered = language
    ? renderTemplate(macro.bodies[language] ?? '', macroValuesFor(row, actor.name, seesPii(actor)))
    : { text: '', unknownVariables: [] };
  const body = rendered.text.trim();
  const message = body
    ? await postMessage(ctx, conversationId, {
        body,
        clientId: `macro:${input.clientId}`,
        meta: { macro: { id: macro.id, shortcut: macro.shortcut, language } },
      })
    : null;

  const actions = macro.actions;
  const changes: string[] = [];
  await ctx.db.transaction(async (tx) => {
    if (actions.status || actions.priority) {
      const prev = await updateConversationFields(tx, ctx.org.id, conversationId, {
        status: actions.status,
        priority: actions.priority,
      });
      if (!prev) throw new AppError('conversation_not_found');
      if (actions.status) changes.push('status');
      if (actions.priority) changes.push('priority');
    }
    if (actions.addTags?.length || actions.removeTags?.length) {
      await updateConversationTags(tx, ctx.org.id, conversationId, {
        add: actions.addTags ?? [],
        remove: actions.removeTags ?? [],
      });
      changes.push('tags');
    }
    await recordAudit(ctx, tx, {
      action: 'macro.apply',
      targetType: 'conversation',
      targetId: conversationId,
      details: {
        macroId: macro.id,
        shortcut: macro.shortcut,
        language,
        messageId: message?.id ?? null,
        actions,
        ...(rendered.unknownVariables.length ? { unknownVariables: rendered.unknownVariables } : {}),
      },
    });
  });
  const conversation = changes.length
    ? await publishConversationUpdated(ctx, conversationId, changes)
    : await getConversation(ctx, conversationId);
  return {
    message,
    conversation: conversationFor(ctx.actor, conversation),
    unknownVariables: rendered.unknownVariables,
  };
}
