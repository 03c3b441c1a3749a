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

/**
 * Appends an entry to its organization's hash chain in one statement: the upsert on the chain's head takes the head's
 * row lock (held until the caller's transaction ends, so a second writer of the same organization waits and then
 * chains onto this entry, never onto the same predecessor), advances it and hands the entry its sequence number,
 * its predecessor's hash and its own (kefu_audit_hash, migration 029). Entries without an organization chain under
 * 'platform'.
 */
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
    `WITH head AS (
       INSERT INTO audit_chain_heads AS h (chain, last_seq, prev_hash, last_hash)
       VALUES (COALESCE($1::uuid::text, 'platform'), 1, '',
               kefu_audit_hash(1, $1::uuid, $2, $3::uuid, $4, $5, $6, $7::jsonb, $8, now(), ''))
       ON CONFLICT (chain) DO UPDATE SET
         last_seq = h.last_seq + 1,
         prev_hash = h.last_hash,
         last_hash = kefu_audit_hash(h.last_seq + 1, $1::uuid, $2, $3::uuid, $4, $5, $6, $7::jsonb, $8, now(), h.last_hash)
       RETURNING last_seq, prev_hash, last_hash
     )
     INSERT INTO audit_log (org_id, actor_kind, actor_id, action, target_type, target_id, details, ip, created_at,
                            chain_seq, prev_hash, hash)
     SELECT $1::uuid, $2, $3::uuid, $4, $5, $6, $7::jsonb, $8, now(), last_seq, prev_hash, last_hash FROM head`,
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

export type AuditChainHead = { chain: string; last_seq: number | null; last_hash: string | null };

/**
 * The chains to verify: one organization's, or (orgId undefined: the operator's `audit verify` without --org, a
 * sweep across organizations on purpose) every chain that has a head or an entry, so neither a deleted head nor
 * entries without one go unnoticed.
 */
export async function selectAuditChains(db: Queryable, orgId: string | undefined): Promise<AuditChainHead[]> {
  return db.query<AuditChainHead>(
    `WITH chains AS (
       SELECT chain FROM audit_chain_heads WHERE $1::text IS NULL OR chain = $1
       UNION
       SELECT DISTINCT COALESCE(org_id::text, 'platform') FROM audit_log WHERE $1::text IS NULL OR org_id = $1::uuid
     )
     SELECT c.chain, h.last_seq, h.last_hash FROM chains c LEFT JOIN audit_chain_heads h ON h.chain = c.chain
     ORDER BY c.chain`,
    [orgId ?? null],
  );
}

export type AuditChainRow = {
  id: number;
  org_id: string | null;
  created_at: Date;
  chain_seq: number;
  prev_hash: string;
  hash: string;
  /** The hash of the entry as it is stored now. */
  recomputed: string;
};

/** One page of a chain in order, each entry with its hash recomputed from the fields as they are now. */
export async function selectAuditChainPage(
  db: Queryable,
  chain: string,
  afterSeq: number,
  limit: number,
): Promise<AuditChainRow[]> {
  return db.query<AuditChainRow>(
    `SELECT id, org_id, created_at, chain_seq, prev_hash, hash,
            kefu_audit_hash(chain_seq, org_id, actor_kind, actor_id, action, target_type, target_id, details, ip,
                            created_at, prev_hash) AS recomputed
       FROM audit_log
      WHERE COALESCE(org_id::text, 'platform') = $1 AND chain_seq > $2
      ORDER BY chain_seq
      LIMIT $3`,
    [chain, afterSeq, limit],
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
