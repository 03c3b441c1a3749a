import type { Priority } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { selectPrioritySource } from './priorities.queries.ts';
import { markPrioritySetByAgent } from '../conversations/conversation-writes.ts';

/**
 * An agent or supervisor sets the priority by hand (inside the update's transaction). From then on the rules never
 * lower it. Changing a priority the rules or an SLA escalation chose is an override and needs a reason, which goes to
 * the audit log with the change; changing a default or another agent's choice does not.
 */
export async function setManualPriority(
  ctx: Ctx,
  tx: Queryable,
  conversationId: string,
  priority: Priority,
  reason: string | undefined,
): Promise<void> {
  const current = await selectPrioritySource(tx, ctx.org.id, conversationId);
  if (!current) return;
  const overridesAutomation = current.priority_source === 'rule' || current.priority_source === 'escalation';
  if (overridesAutomation && current.priority !== priority && !reason) throw new AppError('priority_reason_required');
  await markPrioritySetByAgent(tx, ctx.org.id, conversationId, reason ?? null);
}
