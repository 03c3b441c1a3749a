import type { Queryable } from '../db/db.ts';
import { seal, unseal } from '../secrets/sealed.ts';

/**
 * SQL only: webhook endpoints, their deliveries and every try. Every function takes the organization id (the job
 * queue's handler is given it with the delivery id).
 */

export type EndpointRow = {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  events: string[];
  secret: string;
  enabled: boolean;
  consecutive_failures: number;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
};

export type DeliveryRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
};

export type AttemptRow = {
  delivery_id: string;
  attempt: number;
  replay: boolean;
  succeeded: boolean;
  response_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: Date;
};

const ENDPOINT_COLUMNS =
  'id, org_id, url, description, events, secret, enabled, consecutive_failures, disabled_reason, created_at, updated_at';
const DELIVERY_COLUMNS =
  'id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

export async function insertEndpoint(
  db: Queryable,
  orgId: string,
  e: { url: string; description: string | null; events: string[]; secret: string },
): Promise<EndpointRow> {
  const rows = await db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (org_id, url, description, events, secret) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${ENDPOINT_COLUMNS}`,
    // Sealed: the signing secret must be recoverable (it signs every delivery), so it cannot be a hash.
    [orgId, e.url, e.description, e.events, seal(e.secret)],
  );
  return rows[0] as EndpointRow;
}

export async function selectEndpoints(db: Queryable, orgId: string): Promise<EndpointRow[]> {
  return db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at, id`,
    [orgId],
  );
}

export async function selectEndpoint(db: Queryable, orgId: string, id: string): Promise<EndpointRow | undefined> {
  const rows = await db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  return rows[0];
}

export async function updateEndpointRow(
  db: Queryable,
  orgId: string,
  id: string,
  f: { url?: string; description?: string | null; events?: string[]; enabled?: boolean },
): Promise<EndpointRow | undefined> {
  // Switching an endpoint on (again) forgets its failures and why it was switched off.
  const rows = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints
        SET url = COALESCE($3::text, url),
            description = CASE WHEN $4::boolean THEN $5::text ELSE description END,
            events = COALESCE($6::text[], events),
            enabled = COALESCE($7::boolean, enabled),
            consecutive_failures = CASE WHEN $7::boolean IS TRUE THEN 0 ELSE consecutive_failures END,
            disabled_reason = CASE WHEN $7::boolean IS NOT NULL THEN NULL ELSE disabled_reason END,
            updated_at = now()
      WHERE org_id = $1 AND id = $2
     RETURNING ${ENDPOINT_COLUMNS}`,
    [orgId, id, f.url ?? null, f.description !== undefined, f.description ?? null, f.events ?? null, f.enabled ?? null],
  );
  return rows[0];
}

export async function deleteEndpointRow(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    'DELETE FROM webhook_endpoints WHERE org_id = $1 AND id = $2 RETURNING id',
    [orgId, id],
  );
  return rows.length > 0;
}

/** The enabled endpoints of an organization, for fanning an event out. */
export async function selectEnabledEndpoints(db: Queryable, orgId: string): Promise<EndpointRow[]> {
  return db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND enabled ORDER BY created_at, id`,
    [orgId],
  );
}

export async function insertDelivery(
  db: Queryable,
  orgId: string,
  d: { endpointId: string; eventId: string; eventType: string; body: string },
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (org_id, endpoint_id, event_id, event_type, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
    [orgId, d.endpointId, d.eventId, d.eventType, d.body],
  );
  return rows[0]?.id;
}

export type DeliveryToSend = DeliveryRow & { url: string; secret: string; enabled: boolean };

export async function selectDeliveryToSend(
  db: Queryable,
  orgId: string,
  deliveryId: string,
): Promise<DeliveryToSend | undefined> {
  const rows = await db.query<DeliveryToSend>(
    `SELECT ${DELIVERY_COLUMNS.replace(/(\w+)/g, 'd.$1')}, e.url, e.secret, e.enabled
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.org_id = $1 AND d.id = $2`,
    [orgId, deliveryId],
  );
  const row = rows[0];
  return row && { ...row, secret: unseal(row.secret) };
}

/** Counts a try and returns its number (retries and replays alike). */
export async function countAttempt(db: Queryable, orgId: string, deliveryId: string): Promise<number> {
  const rows = await db.query<{ attempts: number }>(
    'UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE org_id = $1 AND id = $2 RETURNING attempts',
    [orgId, deliveryId],
  );
  return rows[0]?.attempts ?? 0;
}

export async function insertAttempt(
  db: Queryable,
  orgId: string,
  a: {
    deliveryId: string;
    attempt: number;
    replay: boolean;
    succeeded: boolean;
    responseCode: number | null;
    durationMs: number;
    error: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_attempts (org_id, delivery_id, attempt, replay, succeeded, response_code, duration_ms, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [orgId, a.deliveryId, a.attempt, a.replay, a.succeeded, a.responseCode, a.durationMs, a.error],
  );
}

export async function setDeliveryOutcome(
  db: Queryable,
  orgId: string,
  deliveryId: string,
  o: { status: 'pending' | 'delivered' | 'failed' | null; error: string | null; nextAttemptAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries
        SET status = COALESCE($3::text, status), last_error = $4::text, next_attempt_at = $5::timestamptz,
            delivered_at = CASE WHEN $3::text = 'delivered' THEN now() ELSE delivered_at END
      WHERE org_id = $1 AND id = $2`,
    [orgId, deliveryId, o.status, o.error, o.nextAttemptAt],
  );
}

export async function resetEndpointFailures(db: Queryable, orgId: string, endpointId: string): Promise<void> {
  await db.query(
    `UPDATE webhook_endpoints SET consecutive_failures = 0
      WHERE org_id = $1 AND id = $2 AND consecutive_failures <> 0`,
    [orgId, endpointId],
  );
}

/** One more delivery failed for good; the endpoint's count of them in a row. */
export async function countEndpointFailure(db: Queryable, orgId: string, endpointId: string): Promise<number> {
  const rows = await db.query<{ consecutive_failures: number }>(
    `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1
      WHERE org_id = $1 AND id = $2 RETURNING consecutive_failures`,
    [orgId, endpointId],
  );
  return rows[0]?.consecutive_failures ?? 0;
}

/** Switches an enabled endpoint off with a reason; false when it already was off. */
export async function disableEndpointRow(
  db: Queryable,
  orgId: string,
  endpointId: string,
  reason: string,
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $3, updated_at = now()
      WHERE org_id = $1 AND id = $2 AND enabled RETURNING id`,
    [orgId, endpointId, reason],
  );
  return rows.length > 0;
}

export async function selectDeliveries(
  db: Queryable,
  orgId: string,
  endpointId: string,
  limit: number,
): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE org_id = $1 AND endpoint_id = $2
      ORDER BY created_at DESC, id LIMIT $3`,
    [orgId, endpointId, limit],
  );
}

export async function selectDelivery(
  db: Queryable,
  orgId: string,
  endpointId: string,
  deliveryId: string,
): Promise<DeliveryRow | undefined> {
  const rows = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE org_id = $1 AND endpoint_id = $2 AND id = $3`,
    [orgId, endpointId, deliveryId],
  );
  return rows[0];
}

export async function selectAttempts(db: Queryable, orgId: string, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db.query<AttemptRow>(
    `SELECT delivery_id, attempt, replay, succeeded, response_code, duration_ms, error, created_at
       FROM webhook_attempts WHERE org_id = $1 AND delivery_id = ANY($2::uuid[]) ORDER BY attempt`,
    [orgId, deliveryIds],
  );
}
