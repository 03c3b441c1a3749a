import crypto from 'node:crypto';
import { type Agent, type AgentPermission, isAgentPermission, type Organization } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { findOrgById } from '../orgs/orgs.service.ts';
import {
  type AgentRow,
  claimTotpStep,
  deleteSession,
  insertSession,
  lockLoginAttempts,
  markLoginAttemptSucceeded,
  markSessionEnrolled,
  selectAgentsInOrg,
  selectAgentByEmail,
  selectAgentInOrg,
  releaseLoginAttempt,
  reserveLoginAttempt,
  selectLiveSession,
  touchSession,
  updateAgentPermissions,
  updateAgentTotp,
} from './auth.queries.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { checkTotp, createTotpSecret, totpUri } from './totp.ts';

export const SESSION_TTL_SECONDS = 12 * 60 * 60;
const LOGIN_WINDOW_SECONDS = 15 * 60;

export type AgentSession = {
  sessionId: string;
  csrfToken: string;
  enrollmentOnly: boolean;
  agent: AgentRow;
};

export function toAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    locale: row.locale,
    totpEnabled: row.totp_enabled,
    permissions: row.permissions.filter(isAgentPermission),
  };
}

export function toOrganization(row: { id: string; slug: string; name: string; require_totp: boolean }): Organization {
  return { id: row.id, slug: row.slug, name: row.name, requireTotp: row.require_totp };
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

export type LoginInput = {
  email: string;
  password: string;
  totp?: string;
  ip: string | null;
  userAgent: string | null;
};

/**
 * Password, then TOTP when enrolled. Failures are counted per account in a sliding window, in the database so the
 * limit holds across app nodes and restarts; a missing TOTP code is not a failure (it is step two of the form).
 *
 * Each attempt first reserves its place in the count (one locked statement per account), and only an attempt
 * within the limit gets the slow password check: parallel guesses cannot all be checked while the count reads low.
 * The place is a failure until the attempt proves otherwise, so a crash mid-check errs on the side of the lockout.
 */
export async function login(
  deps: { db: Db; maxFailures: number },
  input: LoginInput,
): Promise<{ token: string; session: AgentSession }> {
  const { db } = deps;
  const attemptId = await db.transaction(async (tx) => {
    await lockLoginAttempts(tx, input.email);
    return reserveLoginAttempt(tx, {
      email: input.email,
      ip: input.ip,
      maxFailures: deps.maxFailures,
      windowSeconds: LOGIN_WINDOW_SECONDS,
    });
  });
  if (!attemptId) throw new AppError('too_many_attempts');
  const agent = await selectAgentByEmail(db, input.email);
  const passwordOk = agent && !agent.disabled_at ? await verifyPassword(agent.password_hash, input.password) : false;
  if (!agent) await burnPasswordCheck(input.password);
  if (!agent || !passwordOk) throw new AppError('invalid_credentials');
  if (agent.totp_enabled && agent.totp_secret) {
    if (!input.totp) {
      await releaseLoginAttempt(db, attemptId);
      throw new AppError('totp_required');
    }
    const step = await checkTotp(agent.totp_secret, input.totp, agent.totp_last_step);
    if (step === null || !(await claimTotpStep(db, agent.org_id, agent.id, step))) throw new AppError('totp_invalid');
  }
  const org = await findOrgById({ db }, agent.org_id);
  const enrollmentOnly = Boolean(org?.require_totp && !agent.totp_enabled);
  const token = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  await insertSession(db, {
    orgId: agent.org_id,
    agentId: agent.id,
    tokenHash: hashToken(token),
    csrfToken,
    enrollmentOnly,
    ip: input.ip,
    userAgent: input.userAgent,
    ttlSeconds: SESSION_TTL_SECONDS,
  });
  await markLoginAttemptSucceeded(db, attemptId);
  const ctx = { org: { id: agent.org_id }, actor: agentActor(agent), ip: input.ip ?? undefined };
  await recordAudit(ctx, db, { action: 'agent.login', targetType: 'agent', targetId: agent.id });
  const session = await resolveSession(db, token);
  if (!session) throw new AppError('internal_error');
  return { token, session };
}

export function agentActor(agent: AgentRow) {
  return {
    kind: 'agent' as const,
    id: agent.id,
    name: agent.name,
    role: agent.role,
    locale: agent.locale,
    permissions: agent.permissions,
  };
}

export async function resolveSession(db: Db, token: string | undefined): Promise<AgentSession | undefined> {
  if (!token) return undefined;
  const row = await selectLiveSession(db, hashToken(token));
  if (!row) return undefined;
  const agent = await selectAgentInOrg(db, row.org_id, row.agent_id);
  if (!agent || agent.disabled_at) return undefined;
  await touchSession(db, row.id, SESSION_TTL_SECONDS);
  return { sessionId: row.id, csrfToken: row.csrf_token, enrollmentOnly: row.totp_enrollment_only, agent };
}

export function isCsrfTokenValid(session: AgentSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export async function logout(ctx: Ctx, session: AgentSession): Promise<void> {
  await deleteSession(ctx.db, session.sessionId);
  await recordAudit(ctx, ctx.db, { action: 'agent.logout', targetType: 'agent', targetId: session.agent.id });
}

export async function getSessionInfo(
  db: Db,
  session: AgentSession,
): Promise<{ agent: Agent; org: Organization; csrfToken: string }> {
  const org = await findOrgById({ db }, session.agent.org_id);
  if (!org) throw new AppError('unauthenticated');
  return { agent: toAgent(session.agent), org: toOrganization(org), csrfToken: session.csrfToken };
}

/** Starts enrolment: a new secret, stored but not active until a code from it is confirmed. */
export async function setupTotp(ctx: Ctx, session: AgentSession): Promise<{ secret: string; otpauthUrl: string }> {
  if (session.agent.totp_enabled) throw new AppError('conflict', 'Two-factor authentication is already enabled.');
  const secret = createTotpSecret();
  await updateAgentTotp(ctx.db, ctx.org.id, session.agent.id, { secret, enabled: false });
  return { secret, otpauthUrl: totpUri(secret, session.agent.email) };
}

export async function enableTotp(ctx: Ctx, session: AgentSession, code: string): Promise<void> {
  const agent = await selectAgentInOrg(ctx.db, ctx.org.id, session.agent.id);
  if (!agent?.totp_secret || agent.totp_enabled) throw new AppError('conflict', 'Start enrolment first.');
  const step = await checkTotp(agent.totp_secret, code);
  if (step === null) throw new AppError('totp_invalid');
  await ctx.db.transaction(async (tx) => {
    await updateAgentTotp(tx, ctx.org.id, agent.id, { secret: agent.totp_secret, enabled: true });
    await claimTotpStep(tx, ctx.org.id, agent.id, step);
    await markSessionEnrolled(tx, session.sessionId);
    await recordAudit(ctx, tx, { action: 'agent.totp_enabled', targetType: 'agent', targetId: agent.id });
  });
}

/** One of the organization's agents who is not disabled; undefined for an unknown or disabled one. */
export async function findActiveAgent(ctx: Pick<Ctx, 'db' | 'org'>, agentId: string): Promise<AgentRow | undefined> {
  const agent = await selectAgentInOrg(ctx.db, ctx.org.id, agentId);
  return agent && !agent.disabled_at ? agent : undefined;
}

/** An admin grants or takes back an agent's extra permissions (the knowledge-base editor); audited. */
export async function setAgentPermissions(ctx: Ctx, agentId: string, permissions: AgentPermission[]): Promise<Agent> {
  requireAgentRole(ctx, 'admin');
  const unique = [...new Set(permissions)].sort();
  return ctx.db.transaction(async (tx) => {
    const before = await selectAgentInOrg(tx, ctx.org.id, agentId);
    if (!before) throw new AppError('agent_not_found');
    await updateAgentPermissions(tx, ctx.org.id, agentId, unique);
    await recordAudit(ctx, tx, {
      action: 'agent.permissions',
      targetType: 'agent',
      targetId: agentId,
      details: { from: before.permissions, to: unique },
    });
    return toAgent({ ...before, permissions: unique });
  });
}

/** The organization's agents who are not disabled, by name (for mentions and pickers). */
export async function listActiveAgents(ctx: Ctx): Promise<AgentRow[]> {
  return selectAgentsInOrg(ctx.db, ctx.org.id);
}
