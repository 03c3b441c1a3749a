import type { Locale } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { screenFreeTextIn } from '../secrets/secret-guard.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { requireOrgBySlug } from '../orgs/orgs.service.ts';
import { announcePlatformStatus } from '../self-service/announcements.ts';
import {
  listPlatformStatus,
  type PlatformStatusEntry,
  type ServiceState,
  upsertPlatformStatus,
} from './platform-status.ts';

/** The status page: agents read it, admins and supervisors post to it (audited, announced), anyone reads it. */

export async function getPlatformStatus(ctx: Ctx): Promise<PlatformStatusEntry[]> {
  requireAgentRole(ctx);
  return listPlatformStatus(ctx.db, ctx.org.id);
}

/** Posts one coin and network's status and tells the customers waiting on it; returns how many were told. */
export async function updatePlatformStatus(
  ctx: Ctx,
  input: {
    coin: string;
    network: string;
    deposits: ServiceState;
    withdrawals: ServiceState;
    note: Partial<Record<Locale, string>>;
  },
): Promise<{ entry: PlatformStatusEntry; announcedTo: number }> {
  requireAgentRole(ctx, 'admin', 'supervisor');
  // The note is announced to customers: a secret pasted into it must not go out.
  const entry = await upsertPlatformStatus(ctx.db, ctx.org.id, { ...input, note: screenFreeTextIn(input.note) });
  await recordAudit(ctx, ctx.db, {
    action: 'platform_status.update',
    targetType: 'platform_status',
    targetId: `${entry.coin}/${entry.network}`,
    details: { deposits: entry.deposits, withdrawals: entry.withdrawals },
  });
  const announcedTo = await announcePlatformStatus(ctx, entry);
  return { entry, announcedTo };
}

/** The public status page of the organization a widget names by slug. */
export async function getPublicPlatformStatus(
  deps: { db: Queryable },
  orgSlug: string,
): Promise<PlatformStatusEntry[]> {
  const org = await requireOrgBySlug(deps, orgSlug);
  return listPlatformStatus(deps.db, org.id);
}
