/**
 * Reports on a big event log: seeds one organization with 50 agents and 125,000 conversations over 90 days, whose
 * trigger-written `created` events plus bulk-inserted messages, first replies, resolutions, hand-offs and ratings make
 * 1,000,000 events, then times each dashboard query (the service functions the API runs) over the default 30 days,
 * against a plain count(*) of the same range's events as the floor.
 *
 *   npm run bench:reports -- --db postgres|pglite [--runs 30] [--conversations 125000]
 *
 * PostgreSQL: KEFU_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test), in a schema of its own that
 * is dropped at the end. The last line is one JSON object.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Ctx } from '../src/server/context.ts';
import { type Db, openPglite, openPostgres } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createInProcessBus } from '../src/server/events/bus.ts';
import { getAgentsReport, getHandoffsReport, getSummary, getVolume } from '../src/server/reports/reports.service.ts';
import { round, summarize } from './lib.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    runs: { type: 'string', default: '30' },
    conversations: { type: 'string', default: '125000' },
  },
});
const RUNS = Number(args.runs);
const CONVERSATIONS = Number(args.conversations);
const POSTGRES_URL = process.env.KEFU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INTENTS = ['deposit_missing', 'withdrawal_status', 'account_locked', 'twofa_reset', 'kyc_verification'];

async function seed(db: Db): Promise<string> {
  const slug = `bench-${crypto.randomBytes(4).toString('hex')}`;
  const [org] = await db.query<{ id: string }>(
    'INSERT INTO organizations (slug, name, conversation_counter) VALUES ($1, $1, $2) RETURNING id',
    [slug, CONVERSATIONS],
  );
  const orgId = org?.id as string;
  const [inbox] = await db.query<{ id: string }>(
    `INSERT INTO inboxes (org_id, kind, name) VALUES ($1, 'web', 'Website') RETURNING id`,
    [orgId],
  );
  const agents = await db.query<{ id: string }>(
    `INSERT INTO agents (org_id, email, name, password_hash, role)
     SELECT $1, $2 || '-' || g || '@bench.test', 'Agent ' || g, 'x', 'agent' FROM generate_series(1, 50) g
     RETURNING id`,
    [orgId, slug],
  );
  const teams = await db.query<{ id: string }>(
    `INSERT INTO teams (org_id, name) SELECT $1, 'Team ' || g FROM generate_series(1, 5) g RETURNING id`,
    [orgId],
  );
  const [contact] = await db.query<{ id: string }>(
    `INSERT INTO contacts (org_id, name) VALUES ($1, 'Customer') RETURNING id`,
    [orgId],
  );
  // Conversations spread over 90 days (the trigger writes their `created` events).
  await db.query(
    `WITH s AS (SELECT g, (g::bigint * 7919 % 100003)::int AS h FROM generate_series(1, $4::int) g)
     INSERT INTO conversations (org_id, number, inbox_id, contact_id, status, priority, assignee_id, team_id,
                                last_intent, last_language, created_at, updated_at, last_activity_at)
     SELECT $1, g, $2, $3, CASE WHEN h % 10 = 0 THEN 'open' ELSE 'resolved' END,
            (ARRAY['urgent','high','normal','normal','low'])[1 + h % 5],
            CASE WHEN h % 4 = 0 THEN NULL ELSE ($5::uuid[])[1 + h % 50] END, ($6::uuid[])[1 + h % 5],
            ($7::text[])[1 + h % 5], (ARRAY['zh-CN','zh-CN','en','zh-TW'])[1 + h % 4], t, t, t
     FROM (SELECT g, h, now() - make_interval(secs => (g::float8 / $4 * 90 * 86400)) AS t FROM s) x`,
    [orgId, inbox?.id, contact?.id, CONVERSATIONS, agents.map((a) => a.id), teams.map((t) => t.id), INTENTS],
  );
  // Seven more events each: two customer messages, two agent replies (one also the first reply), a resolution,
  // then a rating or a hand-off.
  await db.query(
    `INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
     SELECT c.org_id, c.id, k.kind, c.created_at + make_interval(secs => k.offset_s * (1 + (c.number % 7))),
            k.actor_kind, CASE WHEN k.actor_kind = 'agent' THEN c.assignee_id END,
            CASE k.kind WHEN 'csat_answered' THEN jsonb_build_object('rating', 1 + c.number % 5)
                        WHEN 'handoff' THEN jsonb_build_object('reason', 'customer_asked', 'intent', c.last_intent)
                        ELSE '{}'::jsonb END
     FROM conversations c
     CROSS JOIN (VALUES ('customer_message', 0, 'customer'), ('first_reply', 60, 'agent'),
                        ('agent_message', 60, 'agent'), ('customer_message', 120, 'customer'),
                        ('agent_message', 300, 'agent'), ('resolved', 900, 'agent'),
                        ('csat_answered', 1000, 'customer')) AS k(kind, offset_s, actor_kind)
     WHERE c.org_id = $1`,
    [orgId],
  );
  await db.query(
    `UPDATE conversation_events SET kind = 'handoff', data = jsonb_build_object('reason', 'customer_asked', 'intent', 'deposit_missing')
     WHERE org_id = $1 AND kind = 'csat_answered' AND (data->>'rating')::int = 1`,
    [orgId],
  );
  await db.exec('ANALYZE');
  return orgId;
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < Math.min(3, RUNS) + RUNS; i++) {
    const start = performance.now();
    await fn();
    if (i >= Math.min(3, RUNS)) times.push(performance.now() - start);
  }
  const s = summarize(times);
  return { p50: round(s.p50, 2), p99: round(s.p99, 2) };
}

async function bench(db: Db, name: string) {
  await migrate(db);
  const seedStart = performance.now();
  const orgId = await seed(db);
  const seedSeconds = round((performance.now() - seedStart) / 1000, 1);
  const [{ n: events } = { n: 0 }] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM conversation_events WHERE org_id = $1',
    [orgId],
  );
  console.log(`${name}: ${events} events seeded in ${seedSeconds} s`);
  const log = pino({ level: 'silent' });
  const ctx: Ctx = {
    db,
    log,
    events: createInProcessBus(log),
    org: { id: orgId },
    actor: { kind: 'agent', id: crypto.randomUUID(), name: 'bench', role: 'supervisor' },
  };
  const now = new Date();
  const floor = await time(() =>
    db.query(`SELECT count(*) FROM conversation_events WHERE org_id = $1 AND at >= now() - interval '30 days'`, [
      orgId,
    ]),
  );
  const queries: Record<string, () => Promise<unknown>> = {
    summary: () => getSummary(ctx, {}, now),
    'volume by day': () => getVolume(ctx, { by: 'day' }, now),
    agents: () => getAgentsReport(ctx, {}, now),
    handoffs: () => getHandoffsReport(ctx, {}, now),
  };
  const results: Record<string, { p50: number; p99: number; ratioToCount: number }> = {};
  console.log(`  ${'count(*) floor'.padEnd(16)} p50 ${floor.p50} ms   p99 ${floor.p99} ms`);
  for (const [label, fn] of Object.entries(queries)) {
    const t = await time(fn);
    results[label] = { ...t, ratioToCount: round(t.p50 / Math.max(floor.p50, 0.01), 1) };
    console.log(`  ${label.padEnd(16)} p50 ${t.p50} ms   p99 ${t.p99} ms   (${results[label]?.ratioToCount}× count)`);
  }
  const p99Ms = Math.max(...Object.values(results).map((r) => r.p99));
  return { db: name, events, seedSeconds, runs: RUNS, p99Ms, floor, queries: results };
}

let report: Record<string, unknown>;
if (args.db === 'postgres') {
  const schema = `bench_reports_${crypto.randomBytes(4).toString('hex')}`;
  const db = await openPostgres({ url: POSTGRES_URL, schema, max: 4 });
  try {
    report = await bench(db, 'postgres');
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  }
} else {
  const db = await openPglite();
  try {
    report = await bench(db, 'pglite');
  } finally {
    await db.close();
  }
}
console.log(JSON.stringify({ bench: 'reports', ...report }));
