import type { AuditEntry } from '../../contracts/api.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import {
  type AuditChainRow,
  insertAuditEntry,
  selectAuditChainPage,
  selectAuditChains,
  selectAuditEntries,
} from './audit.queries.ts';

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

/** The first place a chain stops vouching for itself, named so an operator can look the entry up. */
export type AuditChainBreak = {
  chain: string;
  /** The entry that no longer matches (edited), or the first one after what went missing; null if none is left. */
  entryId: string | null;
  orgId: string | null;
  createdAt: string | null;
  chainSeq: number | null;
  reason: 'edited' | 'missing_before' | 'relinked' | 'missing_newest' | 'no_head';
  message: string;
};

export type AuditVerifyResult = { chains: number; entries: number; broken: AuditChainBreak[] };

const VERIFY_PAGE = 2000;

/**
 * Walks every chain (or one organization's) from its first entry: each entry's stored hash must equal the hash of its
 * fields as they are now, its chain_seq must follow the previous one's, its prev_hash must be the previous entry's
 * hash, and the last entry must be the chain's head. Reports the first break of each chain.
 */
export async function verifyAuditChains(
  ctx: Pick<Ctx, 'db'>,
  options: { orgId?: string } = {},
): Promise<AuditVerifyResult> {
  const chains = await selectAuditChains(ctx.db, options.orgId);
  const result: AuditVerifyResult = { chains: chains.length, entries: 0, broken: [] };
  for (const head of chains) {
    let previous: { seq: number; hash: string; row?: AuditChainRow } = { seq: 0, hash: '' };
    let broken: AuditChainBreak | undefined;
    const fail = (row: AuditChainRow | undefined, reason: AuditChainBreak['reason'], message: string) => {
      broken = {
        chain: head.chain,
        entryId: row ? String(row.id) : null,
        orgId: row ? row.org_id : head.chain === 'platform' ? null : head.chain,
        createdAt: row ? new Date(row.created_at).toISOString() : null,
        chainSeq: row ? row.chain_seq : null,
        reason,
        message,
      };
    };
    walk: for (;;) {
      const page = await selectAuditChainPage(ctx.db, head.chain, previous.seq, VERIFY_PAGE);
      for (const row of page) {
        result.entries++;
        if (row.chain_seq !== previous.seq + 1) {
          fail(row, 'missing_before', `entries ${previous.seq + 1}–${row.chain_seq - 1} of the chain are missing`);
          break walk;
        }
        if (row.prev_hash !== previous.hash) {
          fail(row, 'relinked', 'its previous-entry hash does not match the entry before it');
          break walk;
        }
        if (row.recomputed !== row.hash) {
          fail(row, 'edited', 'its fields no longer match its hash (edited after it was written)');
          break walk;
        }
        previous = { seq: row.chain_seq, hash: row.hash, row };
      }
      if (page.length < VERIFY_PAGE) break;
    }
    if (!broken) {
      if (head.last_seq === null) fail(previous.row, 'no_head', "the chain's head is missing");
      else if (head.last_seq !== previous.seq || head.last_hash !== previous.hash)
        fail(
          previous.row,
          'missing_newest',
          previous.seq < head.last_seq
            ? `the newest ${head.last_seq - previous.seq} entries of the chain are missing`
            : 'the chain does not end at its head',
        );
    }
    if (broken) result.broken.push(broken);
  }
  return result;
}
