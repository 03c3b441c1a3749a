import crypto from 'node:crypto';
import {
  API_KEY_PREFIX,
  API_KEY_SCOPES,
  type ApiKeyScope,
  type ApiKeySummary,
  type CreateApiKeyBody,
  type CreatedApiKey,
} from '../../contracts/public-api.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import {
  type ApiKeyRow,
  insertApiKey,
  revokeApiKeyRow,
  selectApiKeys,
  selectLiveApiKeyByHash,
  touchApiKey,
} from './public-api.queries.ts';

/**
 * API keys for the exchange's backend. A key is `kefu_live_` + 32 random bytes (base64url), shown once when it is
 * made and stored only as its SHA-256 (a key this random cannot be guessed from its hash, so a slow password hash
 * would buy nothing and cost every request). Admins make, list and revoke them; every change is audited.
 */

/** Who calls /api/v1: the key (its organization and what it may do). Set on `request.apiKey` by api-auth.ts. */
export type ApiKeyPrincipal = { id: string; orgId: string; name: string; scopes: ApiKeyScope[] };

/** How many characters of a key the console shows (the fixed prefix and 6 random ones). */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

function toSummary(row: ApiKeyRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter((scope): scope is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(scope)),
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

export async function createApiKey(ctx: Ctx, input: CreateApiKeyBody): Promise<CreatedApiKey> {
  const admin = requireAgentRole(ctx, 'admin');
  const key = `${API_KEY_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  const scopes = [...new Set(input.scopes)];
  const row = await ctx.db.transaction(async (tx) => {
    const created = await insertApiKey(tx, ctx.org.id, {
      name: input.name,
      prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
      keyHash: hashApiKey(key),
      scopes,
      createdBy: admin.id,
    });
    await recordAudit(ctx, tx, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: created.id,
      details: { name: input.name, scopes, prefix: created.prefix },
    });
    return created;
  });
  return { apiKey: toSummary(row), key };
}

export async function listApiKeys(ctx: Ctx): Promise<ApiKeySummary[]> {
  requireAgentRole(ctx, 'admin');
  return (await selectApiKeys(ctx.db, ctx.org.id)).map(toSummary);
}

export async function revokeApiKey(ctx: Ctx, keyId: string): Promise<ApiKeySummary> {
  requireAgentRole(ctx, 'admin');
  return ctx.db.transaction(async (tx) => {
    const row = await revokeApiKeyRow(tx, ctx.org.id, keyId);
    if (!row) throw new AppError('api_key_not_found');
    await recordAudit(ctx, tx, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: row.id,
      details: { name: row.name, prefix: row.prefix },
    });
    return toSummary(row);
  });
}

/** The live key a bearer token is, or `api_key_invalid` (unknown, revoked or not a key at all: all look the same). */
export async function authenticateApiKey(db: Queryable, presented: string | undefined): Promise<ApiKeyPrincipal> {
  if (!presented?.startsWith(API_KEY_PREFIX) || presented.length > 200) throw new AppError('api_key_invalid');
  const row = await selectLiveApiKeyByHash(db, hashApiKey(presented));
  if (!row) throw new AppError('api_key_invalid');
  await touchApiKey(db, row.org_id, row.id);
  return { id: row.id, orgId: row.org_id, name: row.name, scopes: toSummary(row).scopes };
}

/** A key without `scope` is refused with `forbidden`, naming the scope it lacks. */
export function requireScope(key: ApiKeyPrincipal, scope: ApiKeyScope): void {
  if (!key.scopes.includes(scope)) {
    throw new AppError('forbidden', `This API key lacks the scope ${scope}; an admin can create a key that has it.`);
  }
}
