import type { Entities } from '../text/entities.ts';
import type { Slots } from './dialogue.ts';

/** An exchange reference the way exchanges write one: a letter prefix and digits (W-5571340, D-7700431). */
const PREFIXED_REFERENCE = /^[A-Z]{1,3}-\d{5,20}$/;
/** Exchange UIDs are 6 to 12 digits; a longer run after "uid" is a phone number or a typo, not an account. */
const UID_SHAPE = /^\d{6,12}$/;

/**
 * What of the extracted entities an agent is shown: only what the bot validated. Hashes and addresses passed their
 * chain's checks; an amount counts only with its coin; an order id only as a prefixed exchange reference or the one a
 * look-up used; a UID only of the right shape. A bare long number ("1796528309535") is left out: listed as a fact,
 * it would send the agent looking for an order that does not exist.
 */
export function entitiesForAgents(entities: Entities, slots: Slots = {}): Entities {
  const used = new Set([slots.withdrawalId].filter(Boolean));
  return {
    ...entities,
    amounts: entities.amounts.filter((a) => a.coin !== undefined && a.coin !== ''),
    orderIds: entities.orderIds.filter((id) => PREFIXED_REFERENCE.test(id) || used.has(id)),
    uids: entities.uids.filter((uid) => UID_SHAPE.test(uid)),
  };
}
