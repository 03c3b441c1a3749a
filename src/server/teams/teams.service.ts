import type { Team } from '../../contracts/routing.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { clearConversationsTeam } from '../conversations/conversation-writes.ts';
import { AppError } from '../errors.ts';
import {
  countAgentsInOrg,
  deleteTeam,
  insertTeam,
  replaceTeamMembers,
  selectTeam,
  selectTeams,
  type TeamRow,
  updateTeamFields,
} from './teams.queries.ts';

export function toTeam(row: TeamRow): Team {
  return {
    id: row.id,
    name: row.name,
    skills: row.skills,
    memberIds: row.member_ids,
    overflowTeamId: row.overflow_team_id,
    overflowAfterSeconds: row.overflow_after_seconds,
  };
}

export async function listTeams(ctx: Ctx): Promise<Team[]> {
  return (await selectTeams(ctx.db, ctx.org.id)).map(toTeam);
}

type TeamInput = {
  name?: string;
  skills?: string[];
  memberIds?: string[];
  overflowTeamId?: string | null;
  overflowAfterSeconds?: number | null;
};

/** Members and the overflow team must be this org's; an overflow into itself would never move anything. */
async function checkReferences(ctx: Ctx, db: Queryable, teamId: string | null, input: TeamInput): Promise<void> {
  const members = [...new Set(input.memberIds ?? [])];
  if (members.length > 0 && (await countAgentsInOrg(db, ctx.org.id, members)) !== members.length)
    throw new AppError('agent_not_found', 'A team member is not an agent of this organization.');
  if (input.overflowTeamId) {
    if (input.overflowTeamId === teamId) throw new AppError('validation_failed', 'A team cannot overflow into itself.');
    if (!(await selectTeam(db, ctx.org.id, input.overflowTeamId)))
      throw new AppError('team_not_found', 'The overflow team does not exist.');
  }
}

function checkOverflowPair(overflowTeamId: string | null, overflowAfterSeconds: number | null): void {
  if ((overflowTeamId === null) !== (overflowAfterSeconds === null))
    throw new AppError(
      'validation_failed',
      'Set both the overflow team and the time after which to overflow, or neither.',
    );
}

export async function createTeam(ctx: Ctx, typed: Required<TeamInput> & { name: string }): Promise<Team> {
  requireAgentRole(ctx, 'admin');
  const input = { ...typed, name: screenFreeText(typed.name, 'value') };
  checkOverflowPair(input.overflowTeamId, input.overflowAfterSeconds);
  const id = await withUniqueName(() =>
    ctx.db.transaction(async (tx) => {
      await checkReferences(ctx, tx, null, input);
      const teamId = await insertTeam(tx, ctx.org.id, { ...input, skills: unique(input.skills) });
      await replaceTeamMembers(tx, ctx.org.id, teamId, unique(input.memberIds));
      await recordAudit(ctx, tx, {
        action: 'team.create',
        targetType: 'team',
        targetId: teamId,
        details: { ...input },
      });
      return teamId;
    }),
  );
  return getTeam(ctx, id);
}

export async function updateTeam(ctx: Ctx, teamId: string, typed: TeamInput): Promise<Team> {
  requireAgentRole(ctx, 'admin');
  const input = typed.name === undefined ? typed : { ...typed, name: screenFreeText(typed.name, 'value') };
  await withUniqueName(() =>
    ctx.db.transaction(async (tx) => {
      const current = await selectTeam(tx, ctx.org.id, teamId);
      if (!current) throw new AppError('team_not_found');
      checkOverflowPair(
        input.overflowTeamId !== undefined ? input.overflowTeamId : current.overflow_team_id,
        input.overflowAfterSeconds !== undefined ? input.overflowAfterSeconds : current.overflow_after_seconds,
      );
      await checkReferences(ctx, tx, teamId, input);
      await updateTeamFields(tx, ctx.org.id, teamId, {
        ...input,
        skills: input.skills ? unique(input.skills) : undefined,
      });
      if (input.memberIds) await replaceTeamMembers(tx, ctx.org.id, teamId, unique(input.memberIds));
      await recordAudit(ctx, tx, {
        action: 'team.update',
        targetType: 'team',
        targetId: teamId,
        details: { ...input },
      });
    }),
  );
  return getTeam(ctx, teamId);
}

export async function removeTeam(ctx: Ctx, teamId: string): Promise<void> {
  requireAgentRole(ctx, 'admin');
  await ctx.db.transaction(async (tx) => {
    const current = await selectTeam(tx, ctx.org.id, teamId);
    if (!current) throw new AppError('team_not_found');
    await clearConversationsTeam(tx, ctx.org.id, teamId);
    await deleteTeam(tx, ctx.org.id, teamId);
    await recordAudit(ctx, tx, {
      action: 'team.delete',
      targetType: 'team',
      targetId: teamId,
      details: { name: current.name },
    });
  });
}

async function getTeam(ctx: Ctx, teamId: string): Promise<Team> {
  const row = await selectTeam(ctx.db, ctx.org.id, teamId);
  if (!row) throw new AppError('team_not_found');
  return toTeam(row);
}

async function withUniqueName<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('conflict', 'A team with this name exists.');
    throw error;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
