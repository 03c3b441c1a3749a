import type { ContactSummary } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { getConversation } from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { seesPii } from '../privacy/pii-policy.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';

/**
 * The agent's reveal budget: 0 when this reveal is within it, else the seconds until it refills (the route passes
 * rate-limit.service's contactRevealWait, counted across nodes).
 */
export type RevealBudget = (agentId: string) => Promise<number>;

/**
 * The customer of a conversation with their personal data in full, for any agent, with a stated reason (issue 15).
 * Masking keeps plain agents from reading data they do not need; when a case needs it, revealing is one click, but
 * every reveal is an audit entry (who, which contact, which conversation, why) that supervisors can review. Those who
 * see personal data anyway get the same answer without an entry: nothing was revealed to them, and nothing is
 * counted. A plain agent past the budget (30 an hour by default) is refused with `reveal_limit_reached`, and the
 * refusal is an audit entry too: a session harvesting customers' details is what supervisors most need to see.
 */
export async function revealContact(
  ctx: Ctx,
  conversationId: string,
  reason: string,
  budget: RevealBudget,
): Promise<ContactSummary> {
  const agent = requireAgentRole(ctx);
  const { contact } = await getConversation(ctx, conversationId);
  if (seesPii(ctx.actor)) return contact;
  const details = { conversationId, reason: screenFreeText(reason) };
  const retryAfterSeconds = await budget(agent.id);
  if (retryAfterSeconds > 0) {
    await recordAudit(ctx, ctx.db, {
      action: 'contact.reveal_refused',
      targetType: 'contact',
      targetId: contact.id,
      details: { ...details, retryAfterSeconds },
    });
    throw new AppError('reveal_limit_reached', undefined, { retryAfterSeconds });
  }
  await recordAudit(ctx, ctx.db, { action: 'contact.reveal', targetType: 'contact', targetId: contact.id, details });
  return contact;
}
