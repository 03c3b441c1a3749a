import type { HandoffNote, Locale, Message } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { postMessage, publishConversationUpdated } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEventOf } from '../events/domain-events.ts';
import { answerFromKnowledgeBase, type GroundedAnswer } from '../ai/ai.service.ts';
import type { LlmClient } from '../ai/llm-client.ts';
import type { KbIndex } from '../kb/search.ts';
import { type BotConversationRow, selectAgentRepliedSince, selectBotConversation } from './bot.queries.ts';
import {
  markHandedOff,
  returnConversationToBot,
  updateBotState,
  mergeMessageMeta,
  recordBotTurn,
} from '../conversations/conversation-writes.ts';
import {
  type BotState,
  decideTurn,
  describeSlots,
  INITIAL_BOT_STATE,
  isTopicIntent,
  shorten,
  type TurnResult,
  type Understanding,
} from './dialogue.ts';
import type { Handoff } from '../../contracts/handoff.ts';
import type { NetworkId } from '../chains/network-ids.ts';
import { entitiesForAgents } from './handoff-entities.ts';
import { getBuiltinIntentModel } from './model-store.ts';
import { chooseReplyLocale } from '../text/language.ts';
import { reply } from '../text/replies.ts';
import { type SecretKind, secretWarning } from '../secrets/secret-guard.ts';
import { understandMessage } from './understand.ts';
import { openCase } from '../cases/cases.service.ts';
import type { Mailer } from '../mail/mailer.ts';
import { asksForFreeze, continueFreeze } from '../self-service/emergency-freeze.ts';
import {
  checkDeposit,
  describeDepositFinding,
  describePlatformStatus,
  describeWithdrawal,
  type FactSources,
  findWithdrawal,
  followUpForDeposit,
  isUnavailable,
  networkNotice,
  type Unavailable,
} from '../self-service/self-service.ts';
import { watchWithdrawal } from '../self-service/withdrawal-watch.ts';
import { checkChannels, claimsToBeStaff, extractChannelCandidates } from '../trust/official-channels.ts';

export type BotDeps = {
  db: Db;
  log: Ctx['log'];
  events: EventBus;
  /** The organization's knowledge-base search index (built from its published articles). */
  kb: (orgId: string) => Promise<KbIndex>;
  /** Where the facts come from; without it the bot collects details and hands over instead of looking them up. */
  sources?: FactSources;
  mailer: Mailer;
  /** A language model for grounded answers from the knowledge base; absent unless configured. */
  llm?: LlmClient;
};

const DEFAULT_BOT_NAME = '智能客服 · Assistant';

/**
 * One customer message, as the platform answers it: a pasted secret is always warned about and flagged, and an
 * emergency freeze always works (bot on or off); then, while no human has the conversation, the bot understands the
 * message, takes its turn, and looks up the facts it needs.
 */
export async function answerCustomerMessage(deps: BotDeps, event: DomainEventOf<'message.created'>): Promise<void> {
  const { db } = deps;
  const message = event.message;
  const found = await selectBotConversation(db, event.orgId, event.conversationId);
  if (!found) return;
  let conversation = found;
  const locale = chooseReplyLocale(message.body, conversation.bot_state.locale ?? conversation.contact_locale);
  const ctx: Ctx = {
    db,
    log: deps.log,
    events: deps.events,
    org: { id: event.orgId },
    actor: { kind: 'bot', name: DEFAULT_BOT_NAME },
  };
  const say = (body: string, key: string, meta: Record<string, unknown> = {}) =>
    postMessage(ctx, conversation.id, {
      body,
      clientId: `${key}:${message.id}`,
      meta: { bot: { inReplyTo: message.id, ...meta } },
    });
  const redactions = (message.meta.redactions as SecretKind[] | undefined) ?? [];
  if (redactions.length > 0) await warnAboutSecret(ctx, conversation, message, redactions, locale);

  let previous: BotState = { ...INITIAL_BOT_STATE, ...conversation.bot_state };
  if (event.reopened && conversation.bot_enabled) {
    // A customer writing again after a resolution has a new question: the bot takes it first, as in a new chat.
    previous = { ...INITIAL_BOT_STATE, locale: previous.locale, since: message.createdAt };
    await returnConversationToBot(db, event.orgId, conversation.id, previous);
    conversation = { ...conversation, assignee_id: null, handoff_at: null };
    await publishConversationUpdated(ctx, conversation.id, ['assignee', 'bot']);
  }
  const asksToFreeze = asksForFreeze(message.body);
  const botInCharge =
    conversation.bot_enabled &&
    !conversation.assignee_id &&
    !conversation.handoff_at &&
    previous.active &&
    !(await personHasAnswered(db, event.orgId, conversation, previous.since ? new Date(previous.since) : null));
  let understanding: Understanding | undefined;
  const understandOnce = async () => {
    understanding ??= await understand(deps, event.orgId, message, locale, redactions, conversation);
    return understanding;
  };
  // "My account was hacked, freeze it!" while the bot is in charge: its compromise turn offers the freeze and brings a
  // human in at once, where the freeze flow alone would only offer the freeze. Any other turn the bot would take (a
  // pasted key, "agent!") leaves the offer to the freeze flow below.
  const compromiseTurn =
    !previous.freeze &&
    botInCharge &&
    asksToFreeze &&
    decideTurn(previous, await understandOnce()).action === 'handoff:account_compromised';
  if (deps.sources && !compromiseTurn && (previous.freeze || asksToFreeze)) {
    const freezeTurn = await continueFreeze(
      { ...ctx, actor: { kind: 'customer', contactId: conversation.contact_id, name: conversation.contact_name } },
      { sources: deps.sources, mailer: deps.mailer },
      {
        conversationId: conversation.id,
        contactId: conversation.contact_id,
        uid: conversation.contact_exchange_uid,
        locale,
        text: message.body,
        codeDigest: message.meta.oneTimeCodeDigest as string | undefined,
        state: previous.freeze ?? { stage: 'confirm', attempts: 0 },
      },
    );
    const started = !previous.freeze && freezeTurn.replies.length === 0;
    const next = {
      ...previous,
      locale,
      freeze: started ? { stage: 'confirm' as const, attempts: 0 } : freezeTurn.freeze,
    };
    await updateBotState(db, event.orgId, conversation.id, next);
    for (const [i, text] of (started ? [reply('freezeOffer', locale)] : freezeTurn.replies).entries()) {
      await say(text, `freeze${i}`, { action: 'emergency_freeze' });
    }
    if (freezeTurn.frozen) {
      await markHandedOff(db, event.orgId, conversation.id, {
        reason: 'account_compromised',
        priority: 'urgent',
        tags: ['security', 'account-frozen'],
        securityFlag: true,
      });
      await publishConversationUpdated(ctx, conversation.id, ['handoff', 'priority', 'tags']);
    }
    if (started || freezeTurn.replies.length > 0) return;
  }

  if (!botInCharge) {
    // Handed over but nobody has answered yet: at a crash that wait is long, and the self-service look-ups (a
    // deposit's confirmations, a withdrawal's review, an official channel) need no person, so the bot still does them.
    const waitingForPerson =
      conversation.bot_enabled &&
      conversation.handoff_at !== null &&
      !(await personHasAnswered(db, event.orgId, conversation, new Date(conversation.handoff_at)));
    if (waitingForPerson) await lookUpWhileQueued(deps, ctx, conversation, message, previous, await understandOnce());
    return;
  }

  if (refusedFileOnly(message)) {
    // The channel has already told the customer this file could not be taken and what can be sent
    // (telegram.service.ts): "I have your file" would contradict it, and there are no words to classify.
    return;
  }
  if (onlyFiles(message)) {
    // A screenshot or a file with no words gives the classifier nothing to place: the bot asks what it is about (and
    // repeats the warning about secrets in pictures) instead of "I did not get that", and it is no misunderstanding.
    await mergeMessageMeta(db, event.orgId, message.id, { bot: { language: locale, action: 'file_received' } });
    await say(reply('fileReceived', locale), 'bot0', { action: 'file_received' });
    return;
  }

  const understood = await understandOnce();
  deps.events.publish({
    type: 'message.understood',
    orgId: event.orgId,
    conversationId: conversation.id,
    messageId: message.id,
    intent: understood.intent,
    confidence: understood.confidence,
    sentiment: { label: understood.sentiment.label, score: understood.sentiment.score },
    entities: understood.entities,
    body: message.body,
    vipLevel: conversation.contact_vip_level,
  });
  const readArticle = typeof message.meta.readArticle === 'string' ? message.meta.readArticle : undefined;
  if (readArticle)
    previous = { ...previous, readArticles: [...new Set([...(previous.readArticles ?? []), readArticle])] };
  let turn = decideTurn(previous, understood);
  // The article the customer came from did not help them: sending it again would not either; a person takes over.
  if (
    turn.action === 'kb_answer' &&
    understood.kb &&
    previous.readArticles?.includes(slugOfArticleUrl(understood.kb.url))
  ) {
    turn = {
      ...turn,
      action: 'handoff:answer_unhelpful',
      replies: [reply('handoffAlreadyRead', locale, { title: understood.kb.title })],
      handoff: { reason: 'answer_unhelpful', priority: 'normal', tags: ['read-article'], securityFlag: false },
      state: { ...turn.state, active: false },
    };
  }
  let ai: GroundedAnswer | undefined;
  if (deps.llm && mayAskModel(turn.action, understood, redactions)) {
    ai = await answerFromKnowledgeBase(
      deps.llm,
      await deps.kb(event.orgId),
      { text: message.body, locale, orgName: conversation.org_name },
      (reason) => deps.log.info({ conversationId: conversation.id, reason }, 'grounded answer refused'),
    );
    if (ai) {
      const sources = ai.sources.map((s) => `${s.title} ${s.url}`).join('\n');
      turn = {
        ...turn,
        action: 'ai_answer',
        replies: [reply('aiAnswer', locale, { answer: ai.text, sources })],
        handoff: null,
        lookup: undefined,
        state: { ...turn.state, active: true, lowConfidenceStreak: 0 },
      };
    }
  }
  await recordBotTurn(db, event.orgId, {
    conversationId: conversation.id,
    messageId: message.id,
    meta: {
      bot: {
        intent: understood.intent,
        confidence: round(understood.confidence),
        outOfScope: understood.outOfScope,
        language: locale,
        sentiment: understood.sentiment.label,
        sentimentScore: round(understood.sentiment.score),
        action: turn.action,
      },
    },
    state: { ...turn.state, locale },
  });
  for (const [index, text] of turn.replies.entries()) {
    // An AI answer is stored with its model and sources, for review.
    const aiMeta = ai ? { ai: { model: ai.model, sources: ai.sources } } : {};
    await say(text, `bot${index}`, { action: turn.action, ...aiMeta });
  }

  // Impersonators: a contact that claims to be our staff but is not in the official registry gets a warning.
  const candidates = extractChannelCandidates(message.body);
  if (turn.lookup?.kind !== 'official_channel' && candidates.length > 0 && claimsToBeStaff(message.body)) {
    const verdicts = await checkChannels(db, event.orgId, candidates);
    for (const v of verdicts.filter((x) => !x.official).slice(0, 2)) {
      await say(reply('officialNo', locale, { value: v.raw, org: conversation.org_name }), `impostor:${v.value}`, {
        action: 'impersonation_warning',
      });
    }
  }

  let handoff = turn.handoff;
  if (turn.lookup) {
    const result = await runLookup(deps, ctx, conversation, understood, turn.lookup, locale);
    for (const [index, text] of result.replies.entries())
      await say(text, `lookup${index}`, { action: `lookup:${turn.lookup.kind}` });
    handoff = handoff ?? result.handoff;
  }
  if (handoff) await handOff(ctx, conversation, turn, understood, handoff);
}

/** '/help/zh-CN/deposit-not-credited?org=x' → 'deposit-not-credited'. */
function slugOfArticleUrl(url: string): string {
  return url.split('?')[0]?.split('/').pop() ?? '';
}

/**
 * A model may answer only where the bot would otherwise ask the customer to rephrase or hand over for want of an
 * answer: never for a pasted secret, a compromised account, a complaint, an explicit request for a person, investment
 * advice, or an angry customer (they get a person).
 */
function mayAskModel(action: string, understood: Understanding, redactions: SecretKind[]): boolean {
  if (redactions.length > 0 || understood.sentiment.label === 'very_negative') return false;
  if (
    ['investment_advice', 'account_compromised', 'complaint', 'human_agent'].includes(understood.intent) &&
    !understood.outOfScope
  )
    return false;
  return action === 'clarify' || action === 'handoff:low_confidence' || action === 'handoff:no_answer';
}

/** Whether a person has publicly answered the customer since a moment (null: ever). */
async function personHasAnswered(
  db: Db,
  orgId: string,
  conversation: BotConversationRow,
  since: Date | null,
): Promise<boolean> {
  if (!conversation.first_reply_at) return false;
  if (!since || new Date(conversation.first_reply_at) >= since) return true;
  return selectAgentRepliedSince(db, orgId, conversation.id, since);
}

/** The look-ups a customer waiting in the queue still gets from the bot, and the flows that collect their details. */
const QUEUED_LOOKUPS = new Set(['deposit', 'withdrawal', 'official_channel', 'platform_status']);
const QUEUED_FLOWS = new Set(['deposit_missing', 'withdrawal_status']);

/**
 * A turn for a customer who waits for a person: only self-service look-ups (and the questions that collect their
 * details) are answered; anything else is left to the person. What the bot finds goes to the agent as a note, and a
 * finding that needs people raises the priority without restarting the SLA clocks of the hand-off already made.
 */
async function lookUpWhileQueued(
  deps: BotDeps,
  ctx: Ctx,
  conversation: BotConversationRow,
  message: Message,
  previous: BotState,
  understood: Understanding,
): Promise<void> {
  // "还要等多久？" right after the hand-off asks about the wait for a person; after a look-up made in the queue
  // ("要多久" after the withdrawal answer, the TxID the bot asked for) it is about that look-up.
  if (understood.followUp && !previous.answeredWhileQueued) return;
  const turn = decideTurn({ ...previous, active: true }, understood);
  // A break-in reported while waiting: the customer can freeze the account at once, and the priority goes up.
  const compromised = turn.action === 'handoff:account_compromised';
  const selfService = turn.lookup
    ? QUEUED_LOOKUPS.has(turn.lookup.kind)
    : !turn.handoff && turn.state.flow !== null && QUEUED_FLOWS.has(turn.state.flow.intent);
  if (!selfService && !compromised) return;
  const locale = understood.locale;
  const say = (body: string, key: string, action: string) =>
    postMessage(ctx, conversation.id, {
      body,
      clientId: `${key}:${message.id}`,
      meta: { bot: { inReplyTo: message.id, action, whileQueued: true } },
    });
  await recordBotTurn(ctx.db, ctx.org.id, {
    conversationId: conversation.id,
    messageId: message.id,
    meta: {
      bot: {
        intent: understood.intent,
        confidence: round(understood.confidence),
        action: turn.action,
        whileQueued: true,
      },
    },
    state: { ...turn.state, active: false, locale, answeredWhileQueued: true },
  });
  const replies = [...turn.replies];
  let handoff = turn.lookup ? null : turn.handoff;
  if (turn.lookup) {
    const result = await runLookup(deps, ctx, conversation, understood, turn.lookup, locale);
    replies.push(...result.replies);
    handoff = result.handoff;
  }
  if (replies.length === 0) return;
  if (!compromised && !previous.answeredWhileQueued) replies[0] = `${reply('whileWaiting', locale)}\n${replies[0]}`;
  for (const [index, text] of replies.entries()) await say(text, `queued${index}`, turn.action);
  if (handoff) await handOff(ctx, conversation, turn, understood, handoff, { alreadyHandedOff: message.id });
}

/** Fetches the facts a turn asked for and words the answer; any source that fails means a hand-off, never a guess. */
async function runLookup(
  deps: BotDeps,
  ctx: Ctx,
  conversation: BotConversationRow,
  u: Understanding,
  lookup: NonNullable<TurnResult['lookup']>,
  locale: Locale,
): Promise<{ replies: string[]; handoff: Handoff | null }> {
  const orgId = ctx.org.id;
  const uid = conversation.contact_exchange_uid;
  // Operators need to know why a source failed; the customer only that a human takes over.
  const unavailable = ({ unavailable: what, detail }: Unavailable) => {
    ctx.log.warn({ orgId, source: what, detail, lookup: lookup.kind }, 'fact source unavailable: handing off');
    return {
      replies: [
        reply('lookupUnavailable', locale, { what: reply(what === 'chain' ? 'whatChain' : 'whatExchange', locale) }),
      ],
      handoff: {
        reason: 'lookup_unavailable',
        priority: 'normal',
        tags: ['lookup-failed'],
        securityFlag: false,
      } satisfies Handoff,
    };
  };

  switch (lookup.kind) {
    case 'platform_status':
      return { replies: [await describePlatformStatus(deps.db, orgId, locale)], handoff: null };
    case 'official_channel': {
      const candidates = extractChannelCandidates(u.text);
      if (candidates.length === 0) return { replies: [reply('officialAsk', locale)], handoff: null };
      const verdicts = await checkChannels(deps.db, orgId, candidates);
      const replies = verdicts.map((v) =>
        v.official
          ? reply('officialYes', locale, { value: v.raw, org: conversation.org_name, label: v.label ?? '' })
          : reply('officialNo', locale, { value: v.raw, org: conversation.org_name }),
      );
      // An email address is checked: the one sign a mail is ours is the customer's own anti-phishing code in it.
      if (candidates.some((c) => c.kind === 'email')) replies.push(reply('officialEmailCode', locale));
      return { replies, handoff: null };
    }
    case 'deposit': {
      const { coin, network, txHash } = lookup.slots;
      if (!deps.sources || !coin || !network || !txHash) return { replies: [], handoff: null };
      const notice = await networkNotice(deps.db, orgId, coin, network, 'deposits', locale);
      const checked = await checkDeposit(deps.sources, orgId, { uid, coin, network: network as NetworkId, txHash });
      if ('notConfigured' in checked) {
        const collected = reply('handoffDeposit', locale, { summary: describeSlots(lookup.slots) });
        return {
          replies: notice ? [notice, collected] : [collected],
          handoff: { reason: 'deposit_details_collected', priority: 'normal', tags: ['deposit'], securityFlag: false },
        };
      }
      if (isUnavailable(checked)) return unavailable(checked);
      const follow = followUpForDeposit(checked.finding);
      let ref: string | undefined;
      if (follow.openCase) {
        const opened = await openCase(ctx, {
          ...follow.openCase,
          conversationId: conversation.id,
          contactId: conversation.contact_id,
          exchangeUid: uid,
          evidence: { finding: checked.finding, ...checked.evidence },
        });
        ref = opened.ref;
      }
      const text = describeDepositFinding(checked.finding, locale, { txHash, caseRef: ref });
      return { replies: notice ? [notice, text] : [text], handoff: follow.handoff };
    }
    case 'recovery': {
      const { coin, network, txHash } = lookup.slots;
      // Evidence when the chain can be asked; the case opens either way, since people do the recovery.
      const checked =
        deps.sources && coin && network && txHash
          ? await checkDeposit(deps.sources, orgId, { uid, coin, network: network as NetworkId, txHash }).catch(
              () => null,
            )
          : null;
      const finding = checked && 'finding' in checked ? checked.finding : null;
      const opened = await openCase(ctx, {
        kind: 'deposit_recovery',
        priority: 'normal',
        conversationId: conversation.id,
        contactId: conversation.contact_id,
        exchangeUid: uid,
        title: `${lookup.about === 'deposit_missing_memo' ? 'Missing memo' : 'Wrong network'}: ${describeSlots(lookup.slots)}`,
        evidence: { reported: lookup.about, slots: lookup.slots, finding },
      });
      return {
        replies: [
          reply('recoveryOpened', locale, { caseRef: opened.ref, summary: describeSlots(lookup.slots) || '—' }),
        ],
        handoff: { reason: 'deposit_recovery', priority: 'normal', tags: ['deposit', 'recovery'], securityFlag: false },
      };
    }
    case 'identity_verification': {
      const opened = await openCase(ctx, {
        kind: 'identity_verification',
        priority: 'high',
        conversationId: conversation.id,
        contactId: conversation.contact_id,
        exchangeUid: uid,
        title: `2FA reset: verify identity${uid ? ` of UID ${uid}` : ''}`,
        evidence: { reported: lookup.about, signedIn: uid !== null },
      });
      return {
        replies: [reply('verificationOpened', locale, { caseRef: opened.ref })],
        handoff: {
          reason: 'identity_verification',
          priority: 'high',
          tags: ['security', '2fa-reset'],
          securityFlag: true,
        },
      };
    }
    case 'withdrawal': {
      if (!deps.sources || !uid) return { replies: [reply('withdrawalNeedsSignIn', locale)], handoff: null };
      const found = await findWithdrawal(deps.sources, orgId, {
        uid,
        withdrawalId: lookup.slots.withdrawalId,
        txHash: lookup.slots.txHash,
        coin: lookup.slots.coin,
      });
      if (isUnavailable(found)) return unavailable(found);
      if (!found) {
        const ref = lookup.slots.withdrawalId ?? lookup.slots.txHash ?? lookup.slots.coin ?? '—';
        return { replies: [reply('withdrawalNotFound', locale, { ref })], handoff: null };
      }
      let chain: { confirmations: number; required: number } | undefined;
      if (found.state === 'broadcast' && found.txHash) {
        const lookedUp = await deps.sources
          .chainsFor(orgId)
          .then((c) => c.lookupTransaction(found.network as NetworkId, found.txHash!))
          .catch(() => undefined);
        if (lookedUp?.found)
          chain = { confirmations: lookedUp.confirmations, required: lookedUp.requiredConfirmations };
      }
      await watchWithdrawal(deps.db, orgId, { conversationId: conversation.id, uid, withdrawal: found, locale, chain });
      const notice = await networkNotice(deps.db, orgId, found.coin, found.network, 'withdrawals', locale);
      const text = describeWithdrawal(found, locale, chain);
      return { replies: notice ? [notice, text] : [text], handoff: null };
    }
  }
}

async function understand(
  deps: BotDeps,
  orgId: string,
  message: Message,
  locale: Locale,
  redactions: SecretKind[],
  conversation: BotConversationRow,
): Promise<Understanding> {
  return understandMessage(message.body, {
    model: await getBuiltinIntentModel(deps.db),
    kb: await deps.kb(orgId),
    locale,
    topic: conversation.bot_state.topic,
    redactions,
    orgName: conversation.org_name,
    verified: conversation.contact_exchange_uid !== null,
    canLookUp: deps.sources !== undefined,
  });
}

/** The customer is told, in their language, never to share it; the conversation goes to the security team's view. */
async function warnAboutSecret(
  ctx: Ctx,
  conversation: BotConversationRow,
  message: Message,
  redactions: SecretKind[],
  locale: Locale,
): Promise<void> {
  const worst = (['seed_phrase', 'private_key', 'seed_phrase_suspect', 'password', 'otp_code'] as const).find((k) =>
    redactions.includes(k),
  );
  // Raised before the customer is told: whoever reads the warning (the customer, an agent) finds the case already
  // urgent and flagged, never the other way round.
  await markHandedOff(ctx.db, ctx.org.id, conversation.id, {
    reason: null,
    priority: worst === 'otp_code' || worst === 'password' ? 'high' : 'urgent',
    tags: ['security', 'secret-shared'],
    securityFlag: true,
  });
  await publishConversationUpdated(ctx, conversation.id, ['priority', 'tags']);
  await postMessage(ctx, conversation.id, {
    body: secretWarning(worst ?? redactions[0], locale),
    clientId: `secret-warning:${message.id}`,
    meta: { securityWarning: redactions },
  });
}

/** Gives the conversation to the humans with everything the bot learned, as a private note the agent reads first. */
async function handOff(
  ctx: Ctx,
  conversation: BotConversationRow,
  turn: TurnResult,
  u: Understanding,
  handoff: Handoff,
  options: { alreadyHandedOff?: string } = {},
): Promise<void> {
  const slots = turn.state.flow?.slots ?? turn.lookup?.slots ?? {};
  const e = entitiesForAgents(u.entities, slots);
  // Inside a flow the last message is often just an answer ("TRC20"): the flow says what the customer came for.
  const flowIntent =
    turn.state.flow?.intent ??
    (turn.lookup?.kind === 'deposit'
      ? 'deposit_missing'
      : turn.lookup?.kind === 'withdrawal'
        ? 'withdrawal_status'
        : null);
  // "转人工" after a KYC question is a KYC case: routing and the agent need what it is about, not how it was asked.
  const topicIntent = !flowIntent && !isTopicIntent(u.intent) ? (turn.state.topic?.intent ?? null) : null;
  const intent = flowIntent ?? topicIntent ?? u.intent;
  const facts = [
    flowIntent
      ? `Intent: ${intent}`
      : topicIntent
        ? `Intent: ${topicIntent} (earlier topic; last message: ${u.intent})`
        : `Intent: ${intent} (${Math.round(u.confidence * 100)}%)${u.outOfScope ? ', out of scope' : ''}`,
    `Sentiment: ${u.sentiment.label} (${round(u.sentiment.score)})`,
    `Language: ${u.locale}`,
    describeSlots(slots) ? `Collected: ${describeSlots(slots)}` : null,
    e.coins.length ? `Coins: ${e.coins.join(', ')}` : null,
    e.networks.length ? `Networks: ${e.networks.join(', ')}` : null,
    e.txHashes.length ? `Tx: ${e.txHashes.map((t) => t.value).join(', ')}` : null,
    e.addresses.length ? `Addresses: ${e.addresses.map((a) => `${a.value} (${a.chain})`).join(', ')}` : null,
    e.invalidAddresses.length
      ? `Invalid addresses: ${e.invalidAddresses.map((a) => shorten(a.value)).join(', ')}`
      : null,
    e.amounts.length ? `Amounts: ${e.amounts.map((a) => `${a.value}${a.coin ? ` ${a.coin}` : ''}`).join(', ')}` : null,
    e.orderIds.length ? `Order/withdrawal ids: ${e.orderIds.join(', ')}` : null,
    turn.state.readArticles?.length ? `Read before asking: ${turn.state.readArticles.join(', ')}` : null,
  ].filter(Boolean);
  const said = turn.state.said.map((line) => `  - ${line.replace(/\n+/g, ' ')}`);
  const body = [`Bot hand-off — ${handoff.reason.replace(/_/g, ' ')}`, ...facts, 'Bot said:', ...said].join('\n');
  await postMessage(ctx, conversation.id, {
    body,
    // One note per hand-off: a later round (after a resolution) or a finding while queued gets its own.
    clientId: options.alreadyHandedOff
      ? `handoff:${conversation.id}:${options.alreadyHandedOff}`
      : `handoff:${conversation.id}${turn.state.since ? `:${turn.state.since}` : ''}`,
    private: true,
    meta: {
      // The same summary, structured: the console words it in the agent's language.
      handoff: {
        reason: handoff.reason,
        intent,
        confidence: flowIntent || topicIntent ? null : round(u.confidence),
        outOfScope: !flowIntent && !topicIntent && u.outOfScope,
        sentiment: u.sentiment,
        locale: u.locale,
        collected: describeSlots(slots) || null,
        slots,
        entities: e,
        said: turn.state.said,
      } satisfies HandoffNote,
    },
  });
  await markHandedOff(ctx.db, ctx.org.id, conversation.id, {
    reason: handoff.reason,
    priority: handoff.priority,
    tags: ['handoff', ...handoff.tags],
    securityFlag: handoff.securityFlag,
  });
  // Already handed over: a 'handoff' change would restart the SLA clocks of a customer who has been waiting.
  const changes = options.alreadyHandedOff ? ['priority', 'tags'] : ['handoff', 'priority', 'tags'];
  await publishConversationUpdated(ctx, conversation.id, changes);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * A message that is only files: attachments (or a Telegram file, named in meta.telegram) and no words besides a
 * channel's placeholder such as "[photo]".
 */
function refusedFileOnly(message: DomainEventOf<'message.created'>['message']): boolean {
  const refused = typeof (message.meta.telegram as { refused?: unknown } | undefined)?.refused === 'string';
  return refused && message.attachments.length === 0 && /^(\[[^\]]*\])?$/.test(message.body.trim());
}

function onlyFiles(message: DomainEventOf<'message.created'>['message']): boolean {
  const telegramFile = typeof (message.meta.telegram as { fileId?: unknown } | undefined)?.fileId === 'string';
  if (message.attachments.length === 0 && !telegramFile) return false;
  return /^(\[[^\]]*\])?$/.test(message.body.trim());
}
