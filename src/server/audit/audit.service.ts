import type { AuditEntry } from '../../contracts/api.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { insertAuditEntry, selectAuditEntries } from './audit.queries.ts';

/** Records what an actor did. Pass the transaction so the entry commits or rolls back with the action itself. */
export async function recordAudit(
  ctx: Pick<Ctx, 'org' | 'actor' | 'ip'>,
  db: Queryable,
  entry: { action: string; targetType: string; targetId: string | null; details?: Record<string, unknown> },
): Promise<void> {
  const actor = ctx.actor;
  await insertAuditEntry(db, {
    orgId: ctx.org.id,
    // The bot acts for the platform: it is recorded as the system.
    actorKind: actor.kind === 'bot' ? 'system' : actor.kind,
    actorId: actor.kind === 'agent' ? actor.id : actor.kind === 'customer' ? actor.contactId : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: entry.details ?? {},
    ip: ctx.ip ?? null,
  });
}

export async function listAuditEntries(
  ctx: Ctx,
  filter: { beforeId?: number; limit: number; targetId?: string },
): Promise<AuditEntry[]> {
  // The log names who did what to whom: supervisors and admins read it, agents do not.
  requireAgentRole(ctx, 'supervisor', 'admin');
  const rows = await selectAuditEntries(ctx.db, ctx.org.id, filter);
  return rows.map((row) => ({
    id: String(row.id),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: row.details,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}
