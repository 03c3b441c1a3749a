import type { AgentRole, Locale } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';
import { seal, unsealOptional } from '../secrets/sealed.ts';

export type AgentRow = {
  id: string;
  org_id: string;
  email: string;
  name: string;
  password_hash: string;
  role: AgentRole;
  locale: Locale;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: number | null;
  disabled_at: Date | null;
  /** What the agent may do beyond their role ('kb_editor': edit the knowledge base). */
  permissions: string[];
};

const AGENT_COLUMNS =
  'id, org_id, email, name, password_hash, role, locale, totp_secret, totp_enabled, totp_last_step, disabled_at, permissions';

/** The row with its TOTP seed opened (stored sealed: with it anyone could make the agent's codes). */
function openAgent(row: AgentRow | undefined): AgentRow | undefined {
  return row && { ...row, totp_secret: unsealOptional(row.totp_secret) };
}

/** Login is the one lookup not scoped by organization: the email identifies the agent and with it the org. */
export async function selectAgentByEmail(db: Queryable, email: string): Promise<AgentRow | undefined> {
  const rows = await db.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE lower(email) = lower($1)`, [email]);
  return openAgent(rows[0]);
}

export async function selectAgentInOrg(db: Queryable, orgId: string, agentId: string): Promise<AgentRow | undefined> {
  const rows = await db.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE org_id = $1 AND id = $2`, [
    orgId,
    agentId,
  ]);
  return openAgent(rows[0]);
}

export async function selectAgentsInOrg(db: Queryable, orgId: string): Promise<AgentRow[]> {
  const rows = await db.query<AgentRow>(
    `SELECT ${AGENT_COLUMNS} FROM agents WHERE org_id = $1 AND disabled_at IS NULL ORDER BY name`,
    [orgId],
  );
  return rows.map((row) => openAgent(row) as AgentRow);
}

export async function insertAgent(
  db: Queryable,
  a: { orgId: string; email: string; name: string; passwordHash: string; role: AgentRole; locale: Locale },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO agents (org_id, email, name, password_hash, role, locale) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [a.orgId, a.email, a.name, a.passwordHash, a.role, a.locale],
  );
  return rows[0].id;
}

export async function updateAgentTotp(
  db: Queryable,
  orgId: string,
  agentId: string,
  t: { secret: string | null; enabled: boolean },
): Promise<void> {
  await db.query(
    'UPDATE agents SET totp_secret = $3, totp_enabled = $4, totp_last_step = NULL WHERE org_id = $1 AND id = $2',
    [orgId, agentId, t.secret === null ? null : seal(t.secret), t.enabled],
  );
}

/** Records the accepted step only if it is newer than the last one: false means the code was already used. */
export async function claimTotpStep(db: Queryable, orgId: string, agentId: string, step: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE agents SET totp_last_step = $3
      WHERE org_id = $1 AND id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3) RETURNING id`,
    [orgId, agentId, step],
  );
  return rows.length === 1;
}

/**
 * Serializes login attempts for one account until the transaction ends (the key is the lower-cased e-mail, so the
 * lock also covers addresses with no account): the count in reserveLoginAttempt then sees every place taken before.
 */
export async function lockLoginAttempts(tx: Queryable, email: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`kefu:login:${email.toLowerCase()}`]);
}

/**
 * Takes a place in the account's failure count: inserts the attempt as failed, but only while fewer than
 * `maxFailures` failures (places held by attempts still being checked included) fall in the window since the last
 * success. Returns the attempt's id, or undefined when the account is locked. Run under lockLoginAttempts.
 */
export async function reserveLoginAttempt(
  tx: Queryable,
  a: { email: string; ip: string | null; maxFailures: number; windowSeconds: number },
): Promise<string | undefined> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO login_attempts (email, ip, succeeded)
     SELECT $1, $2, false
      WHERE (SELECT count(*) FROM login_attempts
              WHERE lower(email) = lower($1) AND NOT succeeded AND created_at > now() - make_interval(secs => $4)
                AND created_at > COALESCE((SELECT max(created_at) FROM login_attempts
                                            WHERE lower(email) = lower($1) AND succeeded), '-infinity')) < $3
     RETURNING id::text AS id`,
    [a.email, a.ip, a.maxFailures, a.windowSeconds],
  );
  return rows[0]?.id;
}

/** The reserved attempt signed in: it becomes the success that clears the failures before it. */
export async function markLoginAttemptSucceeded(db: Queryable, attemptId: string): Promise<void> {
  await db.query('UPDATE login_attempts SET succeeded = true, created_at = now() WHERE id = $1::bigint', [attemptId]);
}

/** The reserved attempt was neither a failure nor a success (the form's TOTP step): it gives its place back. */
export async function releaseLoginAttempt(db: Queryable, attemptId: string): Promise<void> {
  await db.query('DELETE FROM login_attempts WHERE id = $1::bigint', [attemptId]);
}

export type SessionRow = {
  id: string;
  org_id: string;
  agent_id: string;
  csrf_token: string;
  totp_enrollment_only: boolean;
  expires_at: Date;
  last_seen_at: Date;
};

export async function insertSession(
  db: Queryable,
  s: {
    orgId: string;
    agentId: string;
    tokenHash: string;
    csrfToken: string;
    enrollmentOnly: boolean;
    ip: string | null;
    userAgent: string | null;
    ttlSeconds: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO agent_sessions (org_id, agent_id, token_hash, csrf_token, totp_enrollment_only, ip, user_agent, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
    [s.orgId, s.agentId, s.tokenHash, s.csrfToken, s.enrollmentOnly, s.ip, s.userAgent, s.ttlSeconds],
  );
}

export async function selectLiveSession(db: Queryable, tokenHash: string): Promise<SessionRow | undefined> {
  const rows = await db.query<SessionRow>(
    `SELECT id, org_id, agent_id, csrf_token, totp_enrollment_only, expires_at, last_seen_at
       FROM agent_sessions WHERE token_hash = $1 AND expires_at > now()`,
    [tokenHash],
  );
  return rows[0];
}

/** Sliding expiry, written at most once a minute per session to keep reads cheap. */
export async function touchSession(db: Queryable, sessionId: string, ttlSeconds: number): Promise<void> {
  await db.query(
    `UPDATE agent_sessions SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2)
      WHERE id = $1 AND last_seen_at < now() - interval '1 minute'`,
    [sessionId, ttlSeconds],
  );
}

export async function markSessionEnrolled(db: Queryable, sessionId: string): Promise<void> {
  await db.query('UPDATE agent_sessions SET totp_enrollment_only = false WHERE id = $1', [sessionId]);
}

export async function deleteSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('DELETE FROM agent_sessions WHERE id = $1', [sessionId]);
}

/** Replaces an agent's extra permissions; false when no such agent is in the organization. */
export async function updateAgentPermissions(
  db: Queryable,
  orgId: string,
  agentId: string,
  permissions: string[],
): Promise<boolean> {
  const rows = await db.query('UPDATE agents SET permissions = $3 WHERE org_id = $1 AND id = $2 RETURNING id', [
    orgId,
    agentId,
    permissions,
  ]);
  return rows.length > 0;
}
