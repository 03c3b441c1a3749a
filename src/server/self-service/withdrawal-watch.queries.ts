import type { Locale } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only for the withdrawal watches. Every function takes the organization id, except the sweep's listing. */

export type WatchRow = {
  org_id: string;
  conversation_id: string;
  exchange_uid: string;
  withdrawal_id: string;
  last_state: string;
  locale: Locale;
};

export async function upsertWithdrawalWatch(
  db: Queryable,
  orgId: string,
  w: {
    conversationId: string;
    uid: string;
    withdrawalId: string;
    state: string;
    confirmations: number;
    locale: Locale;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO withdrawal_watches (org_id, conversation_id, exchange_uid, withdrawal_id, last_state, last_confirmations, locale)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (conversation_id, withdrawal_id) DO UPDATE
       SET last_state = EXCLUDED.last_state, last_confirmations = EXCLUDED.last_confirmations, done_at = NULL`,
    [orgId, w.conversationId, w.uid, w.withdrawalId, w.state, w.confirmations, w.locale],
  );
}

/**
 * The open watches of every organization, oldest first: the one cross-organization read here, because the sweep is a
 * background worker serving all of them (each row carries its org_id, and everything the sweep then does for a watch
 * runs in that organization).
 */
export async function selectOpenWithdrawalWatches(db: Queryable, limit: number): Promise<WatchRow[]> {
  return db.query<WatchRow>(
    `SELECT org_id, conversation_id, exchange_uid, withdrawal_id, last_state, locale
       FROM withdrawal_watches WHERE done_at IS NULL ORDER BY created_at LIMIT $1`,
    [limit],
  );
}

/** The state the customer was last told about; a final state ends the watch. */
export async function updateWithdrawalWatchState(
  db: Queryable,
  orgId: string,
  w: { conversationId: string; withdrawalId: string; state: string; done: boolean },
): Promise<void> {
  await db.query(
    `UPDATE withdrawal_watches SET last_state = $4, done_at = CASE WHEN $5::boolean THEN now() ELSE NULL END
      WHERE org_id = $1 AND conversation_id = $2 AND withdrawal_id = $3`,
    [orgId, w.conversationId, w.withdrawalId, w.state, w.done],
  );
}
