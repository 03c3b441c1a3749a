import crypto from 'node:crypto';
import type { Locale } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { reply } from '../text/replies.ts';
import { caseRef, openCase } from '../cases/cases.service.ts';
import type { Ctx } from '../context.ts';
import { ExchangeUnavailableError } from '../exchange/exchange.types.ts';
import type { Mailer } from '../mail/mailer.ts';
import { insertEmergencyCode, redeemEmergencyCode } from './emergency-freeze.queries.ts';
import { type FreezeState, oneTimeCodeDigest } from './one-time-code.ts';
import type { FactSources } from './self-service.ts';

/**
 * The emergency freeze a customer can trigger themselves, from any channel, bot or no bot: authenticated by the
 * exchange's identity token (a signed-in customer) or by a one-time code mailed to the account's address. It freezes
 * at once through the connector, revokes sessions and API keys, and opens an urgent security case.
 */
export type { FreezeState } from './one-time-code.ts';

const START =
  /冻结(我的)?(账户|账号|帳戶|帳號)|紧急冻结|凍結(我的)?(帳戶|帳號)|freeze (my )?account|lock (my )?account now/i;
const CONFIRM = /^\s*(冻结|凍結|确认冻结|確認凍結|freeze|yes,? freeze|确认|確認)\s*[!！.。]*\s*$/i;
const CANCEL = /^\s*(取消|不用了|cancel|no)\s*[!！.。]*\s*$/i;
const CODE_TTL_MINUTES = 10;
const MAX_CODE_ATTEMPTS = 5;

export function asksForFreeze(text: string): boolean {
  return START.test(text);
}

/** Could this message be a step of a freeze (so it must reach the freeze flow even where the bot is off)? */
export function mayBeFreezeStep(text: string, meta: Record<string, unknown>): boolean {
  return START.test(text) || CONFIRM.test(text) || /@/.test(text) || typeof meta.oneTimeCodeDigest === 'string';
}

export type FreezeTurn = { replies: string[]; freeze: FreezeState | undefined; frozen: boolean };

export async function continueFreeze(
  ctx: Ctx,
  deps: { sources: FactSources; mailer: Mailer },
  c: {
    conversationId: string;
    contactId: string;
    uid: string | null;
    locale: Locale;
    text: string;
    codeDigest: string | undefined;
    state: FreezeState;
  },
): Promise<FreezeTurn> {
  const { state, locale } = c;
  if (CANCEL.test(c.text)) return { replies: [], freeze: undefined, frozen: false };
  const email = c.text.match(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/i)?.[0];
  const mailCode = async (address: string): Promise<FreezeTurn> => {
    await issueCode(ctx, deps, c.conversationId, address, locale);
    // The same answer whether or not the address has an account: nobody learns which emails are customers.
    return { replies: [reply('freezeCodeSent', locale)], freeze: { stage: 'code', attempts: 0 }, frozen: false };
  };
  if (state.stage === 'confirm') {
    // Answering the offer with the account's e-mail goes on with it: the mailed code still has to come back.
    if (!c.uid && email) return mailCode(email);
    if (!CONFIRM.test(c.text)) return { replies: [], freeze: state, frozen: false };
    if (c.uid) return freezeNow(ctx, deps, { ...c, uid: c.uid });
    return { replies: [reply('freezeAskEmail', locale)], freeze: { stage: 'email', attempts: 0 }, frozen: false };
  }
  if (state.stage === 'email') {
    if (!email) return { replies: [reply('freezeAskEmail', locale)], freeze: state, frozen: false };
    return mailCode(email);
  }
  const uid = c.codeDigest ? await redeemEmergencyCode(ctx.db, ctx.org.id, c.conversationId, c.codeDigest) : null;
  if (!uid) {
    const attempts = state.attempts + 1;
    if (attempts >= MAX_CODE_ATTEMPTS) return { replies: [reply('handoff', locale)], freeze: undefined, frozen: false };
    return { replies: [reply('freezeCodeWrong', locale)], freeze: { stage: 'code', attempts }, frozen: false };
  }
  return freezeNow(ctx, deps, { ...c, uid });
}

async function issueCode(
  ctx: Ctx,
  deps: { sources: FactSources; mailer: Mailer },
  conversationId: string,
  email: string,
  locale: Locale,
): Promise<void> {
  let account = null;
  try {
    account = await (await deps.sources.connectorFor(ctx.org.id)).findAccountByEmail(email);
  } catch (error) {
    if (!(error instanceof ExchangeUnavailableError)) throw error;
    ctx.log.warn({ err: error }, 'exchange unavailable for an emergency-freeze email look-up');
  }
  if (!account) return;
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  await insertEmergencyCode(ctx.db, ctx.org.id, {
    conversationId,
    exchangeUid: account.uid,
    codeHash: oneTimeCodeDigest(conversationId, code),
    ttlMinutes: CODE_TTL_MINUTES,
  });
  const body = reply('freezeCodeBody', locale, { code, minutes: String(CODE_TTL_MINUTES) });
  await deps.mailer.send(ctx.db, ctx.org.id, {
    to: account.email,
    subject: reply('freezeCodeSubject', locale),
    body,
    secretTtlMinutes: CODE_TTL_MINUTES,
  });
}

async function freezeNow(
  ctx: Ctx,
  deps: { sources: FactSources },
  c: { conversationId: string; contactId: string; uid: string; locale: Locale },
): Promise<FreezeTurn> {
  const requestId = `freeze:${c.conversationId}`;
  let revoked = { sessionsRevoked: 0, apiKeysRevoked: 0 };
  try {
    const connector = await deps.sources.connectorFor(ctx.org.id);
    await connector.freezeAccount(c.uid, { requestId, reason: 'customer_emergency_freeze' });
    revoked = await connector.revokeSessionsAndApiKeys(c.uid, { requestId });
  } catch (error) {
    if (!(error instanceof ExchangeUnavailableError)) throw error;
    ctx.log.error({ err: error }, 'emergency freeze failed: exchange unavailable');
    return {
      replies: [reply('lookupUnavailable', c.locale, { what: reply('whatExchange', c.locale) })],
      freeze: undefined,
      frozen: false,
    };
  }
  await recordAudit(ctx, ctx.db, {
    action: 'account.frozen',
    targetType: 'exchange_account',
    targetId: c.uid,
    details: { by: 'customer', conversationId: c.conversationId, ...revoked },
  });
  const securityCase = await openCase(ctx, {
    kind: 'security_incident',
    priority: 'urgent',
    conversationId: c.conversationId,
    contactId: c.contactId,
    exchangeUid: c.uid,
    title: `Account ${c.uid} frozen by the customer: suspected takeover`,
    evidence: { revoked, frozenAt: new Date().toISOString() },
  });
  return {
    replies: [
      reply('freezeDone', c.locale, {
        uid: c.uid,
        sessions: String(revoked.sessionsRevoked),
        keys: String(revoked.apiKeysRevoked),
        caseRef: caseRef(securityCase.id),
      }),
    ],
    freeze: undefined,
    frozen: true,
  };
}
