import crypto from 'node:crypto';
import pino from 'pino';
import { insertAgent } from '../../src/server/auth/auth.queries.ts';
import { createManualClock } from '../../src/server/clock.ts';
import type { Db } from '../../src/server/db/db.ts';
import { createInProcessBus } from '../../src/server/events/bus.ts';
import type { RoutingDeps } from '../../src/server/routing/routing.service.ts';
import type { TestOrg } from './server.ts';

/** Turns routing on for the org's web inbox (it is off unless an inbox asks for it). */
export async function enableRouting(db: Db, org: TestOrg): Promise<void> {
  await db.query(
    `UPDATE inboxes SET settings = jsonb_set(settings, '{routing}', '{"enabled": true}') WHERE org_id = $1 AND id = $2`,
    [org.id, org.inboxId],
  );
}

/** Routing's dependencies for calling the service directly, with a clock the test moves (starting now). */
export function routingDeps(db: Db) {
  const log = pino({ level: 'silent' });
  const clock = createManualClock(new Date());
  const deps: RoutingDeps = { db, log, events: createInProcessBus(log), clock };
  return { deps, clock };
}

/** Agents that never log in, set up for routing straight in the database. */
export async function addRoutedAgents(
  db: Db,
  orgId: string,
  count: number,
  routing: { status: 'online' | 'away' | 'offline'; capacity: number; skills: string[] },
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await insertAgent(db, {
      orgId,
      email: `routed-${crypto.randomBytes(6).toString('hex')}@example.test`,
      name: `Routed ${i}`,
      passwordHash: 'not-a-login',
      role: 'agent',
      locale: 'en',
    });
    await db.query(
      'INSERT INTO agent_routing (agent_id, org_id, status, capacity, skills) VALUES ($1, $2, $3, $4, $5)',
      [id, orgId, routing.status, routing.capacity, routing.skills],
    );
    ids.push(id);
  }
  return ids;
}

/** Conversations already waiting in the queue (no messages), as if the bot had handed them over. */
export async function addWaitingConversations(db: Db, org: TestOrg, count: number): Promise<string[]> {
  const [contact] = await db.query<{ id: string }>(
    `INSERT INTO contacts (org_id, name) VALUES ($1, 'Waiting customer') RETURNING id`,
    [org.id],
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const [row] = await db.query<{ id: string }>(
      `WITH n AS (UPDATE organizations SET conversation_counter = conversation_counter + 1 WHERE id = $1
                  RETURNING conversation_counter)
       INSERT INTO conversations (org_id, number, inbox_id, contact_id, queued_at, queue_entered_at)
       SELECT $1, n.conversation_counter, $2, $3, now(), now() FROM n RETURNING id`,
      [org.id, org.inboxId, contact.id],
    );
    ids.push(row.id);
  }
  return ids;
}

/** Polls until `check` returns something truthy: for effects of event listeners, which run after the response. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
