import type { Locale } from '../../contracts/domain.ts';
import type { CaseOpening, SupportCase } from '../../contracts/self-service.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { reply } from '../text/replies.ts';
import { screenFreeText, screenFreeTextIn } from '../secrets/secret-guard.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { maskUid } from '../privacy/pii-mask.ts';
import { seesPii } from '../privacy/pii-policy.ts';
import type { ExchangeConnector } from '../exchange/exchange.types.ts';
import {
  type CaseKind,
  type CaseRow,
  type CaseStatus,
  insertApproval,
  insertCase,
  lockCase,
  selectCase,
  selectCases,
  selectConversationContactLocale,
  updateCaseStatus,
} from './cases.queries.ts';

/** The short reference customers and agents quote ("CASE-3F2A9C1D"). */
export function caseRef(id: string): string {
  return `CASE-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

export function toSupportCase(row: CaseRow): SupportCase {
  return {
    id: row.id,
    ref: caseRef(row.id),
    kind: row.kind,
    status: row.status,
    priority: row.priority,
    conversationId: row.conversation_id,
    contactId: row.contact_id,
    exchangeUid: row.exchange_uid,
    title: row.title,
    evidence: row.evidence,
    requestedBy: row.requested_by,
    approvers: row.approvers,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
  };
}

/**
 * The case as this actor may see it: the exchange UID (also where the title names it) masked for staff without
 * `pii_read` (privacy/pii-policy.ts). Evidence is what the customer and staff wrote and stays as written.
 */
function caseFor(ctx: Ctx, supportCase: SupportCase): SupportCase {
  const uid = supportCase.exchangeUid;
  if (uid === null || seesPii(ctx.actor)) return supportCase;
  return { ...supportCase, exchangeUid: maskUid(uid), title: supportCase.title.replaceAll(uid, maskUid(uid)) };
}

export async function openCase(ctx: Ctx, opening: CaseOpening): Promise<SupportCase> {
  // Titles and evidence carry what customers and staff wrote (slots from the chat, an agent's reason). Screened as
  // values: evidence also holds amounts and hashes, which a six-digit-code rule would eat.
  const c = {
    ...opening,
    title: screenFreeText(opening.title, 'value'),
    evidence: screenFreeTextIn(opening.evidence, 'value'),
    requestedBy: ctx.actor.kind === 'agent' ? ctx.actor.id : null,
  };
  const id = await ctx.db.transaction(async (tx) => {
    const id = await insertCase(tx, ctx.org.id, c);
    await recordAudit(ctx, tx, { action: 'case.open', targetType: 'case', targetId: id, details: { kind: c.kind } });
    return id;
  });
  const opened = toSupportCase((await selectCase(ctx.db, ctx.org.id, id))!);
  publishCaseChanged(ctx, opened);
  return caseFor(ctx, opened);
}

function publishCaseChanged(ctx: Ctx, supportCase: SupportCase): void {
  ctx.events.publish({
    type: 'case.changed',
    orgId: ctx.org.id,
    caseId: supportCase.id,
    conversationId: supportCase.conversationId,
    status: supportCase.status,
  });
}

export async function listCases(
  ctx: Ctx,
  f: { status?: CaseStatus; kind?: CaseKind; contactId?: string; conversationId?: string; limit?: number },
): Promise<SupportCase[]> {
  const rows = await selectCases(ctx.db, ctx.org.id, { ...f, limit: f.limit ?? 100 });
  return rows.map((row) => caseFor(ctx, toSupportCase(row)));
}

export async function getCase(ctx: Ctx, caseId: string): Promise<SupportCase> {
  const row = await selectCase(ctx.db, ctx.org.id, caseId);
  if (!row) throw new AppError('not_found', 'No such case.');
  // Approving an unfreeze reads the UID from here: only supervisors and admins approve, and they see it in full.
  return caseFor(ctx, toSupportCase(row));
}

export async function setCaseStatus(ctx: Ctx, caseId: string, status: CaseStatus): Promise<SupportCase> {
  const current = await getCase(ctx, caseId);
  if (current.kind === 'unfreeze_request' && status === 'resolved') {
    throw new AppError('conflict', 'An unfreeze is resolved by two approvals, not by a status change.');
  }
  await ctx.db.transaction(async (tx) => {
    const changedBy = ctx.actor.kind === 'agent' ? ctx.actor.id : null;
    if (!(await updateCaseStatus(tx, ctx.org.id, caseId, status, changedBy))) {
      throw new AppError('not_found', 'No such case.');
    }
    await recordAudit(ctx, tx, {
      action: 'case.status',
      targetType: 'case',
      targetId: caseId,
      details: { from: current.status, to: status },
    });
  });
  const updated = await getCase(ctx, caseId);
  publishCaseChanged(ctx, updated);
  await tellCustomerAboutCase(ctx, updated);
  return updated;
}

const CASE_STATUS_WORDS: Record<CaseStatus, Record<Locale, string>> = {
  open: { 'zh-CN': '已受理', 'zh-TW': '已受理', en: 'open' },
  in_progress: { 'zh-CN': '处理中', 'zh-TW': '處理中', en: 'in progress' },
  waiting_customer: { 'zh-CN': '等待您补充信息', 'zh-TW': '等待您補充資訊', en: 'waiting for your reply' },
  resolved: { 'zh-CN': '已解决', 'zh-TW': '已解決', en: 'resolved' },
  rejected: {
    'zh-CN': '未能处理（详见客服说明）',
    'zh-TW': '未能處理（詳見客服說明）',
    en: 'closed without a fix (see our note)',
  },
};

/** The customer follows their case where they asked about it: each status change is said in that conversation. */
async function tellCustomerAboutCase(ctx: Ctx, supportCase: SupportCase): Promise<void> {
  if (!supportCase.conversationId || supportCase.kind === 'unfreeze_request') return;
  const stored = await selectConversationContactLocale(ctx.db, ctx.org.id, supportCase.conversationId);
  const locale: Locale = stored === 'en' || stored === 'zh-TW' ? stored : 'zh-CN';
  const status = CASE_STATUS_WORDS[supportCase.status][locale];
  const body = reply('caseStatusChanged', locale, { ref: supportCase.ref, status });
  await postMessage({ ...ctx, actor: { kind: 'system' } }, supportCase.conversationId, {
    body,
    clientId: `case:${supportCase.id}:${supportCase.status}:${supportCase.updatedAt}`,
    meta: { case: { id: supportCase.id, ref: supportCase.ref, status: supportCase.status } },
  }).catch((error: unknown) => ctx.log.warn({ err: error, caseId: supportCase.id }, 'could not tell the customer'));
}

const APPROVER_ROLES = new Set(['supervisor', 'admin']);
export const REQUIRED_APPROVALS = 2;

/**
 * Four eyes: an unfreeze runs only when two different staff with the supervisor or admin role, neither of them the
 * one who asked for it, have approved this request. Approvals belong to the request (the case's current round): a
 * case reopened after it was resolved or rejected is a new request and starts with none. Each approval is audited;
 * the second one performs the unfreeze through the exchange connector.
 */
export async function approveUnfreeze(
  ctx: Ctx,
  caseId: string,
  connector: ExchangeConnector,
): Promise<{ case: SupportCase; unfrozen: boolean }> {
  const actor = ctx.actor;
  if (actor.kind !== 'agent' || !APPROVER_ROLES.has(actor.role)) throw new AppError('forbidden');
  const { approvers, requestRound } = await ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, ctx.org.id, caseId);
    if (!row) throw new AppError('not_found', 'No such case.');
    if (row.kind !== 'unfreeze_request') throw new AppError('conflict', 'Only unfreeze requests take approvals.');
    if (row.status === 'resolved' || row.status === 'rejected') throw new AppError('conflict', 'This case is closed.');
    if (!row.exchange_uid) throw new AppError('conflict', 'The case names no exchange account.');
    // Asking and approving are the two pairs of eyes that must differ first.
    if (row.requested_by === actor.id) throw new AppError('approval_self_refused');
    if (!(await insertApproval(tx, ctx.org.id, { caseId, requestRound: row.request_round, agentId: actor.id }))) {
      throw new AppError(
        'conflict',
        'You have already approved this unfreeze; a second, different approver is needed.',
      );
    }
    await recordAudit(ctx, tx, {
      action: 'case.unfreeze_approved',
      targetType: 'case',
      targetId: caseId,
      details: { requestRound: row.request_round },
    });
    return { approvers: [...row.approvers, actor.id], requestRound: row.request_round };
  });
  if (approvers.length < REQUIRED_APPROVALS) {
    const pending = await getCase(ctx, caseId);
    publishCaseChanged(ctx, pending);
    return { case: pending, unfrozen: false };
  }

  const current = await getCase(ctx, caseId);
  // One idempotency key per request: a later request on the same case is a new unfreeze, not a replay of the last.
  await connector.unfreezeAccount(current.exchangeUid!, {
    requestId: `${caseId}:${requestRound}`,
    approvedBy: [approvers[0], approvers[1]],
  });
  await ctx.db.transaction(async (tx) => {
    await updateCaseStatus(tx, ctx.org.id, caseId, 'resolved', null);
    await recordAudit(ctx, tx, {
      action: 'account.unfrozen',
      targetType: 'exchange_account',
      targetId: current.exchangeUid,
      details: { caseId, approvedBy: approvers },
    });
  });
  const resolved = await getCase(ctx, caseId);
  publishCaseChanged(ctx, resolved);
  return { case: resolved, unfrozen: true };
}
