import type { FreezeState } from '../self-service/one-time-code.ts';
import type { Handoff, HandoffReason } from '../../contracts/handoff.ts';
import type { Locale } from '../../contracts/domain.ts';
import { validateTxHashForNetwork } from '../chains/addresses.ts';
import { networkFamily } from '../chains/network-ids.ts';
import type { Entities } from '../text/entities.ts';
import {
  admitsMistake,
  asksIfBot,
  asksInGeneral,
  isBareNotResolved,
  mentionsAuthenticator,
  reportsScam,
  saysNotArrived,
  saysNotResolved,
  saysNotSettled,
  wantsHuman,
  wantsToComplain,
} from './cues.ts';
import { joinList, reply } from '../text/replies.ts';
import type { SecretKind } from '../secrets/secret-guard.ts';
import { truncateText } from '../text/width.ts';

/**
 * The bot's dialogue, as a pure function of its state and what it understood of one customer message. It answers,
 * asks only for what is missing, and hands over to a human the moment it should — never looping.
 */

export type Slots = { coin?: string; network?: string; txHash?: string; withdrawalId?: string; about?: string };

export type BotState = {
  /** False once a human has the conversation; the bot then stays silent. */
  active: boolean;
  flow: { intent: 'deposit_missing' | 'withdrawal_status' | 'deposit_recovery'; slots: Slots; asks: number } | null;
  lowConfidenceStreak: number;
  /** Intents already answered from the knowledge base: asking again means the answer did not help. */
  answered: string[];
  turns: number;
  /** The bot's last replies, shortened, for the hand-off summary. */
  said: string[];
  /** An emergency freeze in progress (it runs even after a hand-off: see self-service/emergency-freeze.ts). */
  freeze?: FreezeState;
  /** Help-centre articles the customer read before asking (from the help centre's "Still need help?"). */
  readArticles?: string[];
  /** The language of the conversation so far, for messages that have none of their own. */
  locale?: Locale;
  /** The intent the bot's last turn answered from the knowledge base, asking "did this solve it?". */
  awaitingFeedback?: string;
  /** The bot asked which account or link contacted the customer: the next one named is checked. */
  awaitingChannel?: boolean;
  /**
   * What the customer last asked about, for a follow-up with no topic of its own ("要多久", "why?"), with the details
   * the last look-up used, so "现在呢？" after a deposit answer looks the same deposit up again.
   */
  topic?: { intent: string; text: string; followUps: number; slots?: Slots };
  /**
   * When the bot took the conversation back after it was resolved (ISO): a person's reply before then belongs to the
   * earlier round and does not silence the bot.
   */
  since?: string;
  /** The bot has answered a self-service look-up while the customer waits for a person (see bot.service.ts). */
  answeredWhileQueued?: boolean;
};

export const INITIAL_BOT_STATE: BotState = {
  active: true,
  flow: null,
  lowConfidenceStreak: 0,
  answered: [],
  turns: 0,
  said: [],
};

export type Understanding = {
  text: string;
  locale: Locale;
  intent: string;
  confidence: number;
  outOfScope: boolean;
  entities: Entities;
  sentiment: { score: number; label: 'very_negative' | 'negative' | 'neutral' | 'positive' };
  /** Secrets removed from the message before it was stored. */
  redactions: SecretKind[];
  kb: { title: string; snippet: string; url: string } | null;
  orgName: string;
  /** The customer is signed in (an exchange identity token): their records can be read and actions taken. */
  verified: boolean;
  /** The organization has fact sources (exchange connector, chain endpoints): deposits can be looked up. */
  canLookUp: boolean;
  /** The message was only understood as a follow-up on `BotState.topic` (see `readsAsFollowUp`). */
  followUp?: boolean;
  /** The message names an account, link, e-mail or phone number someone could have contacted the customer through. */
  namesChannel?: boolean;
  /** …and among them a link or a Telegram account: what phishing messages carry. */
  namesLink?: boolean;
};

export type TurnResult = {
  replies: string[];
  state: BotState;
  handoff: Handoff | null;
  /** What the bot decided, stored with the customer's message for analytics and retraining. */
  action: string;
  /** A security flag without a hand-off (a 2FA code or password was pasted). */
  securityFlag: boolean;
  /** Facts to fetch before answering; the service looks them up and replies (see self-service/). */
  lookup?: {
    kind: 'deposit' | 'withdrawal' | 'official_channel' | 'platform_status' | 'recovery' | 'identity_verification';
    slots: Slots;
    /** What the customer came for, when the lookup serves an intent (e.g. deposit_missing_memo). */
    about?: string;
  };
};

export const CONFIDENCE_FLOOR = 0.35;

/** Above this the bot acts on its reading even when it has nothing to answer from but a person. */
export const CLEAR_CONFIDENCE = 0.6;

/** Intents a later "how long?" can lean on: not the ones that end or redirect the conversation. */
const NOT_A_TOPIC = new Set(['greeting', 'thanks_bye', 'human_agent', 'complaint', 'investment_advice', 'oos']);

/** Whether this intent is something the customer came about (a topic), not a way of talking ("转人工", "thanks"). */
export const isTopicIntent = (intent: string) => !NOT_A_TOPIC.has(intent);

/** Coins that live on one network only: no need to ask which. */
const SINGLE_NETWORK_COINS: Record<string, string> = {
  BTC: 'BTC',
  ETH: 'ERC20',
  TRX: 'TRC20',
  SOL: 'SOL',
  TON: 'TON',
};

/** The customer says the bot's answer did not solve their problem, without turning to a different one. */
function rejectsAnswer(previous: BotState, u: Understanding): boolean {
  if (!previous.awaitingFeedback || !saysNotResolved(u.text)) return false;
  const confidentlyElse = !u.outOfScope && u.confidence >= CLEAR_CONFIDENCE && u.intent !== previous.awaitingFeedback;
  return !confidentlyElse || u.intent === 'thanks_bye' || u.intent === 'complaint';
}

export function decideTurn(previous: BotState, u: Understanding): TurnResult {
  const state: BotState = { ...previous, turns: previous.turns + 1, said: [...previous.said] };
  delete state.awaitingFeedback;
  delete state.awaitingChannel;
  const replies: string[] = [];
  let securityFlag = false;
  const finish = (action: string, handoff: Handoff | null = null, lookup?: TurnResult['lookup']): TurnResult => {
    if (handoff) state.active = false;
    state.said = [...state.said, ...replies.map((r) => r.slice(0, 160))].slice(-6);
    return { replies, state, handoff, action, securityFlag, ...(lookup ? { lookup } : {}) };
  };
  const handOff = (
    reason: HandoffReason,
    key: Parameters<typeof reply>[0],
    extra: Partial<Handoff> = {},
    vars = {},
  ) => {
    replies.push(reply(key, u.locale, vars));
    return finish(`handoff:${reason}`, { reason, priority: 'normal', tags: [], securityFlag: false, ...extra });
  };

  // 1. A pasted secret comes first, whatever else the message says. (The warning itself is posted by the platform,
  // bot or no bot; here the bot only decides that a leaked wallet key needs the security team now.)
  if (u.redactions.length > 0) {
    const worst = mostSevere(u.redactions);
    if (worst === 'seed_phrase' || worst === 'seed_phrase_suspect' || worst === 'private_key') {
      return handOff('secret_shared', 'handoff', {
        priority: 'urgent',
        tags: ['security', 'secret-shared'],
        securityFlag: true,
      });
    }
    securityFlag = true;
  }

  // 2. The reasons to hand over at once.
  if (wantsHuman(u.text) || (u.intent === 'human_agent' && u.confidence >= CONFIDENCE_FLOOR)) {
    return handOff('customer_asked', 'handoff');
  }
  if (u.intent === 'account_compromised' && u.confidence >= CONFIDENCE_FLOOR) {
    // A human is brought in at once, and the customer can freeze the account themselves while they wait.
    replies.push(reply('handoffCompromised', u.locale));
    state.freeze = { stage: 'confirm', attempts: 0 };
    replies.push(reply('freezeOffer', u.locale));
    return finish('handoff:account_compromised', {
      reason: 'account_compromised',
      priority: 'urgent',
      tags: ['security', 'account-compromised'],
      securityFlag: true,
    });
  }
  // Already cheated (money sent or crypto released to a fraudster): people, at once. A fake "support" account also
  // gets its check below, with the same hand-off.
  if (reportsScam(u.text) && u.intent !== 'verify_official') {
    return handOff('scam_reported', 'handoffScam', {
      priority: 'high',
      tags: ['security', 'scam'],
      securityFlag: true,
    });
  }
  if (wantsToComplain(u.text) || (u.intent === 'complaint' && u.confidence >= CONFIDENCE_FLOOR)) {
    return handOff('complaint', 'handoffComplaint', { priority: 'high', tags: ['complaint'] });
  }
  if (u.sentiment.label === 'very_negative') {
    return handOff('negative_sentiment', 'handoffUpset', { priority: 'high', tags: ['upset'] });
  }
  if (rejectsAnswer(previous, u)) return handOff('answer_unhelpful', 'handoffRepeat');
  // The answer to "which account contacted you?" is checked, whatever the classifier makes of a bare handle.
  if (previous.awaitingChannel && u.namesChannel) {
    return finish('check_official', null, { kind: 'official_channel', slots: {} });
  }
  if (asksIfBot(u.text)) {
    replies.push(reply('botIdentity', u.locale, { org: u.orgName }));
    return finish('bot_identity');
  }

  // 3. A flow in progress takes the answer to its question, whatever the classifier thinks of a bare TxID.
  const continuing = state.flow && (providesSlots(u.entities) || u.intent === state.flow.intent || u.outOfScope);
  if (continuing && state.flow) return continueFlow(state, u, replies, finish, handOff);

  // A link or handle in a message the bot cannot place is most often "is this really you?": check it.
  if ((u.outOfScope || u.confidence < CLEAR_CONFIDENCE) && u.namesLink) {
    return finish('check_official', null, { kind: 'official_channel', slots: {} });
  }

  // 4. Not understood: ask once to rephrase, then hand over. ("Thanks, but it still fails" is no goodbye, and a
  // bare "还是不行" out of the blue is no question about market prices.)
  const noTopic = (u.intent === 'thanks_bye' && saysNotResolved(u.text)) || isBareNotResolved(u.text);
  if (u.outOfScope || u.confidence < CONFIDENCE_FLOOR || noTopic) {
    state.lowConfidenceStreak += 1;
    if (state.lowConfidenceStreak >= 2) return handOff('low_confidence', 'handoff');
    replies.push(reply('clarify', u.locale));
    return finish('clarify');
  }
  state.lowConfidenceStreak = 0;
  if (u.followUp && (previous.topic?.followUps ?? 0) >= 1) {
    // The same answer twice did not settle it: a person, not a third round.
    return handOff('repeated_question', 'handoffRepeat');
  }
  if (isTopicIntent(u.intent)) {
    state.topic =
      u.followUp && previous.topic
        ? { ...previous.topic, followUps: previous.topic.followUps + 1 }
        : { intent: u.intent, text: truncateText(u.text, 300), followUps: 0 };
  }

  switch (u.intent) {
    case 'greeting':
      replies.push(reply('greeting', u.locale, { org: u.orgName }));
      return finish('greet');
    case 'thanks_bye':
      replies.push(reply('thanks', u.locale));
      return finish('thank');
    case 'investment_advice':
      replies.push(reply('investmentAdvice', u.locale));
      return finish('decline_advice');
    case 'deposit_missing':
    case 'withdrawal_status':
      // "How long do deposits usually take?" is answered by the article; no TxID or sign-in needed for that.
      if (asksInGeneral(u.text, u.entities)) break;
      state.flow = { intent: u.intent, slots: u.followUp ? { ...previous.topic?.slots } : {}, asks: 0 };
      return continueFlow(state, u, replies, finish, handOff);
    case 'deposit_wrong_network':
    case 'deposit_missing_memo':
      // Naming a network is not admitting a mistake: without a word of one, this is a deposit that has not arrived,
      // or (neither missing nor wrong: "do I need a memo?") a question the article answers.
      if (!admitsMistake(u.text)) {
        if (!saysNotArrived(u.text) && u.entities.txHashes.length === 0) break;
        state.flow = { intent: 'deposit_missing', slots: {}, asks: 0 };
        return continueFlow(state, u, replies, finish, handOff);
      }
      // Recovery needs people and evidence: show the steps, collect the details, open a case the customer can follow.
      if (u.kb) replies.push(reply('recoverySteps', u.locale, u.kb));
      state.flow = { intent: 'deposit_recovery', slots: { about: u.intent }, asks: 0 };
      return continueFlow(state, u, replies, finish, handOff);
    case 'twofa_reset':
      // "收不到验证码" is an SMS or e-mail code that does not arrive: the article, not a 2FA identity case.
      if (!mentionsAuthenticator(u.text)) break;
      if (u.kb) replies.push(reply('recoverySteps', u.locale, u.kb));
      if (!u.canLookUp) return handOff('identity_verification', 'handoff');
      return finish('open_identity_verification', null, { kind: 'identity_verification', slots: {}, about: u.intent });
    case 'verify_official': {
      if (!u.namesChannel) state.awaitingChannel = true;
      const check = { kind: 'official_channel', slots: {} } as const;
      if (!reportsScam(u.text)) return finish('check_official', null, check);
      // Money or codes already handed to a fake "support" account: the check, and the security team at once.
      replies.push(reply('handoffScam', u.locale));
      const scam: Handoff = {
        reason: 'scam_reported',
        priority: 'high',
        tags: ['security', 'scam'],
        securityFlag: true,
      };
      return finish('check_official', scam, check);
    }
    case 'platform_status':
      return finish('platform_status', null, { kind: 'platform_status', slots: {} });
    case 'otc_settlement':
      // How the desk works is the article; a trade whose money is in flight is the desk's to check, at once.
      if (!saysNotSettled(u.text) || asksInGeneral(u.text, u.entities)) break;
      if (u.kb) replies.push(reply('recoverySteps', u.locale, u.kb));
      return handOff('otc_not_settled', 'handoffOtc', { priority: 'high', tags: ['otc'] });
  }

  if (state.answered.includes(u.intent)) return handOff('repeated_question', 'handoffRepeat');
  if (!u.kb) {
    // "I need help with my account": a fair guess with nothing to answer from. Ask once what is wrong.
    if (u.confidence < CLEAR_CONFIDENCE && previous.lowConfidenceStreak === 0) {
      state.lowConfidenceStreak = 1;
      replies.push(reply('clarify', u.locale));
      return finish('clarify');
    }
    return handOff('no_answer', 'handoff');
  }
  state.answered = [...state.answered, u.intent];
  state.awaitingFeedback = u.intent;
  replies.push(reply('kbAnswer', u.locale, u.kb));
  return finish('kb_answer');
}

type Finish = (action: string, handoff?: Handoff | null, lookup?: TurnResult['lookup']) => TurnResult;
type HandOff = (
  reason: HandoffReason,
  key: Parameters<typeof reply>[0],
  extra?: Partial<Handoff>,
  vars?: Record<string, string>,
) => TurnResult;

function continueFlow(
  state: BotState,
  u: Understanding,
  replies: string[],
  finish: Finish,
  handOff: HandOff,
): TurnResult {
  const flow = state.flow!;
  const slots: Slots = { ...flow.slots };
  const e = u.entities;
  slots.coin ??= e.coins[0];
  slots.network ??= e.networks[0];
  if (!slots.network && slots.coin && SINGLE_NETWORK_COINS[slots.coin])
    slots.network = SINGLE_NETWORK_COINS[slots.coin];
  if (e.txHashes[0]) slots.txHash = e.txHashes[0].value;
  if (flow.intent === 'withdrawal_status' && e.orderIds[0]) slots.withdrawalId ??= e.orderIds[0];
  state.flow = { ...flow, slots };
  // Re-asking counts only when the answer brought nothing new: "USDT", then "ERC20", then the hash is progress.
  const gained = (['coin', 'network', 'txHash', 'withdrawalId'] as const).some((k) => !flow.slots[k] && slots[k]);
  const askedEnough = flow.asks >= 2 && !gained;

  for (const invalid of e.invalidAddresses.slice(0, 1))
    replies.push(reply('invalidAddress', u.locale, { value: invalid.value }));

  if (flow.intent === 'deposit_recovery') {
    const missing = (['coin', 'txHash'] as const).filter((slot) => !slots[slot]);
    if (missing.length === 0 || askedEnough) {
      state.flow = null;
      if (!u.canLookUp) {
        return handOff(
          'deposit_recovery',
          'handoffIncomplete',
          { tags: ['recovery'] },
          { summary: describeSlots(slots) || '—' },
        );
      }
      return finish('open_recovery', null, { kind: 'recovery', slots, about: slots.about });
    }
    const names = { coin: 'slotCoin', txHash: 'slotTxHash' } as const;
    replies.push(
      reply('askRecovery', u.locale, {
        missing: joinList(
          missing.map((slot) => reply(names[slot], u.locale)),
          u.locale,
        ),
      }),
    );
    state.flow = { ...state.flow, asks: flow.asks + 1 };
    return finish('ask_slots');
  }

  if (flow.intent === 'deposit_missing') {
    if (slots.txHash && slots.network && networkFamily(slots.network)) {
      const check = validateTxHashForNetwork(slots.txHash, slots.network);
      if (!check.ok) {
        replies.push(reply('invalidTxHash', u.locale, { network: slots.network }));
        state.flow = { ...state.flow, slots: { ...slots, txHash: undefined }, asks: flow.asks + 1 };
        if (state.flow.asks > 2)
          return handOff('details_incomplete', 'handoffIncomplete', {}, { summary: describeSlots(slots) });
        return finish('reject_tx_hash');
      }
      slots.txHash = check.normalized;
    }
    const missing = (['coin', 'network', 'txHash'] as const).filter((slot) => !slots[slot]);
    if (missing.length === 0) {
      if (u.canLookUp) {
        state.flow = null;
        rememberLookup(state, 'deposit_missing', slots);
        return finish('lookup_deposit', null, { kind: 'deposit', slots });
      }
      return handOff(
        'deposit_details_collected',
        'handoffDeposit',
        { tags: ['deposit'] },
        { summary: describeSlots(slots) },
      );
    }
    if (askedEnough) {
      return handOff(
        'details_incomplete',
        'handoffIncomplete',
        { tags: ['deposit'] },
        { summary: describeSlots(slots) || '—' },
      );
    }
    const names = { coin: 'slotCoin', network: 'slotNetwork', txHash: 'slotTxHash' } as const;
    replies.push(
      reply(flow.asks === 0 ? 'askDeposit' : 'askDepositAgain', u.locale, {
        missing: joinList(
          missing.map((slot) => reply(names[slot], u.locale)),
          u.locale,
        ),
      }),
    );
    state.flow = { ...state.flow, asks: flow.asks + 1 };
    return finish('ask_slots');
  }

  // withdrawal_status: a signed-in customer's withdrawals can be read directly (the latest, or the one they name).
  if (u.canLookUp && u.verified) {
    state.flow = null;
    rememberLookup(state, 'withdrawal_status', slots);
    return finish('lookup_withdrawal', null, { kind: 'withdrawal', slots });
  }
  if (u.canLookUp && !u.verified) {
    state.flow = null;
    replies.push(reply('withdrawalNeedsSignIn', u.locale));
    return finish('ask_sign_in');
  }
  if (slots.withdrawalId || slots.txHash) {
    return handOff(
      'withdrawal_details_collected',
      'handoffDeposit',
      { tags: ['withdrawal'] },
      { summary: describeSlots(slots) },
    );
  }
  if (askedEnough) {
    return handOff(
      'details_incomplete',
      'handoffIncomplete',
      { tags: ['withdrawal'] },
      { summary: describeSlots(slots) || '—' },
    );
  }
  replies.push(reply('askWithdrawal', u.locale));
  state.flow = { ...state.flow, asks: flow.asks + 1 };
  return finish('ask_slots');
}

/** The details a look-up used, kept with the topic it answered, for the follow-up that asks again. */
function rememberLookup(state: BotState, intent: string, slots: Slots): void {
  if (state.topic?.intent === intent) state.topic = { ...state.topic, slots };
}

function providesSlots(e: Entities): boolean {
  return e.coins.length > 0 || e.networks.length > 0 || e.txHashes.length > 0 || e.orderIds.length > 0;
}

export function describeSlots(slots: Slots): string {
  const parts: string[] = [];
  if (slots.coin) parts.push(slots.coin);
  if (slots.network) parts.push(slots.network);
  if (slots.withdrawalId) parts.push(`#${slots.withdrawalId}`);
  if (slots.txHash) parts.push(`TxID ${shorten(slots.txHash)}`);
  return parts.join(' · ');
}

export function shorten(value: string): string {
  return value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-6)}` : value;
}

const SEVERITY: SecretKind[] = ['seed_phrase', 'private_key', 'seed_phrase_suspect', 'password', 'otp_code'];

function mostSevere(kinds: SecretKind[]): SecretKind {
  return SEVERITY.find((kind) => kinds.includes(kind)) ?? kinds[0];
}
