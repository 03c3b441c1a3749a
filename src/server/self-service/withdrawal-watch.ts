import type { Locale } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import type { Queryable } from '../db/db.ts';
import { ExchangeUnavailableError, type ExchangeWithdrawal } from '../exchange/exchange.types.ts';
import { describeWithdrawal, type FactSources } from './self-service.ts';

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
  await db.query(
    `INSERT INTO withdrawal_watches (org_id, conversation_id, exchange_uid, withdrawal_id, last_state, last_confirmations, locale)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (conversation_id, withdrawal_id) DO UPDATE
       SET last_state = EXCLUDED.last_state, last_confirmations = EXCLUDED.last_confirmations, done_at = NULL`,
    [orgId, w.conversationId, w.uid, w.withdrawal.id, w.withdrawal.state, w.chain?.confirmations ?? 0, w.locale],
  );
}

type WatchRow = {
  org_id: string;
  conversation_id: string;
  exchange_uid: string;
  withdrawal_id: string;
  last_state: string;
  locale: Locale;
};

/** One pass over the open watches: pushes every state change to its conversation. Returns how many were pushed. */
export async function sweepWithdrawalWatches(
  deps: Pick<Ctx, 'db' | 'log' | 'events'> & { sources: FactSources },
): Promise<number> {
  const watches = await deps.db.query<WatchRow>(
    `SELECT org_id, conversation_id, exchange_uid, withdrawal_id, last_state, locale
       FROM withdrawal_watches WHERE done_at IS NULL ORDER BY created_at LIMIT 500`,
  );
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
    await deps.db.query(
      `UPDATE withdrawal_watches SET last_state = $3, done_at = CASE WHEN $4::boolean THEN now() ELSE NULL END
        WHERE conversation_id = $1 AND withdrawal_id = $2`,
      [watch.conversation_id, watch.withdrawal_id, current.state, FINAL_STATES.has(current.state)],
    );
    pushed++;
  }
  return pushed;
}
