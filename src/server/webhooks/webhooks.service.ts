import { createTtlCache } from '../ttl-cache.ts';
import crypto from 'node:crypto';
import {
  type CreatedWebhook,
  type CreateWebhookBody,
  type UpdateWebhookBody,
  WEBHOOK_EVENTS,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
  type WebhookPayload,
} from '../../contracts/public-api.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { type ApiKeyPrincipal, requireScope } from '../public-api/api-keys.service.ts';
import { sendWebhook } from './webhook-sender.ts';
import { resolveWebhookTarget } from './webhook-url.ts';
import {
  type AttemptRow,
  countAttempt,
  countEndpointFailure,
  type DeliveryRow,
  deleteEndpointRow,
  disableEndpointRow,
  type EndpointRow,
  insertAttempt,
  insertDelivery,
  insertEndpoint,
  resetEndpointFailures,
  selectAttempts,
  selectDeliveries,
  selectDelivery,
  selectDeliveryToSend,
  selectEnabledEndpoints,
  selectEndpoint,
  selectEndpoints,
  setDeliveryOutcome,
  updateEndpointRow,
} from './webhooks.queries.ts';

/**
 * Outgoing webhooks: endpoints an admin (or an API key with `webhooks:manage`) registers, one delivery per endpoint
 * and event, each try logged, retried with exponential backoff from the job queue, replayable by hand, and an
 * endpoint whose deliveries keep failing switched off with the reason shown in the console (and audited).
 */

export type WebhookSettings = { retryBaseMs: number; disableAfter: number; allowPrivate: boolean };

export const DELIVER_JOB = 'webhooks.deliver';
/** Retry n waits base × RETRY_FACTORS[n]: 10 s, 1 min, 5 min, 30 min, 2 h with the default 10 s base. */
export const RETRY_FACTORS = [1, 6, 30, 180, 720];

/** An admin in the console, or an API key that may manage webhooks. */
function requireManager(ctx: Ctx, key: ApiKeyPrincipal | undefined): void {
  if (key) requireScope(key, 'webhooks:manage');
  else requireAgentRole(ctx, 'admin');
}

const knownEvents = (events: string[]) =>
  events.filter((event): event is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(event));

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: knownEvents(row.events),
    enabled: row.enabled,
    consecutiveFailures: row.consecutive_failures,
    disabledReason: row.disabled_reason,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toDelivery(row: DeliveryRow, attempts: AttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    status: row.status,
    attempts: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attempt: attempt.attempt,
        replay: attempt.replay,
        succeeded: attempt.succeeded,
        responseCode: attempt.response_code,
        durationMs: attempt.duration_ms,
        error: attempt.error,
        createdAt: new Date(attempt.created_at).toISOString(),
      })),
    nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    deliveredAt: row.delivered_at ? new Date(row.delivered_at).toISOString() : null,
  };
}

const auditDetails = (key: ApiKeyPrincipal | undefined, details: Record<string, unknown>) =>
  key ? { ...details, apiKeyId: key.id } : details;

// ---------- Endpoints ----------

/** Cached enabled endpoints per organization (a few seconds; changes on this node drop the entry at once). */
const ENDPOINT_CACHE_MS = 5000;
const endpointCache = createTtlCache<string, EndpointRow[]>(ENDPOINT_CACHE_MS);
const forgetEndpoints = (orgId: string) => endpointCache.delete(orgId);

export async function createWebhook(
  ctx: Ctx,
  key: ApiKeyPrincipal | undefined,
  input: CreateWebhookBody,
  settings: Pick<WebhookSettings, 'allowPrivate'>,
): Promise<CreatedWebhook> {
  requireManager(ctx, key);
  await resolveWebhookTarget(input.url, settings);
  const secret = `whsec_${crypto.randomBytes(32).toString('base64url')}`;
  const row = await ctx.db.transaction(async (tx) => {
    const created = await insertEndpoint(tx, ctx.org.id, {
      url: input.url,
      description: input.description || null,
      events: [...new Set(input.events)],
      secret,
    });
    await recordAudit(ctx, tx, {
      action: 'webhook.create',
      targetType: 'webhook',
      targetId: created.id,
      details: auditDetails(key, { url: input.url, events: created.events }),
    });
    return created;
  });
  forgetEndpoints(ctx.org.id);
  return { webhook: toEndpoint(row), secret };
}

export async function listWebhooks(ctx: Ctx, key: ApiKeyPrincipal | undefined): Promise<WebhookEndpoint[]> {
  requireManager(ctx, key);
  return (await selectEndpoints(ctx.db, ctx.org.id)).map(toEndpoint);
}

export async function updateWebhook(
  ctx: Ctx,
  key: ApiKeyPrincipal | undefined,
  webhookId: string,
  input: UpdateWebhookBody,
  settings: Pick<WebhookSettings, 'allowPrivate'>,
): Promise<WebhookEndpoint> {
  requireManager(ctx, key);
  if (input.url) await resolveWebhookTarget(input.url, settings);
  const row = await ctx.db.transaction(async (tx) => {
    const updated = await updateEndpointRow(tx, ctx.org.id, webhookId, {
      url: input.url,
      description: input.description === undefined ? undefined : input.description || null,
      events: input.events ? [...new Set(input.events)] : undefined,
      enabled: input.enabled,
    });
    if (!updated) throw new AppError('webhook_not_found');
    await recordAudit(ctx, tx, {
      action: 'webhook.update',
      targetType: 'webhook',
      targetId: webhookId,
      details: auditDetails(key, { ...input }),
    });
    return updated;
  });
  forgetEndpoints(ctx.org.id);
  return toEndpoint(row);
}

export async function deleteWebhook(ctx: Ctx, key: ApiKeyPrincipal | undefined, webhookId: string): Promise<void> {
  requireManager(ctx, key);
  await ctx.db.transaction(async (tx) => {
    if (!(await deleteEndpointRow(tx, ctx.org.id, webhookId))) throw new AppError('webhook_not_found');
    await recordAudit(ctx, tx, {
      action: 'webhook.delete',
      targetType: 'webhook',
      targetId: webhookId,
      details: auditDetails(key, {}),
    });
  });
  forgetEndpoints(ctx.org.id);
}

/** The latest deliveries of an endpoint with every try (the console's delivery log). */
export async function listWebhookDeliveries(
  ctx: Ctx,
  key: ApiKeyPrincipal | undefined,
  webhookId: string,
  limit = 50,
): Promise<WebhookDelivery[]> {
  requireManager(ctx, key);
  if (!(await selectEndpoint(ctx.db, ctx.org.id, webhookId))) throw new AppError('webhook_not_found');
  const rows = await selectDeliveries(ctx.db, ctx.org.id, webhookId, limit);
  const attempts = await selectAttempts(
    ctx.db,
    ctx.org.id,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toDelivery(row, attempts));
}

/** Sends a delivery again now (one try, logged as a replay), whatever its state; answers it with its tries. */
export async function replayWebhookDelivery(
  ctx: Ctx,
  key: ApiKeyPrincipal | undefined,
  webhookId: string,
  deliveryId: string,
  deps: { jobs: JobQueue; settings: WebhookSettings },
): Promise<WebhookDelivery> {
  requireManager(ctx, key);
  if (!(await selectDelivery(ctx.db, ctx.org.id, webhookId, deliveryId))) throw new AppError('not_found');
  await recordAudit(ctx, ctx.db, {
    action: 'webhook.replay',
    targetType: 'webhook',
    targetId: webhookId,
    details: auditDetails(key, { deliveryId }),
  });
  await attemptDelivery({ db: ctx.db, log: ctx.log, ...deps }, ctx.org.id, deliveryId, { replay: true, retry: 0 });
  const row = (await selectDelivery(ctx.db, ctx.org.id, webhookId, deliveryId)) as DeliveryRow;
  return toDelivery(row, await selectAttempts(ctx.db, ctx.org.id, [row.id]));
}

// ---------- Fan-out and delivery ----------

type DeliveryDeps = { db: Db; log: Ctx['log']; jobs: JobQueue; settings: WebhookSettings };

async function subscribedEndpoints(db: Db, orgId: string, type: WebhookEventType): Promise<EndpointRow[]> {
  const rows = await endpointCache.get(orgId, () => selectEnabledEndpoints(db, orgId));
  return rows.filter((row) => row.events.includes(type));
}

/** Whether any enabled endpoint of the organization wants this event (callers skip building its data otherwise). */
export async function wantsEvent(db: Db, orgId: string, type: WebhookEventType): Promise<boolean> {
  return (await subscribedEndpoints(db, orgId, type)).length > 0;
}

/** One delivery per subscribed endpoint, each queued for its first try. The body is fixed here, byte for byte. */
export async function enqueueWebhookEvent(
  deps: DeliveryDeps,
  orgId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<number> {
  const endpoints = await subscribedEndpoints(deps.db, orgId, type);
  if (endpoints.length === 0) return 0;
  const payload: WebhookPayload = { id: crypto.randomUUID(), type, createdAt: new Date().toISOString(), data };
  const body = JSON.stringify(payload);
  let queued = 0;
  for (const endpoint of endpoints) {
    const deliveryId = await insertDelivery(deps.db, orgId, {
      endpointId: endpoint.id,
      eventId: payload.id,
      eventType: type,
      body,
    });
    if (!deliveryId) continue;
    await deps.jobs.schedule(DELIVER_JOB, { orgId, deliveryId, retry: 0 });
    queued++;
  }
  return queued;
}

/**
 * One try of a delivery: checks the URL again (SSRF), POSTs the signed body, logs the try. A failed scheduled try is
 * retried after base × RETRY_FACTORS[retry]; after the last one the delivery has failed for good, and an endpoint
 * with `disableAfter` such failures in a row is switched off. A replay is one extra try and schedules nothing.
 */
export async function attemptDelivery(
  deps: DeliveryDeps,
  orgId: string,
  deliveryId: string,
  options: { replay: boolean; retry: number },
): Promise<void> {
  const { db, settings } = deps;
  const delivery = await selectDeliveryToSend(db, orgId, deliveryId);
  if (!delivery) return;
  if (!options.replay) {
    if (delivery.status !== 'pending') return;
    if (!delivery.enabled) {
      await setDeliveryOutcome(db, orgId, deliveryId, {
        status: 'failed',
        error: 'The endpoint is disabled.',
        nextAttemptAt: null,
      });
      return;
    }
  }
  const attempt = await countAttempt(db, orgId, deliveryId);
  let result: { ok: boolean; status: number | null; durationMs: number; error: string | null };
  try {
    const target = await resolveWebhookTarget(delivery.url, settings);
    result = await sendWebhook({
      ...target,
      secret: delivery.secret,
      body: delivery.body,
      eventId: delivery.event_id,
      eventType: delivery.event_type,
      deliveryId,
    });
  } catch (error) {
    result = { ok: false, status: null, durationMs: 0, error: error instanceof Error ? error.message : String(error) };
  }
  await insertAttempt(db, orgId, {
    deliveryId,
    attempt,
    replay: options.replay,
    succeeded: result.ok,
    responseCode: result.status,
    durationMs: result.durationMs,
    error: result.error,
  });
  if (result.ok) {
    await setDeliveryOutcome(db, orgId, deliveryId, { status: 'delivered', error: null, nextAttemptAt: null });
    await resetEndpointFailures(db, orgId, delivery.endpoint_id);
    return;
  }
  if (options.replay) {
    // A replay that fails leaves the delivery where it was (a scheduled retry still comes).
    await setDeliveryOutcome(db, orgId, deliveryId, {
      status: null,
      error: result.error,
      nextAttemptAt: delivery.next_attempt_at,
    });
    return;
  }
  const factor = RETRY_FACTORS[options.retry];
  if (factor !== undefined) {
    const runAt = new Date(Date.now() + factor * settings.retryBaseMs);
    await setDeliveryOutcome(db, orgId, deliveryId, { status: 'pending', error: result.error, nextAttemptAt: runAt });
    await deps.jobs.schedule(DELIVER_JOB, { orgId, deliveryId, retry: options.retry + 1 }, { runAt });
    return;
  }
  await setDeliveryOutcome(db, orgId, deliveryId, { status: 'failed', error: result.error, nextAttemptAt: null });
  const failures = await countEndpointFailure(db, orgId, delivery.endpoint_id);
  deps.log.warn({ orgId, endpointId: delivery.endpoint_id, deliveryId, failures }, 'webhook delivery failed for good');
  if (failures >= settings.disableAfter) await disableEndpoint(deps, orgId, delivery.endpoint_id, failures);
}

async function disableEndpoint(deps: DeliveryDeps, orgId: string, endpointId: string, failures: number) {
  const reason = `Disabled after ${failures} failed deliveries in a row (each after all its retries).`;
  await deps.db.transaction(async (tx) => {
    if (!(await disableEndpointRow(tx, orgId, endpointId, reason))) return;
    await recordAudit({ org: { id: orgId }, actor: { kind: 'system' } }, tx, {
      action: 'webhook.disabled',
      targetType: 'webhook',
      targetId: endpointId,
      details: { reason, failures },
    });
  });
  forgetEndpoints(orgId);
  deps.log.warn({ orgId, endpointId, failures }, 'webhook endpoint disabled');
}
