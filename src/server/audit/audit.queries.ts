import type { Queryable } from '../db/db.ts';

export type AuditRow = {
  id: number;
  actor_kind: 'agent' | 'system' | 'customer';
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
  created_at: Date;
};

export async function insertAuditEntry(
  db: Queryable,
  entry: {
    orgId: string | null;
    actorKind: string;
    actorId: string | null;
    action: string;
    targetType: string;
    targetId: string | null;
    details: Record<string, unknown>;
    ip: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (org_id, actor_kind, actor_id, action, target_type, target_id, details, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.orgId,
      entry.actorKind,
      entry.actorId,
      entry.action,
      entry.targetType,
      entry.targetId,
      JSON.stringify(entry.details),
      entry.ip,
    ],
  );
}

export async function selectAuditEntries(
  db: Queryable,
  orgId: string,
  filter: { beforeId?: number; limit: number; targetId?: string },
): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `SELECT id, actor_kind, actor_id, action, target_type, target_id, details, created_at
       FROM audit_log
      WHERE org_id = $1 AND ($2::bigint IS NULL OR id < $2) AND ($3::text IS NULL OR target_id = $3)
      ORDER BY id DESC
      LIMIT $4`,
    [orgId, filter.beforeId ?? null, filter.targetId ?? null, filter.limit],
  );
}
