/**
 * The inbox list under load: seeds 100,000 conversations in one organization (plus a smaller neighbour, so the org
 * filter matters) with one bulk INSERT … SELECT generate_series, then times the real list query
 * (selectConversations, the one the API runs) for the default view and each filter, many runs each.
 *
 *   npx node bench/list.ts [--runs 200] [--count 100000] [--only pglite|postgres] [--explain]
 *
 * Prints a table per database and ends with one JSON line. PostgreSQL is used when reachable
 * (KEFU_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test), in a schema of its own that is dropped
 * at the end.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  type ConversationFilter,
  conversationSearch,
  hasConversationColumn,
  selectConversations,
} from '../src/server/conversations/conversations.queries.ts';
import { type Db, openPglite, openPostgres } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { round, summarize } from './lib.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    count: { type: 'string', default: '100000' },
    only: { type: 'string' },
    explain: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const COUNT = Number(args.count);
const WARMUP = Math.min(20, RUNS);
const PAGE = 51; // the API asks for limit + 1 to know whether there is a next page
const POSTGRES_URL = process.env.KEFU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const INTENTS = [
  'deposit_missing',
  'withdrawal_status',
  'account_locked',
  'twofa_reset',
  'kyc_verification',
  'trade_failed',
  'fees_trading',
  'password_reset',
  'deposit_wrong_network',
  'account_compromised',
];

type Seeded = { orgId: string; agentId: string; teamId: string };

/** One organization with `count` conversations whose columns follow plausible shares (40% open, 2% urgent…). */
async function seedOrg(db: Db, count: number): Promise<Seeded> {
  const slug = `bench-${crypto.randomBytes(4).toString('hex')}`;
  const [{ id: orgId }] = await db.query<{ id: string }>(
    'INSERT INTO organizations (slug, name, conversation_counter) VALUES ($1, $1, $2) RETURNING id',
    [slug, count],
  );
  const [{ id: inboxId }] = await db.query<{ id: string }>(
    `INSERT INTO inboxes (org_id, kind, name) VALUES ($1, 'web', 'Website') RETURNING id`,
    [orgId],
  );
  const agents = await db.query<{ id: string }>(
    `INSERT INTO agents (org_id, email, name, password_hash, role)
     SELECT $1, $2 || '-' || g || '@bench.test', 'Agent ' || g, 'x', 'agent' FROM generate_series(1, 20) g
     RETURNING id`,
    [orgId, slug],
  );
  const teams = await db.query<{ id: string }>(
    `INSERT INTO teams (org_id, name) SELECT $1, 'Team ' || g FROM generate_series(1, 4) g RETURNING id`,
    [orgId],
  );
  const contacts = Math.max(1, Math.floor(count / 4));
  await db.query(
    `INSERT INTO contacts (org_id, name, exchange_uid, locale)
     SELECT $1, 'Customer ' || g, 'UID' || g, (ARRAY['zh-CN','zh-CN','en','zh-TW'])[1 + g % 4]
       FROM generate_series(1, $2::int) g`,
    [orgId, contacts],
  );
  // Pseudo-random but reproducible spreads from the row number (h = a scrambled g), so every run seeds the same data.
  await db.query(
    `WITH ct AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM contacts WHERE org_id = $1),
          ag AS (SELECT $4::uuid[] AS ids), tm AS (SELECT $5::uuid[] AS ids),
          s AS (SELECT g, (g::bigint * 7919 % 100003)::int AS h FROM generate_series(1, $3::int) g)
     INSERT INTO conversations (org_id, number, inbox_id, contact_id, status, priority, assignee_id, team_id, tags,
                                last_seq, last_message, last_activity_at, created_at, updated_at, last_intent,
                                last_language)
     SELECT $1, s.g, $2, ct.id,
            CASE WHEN s.h % 100 < 40 THEN 'open' WHEN s.h % 100 < 55 THEN 'pending' WHEN s.h % 100 < 58 THEN 'snoozed'
                 WHEN s.h % 100 < 90 THEN 'resolved' ELSE 'closed' END,
            CASE WHEN s.h % 50 = 0 THEN 'urgent' WHEN s.h % 10 = 1 THEN 'high' WHEN s.h % 6 = 2 THEN 'low'
                 ELSE 'normal' END,
            CASE WHEN s.h % 5 = 0 THEN NULL ELSE (SELECT ids[1 + s.h % array_length(ids, 1)] FROM ag) END,
            CASE WHEN s.h % 7 = 0 THEN NULL ELSE (SELECT ids[1 + s.h % array_length(ids, 1)] FROM tm) END,
            (CASE WHEN s.h % 10 = 3 THEN ARRAY['vip'] ELSE '{}'::text[] END)
              || (CASE WHEN s.h % 200 = 7 THEN ARRAY['security'] ELSE '{}'::text[] END)
              || (CASE WHEN s.h % 4 = 1 THEN ARRAY['deposit'] ELSE '{}'::text[] END),
            3, jsonb_build_object('body', '充值还没到账 #' || s.g, 'authorKind', 'customer', 'private', false),
            now() - make_interval(secs => s.h * 30), now() - make_interval(secs => s.h * 30 + 600), now(),
            CASE WHEN s.h % 10 < 7 THEN ($6::text[])[1 + s.h % array_length($6::text[], 1)] END,
            CASE WHEN s.h % 10 < 7 THEN (ARRAY['zh-CN','zh-CN','en','zh-TW'])[1 + s.h % 4] END
       FROM s JOIN ct ON ct.i = s.g % $7::int`,
    [orgId, inboxId, count, agents.map((a) => a.id), teams.map((t) => t.id), INTENTS, contacts],
  );
  // One message per conversation (its preview), so a text search has bodies to read.
  await db.query(
    `INSERT INTO messages (org_id, conversation_id, seq, author_kind, body)
     SELECT org_id, id, 1, 'customer', '充值还没到账 order ' || (number * 7) FROM conversations WHERE org_id = $1`,
    [orgId],
  );
  return { orgId, agentId: agents[1].id, teamId: teams[1].id };
}

async function firstPageCursor(db: Db, orgId: string): Promise<{ activityKey: string; id: string }> {
  const page = await selectConversations(db, orgId, { limit: PAGE });
  const last = page[PAGE - 2];
  return { activityKey: last.activity_key, id: last.id };
}

async function benchDatabase(name: string, db: Db) {
  const t0 = performance.now();
  await migrate(db);
  const main = await seedOrg(db, COUNT);
  await seedOrg(db, Math.floor(COUNT / 10));
  await db.exec('ANALYZE');
  const seedSeconds = (performance.now() - t0) / 1000;
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE org_id = $1', [
    main.orgId,
  ]);
  console.log(
    `\n${name}: seeded ${n} conversations (+${Math.floor(COUNT / 10)} in another org) in ${round(seedSeconds, 1)} s`,
  );

  const queries: Record<string, Omit<ConversationFilter, 'limit'>> = {
    default: {},
    'status=open': { status: 'open' },
    'assignee=mine': { assigneeId: main.agentId },
    'assignee=unassigned': { assigneeId: null },
    'priority=urgent': { priority: 'urgent' },
    team: { teamId: main.teamId },
    'tag=vip': { tag: 'vip' },
    'tag=security (0.5%)': { tag: 'security' },
    'intent=withdrawal_status': { intent: 'withdrawal_status' },
    'language=en': { language: 'en' },
    'open+urgent+unassigned': { status: 'open', priority: 'urgent', assigneeId: null },
    'page 2 (cursor)': { after: await firstPageCursor(db, main.orgId) },
    'q=#4242': { search: conversationSearch('#4242') },
    'q=4242 (number or UID)': { search: conversationSearch('4242') },
    'q=customer 12 (name)': { search: conversationSearch('customer 12') },
    'q=order 777 (text)': { search: conversationSearch('order 777') },
    'q=open+到账 (common)': { status: 'open', search: conversationSearch('到账') },
    'q=no match (scans all)': { search: conversationSearch('nobody wrote this') },
  };
  if (await hasConversationColumn(db, 'sla_risk')) queries['slaRisk=at_risk'] = { slaRisk: 'at_risk' };

  const results: Record<string, { p50: number; p99: number; rows: number }> = {};
  for (const [label, filter] of Object.entries(queries)) {
    let rows = 0;
    const times: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const start = performance.now();
      rows = (await selectConversations(db, main.orgId, { ...filter, limit: PAGE })).length;
      if (i >= WARMUP) times.push(performance.now() - start);
    }
    const s = summarize(times);
    results[label] = { p50: round(s.p50, 2), p99: round(s.p99, 2), rows };
    console.log(
      `  ${label.padEnd(28)} p50 ${String(round(s.p50, 2)).padStart(7)} ms   p99 ${String(round(s.p99, 2)).padStart(7)} ms   (${rows} rows)`,
    );
    if (args.explain) await explain(db, main.orgId, filter);
  }
  return { seedSeconds: round(seedSeconds, 1), results };
}

/** The plan of one filter, to check it walks an index instead of sorting every match. */
async function explain(db: Db, orgId: string, filter: Omit<ConversationFilter, 'limit'>): Promise<void> {
  const captured: { sql: string; params: readonly unknown[] }[] = [];
  const spy = {
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      captured.push({ sql, params });
      return [] as T[];
    },
    exec: async () => {},
  };
  await selectConversations(spy, orgId, { ...filter, limit: PAGE });
  const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${captured[0].sql}`, captured[0].params);
  for (const line of plan.slice(0, 8)) console.log(`      ${line['QUERY PLAN']}`);
}

async function postgresReachable(): Promise<boolean> {
  try {
    const probe = await openPostgres({ url: POSTGRES_URL, max: 1 });
    await probe.query('SELECT 1');
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

const report: Record<string, unknown> = { bench: 'list', conversations: COUNT, runs: RUNS, page: PAGE - 1 };

if (args.only !== 'postgres') {
  const db = await openPglite();
  try {
    report.pglite = await benchDatabase('PGlite', db);
  } finally {
    await db.close();
  }
}
if (args.only !== 'pglite') {
  if (await postgresReachable()) {
    const schema = `bench_list_${crypto.randomBytes(4).toString('hex')}`;
    const db = await openPostgres({ url: POSTGRES_URL, schema, max: 2 });
    try {
      report.postgres = await benchDatabase('PostgreSQL', db);
    } finally {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    }
  } else {
    console.log(`\nPostgreSQL not reachable at ${POSTGRES_URL}: skipped`);
    report.postgres = null;
  }
}
console.log(JSON.stringify(report));
