import type { ContactSummary } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { getConversation } from '../conversations/conversations.service.ts';
import { seesPii } from '../privacy/pii-policy.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';

/**
 * The customer of a conversation with their personal data in full, for any agent, with a stated reason (issue 15).
 * Masking keeps plain agents from reading data they do not need; when a case needs it, revealing is one click, but
 * every reveal is an audit entry (who, which contact, which conversation, why) that supervisors can review. Those who
 * see personal data anyway get the same answer without an entry: nothing was revealed to them.
 */
export async function revealContact(ctx: Ctx, conversationId: string, reason: string): Promise<ContactSummary> {
  requireAgentRole(ctx);
  const { contact } = await getConversation(ctx, conversationId);
  if (!seesPii(ctx.actor)) {
    await recordAudit(ctx, ctx.db, {
      action: 'contact.reveal',
      targetType: 'contact',
      targetId: contact.id,
      details: { conversationId, reason: screenFreeText(reason) },
    });
  }
  return contact;
}
