import type { Locale } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import type { Queryable } from '../db/db.ts';
import { ExchangeUnavailableError, type ExchangeWithdrawal } from '../exchange/exchange.types.ts';
import { describeWithdrawal, type FactSources } from './self-service.ts';
import {
  selectOpenWithdrawalWatches,
  updateWithdrawalWatchState,
  upsertWithdrawalWatch,
} from './withdrawal-watch.queries.ts';

/**
 * A withdrawal the customer asked about is watched: when its review state changes, the customer is told in the same
 * conversation, without asking again. Watches end when the withdrawal reaches a final state.
 */
const FINAL_STATES = new Set(['completed', 'rejected', 'cancelled']);

export async function watchWithdrawal(
  db: Queryable,
  orgId: string,
  w: {
    conversationId: string;
    uid: string;
    withdrawal: ExchangeWithdrawal;
    locale: Locale;
    chain?: { confirmations: number };
  },
): Promise<void> {
  if (FINAL_STATES.has(w.withdrawal.state)) return;
  await upsertWithdrawalWatch(db, orgId, {
    conversationId: w.conversationId,
    uid: w.uid,
    withdrawalId: w.withdrawal.id,
    state: w.withdrawal.state,
    confirmations: w.chain?.confirmations ?? 0,
    locale: w.locale,
  });
}

/** One pass over the open watches: pushes every state change to its conversation. Returns how many were pushed. */
export async function sweepWithdrawalWatches(
  deps: Pick<Ctx, 'db' | 'log' | 'events'> & { sources: FactSources },
): Promise<number> {
  const watches = await selectOpenWithdrawalWatches(deps.db, 500);
  let pushed = 0;
  for (const watch of watches) {
    let current: ExchangeWithdrawal | null;
    try {
      current = await (await deps.sources.connectorFor(watch.org_id)).getWithdrawal(
        watch.exchange_uid,
        watch.withdrawal_id,
      );
    } catch (error) {
      if (error instanceof ExchangeUnavailableError) continue;
      throw error;
    }
    if (!current || current.state === watch.last_state) continue;
    const ctx: Ctx = { ...deps, org: { id: watch.org_id }, actor: { kind: 'bot', name: '智能客服 · Assistant' } };
    await postMessage(ctx, watch.conversation_id, {
      body: describeWithdrawal(current, watch.locale),
      clientId: `withdrawal:${watch.withdrawal_id}:${current.state}`,
      meta: { bot: { action: 'withdrawal_update', withdrawalId: current.id, state: current.state } },
    }).catch((error: unknown) => deps.log.warn({ err: error }, 'could not push a withdrawal update'));
    await updateWithdrawalWatchState(deps.db, watch.org_id, {
      conversationId: watch.conversation_id,
      withdrawalId: watch.withdrawal_id,
      state: current.state,
      done: FINAL_STATES.has(current.state),
    });
    pushed++;
  }
  return pushed;
}
