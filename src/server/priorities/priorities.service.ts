import type { Logger } from 'pino';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { publishConversationUpdated } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEvent } from '../events/domain-events.ts';
import { loadSlaPolicy } from '../sla/sla.service.ts';
import { raisePriorityByRule } from '../conversations/conversation-writes.ts';
import { decidePriority, mentionsUnauthorisedWithdrawal, type PriorityFacts } from './priority-rules.ts';

export type PriorityDeps = { db: Db; log: Logger; events: EventBus };

const FUNDS_AT_RISK = new Set(['account_compromised', 'unauthorised_withdrawal', 'large_missing_deposit']);

/** Applies the rules' decision: raises, never lowers; audited as the system with the reasons. */
export async function applyPriorityRules(
  deps: PriorityDeps,
  orgId: string,
  conversationId: string,
  facts: PriorityFacts,
): Promise<void> {
  const policy = await loadSlaPolicy(deps.db, orgId, deps.log);
  const decision = decidePriority(facts, policy.priorityRules);
  if (decision.reasons.length === 0) return;
  const ctx: Ctx = { db: deps.db, log: deps.log, events: deps.events, org: { id: orgId }, actor: { kind: 'system' } };
  const fundsAtRisk = decision.reasons.some((r) => FUNDS_AT_RISK.has(r));
  const changed = await deps.db.transaction(async (tx) => {
    const prev = await raisePriorityByRule(tx, orgId, conversationId, { ...decision, fundsAtRisk });
    if (!prev) return false;
    await recordAudit(ctx, tx, {
      action: 'conversation.priority_rule',
      targetType: 'conversation',
      targetId: conversationId,
      details: { priority: { from: prev.prev_priority, to: decision.priority }, reasons: decision.reasons },
    });
    return true;
  });
  if (changed) await publishConversationUpdated(ctx, conversationId, ['priority']);
}

/** On arrival (the customer's VIP level) and on each message the bot understood (intent, sentiment, amounts). */
export function startPriorityRules(deps: PriorityDeps): () => void {
  const run = (conversationId: string, work: () => Promise<void>) =>
    work().catch((error: unknown) => deps.log.error({ err: error, conversationId }, 'priority rules failed'));
  return deps.events.subscribe((event: DomainEvent) => {
    if (event.type === 'conversation.created') {
      const { orgId, conversation } = event;
      run(conversation.id, () =>
        applyPriorityRules(deps, orgId, conversation.id, { vipLevel: conversation.contact.vipLevel }),
      );
    } else if (event.type === 'message.understood') {
      run(event.conversationId, () =>
        applyPriorityRules(deps, event.orgId, event.conversationId, {
          vipLevel: event.vipLevel,
          intent: event.intent,
          confidence: event.confidence,
          sentimentLabel: event.sentiment.label,
          amounts: event.entities.amounts,
          unauthorisedWithdrawal: mentionsUnauthorisedWithdrawal(event.body),
        }),
      );
    }
  });
}
