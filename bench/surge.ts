/**
 * The market-crash benchmark (issue 15): a crowd of widget customers arriving at once on several kefu nodes.
 *
 *   npm run bench:surge -- [--connections 10000] [--nodes 2] [--duration 60] [--agents 50] [--load-procs N]
 *                          [--messages 3] [--drain 30] [--baseline-seconds 3] [--pool 10] [--no-nginx]
 *                          [--cpu-prof DIR] [--query-stats] [--json-only] [--timeout SECONDS]
 *
 * Starts --nodes app nodes (bench/cluster.ts: own processes, PostgreSQL in a fresh schema dropped at the end, Redis
 * fan-out) behind Debian's nginx running deploy/nginx/kefu.conf (without nginx, or with --no-nginx, the load
 * processes connect to the nodes in turn). --agents agents (TOTP enrolled, logged in with password and code) hold
 * console sockets in one process (bench/surge-agents.ts) and answer every customer message. --load-procs processes
 * (bench/surge-load.ts) ramp up to --connections customers over the first half of --duration; each creates a widget
 * session, opens a conversation, holds a widget WebSocket and sends --messages messages over it, the last within
 * --duration. Then the run drains (at most --drain s) and counts, by client id on both sides:
 *   accepted   conversations the API created;
 *   lost       messages the server acknowledged that never reached the other side (customer → its agent, agent →
 *              its customer), plus sends never acknowledged;
 *   duplicated messages that reached a side more than once;
 *   latencies  customer send → its agent receives it, agent send → the customer receives it (delivery), and customer
 *              send → the bot's first message after it arrives at the customer (bot reply).
 * Per-node peak RSS and CPU; nginx's, PostgreSQL's and Redis's CPU; and, in the same run, the machine's raw limits:
 * pooled single-row INSERTs through the same driver (node-postgres, as many in flight as the nodes' pools hold) and a
 * bare `ws` echo server's closed-loop rate, with kefu's ratio to each. --cpu-prof DIR writes a V8 CPU profile of each
 * node over the load and prints the functions that took the most time; --query-stats times every statement the nodes
 * run (bench/query-stats.ts) and prints the costliest shapes.
 *
 * Open files: every process here holds its share of the sockets, nginx two per socket (client and upstream) in its
 * workers. 10,000 connections need `ulimit -n` ≥ 12,000 in the shell that runs it (this machine: 20,000), e.g.
 * `ulimit -n 65536; npm run bench:surge`. The limit is checked before anything starts.
 *
 * The last line printed is one JSON object with the figures.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import WebSocket from 'ws';
import { insertAgent, updateAgentTotp } from '../src/server/auth/auth.queries.ts';
import { hashPassword } from '../src/server/auth/passwords.ts';
import { createTotpSecret } from '../src/server/auth/totp.ts';
import { createInProcessBus } from '../src/server/events/bus.ts';
import { insertInbox, insertOrg } from '../src/server/orgs/orgs.queries.ts';
import { seedStarterKb } from '../src/server/seed/starter-kb.ts';
import { type Cluster, type NodeUsage, startCluster } from './cluster.ts';
import {
  type Child,
  mapLimit,
  openFileSoftLimit,
  processCpuBetween,
  processTable,
  round,
  type Summary,
  sleep,
  startChild,
  summarize,
  wallNow,
} from './lib.ts';
import type { AgentOptions, AgentResults, AgentStatus } from './surge-agents.ts';
import type { LoadOptions, LoadResults, LoadStatus } from './surge-load.ts';
import { mergeQueryStats } from './query-stats.ts';
import { topFunctions } from './surge-profile.ts';
import type { EchoReady } from './ws-echo-server.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    nodes: { type: 'string', default: '2' },
    duration: { type: 'string', default: '60' },
    agents: { type: 'string', default: '50' },
    'load-procs': { type: 'string' },
    messages: { type: 'string', default: '3' },
    drain: { type: 'string', default: '30' },
    'baseline-seconds': { type: 'string', default: '3' },
    pool: { type: 'string', default: '10' },
    'no-nginx': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'query-stats': { type: 'boolean', default: false },
    'json-only': { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
});

const positive = (name: string, raw: string | undefined, min = 1): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number ≥ ${min} (got ${raw})`);
    process.exit(2);
  }
  return n;
};
const opts = {
  connections: Math.floor(positive('connections', values.connections)),
  nodes: Math.floor(positive('nodes', values.nodes)),
  duration: positive('duration', values.duration, 4),
  agents: Math.floor(positive('agents', values.agents)),
  messages: Math.floor(positive('messages', values.messages)),
  drain: positive('drain', values.drain, 0),
  baselineSeconds: positive('baseline-seconds', values['baseline-seconds'], 0),
  pool: Math.floor(positive('pool', values.pool)),
  nginx: !values['no-nginx'],
  cpuProfDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined,
  queryStats: values['query-stats'] ?? false,
  jsonOnly: values['json-only'] ?? false,
  loadProcs: 0,
};
// One load process carries about 2,500 customers before its own event loop becomes what is measured.
opts.loadProcs = Math.floor(
  positive('load-procs', values['load-procs'] ?? String(Math.min(8, Math.max(1, Math.ceil(opts.connections / 2500))))),
);
const timeoutSeconds = values.timeout
  ? positive('timeout', values.timeout)
  : 180 + opts.duration + opts.drain + 3 * opts.baselineSeconds + opts.connections / 50;

const say = (line = '') => {
  if (!opts.jsonOnly) console.log(line);
};
const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

// ---------- cleanup on every way out ----------
const children: Child<unknown>[] = [];
let cluster: Cluster | undefined;
let cleaningUp: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    await Promise.all(children.map((child) => child.stop(3000).catch(() => {})));
    await cluster?.stop().catch(() => {});
  })();
  return cleaningUp;
}
const hardTimeout = setTimeout(() => {
  console.error(`bench:surge: hard timeout after ${timeoutSeconds} s; cleaning up`);
  void cleanup().finally(() => process.exit(3));
}, timeoutSeconds * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench:surge: ${signal}; cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// Market-crash questions the bot answers from the starter knowledge base (no chain or exchange look-up needed), in
// the three languages customers write in.
const BODIES = [
  '行情暴跌，我的提现一直在审核中，要多久才能到账？',
  '为什么现在交易这么卡？页面一直转圈',
  'How long does a withdrawal take right now? The market is crashing',
  '怎麼修改我的登入密碼？',
  '手续费是多少？',
  'I cannot log in, how do I reset my 2FA?',
];
const REPLY = '您好，我们已经收到，正在为您处理，请稍候。';

type Baseline = { perSec: number; p50Ms: number; p99Ms: number; count: number; concurrency: number };

/** Pooled single-row INSERTs of message-shaped rows through node-postgres, as bench:chat measures them. */
async function insertBaseline(url: string, schema: string, concurrency: number, seconds: number): Promise<Baseline> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency, options: `-c search_path=${schema}` });
  try {
    await pool.query(`CREATE TABLE bench_scratch (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(), org_id uuid NOT NULL, conversation_id uuid NOT NULL,
        seq integer NOT NULL, author_kind text NOT NULL, author_id uuid, author_name text, body text NOT NULL,
        private boolean NOT NULL DEFAULT false, client_id text, meta jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (conversation_id, seq))`);
    const org = crypto.randomUUID();
    const conversations = Array.from({ length: 1000 }, () => crypto.randomUUID());
    let n = 0;
    const latencies: number[] = [];
    const insertOne = async () => {
      const i = n++;
      const t0 = performance.now();
      await pool.query(
        `INSERT INTO bench_scratch (org_id, conversation_id, seq, author_kind, author_id, author_name, body, private, client_id, meta)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
        [org, conversations[i % 1000], i, 'customer', null, null, BODIES[0], false, `raw-${i}`, '{}'],
      );
      return performance.now() - t0;
    };
    const warmEnd = performance.now() + 500;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < warmEnd) await insertOne();
      }),
    );
    const start = performance.now();
    const end = start + seconds * 1000;
    let count = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          latencies.push(await insertOne());
          count++;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    await pool.query('DROP TABLE bench_scratch');
    const s = summarize(latencies);
    return { perSec: count / elapsed, p50Ms: s.p50, p99Ms: s.p99, count, concurrency };
  } finally {
    await pool.end();
  }
}

/** A bare `ws` echo server (own process), `sockets` clients here, one frame in flight each, closed loop. */
async function wsEchoBaseline(sockets: number, seconds: number, frame: string): Promise<Baseline> {
  const echoServer = startChild<EchoReady>(path.join(import.meta.dirname, 'ws-echo-server.ts'), {});
  children.push(echoServer as Child<unknown>);
  const { port } = await echoServer.ready;
  let measuring = false;
  let stopping = false;
  let count = 0;
  const latencies: number[] = [];
  const clients = await mapLimit(
    Array.from({ length: sockets }, (_, i) => i),
    64,
    async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.on('error', () => {});
      let sentAt = 0;
      socket.on('message', () => {
        const now = performance.now();
        if (measuring) {
          count++;
          latencies.push(now - sentAt);
        }
        if (stopping) return;
        sentAt = performance.now();
        socket.send(frame);
      });
      return {
        socket,
        start: () => {
          sentAt = performance.now();
          socket.send(frame);
        },
      };
    },
  );
  for (const client of clients) client.start();
  await sleep(500);
  measuring = true;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  measuring = false;
  stopping = true;
  const elapsed = (performance.now() - t0) / 1000;
  for (const client of clients) client.socket.terminate();
  await echoServer.stop();
  const s = summarize(latencies);
  return { perSec: count / elapsed, p50Ms: s.p50, p99Ms: s.p99, count, concurrency: sockets };
}

async function main() {
  const bench = import.meta.dirname;
  const limit = openFileSoftLimit();
  const perLoadProc = Math.ceil(opts.connections / opts.loadProcs) + 200;
  const forNginx = opts.nginx ? Math.ceil((2 * opts.connections) / Math.min(2, os.cpus().length)) + 200 : 0;
  const needed = Math.max(perLoadProc, forNginx, Math.ceil(opts.connections / opts.nodes) + 500);
  if (limit !== undefined && needed > limit) {
    throw new Error(
      `--connections ${opts.connections} needs about ${needed} open files per process but \`ulimit -n\` is ${limit}; ` +
        'raise it (ulimit -n 65536) in the shell that runs the benchmark, or add --load-procs',
    );
  }
  say(
    `kefu market-crash benchmark: ${opts.connections} customers × ${opts.messages} messages within ${opts.duration} s, ` +
      `${opts.agents} agents, ${opts.nodes} nodes; machine ${os.cpus().length} cores, node ${process.version}`,
  );

  // 1. The cluster.
  const rateLimits = [
    // Every simulated customer comes from 127.0.0.1: the per-address limits are raised out of reach, not switched
    // off, so each request still pays for its counters in Redis; the per-visitor ones stay as in production.
    'session.ip=100000000/60',
    'visitor.ip=100000000/60',
    'conversation.ip=100000000/60',
    'message.ip=100000000/60',
  ].join(',');
  cluster = await startCluster({
    nodes: opts.nodes,
    nginx: opts.nginx ? 'auto' : false,
    pool: opts.pool,
    env: { KEFU_WIDGET_RATE_LIMITS: rateLimits, ...(opts.queryStats ? { KEFU_QUERY_STATS: '1' } : {}) },
  });
  const entryUrls = cluster.entryUrls();
  say(
    `  nodes ${cluster.nodes.map((n) => `${n.pid}@${n.port}`).join(', ')}; schema ${cluster.schema}; ` +
      (cluster.nginx
        ? `nginx ${cluster.nginx.pid} on ${cluster.url}`
        : `no nginx: clients take ${entryUrls.length} nodes in turn`),
  );

  // 2. The organization: a web inbox with its bot on and the starter knowledge base, agents enrolled in TOTP.
  const db = cluster.db;
  const slug = `surge-${crypto.randomBytes(4).toString('hex')}`;
  const orgId = await insertOrg(db, { slug, name: `Exchange ${slug}`, requireTotp: true });
  await insertInbox(db, {
    orgId,
    kind: 'web',
    name: 'Website',
    identitySecret: crypto.randomBytes(24).toString('base64url'),
    settings: { bot: { enabled: true } },
  });
  const log = pino({ level: 'silent' });
  await seedStarterKb({ db, log, events: createInProcessBus(log) }, orgId);
  const password = crypto.randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  const agents: AgentOptions['agents'] = await mapLimit(
    Array.from({ length: opts.agents }, (_, i) => i),
    8,
    async (i) => {
      const email = `agent-${i}-${slug}@example.test`;
      const id = await insertAgent(db, {
        orgId,
        email,
        name: `Agent ${i}`,
        passwordHash,
        role: 'agent',
        locale: 'zh-CN',
      });
      const totpSecret = createTotpSecret();
      await updateAgentTotp(db, orgId, id, { secret: totpSecret, enabled: true });
      return { email, password, totpSecret };
    },
  );

  // 3. Raw INSERT baseline, before the load, with as many connections as the nodes' pools hold together.
  const rawInsert =
    opts.baselineSeconds > 0
      ? await insertBaseline(cluster.postgresUrl, cluster.schema, opts.pool * opts.nodes, opts.baselineSeconds)
      : undefined;
  if (rawInsert) {
    say(
      `  raw INSERT baseline: ${fmt(rawInsert.perSec, 0)} rows/s (${rawInsert.concurrency} in flight, p50 ` +
        `${fmt(rawInsert.p50Ms, 2)} ms, p99 ${fmt(rawInsert.p99Ms, 2)} ms)`,
    );
  }

  // 4. The agents log in (password + TOTP) and connect.
  const runTag = crypto.randomBytes(3).toString('hex');
  const agentProc = startChild<{ pid: number }>(path.join(bench, 'surge-agents.ts'), {
    BENCH_SURGE_AGENTS: JSON.stringify({ entryUrls, agents, runTag, replyBody: REPLY } satisfies AgentOptions),
  });
  children.push(agentProc as Child<unknown>);
  await agentProc.ready;
  const agentsUp = await agentProc.call<AgentStatus>('connected', {}, 120_000);
  say(`  ${agentsUp.connected} agents logged in with 2FA, consoles connected`);

  // 5. The crowd.
  const durationMs = opts.duration * 1000;
  const rampMs = durationMs / 2;
  const gapMs = opts.messages > 1 ? (durationMs * 0.4) / (opts.messages - 1) : 0;
  const startAt = wallNow() + 2000;
  for (const node of cluster.nodes) await node.usage(true);
  const procsBefore = processTable();
  const loaders: Child<{ pid: number }>[] = [];
  const share = Math.ceil(opts.connections / opts.loadProcs);
  for (let p = 0; p < opts.loadProcs; p++) {
    const first = p * share;
    const count = Math.max(0, Math.min(share, opts.connections - first));
    if (count === 0) break;
    const loader = startChild<{ pid: number }>(path.join(bench, 'surge-load.ts'), {
      BENCH_SURGE_LOAD: JSON.stringify({
        entryUrls,
        orgSlug: slug,
        first,
        count,
        total: opts.connections,
        startAt,
        rampMs,
        gapMs,
        messages: opts.messages,
        runTag,
        bodies: BODIES,
      } satisfies LoadOptions),
    });
    children.push(loader as Child<unknown>);
    loaders.push(loader);
  }
  await Promise.all(loaders.map((l) => l.ready));
  if (opts.cpuProfDir) await Promise.all(cluster.nodes.map((node) => node.profileStart()));

  const peakRss = new Map<number, number>();
  const sumStatus = async () => {
    const all = await Promise.all(loaders.map((l) => l.call<LoadStatus>('status')));
    const total: LoadStatus = {
      arrived: 0,
      accepted: 0,
      connected: 0,
      sent: 0,
      acked: 0,
      agentRepliesReceived: 0,
      errors: 0,
    };
    for (const s of all) for (const k of Object.keys(total) as (keyof LoadStatus)[]) total[k] += s[k];
    return total;
  };
  let peakConnected = 0;
  const progress = async () => {
    const s = await sumStatus();
    const a = await agentProc.call<AgentStatus>('status');
    for (const node of cluster!.nodes) {
      if (!node.running()) continue;
      const u = await node.usage(false);
      peakRss.set(node.index, Math.max(peakRss.get(node.index) ?? 0, u.peakRssMb));
    }
    peakConnected = Math.max(peakConnected, s.connected);
    say(
      `  t=${fmt((wallNow() - startAt) / 1000, 0)}s arrived ${s.arrived}, accepted ${s.accepted}, sockets ${s.connected}, ` +
        `sent ${s.sent}, acked ${s.acked}; agents got ${a.received}, replied ${a.replied}, acked ${a.acked}; ` +
        `customers got ${s.agentRepliesReceived} replies; errors ${s.errors + a.errors}`,
    );
    return { s, a };
  };
  while (wallNow() < startAt + durationMs) {
    await sleep(Math.min(5000, Math.max(0, startAt + durationMs - wallNow())));
    await progress();
  }
  const loadEndAt = wallNow();

  // 6. Drain: until every acknowledged message reached the other side, or --drain s.
  const drainUntil = wallNow() + opts.drain * 1000;
  for (;;) {
    const { s, a } = await progress();
    const expected = opts.connections * opts.messages;
    const done =
      s.acked >= expected && a.received >= s.acked && a.acked >= a.replied && s.agentRepliesReceived >= a.acked;
    if (done || wallNow() > drainUntil) break;
    await sleep(1000);
  }
  // A moment for duplicates, if any, to show up.
  await sleep(1000);
  const drainedAt = wallNow();

  const usage = new Map<number, NodeUsage>();
  // A node that died under the load is reported as such, not as a failed benchmark.
  const crashed = cluster.nodes.filter((node) => !node.running()).map((node) => node.index);
  for (const node of cluster.nodes) {
    if (!node.running()) continue;
    const u = await node.usage(false);
    usage.set(node.index, u);
    peakRss.set(node.index, Math.max(peakRss.get(node.index) ?? 0, u.peakRssMb));
  }
  const procCpu = processCpuBetween(procsBefore, processTable());
  const window = (drainedAt - startAt) / 1000;
  const cpuOf = (match: (comm: string, pid: number) => boolean) =>
    procCpu.filter((p) => match(p.comm, p.pid)).reduce((sum, p) => sum + p.seconds, 0) / window;
  const nginxCpu = cpuOf((comm) => comm.startsWith('nginx'));
  const postgresCpu = cpuOf((comm) => comm.startsWith('postgres'));
  const redisCpu = cpuOf((comm) => comm.startsWith('redis'));
  const loadPids = new Set([agentProc.proc.pid, ...loaders.map((l) => l.proc.pid)]);
  const loadCpu = cpuOf((_comm, pid) => loadPids.has(pid));

  const profiles: string[] = [];
  if (opts.cpuProfDir) {
    for (const node of cluster.nodes.filter((n) => n.running())) {
      const file = path.join(opts.cpuProfDir, `kefu-surge-node${node.index}-${Date.now()}.cpuprofile`);
      await node.profileStop(file);
      profiles.push(file);
    }
  }
  const queryStats = opts.queryStats
    ? mergeQueryStats(await Promise.all(cluster.nodes.filter((n) => n.running()).map((n) => n.queryStats())))
    : undefined;

  // 7. Count, by client id on both sides.
  const loadResults = await Promise.all(loaders.map((l) => l.call<LoadResults>('results', {}, 120_000)));
  const agentResults = await agentProc.call<AgentResults>('results', {}, 120_000);
  const accepted = loadResults.reduce((sum, r) => sum + r.status.accepted, 0);
  const received = new Map(agentResults.received.map(([id, at, times]) => [id, { at, times }]));
  const repliesSeen = new Map<string, { at: number; times: number }>();
  for (const r of loadResults) for (const [id, at, times] of r.agentReplies) repliesSeen.set(id, { at, times });

  let sent = 0;
  let unacked = 0;
  let lost = 0;
  let duplicated = 0;
  const toAgent: number[] = [];
  const toCustomer: number[] = [];
  const ackMs: number[] = [];
  const botReplyMs: number[] = [];
  const errorCodes: Record<string, number> = { ...agentResults.errorCodes };
  const lostSamples: string[] = [];
  for (const r of loadResults) {
    botReplyMs.push(...r.botReplyMs);
    for (const [code, n] of Object.entries(r.errorCodes)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
    for (const send of r.sends) {
      sent++;
      if (send.ackAt === undefined) {
        unacked++;
        continue;
      }
      ackMs.push(send.ackAt - send.sentAt);
      const seen = received.get(send.clientId);
      if (!seen) {
        lost++;
        if (lostSamples.length < 10) {
          lostSamples.push(
            `customer ${send.clientId} seq ${send.seq} in ${send.conversationId} sent at +${fmt((send.sentAt - startAt) / 1000, 2)} s`,
          );
        }
      } else {
        toAgent.push(seen.at - send.sentAt);
        if (seen.times > 1) duplicated += seen.times - 1;
      }
    }
  }
  let repliesUnacked = 0;
  const lostSamplesAgent: string[] = [];
  for (const [clientId, sentAt, ackAt] of agentResults.replies) {
    if (ackAt === null) {
      repliesUnacked++;
      continue;
    }
    const seen = repliesSeen.get(clientId);
    if (!seen) {
      lost++;
      if (lostSamplesAgent.length < 10)
        lostSamplesAgent.push(`agent reply ${clientId} sent at +${fmt((sentAt - startAt) / 1000, 2)} s`);
    } else {
      toCustomer.push(seen.at - sentAt);
      if (seen.times > 1) duplicated += seen.times - 1;
    }
  }
  // What the database holds of this run (a message stored twice would show here too).
  const [stored] = await db.query<{ customer: number; agent: number; bot: number; distinct_client_ids: number }>(
    `SELECT count(*) FILTER (WHERE author_kind = 'customer')::int AS customer,
            count(*) FILTER (WHERE author_kind = 'agent')::int AS agent,
            count(*) FILTER (WHERE author_kind = 'bot')::int AS bot,
            count(DISTINCT client_id) FILTER (WHERE client_id IS NOT NULL)::int AS distinct_client_ids
       FROM messages WHERE org_id = $1`,
    [orgId],
  );
  const storedWithClientId = stored.customer + stored.agent;
  duplicated += Math.max(0, storedWithClientId - stored.distinct_client_ids);

  const delivery = summarize([...toAgent, ...toCustomer]);
  const deliveryToAgent = summarize(toAgent);
  const deliveryToCustomer = summarize(toCustomer);
  const bot = summarize(botReplyMs);
  const ack = summarize(ackMs);
  const activeSeconds = (loadEndAt - startAt) / 1000;
  const storedTotal = stored.customer + stored.agent + stored.bot;
  const storedPerSec = storedTotal / activeSeconds;
  // Frames kefu delivered: every stored message goes to the customer and to every agent socket.
  const framesPerSec = (storedTotal * (1 + opts.agents)) / activeSeconds;

  say();
  say(`== kefu, ${opts.nodes} nodes${cluster.nginx ? ' behind nginx' : ''} ==`);
  say(`  conversations accepted ${accepted}/${opts.connections}; peak concurrent widget sockets ${peakConnected}`);
  say(
    `  customer messages sent ${sent}, acked ${sent - unacked}; agent replies sent ${agentResults.replies.length}, ` +
      `acked ${agentResults.replies.length - repliesUnacked}; stored ${stored.customer} customer + ${stored.agent} agent + ` +
      `${stored.bot} bot = ${storedTotal} (${fmt(storedPerSec, 0)}/s over ${fmt(activeSeconds, 0)} s)`,
  );
  say(
    `  LOST ${lost + unacked + repliesUnacked} (acked, not delivered: ${lost}; never acked: ${unacked + repliesUnacked}); DUPLICATED ${duplicated}`,
  );
  for (const sample of [...lostSamples, ...lostSamplesAgent]) say(`    lost: ${sample}`);
  const line = (name: string, s: Summary) =>
    `  ${name}: p50 ${fmt(s.p50, 1)} ms, p95 ${fmt(s.p95, 1)} ms, p99 ${fmt(s.p99, 1)} ms, max ${fmt(s.max, 0)} ms (n=${s.count})`;
  say(line('delivery (both ways)     ', delivery));
  say(line('  customer → its agent   ', deliveryToAgent));
  say(line('  agent → its customer   ', deliveryToCustomer));
  say(line('bot reply at the customer', bot));
  say(line('customer send → ack      ', ack));
  for (const index of crashed) say(`  node ${index}: CRASHED during the run (its stderr above says why)`);
  for (const node of cluster.nodes) {
    const u = usage.get(node.index);
    if (!u) continue;
    say(
      `  node ${node.index}: CPU ${fmt(u.cpuShare * 100, 0)}% of a core (event loop ${fmt(u.eventLoopUtilization * 100, 0)}% busy), ` +
        `peak RSS ${fmt(peakRss.get(node.index) ?? 0, 0)} MB`,
    );
  }
  say(
    `  over ${fmt(window, 0)} s: nginx ${fmt(nginxCpu * 100, 0)}%, postgres ${fmt(postgresCpu * 100, 0)}%, ` +
      `redis ${fmt(redisCpu * 100, 0)}%, load generators ${fmt(loadCpu * 100, 0)}% of a core`,
  );
  if (Object.keys(errorCodes).length) {
    say(
      `  errors: ${Object.entries(errorCodes)
        .map(([k, v]) => `${k}×${v}`)
        .join(', ')}`,
    );
  }
  for (const file of profiles) {
    say(`  CPU profile ${file}; most self time:`);
    for (const f of topFunctions(JSON.parse(fs.readFileSync(file, 'utf8')), 12)) {
      say(`    ${fmt(f.share * 100, 1).padStart(5)}%  ${f.name}  ${f.where}`);
    }
  }

  if (queryStats) {
    const totalMs = queryStats.statements.reduce((sum, q) => sum + q.totalMs, 0);
    const calls = queryStats.statements.reduce((sum, q) => sum + q.calls, 0);
    say(
      `  statements: ${calls} in ${queryStats.transactions} transactions, ${fmt(totalMs / 1000, 1)} s of wall time ` +
        '(with pool waits); the costliest:',
    );
    for (const q of queryStats.statements.slice(0, 25)) {
      say(
        `    ${fmt((q.totalMs / totalMs) * 100, 1).padStart(5)}%  ${String(q.calls).padStart(7)}×  ` +
          `${fmt(q.totalMs / q.calls, 2).padStart(6)} ms  ${q.sql.slice(0, 150)}`,
      );
    }
  }

  // 8. The raw WebSocket echo, after kefu's load is gone (same frame size, up to 1,000 sockets).
  for (const child of [agentProc, ...loaders]) await child.stop(3000);
  const echo =
    opts.baselineSeconds > 0
      ? await wsEchoBaseline(
          Math.min(1000, opts.connections),
          opts.baselineSeconds,
          JSON.stringify({
            type: 'send',
            conversationId: crypto.randomUUID(),
            clientId: `c${runTag}-0-0`,
            body: BODIES[0],
          }),
        )
      : undefined;
  if (echo) {
    say(
      `  raw WebSocket echo baseline: ${fmt(echo.perSec, 0)} msg/s (${echo.concurrency} sockets, 1 in flight each; ` +
        `p50 ${fmt(echo.p50Ms, 2)} ms, p99 ${fmt(echo.p99Ms, 2)} ms)`,
    );
  }
  const ratioToInsert = rawInsert ? storedPerSec / rawInsert.perSec : null;
  const ratioToWsEcho = echo ? framesPerSec / echo.perSec : null;
  say(
    `  kefu stored ${fmt(storedPerSec, 0)} msg/s = ${ratioToInsert === null ? '?' : fmt(ratioToInsert, 3)}× raw INSERT; ` +
      `delivered ${fmt(framesPerSec, 0)} frames/s = ${ratioToWsEcho === null ? '?' : fmt(ratioToWsEcho, 3)}× raw WS echo`,
  );
  const targets =
    accepted === opts.connections &&
    lost + unacked + repliesUnacked === 0 &&
    duplicated === 0 &&
    bot.p99 <= 1000 &&
    delivery.p99 <= 200;
  say(
    `  targets (all accepted, 0 lost, 0 duplicated, bot p99 ≤ 1 s, delivery p99 ≤ 200 ms): ${targets ? 'met' : 'NOT met'}`,
  );

  await cleanup();
  clearTimeout(hardTimeout);
  const result = {
    connections: opts.connections,
    nodes: opts.nodes,
    nginx: Boolean(cluster.nginx),
    agents: opts.agents,
    durationS: opts.duration,
    accepted,
    peakConnected,
    sent,
    agentReplies: agentResults.replies.length,
    stored: storedTotal,
    storedBot: stored.bot,
    lost: lost + unacked + repliesUnacked,
    duplicated,
    deliveryP50Ms: round(delivery.p50),
    deliveryP99Ms: round(delivery.p99),
    deliveryToAgentP99Ms: round(deliveryToAgent.p99),
    deliveryToCustomerP99Ms: round(deliveryToCustomer.p99),
    botReplyP50Ms: round(bot.p50),
    botReplyP99Ms: round(bot.p99),
    botReplies: bot.count,
    ackP99Ms: round(ack.p99),
    storedPerSec: round(storedPerSec, 1),
    framesPerSec: round(framesPerSec, 0),
    crashedNodes: crashed,
    nodesUsage: cluster.nodes.map((node) => ({
      node: node.index,
      cpuShare: usage.has(node.index) ? round(usage.get(node.index)!.cpuShare, 3) : null,
      eventLoopUtilization: usage.has(node.index) ? round(usage.get(node.index)!.eventLoopUtilization, 3) : null,
      peakRssMb: round(peakRss.get(node.index) ?? 0, 0),
    })),
    nginxCpuShare: round(nginxCpu, 3),
    postgresCpuShare: round(postgresCpu, 3),
    redisCpuShare: round(redisCpu, 3),
    loadCpuShare: round(loadCpu, 3),
    errors: errorCodes,
    rawInsertPerSec: rawInsert ? round(rawInsert.perSec, 0) : null,
    rawWsEchoPerSec: echo ? round(echo.perSec, 0) : null,
    ratioToInsert: ratioToInsert === null ? null : round(ratioToInsert, 3),
    ratioToWsEcho: ratioToWsEcho === null ? null : round(ratioToWsEcho, 3),
  };
  console.log(JSON.stringify(result));
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench:surge failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exit(1);
}
