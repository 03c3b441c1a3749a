/**
 * The kefu server for bench/chat.ts, in its own process so the load generator does not share its event loop.
 * Configured by BENCH_SERVER (JSON: { db, url?, schema?, agents, poolMax }); reports `ready` over IPC with the port,
 * the org and the agents' credentials, then answers `insertBaseline`, `usage`, `profileStart`/`profileStop` and
 * `shutdown` calls.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createApp } from '../src/server/app.ts';
import { insertAgent } from '../src/server/auth/auth.queries.ts';
import { hashPassword } from '../src/server/auth/passwords.ts';
import { loadConfig } from '../src/server/config.ts';
import { type Db, openPglite, openPostgres, type Params, type Queryable } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createInProcessBus } from '../src/server/events/bus.ts';
import { insertInbox, insertOrg } from '../src/server/orgs/orgs.queries.ts';
import { installSecretKey } from '../src/server/secrets/sealed.ts';
import { serveParent, summarize } from './lib.ts';

export type ServerReady = {
  type: 'ready';
  pid: number;
  port: number;
  dbKind: 'pglite' | 'postgres';
  poolMax: number;
  org: { id: string; slug: string; inboxId: string };
  agents: { id: string; email: string; password: string }[];
};

type ServerOptions = {
  db: 'pglite' | 'postgres';
  url?: string;
  schema?: string;
  agents: number;
  poolMax: number;
  /** Time every query the app makes, by statement (wall time from call to result, including any queueing). */
  queryStats?: boolean;
  /** The per-visitor message limit per 10 s (default 20, as in production); --find-saturation raises it. */
  visitorMessagesPer10s?: number;
};

type QueryStat = { count: number; totalMs: number; maxMs: number };
const queryStats = new Map<string, QueryStat>();
const statementKey = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 70);
function timed(q: Queryable): Queryable {
  return {
    async query<T>(sql: string, params?: Params) {
      const t0 = performance.now();
      try {
        return await q.query<T>(sql, params);
      } finally {
        const ms = performance.now() - t0;
        const key = statementKey(sql);
        const stat = queryStats.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
        stat.count++;
        stat.totalMs += ms;
        stat.maxMs = Math.max(stat.maxMs, ms);
        queryStats.set(key, stat);
      }
    },
    exec: (sql) => q.exec(sql),
  };
}
/** The app's Db with every query (and every transaction, as one entry plus its queries) timed. */
function withQueryStats(inner: Db): Db {
  const outer = timed(inner);
  return {
    kind: inner.kind,
    query: outer.query,
    exec: outer.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const t0 = performance.now();
      try {
        return await inner.transaction((tx) => fn(timed(tx)));
      } finally {
        const ms = performance.now() - t0;
        const stat = queryStats.get('(transaction, whole)') ?? { count: 0, totalMs: 0, maxMs: 0 };
        stat.count++;
        stat.totalMs += ms;
        stat.maxMs = Math.max(stat.maxMs, ms);
        queryStats.set('(transaction, whole)', stat);
      }
    },
    close: () => inner.close(),
  };
}

const options = JSON.parse(process.env.BENCH_SERVER ?? '{}') as ServerOptions;
const PASSWORD = 'correct horse battery staple';

const db: Db =
  options.db === 'postgres'
    ? await openPostgres({ url: options.url!, schema: options.schema, max: options.poolMax })
    : await openPglite();

let closing: Promise<void> | undefined;
let closeApp: () => Promise<void> = async () => {};

async function shutdown(): Promise<void> {
  closing ??= (async () => {
    await closeApp().catch(() => {});
    if (options.db === 'postgres' && options.schema) {
      await db.query(`DROP SCHEMA IF EXISTS "${options.schema}" CASCADE`).catch(() => {});
    }
    await db.close().catch(() => {});
  })();
  await closing;
}

// An orphaned server (the parent died) cleans up after itself.
process.on('disconnect', () => {
  void shutdown().finally(() => process.exit(0));
});

await migrate(db);

// The inbox's identity secret is sealed as it is inserted, before createApp installs the key: one key for both.
const secretKey = crypto.randomBytes(32);
installSecretKey(secretKey);

const slug = `bench-${crypto.randomBytes(4).toString('hex')}`;
const orgId = await insertOrg(db, { slug, name: `Exchange ${slug}`, requireTotp: false });
const inboxId = await insertInbox(db, {
  orgId,
  kind: 'web',
  name: 'Website',
  identitySecret: crypto.randomBytes(24).toString('base64url'),
});
const passwordHash = await hashPassword(PASSWORD);
const agents: ServerReady['agents'] = [];
for (let i = 0; i < options.agents; i++) {
  const email = `agent-${i}-${slug}@example.test`;
  const id = await insertAgent(db, {
    orgId,
    email,
    name: `Agent ${i}`,
    passwordHash,
    role: 'agent',
    locale: 'en',
  });
  agents.push({ id, email, password: PASSWORD });
}

const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'error',
  KEFU_SEED_DEMO: 'never',
  KEFU_SECRET_KEY: secretKey.toString('hex'),
  // Every simulated customer comes from 127.0.0.1: the per-address limits are raised out of reach, not switched off,
  // so each message still pays for its counters. The per-visitor one stays small, so it is counted as in production
  // (exactly, one statement per message on PostgreSQL), with room for --rate up to twice --customers a second.
  KEFU_WIDGET_RATE_LIMITS: [
    'session.ip=100000000/60',
    'visitor.ip=100000000/60',
    'conversation.ip=100000000/60',
    'message.ip=100000000/60',
    `message.visitor=${options.visitorMessagesPer10s ?? 20}/10`,
  ].join(','),
});
// Errors only, on stderr: stdout belongs to the benchmark's report.
const log = pino({ level: 'error' }, pino.destination(2));
const events = createInProcessBus(log);
const { app } = await createApp({ config, db: options.queryStats ? withQueryStats(db) : db, log, events });
await app.listen({ port: 0, host: '127.0.0.1' });
closeApp = async () => {
  await app.close();
  await events.close();
};
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

let profiler: Session | undefined;
let usageMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: performance.now() };

serveParent({
  /**
   * Raw single-row INSERT rate through the same Db object the server uses: rows shaped like a message into a scratch
   * table (same columns and types, no foreign keys), autocommit, `concurrency` inserts in flight.
   */
  async insertBaseline(args) {
    const seconds = Number(args.seconds ?? 3);
    const concurrency = Number(args.concurrency ?? 1);
    await db.exec(`
      DROP TABLE IF EXISTS bench_scratch;
      CREATE TABLE bench_scratch (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        seq integer NOT NULL,
        author_kind text NOT NULL,
        author_id uuid,
        author_name text,
        body text NOT NULL,
        private boolean NOT NULL DEFAULT false,
        client_id text,
        meta jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (conversation_id, seq)
      )`);
    const body = String(args.body ?? 'x'.repeat(80));
    const conversations = Array.from({ length: 1000 }, () => crypto.randomUUID());
    const seqs = new Map<string, number>();
    let n = 0;
    const latencies: number[] = [];
    const insertOne = async () => {
      const conversationId = conversations[n++ % conversations.length];
      const seq = (seqs.get(conversationId) ?? 0) + 1;
      seqs.set(conversationId, seq);
      const t0 = performance.now();
      await db.query(
        `INSERT INTO bench_scratch (org_id, conversation_id, seq, author_kind, author_id, author_name, body, private, client_id, meta)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
        [orgId, conversationId, seq, 'customer', null, null, body, false, `raw-${n}`, '{}'],
      );
      return performance.now() - t0;
    };
    // Warm-up: plan caches, connections.
    const warmEnd = performance.now() + 500;
    while (performance.now() < warmEnd) await insertOne();
    const start = performance.now();
    const end = start + seconds * 1000;
    let count = 0;
    const worker = async () => {
      while (performance.now() < end) {
        latencies.push(await insertOne());
        count++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - start) / 1000;
    await db.exec('DROP TABLE bench_scratch');
    const s = summarize(latencies);
    return { perSec: count / elapsed, count, seconds: elapsed, concurrency, p50Ms: s.p50, p99Ms: s.p99 };
  },
  /** CPU and event-loop utilisation of this process since the previous `usage` call (mark: true resets). */
  async usage(args) {
    const now = performance.now();
    const cpu = process.cpuUsage(usageMark.cpu);
    const elu = performance.eventLoopUtilization(usageMark.elu);
    const wall = (now - usageMark.at) / 1000;
    const result = {
      wallSeconds: wall,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      cpuShare: (cpu.user + cpu.system) / 1e6 / wall,
      eventLoopUtilization: elu.utilization,
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
    if (args.mark) usageMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: now };
    return result;
  },
  /** Per-statement counts and times since the last reset (reset: true clears them). */
  async queryStats(args) {
    const rows = [...queryStats].map(([sql, s]) => ({ sql, ...s })).sort((a, b) => b.totalMs - a.totalMs);
    if (args.reset) queryStats.clear();
    return rows;
  },
  /** A V8 CPU profile of this process between profileStart and profileStop (the measured window only). */
  async profileStart() {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.start');
    return {};
  },
  async profileStop(args) {
    if (!profiler) throw new Error('the profiler is not running');
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = undefined;
    const file = String(args.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    return { file };
  },
  async shutdown() {
    await shutdown();
    process.exit(0);
  },
});

process.send?.({
  type: 'ready',
  pid: process.pid,
  port,
  dbKind: db.kind,
  poolMax: options.poolMax,
  org: { id: orgId, slug, inboxId },
  agents,
} satisfies ServerReady);
