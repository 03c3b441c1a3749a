import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentRole } from '../../contracts/domain.ts';
import type {
  ExchangeProfileResponse,
  FreezeExchangeAccountBody,
  FreezeExchangeAccountResponse,
} from '../../contracts/exchange.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { unseal } from '../secrets/sealed.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import type { Ctx } from '../context.ts';
import { getConversation } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { findOrgById } from '../orgs/orgs.service.ts';
import { insertExchangeAction, selectExchangeAction } from './exchange.queries.ts';
import { type AccountStatus, type ExchangeConnector, ExchangeUnavailableError } from './exchange.types.ts';
import { createHttpConnector } from './http-connector.ts';
import { allowedActions, maskForRole, roleAllows } from './role-policy.ts';
import { seesPii, uidFor } from '../privacy/pii-policy.ts';
import { createSandboxExchange } from './sandbox.ts';

// ---------- Which connector an organization uses ----------

/**
 * `organizations.settings.exchange`. Absent means the built-in sandbox (the demo and the tests). The secret never
 * leaves the server: no API returns organization settings.
 */
export const exchangeSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sandbox') }),
  z.object({
    kind: z.literal('http'),
    baseUrl: z.url({ protocol: /^https?$/ }),
    keyId: z.string().min(1).max(128),
    // Sealed when stored (secrets/sealed.ts), which makes it longer than the secret itself.
    secret: z.string().min(16).max(1024),
    timeoutMs: z.number().int().min(100).max(30_000).default(5000),
  }),
]);
export type ExchangeSettings = z.infer<typeof exchangeSettingsSchema>;

type CachedConnector = { fingerprint: string; connector: ExchangeConnector };
/** Per database, per organization: an HTTP connector's circuit breaker must outlive a single request. */
const connectorCache = new WeakMap<Db, Map<string, CachedConnector>>();

/**
 * The organization's exchange connector. Cached, and rebuilt only when the organization's exchange settings change, so
 * the circuit breaker's state carries across calls.
 */
export async function getExchangeConnector(
  db: Db,
  orgId: string,
  options: { log?: Logger } = {},
): Promise<ExchangeConnector> {
  const org = await findOrgById({ db }, orgId);
  const raw = org?.settings.exchange ?? { kind: 'sandbox' };
  const fingerprint = crypto.createHash('sha256').update(JSON.stringify(raw)).digest('hex');
  let perOrg = connectorCache.get(db);
  if (!perOrg) {
    perOrg = new Map();
    connectorCache.set(db, perOrg);
  }
  const cached = perOrg.get(orgId);
  if (cached && cached.fingerprint === fingerprint) return cached.connector;
  const connector = buildConnector(db, orgId, raw, options.log);
  perOrg.set(orgId, { fingerprint, connector });
  return connector;
}

function buildConnector(db: Db, orgId: string, raw: unknown, log: Logger | undefined): ExchangeConnector {
  const settings = exchangeSettingsSchema.safeParse(raw);
  if (!settings.success) {
    const fields = settings.error.issues.map((issue) => issue.path.join('.') || 'kind').join(', ');
    return unavailableConnector(
      new ExchangeUnavailableError(
        'rejected',
        `The exchange connection is misconfigured (${fields}); an admin must fix it.`,
      ),
    );
  }
  if (settings.data.kind === 'sandbox') return createSandboxExchange(db, orgId);
  const { baseUrl, keyId, timeoutMs } = settings.data;
  let secret: string;
  try {
    // Stored sealed (secrets/sealed.ts); opened only for the connector that signs with it.
    secret = unseal(settings.data.secret);
  } catch (error) {
    return unavailableConnector(new ExchangeUnavailableError('rejected', (error as Error).message));
  }
  return createHttpConnector({ baseUrl, keyId, secret, timeoutMs, log: log?.child({ exchange: 'http', orgId }) });
}

/** Misconfigured settings answer like an outage: the console says "exchange unavailable", nothing crashes. */
function unavailableConnector(error: ExchangeUnavailableError): ExchangeConnector {
  const fail = () => Promise.reject(error);
  return {
    getAccount: fail,
    findAccountByEmail: fail,
    listDepositAddresses: fail,
    listDeposits: fail,
    findDepositByTxHash: fail,
    listWithdrawals: fail,
    getWithdrawal: fail,
    listRecentLogins: fail,
    freezeAccount: fail,
    revokeSessionsAndApiKeys: fail,
    unfreezeAccount: fail,
  };
}

// ---------- The agent sidebar ----------

const PROFILE_LIST_LIMIT = 10;

function agentRole(ctx: Ctx): AgentRole {
  if (ctx.actor.kind !== 'agent') throw new AppError('forbidden');
  return ctx.actor.role;
}

/** The customer's exchange account for the sidebar, masked for the agent's role. Never fails because the exchange did. */
export async function getExchangeProfile(ctx: Ctx, conversationId: string): Promise<ExchangeProfileResponse> {
  const role = agentRole(ctx);
  const conversation = await getConversation(ctx, conversationId);
  const uid = conversation.contact.exchangeUid;
  if (!uid) return { linked: false };
  // The UID shown beside the facts is masked like the contact's (privacy/pii-policy.ts); the look-ups use it whole.
  const shownUid = uidFor(ctx.actor, uid) as string;
  try {
    const connector = await getExchangeConnector(ctx.db, ctx.org.id, { log: ctx.log });
    const limit = { limit: PROFILE_LIST_LIMIT };
    const [account, depositAddresses, deposits, withdrawals, logins] = await Promise.all([
      connector.getAccount(uid),
      connector.listDepositAddresses(uid),
      connector.listDeposits(uid, limit),
      connector.listWithdrawals(uid, limit),
      connector.listRecentLogins(uid, limit),
    ]);
    if (!account) {
      return {
        linked: true,
        uid: shownUid,
        available: true,
        found: false,
        account: null,
        depositAddresses: [],
        deposits: [],
        withdrawals: [],
        logins: [],
        allowedActions: [],
      };
    }
    // An agent granted pii_read sees the personal facts as a supervisor does (what they may do stays by role).
    const masked = maskForRole(role === 'agent' && seesPii(ctx.actor) ? 'supervisor' : role, {
      account,
      depositAddresses,
      deposits,
      withdrawals,
      logins,
    });
    return {
      linked: true,
      uid: shownUid,
      available: true,
      found: true,
      account: masked.account && { ...masked.account, uid: shownUid },
      depositAddresses: masked.depositAddresses,
      deposits: masked.deposits.map(({ uid: _uid, ...d }) => ({
        ...d,
        confirmations: d.confirmations ?? null,
        requiredConfirmations: d.requiredConfirmations ?? null,
      })),
      withdrawals: masked.withdrawals.map(({ uid: _uid, ...w }) => w),
      logins: masked.logins,
      allowedActions: allowedActions(role, account.status),
    };
  } catch (error) {
    if (!(error instanceof ExchangeUnavailableError)) throw error;
    // The reason only: the message may name endpoints, never customer data, but logs stay minimal anyway.
    ctx.log.warn({ reason: error.reason }, 'exchange unavailable for the customer profile');
    return { linked: true, uid: shownUid, available: false, reason: error.reason, message: error.message };
  }
}

/**
 * An agent freezes the customer's account (a stolen account cannot wait). Idempotent by request id: a retried click
 * freezes once, is audited once and announced once. Lifting a freeze is the four-eyes flow, not this.
 */
export async function freezeExchangeAccount(
  ctx: Ctx,
  conversationId: string,
  body: FreezeExchangeAccountBody,
): Promise<FreezeExchangeAccountResponse> {
  const role = agentRole(ctx);
  if (!roleAllows(role, 'freeze')) throw new AppError('forbidden');
  const actor = ctx.actor as Extract<Ctx['actor'], { kind: 'agent' }>;
  const conversation = await getConversation(ctx, conversationId);
  const uid = conversation.contact.exchangeUid;
  if (!uid) throw new AppError('exchange_not_linked');

  const earlier = await selectExchangeAction(ctx.db, ctx.org.id, 'freeze', body.requestId);
  if (earlier) return replay(earlier, { conversationId, uid });
  // The reason goes to the exchange and the audit log: what the agent typed, minus any secret.
  const reason = screenFreeText(body.reason);

  let result: { status: AccountStatus };
  try {
    const connector = await getExchangeConnector(ctx.db, ctx.org.id, { log: ctx.log });
    result = await connector.freezeAccount(uid, { requestId: body.requestId, reason });
  } catch (error) {
    if (!(error instanceof ExchangeUnavailableError)) throw error;
    // A freeze that did not happen is worth knowing about too (who tried, when, why it failed).
    await recordAudit(ctx, ctx.db, {
      action: 'exchange.account_freeze_failed',
      targetType: 'exchange_account',
      targetId: uid,
      details: { conversationId, requestId: body.requestId, reason: error.reason },
    });
    throw new AppError('exchange_unavailable', `The exchange did not confirm the freeze (${error.reason}); try again.`);
  }

  const recorded = await ctx.db.transaction(async (tx) => {
    const inserted = await insertExchangeAction(tx, ctx.org.id, {
      action: 'freeze',
      requestId: body.requestId,
      conversationId,
      uid,
      actorId: actor.id,
      result,
    });
    if (inserted) {
      await recordAudit(ctx, tx, {
        action: 'exchange.account_frozen',
        targetType: 'exchange_account',
        targetId: uid,
        details: { conversationId, requestId: body.requestId, reason, status: result.status },
      });
    }
    return inserted;
  });
  if (!recorded) {
    // A concurrent duplicate got there first; answer exactly as it did.
    const first = await selectExchangeAction(ctx.db, ctx.org.id, 'freeze', body.requestId);
    return replay(first!, { conversationId, uid });
  }
  ctx.events.publish({
    type: 'exchange.account_frozen',
    orgId: ctx.org.id,
    conversationId,
    uid,
    requestId: body.requestId,
    agent: { id: actor.id, name: actor.name },
  });
  return { status: result.status, replayed: false };
}

function replay(
  earlier: { conversation_id: string; uid: string; result: Record<string, unknown> },
  current: { conversationId: string; uid: string },
): FreezeExchangeAccountResponse {
  if (earlier.conversation_id !== current.conversationId || earlier.uid !== current.uid) {
    throw new AppError('conflict', 'This request id was already used for another conversation.');
  }
  return { status: earlier.result.status as AccountStatus, replayed: true };
}
