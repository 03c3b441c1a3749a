import type { Logger } from 'pino';
import {
  RETENTION_PLACEHOLDER,
  type RetentionConversationRef,
  type RetentionHeld,
  type RetentionReport,
  type RetentionSettings,
  type RetentionSettingsResponse,
} from '../../contracts/retention.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Clock, systemClock } from '../clock.ts';
import { anonymiseContactsWithoutKeptConversations } from '../contacts/contacts.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import {
  anonymiseConversationsForRetention,
  deleteConversationsForRetention,
} from '../conversations/conversation-writes.ts';
import type { Db, Queryable } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import {
  countConversationContent,
  countExpiredCustomerText,
  countExpiredLogs,
  deleteExpiredLogs,
  type DueConversation,
  type HeldReason,
  lockDueConversations,
  removeConversationDependents,
  removeExpiredCustomerText,
  selectDueConversations,
  selectHeldCounts,
  selectOrgsWithRetention,
  selectRetentionSettings,
  updateRetentionLastRun,
  upsertRetentionSettings,
} from './retention.queries.ts';

/**
 * Data retention (issue 15): resolved and closed conversations whose last activity is older than the organization's
 * setting are deleted or anonymised — never open ones, never ones a case, an open complaint, a legal hold or live
 * exchange business still needs (retention.queries.ts lists each hold). What customers wrote outside a conversation
goes by the same age: finished delivery logs, knowledge-base feedback comments and the machine-mail log of mail that
matched no contact. A dry run says what a run would remove now;
 * every real run (the daily job, the API, the CLI) appends an audit entry with the counts and never touches an
 * existing one.
 */

const DAY_MS = 86_400_000;
/** Conversations per transaction: a big backlog goes in steps that each commit with their own audit entry. */
const BATCH = 500;
const NO_SETTING: RetentionSettings = { days: null, mode: 'anonymise' };

export type RetentionDeps = { db: Db; log: Logger; events: EventBus; clock?: Clock };

function emptyHeld(): RetentionHeld {
  return {
    case: 0,
    complaint: 0,
    legalHold: 0,
    exchangeAction: 0,
    withdrawalWatch: 0,
    callback: 0,
    mergeTarget: 0,
  };
}

const HELD_KEY: Record<HeldReason, keyof RetentionHeld> = {
  case: 'case',
  complaint: 'complaint',
  legal_hold: 'legalHold',
  exchange_action: 'exchangeAction',
  withdrawal_watch: 'withdrawalWatch',
  callback: 'callback',
  merge_target: 'mergeTarget',
};

function ref(row: DueConversation | undefined): RetentionConversationRef | null {
  return row ? { number: row.number, lastActivityAt: new Date(row.last_activity_at).toISOString() } : null;
}

async function storedSettings(db: Queryable, orgId: string) {
  const row = await selectRetentionSettings(db, orgId);
  return { settings: row ? { days: row.days, mode: row.mode } : NO_SETTING, row };
}

export async function getRetentionSettings(ctx: Ctx): Promise<RetentionSettingsResponse> {
  requireAgentRole(ctx, 'admin');
  const { settings, row } = await storedSettings(ctx.db, ctx.org.id);
  return {
    settings,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    lastRunAt: row?.last_run_at ? new Date(row.last_run_at).toISOString() : null,
    lastRun: row?.last_run ?? null,
  };
}

/** Admins set the period and the mode; audited with before/after. */
export async function saveRetentionSettings(ctx: Ctx, settings: RetentionSettings): Promise<RetentionSettingsResponse> {
  const admin = requireAgentRole(ctx, 'admin');
  const { settings: before } = await storedSettings(ctx.db, ctx.org.id);
  await ctx.db.transaction(async (tx) => {
    await upsertRetentionSettings(tx, ctx.org.id, settings, admin.id);
    await recordAudit(ctx, tx, {
      action: 'retention.settings',
      targetType: 'retention_settings',
      targetId: ctx.org.id,
      details: { before, after: settings },
    });
  });
  return getRetentionSettings(ctx);
}

/** An admin runs retention now, or asks what it would remove (`dryRun`, which changes nothing). */
export async function runRetentionFromApi(ctx: Ctx, options: { dryRun: boolean; clock?: Clock }) {
  requireAgentRole(ctx, 'admin');
  return runRetention(ctx, options);
}

/**
 * One organization's run (ctx.org), as whoever ctx.actor is: the API checks the admin first, the job and the CLI act
 * as the system. A dry run reads what a real run at this moment would remove; the real run removes it in batches.
 */
export async function runRetention(ctx: Ctx, options: { dryRun: boolean; clock?: Clock }): Promise<RetentionReport> {
  const { settings } = await storedSettings(ctx.db, ctx.org.id);
  const report: RetentionReport = {
    dryRun: options.dryRun,
    mode: settings.mode,
    days: settings.days,
    cutoff: null,
    conversations: 0,
    messages: 0,
    files: 0,
    contacts: 0,
    logs: 0,
    feedbackComments: 0,
    emailEvents: 0,
    oldest: null,
    newest: null,
    held: emptyHeld(),
  };
  if (settings.days === null) return report;
  const now = (options.clock ?? systemClock).now();
  const cutoff = new Date(now.getTime() - settings.days * DAY_MS);
  report.cutoff = cutoff.toISOString();
  for (const { held, n } of await selectHeldCounts(ctx.db, ctx.org.id, cutoff)) report.held[HELD_KEY[held]] = n;

  if (options.dryRun) {
    const due = await selectDueConversations(ctx.db, ctx.org.id, cutoff, null);
    const ids = due.map((row) => row.id);
    const content = await countConversationContent(ctx.db, ctx.org.id, ids);
    report.conversations = due.length;
    report.messages = content.messages;
    report.files = content.files;
    report.contacts = await anonymiseContactsWithoutKeptConversations(
      { db: ctx.db, org: ctx.org },
      [...new Set(due.map((row) => row.contact_id))],
      { removing: ids, dryRun: true },
    );
    report.logs = await countExpiredLogs(ctx.db, ctx.org.id, cutoff);
    Object.assign(report, await countExpiredCustomerText(ctx.db, ctx.org.id, cutoff));
    report.oldest = ref(due[0]);
    report.newest = ref(due.at(-1));
    return report;
  }

  const mode = settings.mode;
  for (;;) {
    const step = await ctx.db.transaction(async (tx) => {
      const candidates = await selectDueConversations(tx, ctx.org.id, cutoff, BATCH);
      const locked = new Set(
        await lockDueConversations(
          tx,
          ctx.org.id,
          candidates.map((row) => row.id),
          cutoff,
        ),
      );
      const batch = candidates.filter((row) => locked.has(row.id));
      if (batch.length === 0) return null;
      const ids = batch.map((row) => row.id);
      const content = await countConversationContent(tx, ctx.org.id, ids);
      const { files } = await removeConversationDependents(tx, ctx.org.id, ids, mode, RETENTION_PLACEHOLDER);
      const written =
        mode === 'delete'
          ? await deleteConversationsForRetention(tx, ctx.org.id, ids)
          : await anonymiseConversationsForRetention(tx, ctx.org.id, ids, RETENTION_PLACEHOLDER);
      const contacts = await anonymiseContactsWithoutKeptConversations(
        { db: tx, org: ctx.org },
        [...new Set(batch.map((row) => row.contact_id))],
        { removing: [], dryRun: false },
      );
      const counts = { conversations: written.conversations, messages: content.messages, files, contacts };
      // Each batch commits with its own entry, so the log names exactly what went even if a later batch fails.
      await recordAudit(ctx, tx, {
        action: 'retention.batch',
        targetType: 'retention',
        targetId: ctx.org.id,
        details: { mode, days: settings.days, cutoff: report.cutoff, ...counts, numbers: batch.map((r) => r.number) },
      });
      return { counts, first: batch[0], last: batch.at(-1) };
    });
    if (!step) break;
    report.conversations += step.counts.conversations;
    report.messages += step.counts.messages;
    report.files += step.counts.files;
    report.contacts += step.counts.contacts;
    report.oldest ??= ref(step.first);
    report.newest = ref(step.last);
  }
  await ctx.db.transaction(async (tx) => {
    report.logs = await deleteExpiredLogs(tx, ctx.org.id, cutoff);
    Object.assign(report, await removeExpiredCustomerText(tx, ctx.org.id, cutoff));
    await updateRetentionLastRun(tx, ctx.org.id, report);
    await recordAudit(ctx, tx, {
      action: 'retention.run',
      targetType: 'retention',
      targetId: ctx.org.id,
      details: { ...report },
    });
  });
  ctx.log.info({ orgId: ctx.org.id, ...report, held: undefined }, 'data retention run');
  return report;
}

/** The organizations a run covers: one, or every one with a period set. */
export async function retentionOrgIds(db: Queryable, orgId?: string): Promise<string[]> {
  return orgId ? [orgId] : selectOrgsWithRetention(db);
}

/** The daily job: every organization with a period set, as the system; one organization's failure is logged. */
export async function runRetentionSweep(deps: RetentionDeps, options: { sinceSeconds?: number } = {}): Promise<void> {
  for (const orgId of await selectOrgsWithRetention(deps.db, options.sinceSeconds ?? 0)) {
    const ctx: Ctx = { db: deps.db, log: deps.log, events: deps.events, org: { id: orgId }, actor: { kind: 'system' } };
    await runRetention(ctx, { dryRun: false, clock: deps.clock }).catch((error: unknown) =>
      deps.log.error({ err: error, orgId }, 'data retention failed'),
    );
  }
}
