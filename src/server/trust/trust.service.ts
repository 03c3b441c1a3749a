import { recordAudit } from '../audit/audit.service.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { requireOrgBySlug } from '../orgs/orgs.service.ts';
import {
  type ChannelKind,
  checkChannels,
  extractChannelCandidates,
  normalizeChannel,
  saveOfficialChannel,
} from './official-channels.ts';
import { deleteOfficialChannel, type OfficialChannelRow, selectOfficialChannels } from './trust.queries.ts';

/** The official-channel registry: agents read it, admins change it (audited), anyone checks a channel against it. */

export async function listOfficialChannels(ctx: Ctx): Promise<OfficialChannelRow[]> {
  requireAgentRole(ctx);
  return selectOfficialChannels(ctx.db, ctx.org.id);
}

export async function addOfficialChannel(
  ctx: Ctx,
  input: { kind: ChannelKind; value: string; label: string },
): Promise<OfficialChannelRow> {
  requireAgentRole(ctx, 'admin');
  const channel = await saveOfficialChannel(ctx.db, ctx.org.id, {
    ...input,
    label: screenFreeText(input.label, 'value'),
  });
  await recordAudit(ctx, ctx.db, {
    action: 'official_channel.add',
    targetType: 'official_channel',
    targetId: channel.id,
    details: { kind: channel.kind, value: channel.value },
  });
  return channel;
}

export async function removeOfficialChannel(ctx: Ctx, channelId: string): Promise<void> {
  requireAgentRole(ctx, 'admin');
  if (!(await deleteOfficialChannel(ctx.db, ctx.org.id, channelId))) {
    throw new AppError('not_found', 'No such channel.');
  }
  await recordAudit(ctx, ctx.db, {
    action: 'official_channel.remove',
    targetType: 'official_channel',
    targetId: channelId,
  });
}

/**
 * The public check (no visitor token: anyone an impersonator contacted may ask): every channel found in the text,
 * or the text itself taken as a website when it holds none, with whether the organization registered it.
 */
export async function verifyChannels(
  deps: { db: Queryable },
  orgSlug: string,
  value: string,
): Promise<{ kind: ChannelKind; value: string; official: boolean; label: string | null }[]> {
  const org = await requireOrgBySlug(deps, orgSlug);
  const candidates = extractChannelCandidates(value);
  const verdicts = await checkChannels(
    deps.db,
    org.id,
    candidates.length > 0 ? candidates : [{ kind: 'url', value: normalizeChannel('url', value), raw: value }],
  );
  return verdicts.map((v) => ({ kind: v.kind, value: v.raw, official: v.official, label: v.label }));
}
