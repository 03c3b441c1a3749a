import type { Priority } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

import type { CaseKind, CaseOpening, CaseStatus } from '../../contracts/self-service.ts';

export type { CaseKind, CaseStatus };

export type CaseRow = {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  priority: Priority;
  conversation_id: string | null;
  contact_id: string | null;
  exchange_uid: string | null;
  title: string;
  evidence: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  /** Which request this is: a case reopened after being resolved or rejected is a new request, with no approvals. */
  request_round: number;
  /** Who asked for the current request (opened or reopened the case); never one of its approvers. */
  requested_by: string | null;
  /** The approvers of the current request, the requester never among them. */
  approvers: string[];
};

const CASE_COLUMNS = `c.id, c.kind, c.status, c.priority, c.conversation_id, c.contact_id, c.exchange_uid, c.title, c.evidence,
  c.created_at, c.updated_at, c.resolved_at, c.request_round, c.requested_by,
  COALESCE((SELECT array_agg(a.agent_id::text ORDER BY a.created_at) FROM case_approvals a
             WHERE a.case_id = c.id AND a.request_round = c.request_round
               AND a.agent_id IS DISTINCT FROM c.requested_by), '{}') AS approvers`;

export async function insertCase(
  db: Queryable,
  orgId: string,
  c: CaseOpening & { requestedBy: string | null },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO support_cases (org_id, kind, priority, conversation_id, contact_id, exchange_uid, title, evidence,
                                requested_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      orgId,
      c.kind,
      c.priority,
      c.conversationId,
      c.contactId,
      c.exchangeUid,
      c.title,
      JSON.stringify(c.evidence),
      c.requestedBy,
    ],
  );
  return rows[0].id;
}

export async function selectCase(db: Queryable, orgId: string, caseId: string): Promise<CaseRow | undefined> {
  const rows = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM support_cases c WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, caseId],
  );
  return rows[0];
}

export async function selectCases(
  db: Queryable,
  orgId: string,
  f: { status?: CaseStatus; kind?: CaseKind; contactId?: string; conversationId?: string; limit: number },
): Promise<CaseRow[]> {
  return db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM support_cases c
      WHERE c.org_id = $1 AND ($2::text IS NULL OR c.status = $2) AND ($3::text IS NULL OR c.kind = $3)
        AND ($4::uuid IS NULL OR c.contact_id = $4) AND ($5::uuid IS NULL OR c.conversation_id = $5)
      ORDER BY c.created_at DESC LIMIT $6`,
    [orgId, f.status ?? null, f.kind ?? null, f.contactId ?? null, f.conversationId ?? null, f.limit],
  );
}

/**
 * Sets the status. Reopening a resolved or rejected case starts a new request (the next round, asked for by
 * `changedBy`), so the approvals of the request that ended stay with it.
 */
export async function updateCaseStatus(
  db: Queryable,
  orgId: string,
  caseId: string,
  status: CaseStatus,
  changedBy: string | null,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE support_cases SET status = $3, updated_at = now(),
            resolved_at = CASE WHEN $3 IN ('resolved', 'rejected') THEN now() ELSE NULL END,
            request_round = request_round
              + CASE WHEN status IN ('resolved', 'rejected') AND $3 NOT IN ('resolved', 'rejected') THEN 1 ELSE 0 END,
            requested_by = CASE WHEN status IN ('resolved', 'rejected') AND $3 NOT IN ('resolved', 'rejected')
                                THEN $4::uuid ELSE requested_by END
      WHERE org_id = $1 AND id = $2 RETURNING id`,
    [orgId, caseId, status, changedBy],
  );
  return rows.length === 1;
}

/**
 * Records one approver of one request (round); false when this agent had already approved it (the same person twice
 * is not four eyes).
 */
export async function insertApproval(
  db: Queryable,
  orgId: string,
  a: { caseId: string; requestRound: number; agentId: string },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO case_approvals (org_id, case_id, request_round, agent_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id, request_round, agent_id) DO NOTHING RETURNING agent_id`,
    [orgId, a.caseId, a.requestRound, a.agentId],
  );
  return rows.length === 1;
}

/** Locks the case for the approval step so two approvals arriving together are counted one after the other. */
export async function lockCase(db: Queryable, orgId: string, caseId: string): Promise<CaseRow | undefined> {
  await db.query('SELECT id FROM support_cases WHERE org_id = $1 AND id = $2 FOR UPDATE', [orgId, caseId]);
  return selectCase(db, orgId, caseId);
}

/** The language of the customer a case's conversation belongs to (null when their contact has none). */
export async function selectConversationContactLocale(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<string | null> {
  const rows = await db.query<{ locale: string | null }>(
    `SELECT ct.locale FROM conversations c JOIN contacts ct ON ct.org_id = c.org_id AND ct.id = c.contact_id
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, conversationId],
  );
  return rows[0]?.locale ?? null;
}
