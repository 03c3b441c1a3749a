import type { Locale, Message } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { postMessage, publishConversationUpdated } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEventOf } from '../events/domain-events.ts';
import { type KbIndex, searchKb } from '../kb/search.ts';
import {
  type BotConversationRow,
  markHandedOff,
  mergeMessageMeta,
  selectBotConversation,
  updateBotState,
} from './bot.queries.ts';
import {
  type BotState,
  decideTurn,
  describeSlots,
  type Handoff,
  INITIAL_BOT_STATE,
  shorten,
  type TurnResult,
  type Understanding,
} from './dialogue.ts';
import { extractEntities } from './entities.ts';
import { getBuiltinIntentModel } from './model-store.ts';
import { classifyIntent, isOutOfScope } from './nlu/classifier.ts';
import { detectLanguage } from './nlu/language.ts';
import { type SecretKind, secretWarning } from './secret-guard.ts';
import { analyzeSentiment } from './sentiment.ts';

export type BotDeps = { db: Db; log: Ctx['log']; events: EventBus; kb: () => KbIndex };

const DEFAULT_BOT_NAME = '智能客服 · Assistant';

/** Replies in the language the customer writes in; the Chinese variant follows their chosen locale. */
export function chooseReplyLocale(text: string, contactLocale: string | null): Locale {
  const language = detectLanguage(text);
  if (language === 'en') return 'en';
  if (language === 'zh') return contactLocale === 'zh-TW' ? 'zh-TW' : 'zh-CN';
  return contactLocale === 'zh-TW' || contactLocale === 'en' || contactLocale === 'zh-CN' ? contactLocale : 'zh-CN';
}

/**
 * One customer message, as the platform answers it: a pasted secret is always warned about and flagged (bot on or
 * off); then, while no human has the conversation, the bot understands the message and takes its turn.
 */
export async function answerCustomerMessage(deps: BotDeps, event: DomainEventOf<'message.created'>): Promise<void> {
  const { db } = deps;
  const message = event.message;
  const conversation = await selectBotConversation(db, event.orgId, event.conversationId);
  if (!conversation) return;
  const locale = chooseReplyLocale(message.body, conversation.contact_locale);
  const botName = DEFAULT_BOT_NAME;
  const ctx: Ctx = {
    db,
    log: deps.log,
    events: deps.events,
    org: { id: event.orgId },
    actor: { kind: 'bot', name: botName },
  };
  const redactions = (message.meta.redactions as SecretKind[] | undefined) ?? [];

  if (redactions.length > 0) await warnAboutSecret(ctx, conversation, message, redactions, locale);

  const botInCharge =
    conversation.bot_enabled && !conversation.assignee_id && !conversation.handoff_at && !conversation.first_reply_at;
  const previous: BotState = { ...INITIAL_BOT_STATE, ...conversation.bot_state };
  if (!botInCharge || !previous.active) return;

  const understanding = await understand(deps, message, locale, redactions, conversation);
  const turn = decideTurn(previous, understanding);
  await mergeMessageMeta(db, event.orgId, message.id, {
    bot: {
      intent: understanding.intent,
      confidence: round(understanding.confidence),
      outOfScope: understanding.outOfScope,
      language: locale,
      sentiment: understanding.sentiment.label,
      sentimentScore: round(understanding.sentiment.score),
      action: turn.action,
    },
  });
  await updateBotState(db, event.orgId, conversation.id, turn.state);
  for (const [index, text] of turn.replies.entries()) {
    await postMessage(ctx, conversation.id, {
      body: text,
      clientId: `bot:${message.id}:${index}`,
      meta: { bot: { inReplyTo: message.id, action: turn.action } },
    });
  }
  if (turn.handoff) await handOff(ctx, conversation, turn, understanding, turn.handoff);
}

async function understand(
  deps: BotDeps,
  message: Message,
  locale: Locale,
  redactions: SecretKind[],
  conversation: BotConversationRow,
): Promise<Understanding> {
  const model = await getBuiltinIntentModel(deps.db);
  const result = classifyIntent(model, message.body);
  const outOfScope = isOutOfScope(result);
  const hit = outOfScope
    ? undefined
    : searchKb(deps.kb(), message.body, { locale, intent: result.intent, limit: 1 })[0];
  return {
    text: message.body,
    locale,
    intent: result.intent,
    confidence: result.confidence,
    outOfScope,
    entities: extractEntities(message.body),
    sentiment: analyzeSentiment(message.body),
    redactions,
    kb: hit?.article.intents.includes(result.intent)
      ? { title: hit.article.title, snippet: hit.snippet, url: hit.article.url }
      : null,
    orgName: conversation.org_name,
  };
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
  await postMessage(ctx, conversation.id, {
    body: secretWarning(worst ?? redactions[0], locale),
    clientId: `secret-warning:${message.id}`,
    meta: { securityWarning: redactions },
  });
  await markHandedOff(ctx.db, ctx.org.id, conversation.id, {
    reason: null,
    priority: worst === 'otp_code' || worst === 'password' ? 'high' : 'urgent',
    tags: ['security', 'secret-shared'],
    securityFlag: true,
  });
  await publishConversationUpdated(ctx, conversation.id, ['priority', 'tags']);
}

/** Gives the conversation to the humans with everything the bot learned, as a private note the agent reads first. */
async function handOff(
  ctx: Ctx,
  conversation: BotConversationRow,
  turn: TurnResult,
  u: Understanding,
  handoff: Handoff,
): Promise<void> {
  const slots = turn.state.flow?.slots ?? {};
  const e = u.entities;
  // Inside a flow the last message is often just an answer ("TRC20"): the flow says what the customer came for.
  const intent = turn.state.flow?.intent ?? u.intent;
  const facts = [
    turn.state.flow
      ? `Intent: ${intent}`
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
  ].filter(Boolean);
  const said = turn.state.said.map((line) => `  - ${line.replace(/\n+/g, ' ')}`);
  const body = [`Bot hand-off — ${handoff.reason.replace(/_/g, ' ')}`, ...facts, 'Bot said:', ...said].join('\n');
  await postMessage(ctx, conversation.id, {
    body,
    clientId: `handoff:${conversation.id}`,
    private: true,
    meta: {
      handoff: {
        reason: handoff.reason,
        intent,
        confidence: round(u.confidence),
        sentiment: u.sentiment,
        slots,
        entities: e,
        said: turn.state.said,
      },
    },
  });
  await markHandedOff(ctx.db, ctx.org.id, conversation.id, {
    reason: handoff.reason,
    priority: handoff.priority,
    tags: ['handoff', ...handoff.tags],
    securityFlag: handoff.securityFlag,
  });
  await publishConversationUpdated(ctx, conversation.id, ['handoff', 'priority', 'tags']);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
