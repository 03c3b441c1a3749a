/**
 * Built-in intent ids. This list is a contract shared with the training data (`data/intents/<id>.txt`),
 * the tests and analytics: rename nothing without migrating all of them.
 */
export const BUILTIN_INTENTS = [
  'deposit_missing',
  'deposit_wrong_network',
  'deposit_missing_memo',
  'withdrawal_status',
  'withdrawal_fee_limits',
  'trade_failed',
  'futures_liquidation',
  'p2p_dispute',
  'otc_settlement',
  'account_locked',
  'password_reset',
  'twofa_reset',
  'account_compromised',
  'account_freeze_unfreeze',
  'kyc_verification',
  'getting_started',
  'fees_trading',
  'api_keys',
  'verify_official',
  'complaint',
  'human_agent',
  'platform_status',
  'greeting',
  'thanks_bye',
  'investment_advice',
  'oos',
] as const;

export type IntentId = (typeof BUILTIN_INTENTS)[number];

/** Label used for "none of the above": the bot must not answer these itself. */
export const OOS_INTENT = 'oos';

export function isBuiltinIntent(value: string): value is IntentId {
  return (BUILTIN_INTENTS as readonly string[]).includes(value);
}
