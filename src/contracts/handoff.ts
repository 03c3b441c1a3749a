import type { Priority } from './domain.ts';

/**
 * Why the bot handed a conversation to a person: stored with the conversation (handoff_reason), labelled in the
 * console, and decided by the bot and the self-service flows.
 */
export type HandoffReason =
  | 'customer_asked'
  | 'account_compromised'
  | 'secret_shared'
  | 'complaint'
  | 'negative_sentiment'
  | 'low_confidence'
  | 'repeated_question'
  | 'answer_unhelpful'
  | 'scam_reported'
  | 'no_answer'
  | 'deposit_details_collected'
  | 'withdrawal_details_collected'
  | 'details_incomplete'
  | 'deposit_recovery'
  | 'deposit_not_credited'
  | 'deposit_not_user_address'
  | 'deposit_below_minimum'
  | 'lookup_unavailable'
  | 'identity_verification'
  | 'otc_not_settled';

/** A hand-off: why, at what priority (never lowered), with which tags, and whether security must look. */
export type Handoff = { reason: HandoffReason; priority: Priority; tags: string[]; securityFlag: boolean };
