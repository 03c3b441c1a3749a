import { screenFreeText } from '../secrets/secret-guard.ts';
import { approveUnfreeze, listCases, openCase } from '../cases/cases.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { getConversation } from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import type { FactSources } from './self-service.ts';

/**
 * What the self-service routes do beyond one call: an agent asks for an account to be unfrozen (a case that takes
 * four-eyes approval, performed through the exchange connector), and a customer sees where their own cases stand.
 */

/** Opens an unfreeze request for the exchange account of the conversation's customer. */
export async function requestUnfreeze(ctx: Ctx, input: { conversationId: string; reason: string }) {
  requireAgentRole(ctx);
  const conversation = await getConversation(ctx, input.conversationId);
  if (!conversation.contact.exchangeUid)
    throw new AppError('conflict', 'The customer is not linked to an exchange account.');
  return openCase(ctx, {
    kind: 'unfreeze_request',
    priority: 'high',
    conversationId: conversation.id,
    contactId: conversation.contact.id,
    exchangeUid: conversation.contact.exchangeUid,
    title: `Unfreeze account ${conversation.contact.exchangeUid}`,
    evidence: { reason: screenFreeText(input.reason) },
  });
}

/** One approval of an unfreeze request (the roles and the four eyes are checked in cases.service.ts). */
export async function approveUnfreezeRequest(ctx: Ctx, sources: FactSources | undefined, caseId: string) {
  if (!sources) throw new AppError('conflict', 'No exchange connector is configured.');
  const connector = await sources.connectorFor(ctx.org.id);
  return approveUnfreeze(ctx, caseId, connector);
}

/** The customer's own cases. Evidence and approvals are for staff; the customer sees what a case is and where it stands. */
export async function listOwnCases(ctx: Ctx) {
  if (ctx.actor.kind !== 'customer') throw new AppError('forbidden');
  const cases = await listCases(ctx, { contactId: ctx.actor.contactId });
  return cases.map((c) => ({ ref: c.ref, kind: c.kind, status: c.status, title: c.title, updatedAt: c.updatedAt }));
}
