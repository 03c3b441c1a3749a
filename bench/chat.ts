/**
 * Chat throughput and latency benchmark.
 *
 *   npm run bench:chat -- [--db pglite|postgres] [--customers 1000] [--agents 5] [--rate 500] [--duration 20]
 *                         [--warmup 3] [--drain 10] [--baseline-seconds 3] [--pool 10] [--json-only]
 *                         [--cpu-prof DIR] [--query-stats] [--server-node-args="--flag …"] [--timeout SECONDS]
 *                         [--find-saturation [--start-rate 250] [--step-factor 1.5] [--step-seconds 5] [--step-warmup 2]
 *                                            [--max-steps 14] [--saturation-p99 200]]
 *
 * --find-saturation, after the measurement at --rate, steps the offered rate up (×step-factor, each step a short
 * window of its own) until delivery p99 passes --saturation-p99 ms, a message is not delivered, an error occurs or
 * less than 95 % of the offered rate is sustained; it prints each step, and the JSON line adds saturationMsgsPerSec
 * (the highest sustained rate of a step within the limit) and saturationRatioToInsert.
 *
 * --cpu-prof DIR writes a V8 CPU profile of the server process over the measured window only into DIR (open it in
 * Chrome DevTools); --query-stats times every query the server makes during the window, by statement;
 * --server-node-args="--cpu-prof --cpu-prof-dir=DIR" profiles the server's whole life instead.
 *
 * N simulated customers, each with a widget session, a conversation and a subscribed widget WebSocket, send messages
 * over their socket at an offered rate (open loop: sends are scheduled on a clock and never wait for the previous
 * one, so latency includes queueing) while `--agents` agent console sockets are connected (following no
 * conversation, like consoles showing the inbox list). Latency is from the moment a customer's `send` frame is
 * written to the moment the first agent socket receives that message's list delta (`conversation.activity`). The kefu server runs in a child process (bench/chat-server.ts) so that this process, the load
 * generator, does not share its event loop.
 *
 * Baselines, in the same run on the same machine: (1) raw single-row INSERTs of message-shaped rows through the
 * server's own Db (PGlite: sequential; PostgreSQL: as many in flight as the pool has connections), inside the server
 * process; (2) a bare `ws` echo server in a child process, the same number of client sockets, frames of the same
 * size, closed loop (one frame in flight per socket).
 *
 * PostgreSQL: DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, in a fresh schema dropped at the end.
 * The last line printed is one JSON object with the figures.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import WebSocket from 'ws';
import type { ServerReady } from './chat-server.ts';
import type { EchoReady } from './ws-echo-server.ts';
import {
  type Child,
  cpuBusyBetween,
  machineCpu,
  mapLimit,
  processCpuBetween,
  processTable,
  round,
  type Summary,
  sleep,
  startChild,
  summarize,
} from './lib.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    customers: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '5' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    drain: { type: 'string', default: '10' },
    'baseline-seconds': { type: 'string', default: '3' },
    pool: { type: 'string', default: '10' },
    'setup-concurrency': { type: 'string', default: '32' },
    'server-node-args': { type: 'string', default: '' },
    'cpu-prof': { type: 'string' },
    'query-stats': { type: 'boolean', default: false },
    timeout: { type: 'string' },
    'json-only': { type: 'boolean', default: false },
    'find-saturation': { type: 'boolean', default: false },
    'start-rate': { type: 'string', default: '250' },
    'step-factor': { type: 'string', default: '1.5' },
    'step-seconds': { type: 'string', default: '5' },
    'step-warmup': { type: 'string', default: '2' },
    'max-steps': { type: 'string', default: '14' },
    'saturation-p99': { type: 'string', default: '200' },
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

const dbKind = values.db === 'postgres' || values.db === 'pg' ? 'postgres' : values.db === 'pglite' ? 'pglite' : '';
if (!dbKind) {
  console.error(`--db must be pglite or postgres (got ${values.db})`);
  process.exit(2);
}
const opts = {
  db: dbKind as 'pglite' | 'postgres',
  customers: Math.floor(positive('customers', values.customers)),
  agents: Math.floor(positive('agents', values.agents)),
  rate: positive('rate', values.rate),
  duration: positive('duration', values.duration),
  warmup: positive('warmup', values.warmup, 0),
  drain: positive('drain', values.drain, 0),
  baselineSeconds: positive('baseline-seconds', values['baseline-seconds'], 0),
  pool: Math.floor(positive('pool', values.pool)),
  setupConcurrency: Math.floor(positive('setup-concurrency', values['setup-concurrency'])),
  serverNodeArgs: [...(values['server-node-args'] ?? '').split(/\s+/).filter(Boolean)],
  queryStats: values['query-stats'] ?? false,
  cpuProfDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined,
  jsonOnly: values['json-only'] ?? false,
  findSaturation: values['find-saturation'] ?? false,
  startRate: positive('start-rate', values['start-rate']),
  stepFactor: positive('step-factor', values['step-factor'], 1.05),
  stepSeconds: positive('step-seconds', values['step-seconds']),
  stepWarmup: positive('step-warmup', values['step-warmup'], 0),
  maxSteps: Math.floor(positive('max-steps', values['max-steps'])),
  saturationP99Ms: positive('saturation-p99', values['saturation-p99']),
};
const timeoutSeconds = values.timeout
  ? positive('timeout', values.timeout)
  : 240 +
    opts.warmup +
    opts.duration +
    opts.drain +
    3 * opts.baselineSeconds +
    opts.customers / 20 +
    (opts.findSaturation ? opts.maxSteps * (opts.stepWarmup + opts.stepSeconds + opts.drain + 2) : 0);
const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const schema = opts.db === 'postgres' ? `bench_${crypto.randomBytes(6).toString('hex')}` : undefined;

const say = (line = '') => {
  if (!opts.jsonOnly) console.log(line);
};
const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

// ---------- cleanup: every socket, every child, the PG schema; also on the hard timeout and on Ctrl-C ----------

const openSockets = new Set<WebSocket>();
const children: Child<unknown>[] = [];
let cleaningUp: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const socket of openSockets) socket.terminate();
    openSockets.clear();
    await Promise.all(children.map((child) => child.stop().catch(() => {})));
    if (schema) {
      // The server drops its schema on shutdown; this covers a server that died or was killed.
      const client = new pg.Client({ connectionString: PG_URL });
      try {
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } catch {
      } finally {
        await client.end().catch(() => {});
      }
    }
  })();
  return cleaningUp;
}

const hardTimeout = setTimeout(() => {
  console.error(`bench:chat: hard timeout after ${timeoutSeconds} s; cleaning up`);
  void cleanup().finally(() => process.exit(3));
}, timeoutSeconds * 1000);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench:chat: ${signal}; cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------- small clients ----------

async function post<T>(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 300)}`);
  return { body: JSON.parse(text) as T, headers: response.headers };
}

function openSocket(url: string, headers: Record<string, string>, onMessage: (data: string) => void) {
  return new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    openSockets.add(socket);
    socket.on('message', (data) => onMessage(String(data)));
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('close', () => openSockets.delete(socket));
  });
}

const closeAll = async (sockets: WebSocket[]) => {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            socket.terminate();
            resolve();
          }, 2000);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close();
        }),
    ),
  );
};

function openFileLimit(): number | undefined {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

// ---------- the run ----------

type Send = {
  conversation: number;
  intendedAt: number;
  sentAt: number;
  ackAt?: number;
  deliveredAt?: number;
  agentsReceived: number;
  error?: string;
};

const BODY_PREFIX = '我的 USDT 充值还没到账，TRC20 网络，已经过了 30 分钟，请帮忙查一下。订单';

async function main() {
  const bench = path.dirname(new URL(import.meta.url).pathname);
  const limit = openFileLimit();
  // This process holds every client socket (plus the echo baseline's, after those are closed); the server the others.
  const needed = opts.customers + opts.agents + 64;
  if (limit && needed > limit) {
    throw new Error(
      `--customers ${opts.customers} needs about ${needed} open files per process but \`ulimit -n\` is ${limit}; ` +
        `lower --customers or raise the limit (ulimit -n 65536) in the shell that runs the benchmark`,
    );
  }

  say(
    `kefu chat benchmark: ${opts.db}, ${opts.customers} customers, ${opts.agents} agents, ${opts.rate} msg/s offered`,
  );
  say(
    `  ${opts.warmup} s warm-up + ${opts.duration} s measured; machine: ${os.cpus().length} cores, node ${process.version}`,
  );

  // 1. The server, in its own process.
  const server = startChild<ServerReady>(
    path.join(bench, 'chat-server.ts'),
    {
      BENCH_SERVER: JSON.stringify({
        db: opts.db,
        url: PG_URL,
        schema,
        agents: opts.agents,
        poolMax: opts.pool,
        queryStats: opts.queryStats,
        // Stepping up to many messages a second per customer must not hit the per-visitor limit (still counted).
        visitorMessagesPer10s: opts.findSaturation ? 1_000_000 : undefined,
      }),
    },
    opts.serverNodeArgs,
  );
  children.push(server as Child<unknown>);
  const ready = await server.ready;
  const base = `http://127.0.0.1:${ready.port}`;
  const wsBase = `ws://127.0.0.1:${ready.port}`;
  say(`  server pid ${ready.pid} on ${base}${schema ? `, schema ${schema}` : ''}`);

  // 2. Raw INSERT baseline, before any load, in the server process with the server's Db.
  const sampleBody = `${BODY_PREFIX} #000000`;
  const insertConcurrency = opts.db === 'postgres' ? ready.poolMax : 1;
  const rawInsert =
    opts.baselineSeconds > 0
      ? await server.call<{ perSec: number; count: number; concurrency: number; p50Ms: number; p99Ms: number }>(
          'insertBaseline',
          { seconds: opts.baselineSeconds, concurrency: insertConcurrency, body: sampleBody },
        )
      : undefined;
  if (rawInsert) {
    say(
      `  raw INSERT baseline: ${fmt(rawInsert.perSec, 0)} rows/s (${rawInsert.concurrency} in flight, ` +
        `p50 ${fmt(rawInsert.p50Ms, 2)} ms, p99 ${fmt(rawInsert.p99Ms, 2)} ms)`,
    );
  }

  // 3. Setup: agents log in and connect their consoles; customers get a session, a conversation and a socket.
  const setupStart = performance.now();
  const sends = new Map<string, Send>();
  const sendList: Send[] = [];
  const counters = {
    agentMessages: 0,
    deliveredFirst: 0,
    acks: 0,
    errorEvents: 0,
    errorCodes: new Map<string, number>(),
    unexpectedCloses: 0,
    sendFailures: 0,
    unknownClientIds: 0,
  };
  let running = false;
  const noteError = (code: string) => {
    counters.errorCodes.set(code, (counters.errorCodes.get(code) ?? 0) + 1);
  };

  // The consoles follow no conversation, so they get list deltas (conversation id + seq, no clientId): a delta is
  // matched to its send through the customer's ack, which carries the same pair and usually arrives after it.
  const sendsBySeq = new Map<string, Send>();
  const earlyDeltas = new Map<string, { at: number; count: number }>();
  const noteDelivered = (record: Send, at: number, count: number) => {
    record.agentsReceived += count;
    if (record.deliveredAt === undefined) {
      record.deliveredAt = at;
      counters.deliveredFirst++;
    }
  };
  const onAgentFrame = (data: string) => {
    const now = performance.now();
    if (data.startsWith('{"type":"conversation.activity"')) {
      const event = JSON.parse(data) as { conversationId: string; seq: number };
      counters.agentMessages++;
      const key = `${event.conversationId}:${event.seq}`;
      const record = sendsBySeq.get(key);
      if (record) noteDelivered(record, now, 1);
      else {
        const early = earlyDeltas.get(key);
        if (early) early.count++;
        else earlyDeltas.set(key, { at: now, count: 1 });
      }
      return;
    }
    if (!data.startsWith('{"type":"message.created"')) return;
    const event = JSON.parse(data) as { message: { clientId: string | null } };
    const clientId = event.message.clientId;
    if (!clientId) return;
    counters.agentMessages++;
    const record = sends.get(clientId);
    if (!record) {
      counters.unknownClientIds++;
      return;
    }
    noteDelivered(record, now, 1);
  };

  const agentSockets = await Promise.all(
    ready.agents.map(async (agent) => {
      const login = await post<{ csrfToken: string }>(`${base}/api/agent/auth/login`, {
        email: agent.email,
        password: agent.password,
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const socket = await openSocket(`${wsBase}/api/agent/ws`, { cookie }, onAgentFrame);
      socket.on('close', (code) => {
        if (running) {
          counters.unexpectedCloses++;
          noteError(`agent_close_${code}`);
        }
      });
      return socket;
    }),
  );

  const visitors = await mapLimit(
    Array.from({ length: opts.customers }, (_, i) => i),
    opts.setupConcurrency,
    async () => {
      const session = await post<{ visitorToken: string }>(`${base}/api/widget/session`, { org: ready.org.slug });
      const token = session.body.visitorToken;
      const created = await post<{ conversation: { id: string } }>(
        `${base}/api/widget/conversations`,
        {},
        { authorization: `Bearer ${token}` },
      );
      return { token, conversationId: created.body.conversation.id };
    },
  );
  const sessionsDone = performance.now();

  const customerSockets = await mapLimit(visitors, opts.setupConcurrency, async (visitor) => {
    let subscribed: () => void = () => {};
    const subscribedPromise = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    const socket = await openSocket(
      `${wsBase}/api/widget/ws?token=${encodeURIComponent(visitor.token)}`,
      {},
      (data) => {
        const now = performance.now();
        // message.created (the customer's own message, echoed to their widget) is the bulk: skip it cheaply.
        if (data.startsWith('{"type":"message.created"')) return;
        const event = JSON.parse(data) as {
          type: string;
          clientId?: string;
          code?: string;
          conversationId?: string;
          seq?: number;
        };
        if (event.type === 'ack' && event.clientId) {
          const record = sends.get(event.clientId);
          if (record && record.ackAt === undefined) {
            record.ackAt = now;
            counters.acks++;
            const key = `${event.conversationId}:${event.seq}`;
            sendsBySeq.set(key, record);
            const early = earlyDeltas.get(key);
            if (early) {
              earlyDeltas.delete(key);
              noteDelivered(record, early.at, early.count);
            }
          }
        } else if (event.type === 'error') {
          counters.errorEvents++;
          noteError(event.code ?? 'error');
          const record = event.clientId ? sends.get(event.clientId) : undefined;
          if (record) record.error = event.code;
        } else if (event.type === 'subscribed') {
          subscribed();
        }
      },
    );
    socket.on('close', (code) => {
      if (running) {
        counters.unexpectedCloses++;
        noteError(`customer_close_${code}`);
      }
    });
    socket.send(JSON.stringify({ type: 'subscribe', conversationId: visitor.conversationId, afterSeq: 0 }));
    await Promise.race([
      subscribedPromise,
      sleep(30_000).then(() => {
        throw new Error(`no "subscribed" for ${visitor.conversationId} within 30 s`);
      }),
    ]);
    return socket;
  });
  const setupEnd = performance.now();
  say(
    `  setup: ${opts.customers} sessions + conversations in ${fmt((sessionsDone - setupStart) / 1000)} s, ` +
      `${opts.customers} customer + ${agentSockets.length} agent sockets in ${fmt((setupEnd - sessionsDone) / 1000)} s`,
  );

  const runTag = crypto.randomBytes(3).toString('hex');
  const order = Array.from({ length: opts.customers }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }

  let stepCount = 0;
  /** One open-loop load at `step.rate` msg/s: warm-up, measured window, drain; prints and returns the figures. */
  async function runStep(step: { rate: number; warmup: number; duration: number; drain: number }) {
    // Each step counts only its own sends (a previous step's late frames carry another tag and are ignored).
    sends.clear();
    sendList.length = 0;
    sendsBySeq.clear();
    earlyDeltas.clear();
    Object.assign(counters, {
      agentMessages: 0,
      deliveredFirst: 0,
      acks: 0,
      errorEvents: 0,
      errorCodes: new Map<string, number>(),
      unexpectedCloses: 0,
      sendFailures: 0,
      unknownClientIds: 0,
    });
    // 4. Load: open loop. The i-th send is due at start + i/rate; a late tick sends everything that is due.
    // Conversations are visited in a shuffled round robin, so each one receives a message every customers/rate s.
    const total = Math.round(step.rate * (step.warmup + step.duration));
    const intervalMs = 1000 / step.rate;
    // A step counter too: a saturation step at the same rate as the first measurement must not repeat its clientIds
    // (the server would answer them as retries, store nothing and publish nothing).
    const stepTag = `${runTag}s${stepCount++}r${step.rate.toFixed(0)}`;
    let sent = 0;
    const sendLag: number[] = [];
    running = true;
    const loadStart = performance.now() + 50;
    const windowStart = loadStart + step.warmup * 1000;
    const windowEnd = windowStart + step.duration * 1000;
    let serverUsage: Record<string, number> | undefined;
    let loaderElu: ReturnType<typeof performance.eventLoopUtilization> | undefined;
    let cpuAtWindowStart: ReturnType<typeof machineCpu>;
    let procsAtWindowStart: ReturnType<typeof processTable> | undefined;

    const windowMarks = (async () => {
      await sleep(windowStart - performance.now());
      await server.call('usage', { mark: true });
      if (opts.cpuProfDir) await server.call('profileStart');
      if (opts.queryStats) await server.call('queryStats', { reset: true });
      loaderElu = performance.eventLoopUtilization();
      const loaderCpu = process.cpuUsage();
      cpuAtWindowStart = machineCpu();
      procsAtWindowStart = processTable();
      await sleep(windowEnd - performance.now());
      const cpuAtEnd = machineCpu();
      const procs = processCpuBetween(procsAtWindowStart ?? new Map(), processTable());
      const elu = performance.eventLoopUtilization(loaderElu);
      const loaderCpuUsed = process.cpuUsage(loaderCpu);
      serverUsage = await server.call<Record<string, number>>('usage', {});
      const statements = opts.queryStats
        ? await server.call<{ sql: string; count: number; totalMs: number; maxMs: number }[]>('queryStats', {})
        : [];
      if (opts.cpuProfDir) {
        const file = path.join(
          opts.cpuProfDir,
          `kefu-server-${opts.db}-${step.rate.toFixed(0)}-${Date.now()}.cpuprofile`,
        );
        await server.call('profileStop', { file });
        say(`  server CPU profile of the window: ${file}`);
      }
      return {
        machineBusy: cpuBusyBetween(cpuAtWindowStart, cpuAtEnd),
        loaderCpuShare: (loaderCpuUsed.user + loaderCpuUsed.system) / 1e6 / step.duration,
        loaderEventLoopUtilization: elu.utilization,
        postgresCpuShare:
          opts.db === 'postgres' && procs.length
            ? procs.filter((p) => p.comm.startsWith('postgres')).reduce((sum, p) => sum + p.seconds, 0) / step.duration
            : undefined,
        statements,
        // Everything else that ran on the machine during the window (other people's jobs skew the figures).
        others: procs
          .filter((p) => p.pid !== process.pid && p.pid !== ready.pid && !p.comm.startsWith('postgres'))
          .slice(0, 4)
          .map((p) => ({ pid: p.pid, comm: p.comm, cpuShare: p.seconds / step.duration })),
      };
    })();

    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor((now - loadStart) / intervalMs) + 1);
        while (sent < due) {
          const i = sent++;
          const conversation = order[i % order.length];
          const socket = customerSockets[conversation];
          const clientId = `b${stepTag}-${i}`;
          const frame = JSON.stringify({
            type: 'send',
            conversationId: visitors[conversation].conversationId,
            body: `${BODY_PREFIX} #${String(i).padStart(6, '0')}`,
            clientId,
          });
          const intendedAt = loadStart + i * intervalMs;
          const record: Send = { conversation, intendedAt, sentAt: performance.now(), agentsReceived: 0 };
          sends.set(clientId, record);
          sendList.push(record);
          if (socket.readyState !== WebSocket.OPEN) {
            counters.sendFailures++;
            record.error = 'socket_not_open';
            continue;
          }
          socket.send(frame);
          sendLag.push(record.sentAt - intendedAt);
        }
        if (sent >= total) resolve();
        else setTimeout(tick, Math.max(0, Math.min(5, loadStart + sent * intervalMs - performance.now())));
      };
      setTimeout(tick, Math.max(0, loadStart - performance.now()));
    });
    const lastSendAt = performance.now();

    // Drain: wait for what is still in flight, at most --drain seconds.
    const drainDeadline = lastSendAt + step.drain * 1000;
    const complete = () =>
      counters.deliveredFirst + counters.sendFailures >= sendList.length &&
      counters.acks >= sendList.length - counters.sendFailures;
    while (!complete() && performance.now() < drainDeadline) await sleep(20);
    // A moment more so every agent socket gets the last messages (for the fan-out check).
    await sleep(100);
    const marks = await windowMarks;
    running = false;
    const acked = counters.acks;

    // 5. Figures.
    const measured = sendList.filter((r) => r.intendedAt >= windowStart && r.intendedAt < windowEnd);
    const latencies: number[] = [];
    const ackLatencies: number[] = [];
    let undelivered = 0;
    let partialFanOut = 0;
    for (const r of measured) {
      if (r.deliveredAt !== undefined) latencies.push(r.deliveredAt - r.sentAt);
      else undelivered++;
      if (r.ackAt !== undefined) ackLatencies.push(r.ackAt - r.sentAt);
      if (r.deliveredAt !== undefined && r.agentsReceived < opts.agents) partialFanOut++;
    }
    const deliveredInWindow = sendList.filter(
      (r) => r.deliveredAt !== undefined && r.deliveredAt >= windowStart && r.deliveredAt < windowEnd,
    ).length;
    const sustained = deliveredInWindow / step.duration;
    const lat = summarize(latencies);
    const ack = summarize(ackLatencies);
    const lag = summarize(sendLag);
    const errors = counters.errorEvents + counters.unexpectedCloses + counters.sendFailures;
    const cores = os.cpus().length;
    const otherCpu =
      marks.machineBusy === undefined
        ? 0
        : Math.max(
            0,
            marks.machineBusy * cores -
              (serverUsage?.cpuShare ?? 0) -
              marks.loaderCpuShare -
              (marks.postgresCpuShare ?? 0),
          );

    say();
    say(`== kefu (${opts.db}) ==`);
    say(`  offered ${step.rate} msg/s; sent ${measured.length} in the ${step.duration} s window (${sent} in all)`);
    say(
      `  sustained: ${fmt(sustained)} msg/s delivered to agents (first agent socket) over the window; ` +
        `${measured.length - undelivered}/${measured.length} of the window's messages delivered, ${undelivered} not within ${step.drain} s of the end`,
    );
    const latLine = (name: string, s: Summary) =>
      `  ${name}: p50 ${fmt(s.p50, 2)} ms, p95 ${fmt(s.p95, 2)} ms, p99 ${fmt(s.p99, 2)} ms, max ${fmt(s.max, 2)} ms (n=${s.count})`;
    say(latLine('latency send → first agent', lat));
    say(latLine('latency send → ack        ', ack));
    say(
      `  acks ${acked}/${sent}; agent frames ${counters.agentMessages} (${opts.agents} consoles; ${partialFanOut} window messages missed by some console)`,
    );
    say(
      `  errors ${errors}: ${counters.errorEvents} error events, ${counters.unexpectedCloses} socket closes, ${counters.sendFailures} send failures` +
        (counters.errorCodes.size ? ` (${[...counters.errorCodes].map(([k, v]) => `${k}×${v}`).join(', ')})` : ''),
    );
    say(`  load generator: send lag behind schedule p99 ${fmt(lag.p99, 2)} ms, max ${fmt(lag.max, 2)} ms`);
    say(
      `  CPU over the window: server process ${fmt((serverUsage?.cpuShare ?? 0) * 100, 0)}% of a core ` +
        `(event loop ${fmt((serverUsage?.eventLoopUtilization ?? 0) * 100, 0)}% busy), load generator event loop ` +
        `${fmt(marks.loaderEventLoopUtilization * 100, 0)}% busy (${fmt(marks.loaderCpuShare * 100, 0)}% of a core)` +
        (marks.postgresCpuShare !== undefined ? `, postgres ${fmt(marks.postgresCpuShare * 100, 0)}% of a core` : '') +
        (marks.machineBusy !== undefined
          ? `; machine ${fmt(marks.machineBusy * 100, 0)}% busy of ${cores} cores, ` +
            `other processes ≈${fmt(otherCpu * 100, 0)}% of a core`
          : ''),
    );
    if (otherCpu > 0.25) {
      const top = marks.others.map((p) => `${p.comm}[${p.pid}] ${fmt(p.cpuShare * 100, 0)}%`).join(', ');
      say(
        `  WARNING: other processes used a notable share of the CPU during the window (${top}); figures are pessimistic.`,
      );
    }

    if (marks.statements.length) {
      const messages = Math.max(1, deliveredInWindow);
      say(`  SQL during the window (per delivered message; wall time from call to result, queueing included):`);
      for (const st of marks.statements.slice(0, 12)) {
        say(
          `    ${fmt(st.count / messages, 2)}× ${fmt(st.totalMs / st.count, 2)} ms avg (max ${fmt(st.maxMs, 1)}) ` +
            `= ${fmt(st.totalMs / messages, 2)} ms/msg  ${st.sql}`,
        );
      }
    }

    return { measured, undelivered, sustained, lat, ack, acked, errors, serverUsage, marks, otherCpu, lag };
  }

  // The main measurement at --rate (the figures every run reports).
  const { measured, undelivered, sustained, lat, ack, acked, errors, serverUsage, marks, otherCpu, lag } =
    await runStep(opts);

  // --find-saturation: step the offered rate up until delivery p99 passes the limit or messages are lost or backlogged.
  // The saturation point is the highest rate a step sustained within the limit.
  const saturationSteps: { offered: number; sustained: number; p50Ms: number; p99Ms: number; ok: boolean }[] = [];
  if (opts.findSaturation) {
    say();
    say(
      `== finding saturation: from ${opts.startRate} msg/s ×${opts.stepFactor} per step, ${opts.stepSeconds} s windows, ` +
        `until p99 > ${opts.saturationP99Ms} ms, undelivered messages or < 95% sustained ==`,
    );
    for (let rate = opts.startRate; saturationSteps.length < opts.maxSteps; rate *= opts.stepFactor) {
      const r = await runStep({ rate, warmup: opts.stepWarmup, duration: opts.stepSeconds, drain: opts.drain });
      const ok =
        r.lat.p99 <= opts.saturationP99Ms && r.undelivered === 0 && r.errors === 0 && r.sustained >= 0.95 * rate;
      saturationSteps.push({
        offered: round(rate, 0),
        sustained: round(r.sustained, 1),
        p50Ms: round(r.lat.p50),
        p99Ms: round(r.lat.p99),
        ok,
      });
      say(
        `  step ${saturationSteps.length}: offered ${fmt(rate, 0)} msg/s → sustained ${fmt(r.sustained, 0)} msg/s, ` +
          `p50 ${fmt(r.lat.p50, 1)} ms, p99 ${fmt(r.lat.p99, 1)} ms, undelivered ${r.undelivered}, errors ${r.errors}: ` +
          (ok ? 'within the limit' : 'SATURATED'),
      );
      if (!ok) break;
    }
  }
  const passing = saturationSteps.filter((s) => s.ok);
  const saturation = passing.length ? Math.max(...passing.map((s) => s.sustained)) : 0;

  // 6. Close kefu's sockets and the server (drops the schema) before the echo baseline runs.
  await closeAll([...customerSockets, ...agentSockets]);
  await server.stop();

  // 7. Raw WebSocket echo baseline: same socket count, same frame size, one frame in flight per socket.
  let echo: { perSec: number; p50Ms: number; p99Ms: number; count: number } | undefined;
  if (opts.baselineSeconds > 0) {
    const echoServer = startChild<EchoReady>(path.join(bench, 'ws-echo-server.ts'), {});
    children.push(echoServer as Child<unknown>);
    const echoReady = await echoServer.ready;
    const frame = JSON.stringify({
      type: 'send',
      conversationId: visitors[0].conversationId,
      body: sampleBody,
      clientId: `b${runTag}-000000`,
    });
    let measuring = false;
    let stopping = false;
    let count = 0;
    const echoLatencies: number[] = [];
    const sockets = await mapLimit(
      Array.from({ length: opts.customers }, (_, i) => i),
      opts.setupConcurrency * 2,
      async () => {
        let sentAt = 0;
        const socket: WebSocket = await openSocket(`ws://127.0.0.1:${echoReady.port}/`, {}, () => {
          const now = performance.now();
          if (measuring) {
            count++;
            echoLatencies.push(now - sentAt);
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
    for (const s of sockets) s.start();
    await sleep(500);
    measuring = true;
    const t0 = performance.now();
    await sleep(opts.baselineSeconds * 1000);
    measuring = false;
    stopping = true;
    const elapsed = (performance.now() - t0) / 1000;
    const s = summarize(echoLatencies);
    echo = { perSec: count / elapsed, p50Ms: s.p50, p99Ms: s.p99, count };
    await closeAll(sockets.map((x) => x.socket));
    await echoServer.stop();
    say();
    say(
      `  raw WebSocket echo baseline: ${fmt(echo.perSec, 0)} msg/s (${opts.customers} sockets, ${frame.length}-byte frames, ` +
        `1 in flight each; p50 ${fmt(echo.p50Ms, 2)} ms, p99 ${fmt(echo.p99Ms, 2)} ms)`,
    );
  }

  const ratioToInsert = rawInsert ? sustained / rawInsert.perSec : null;
  const ratioToWsEcho = echo ? sustained / echo.perSec : null;
  say(
    `  kefu delivered ${fmt(sustained, 0)} msg/s = ${ratioToInsert === null ? '?' : fmt(ratioToInsert, 3)}× raw INSERT rate, ` +
      `${ratioToWsEcho === null ? '?' : fmt(ratioToWsEcho, 3)}× raw WS echo rate`,
  );
  const target = opts.rate >= 500 && sustained >= 0.98 * opts.rate && lat.p99 < 50 && undelivered === 0;
  say(`  target (≥500 msg/s sustained, p99 < 50 ms): ${target ? 'met' : 'not met'} at this offered rate`);

  await cleanup();
  clearTimeout(hardTimeout);

  const result = {
    db: opts.db,
    customers: opts.customers,
    agents: opts.agents,
    offeredRate: opts.rate,
    durationS: opts.duration,
    sustainedMsgsPerSec: round(sustained, 1),
    p50Ms: round(lat.p50),
    p95Ms: round(lat.p95),
    p99Ms: round(lat.p99),
    maxMs: round(lat.max),
    ackP50Ms: round(ack.p50),
    ackP99Ms: round(ack.p99),
    offered: measured.length,
    delivered: measured.length - undelivered,
    undelivered,
    acked,
    errors,
    serverCpuShare: serverUsage ? round(serverUsage.cpuShare, 3) : null,
    serverEventLoopUtilization: serverUsage ? round(serverUsage.eventLoopUtilization, 3) : null,
    postgresCpuShare: marks.postgresCpuShare !== undefined ? round(marks.postgresCpuShare, 3) : null,
    loaderEventLoopUtilization: round(marks.loaderEventLoopUtilization, 3),
    loaderCpuShare: round(marks.loaderCpuShare, 3),
    machineBusy: marks.machineBusy !== undefined ? round(marks.machineBusy, 3) : null,
    otherProcessesCpuShare: marks.machineBusy !== undefined ? round(otherCpu, 3) : null,
    sendLagP99Ms: round(lag.p99),
    rawInsertPerSec: rawInsert ? round(rawInsert.perSec, 0) : null,
    rawInsertConcurrency: rawInsert ? rawInsert.concurrency : null,
    rawWsEchoPerSec: echo ? round(echo.perSec, 0) : null,
    rawWsEchoP50Ms: echo ? round(echo.p50Ms) : null,
    rawWsEchoP99Ms: echo ? round(echo.p99Ms) : null,
    ratioToInsert: ratioToInsert === null ? null : round(ratioToInsert, 3),
    ratioToWsEcho: ratioToWsEcho === null ? null : round(ratioToWsEcho, 3),
    ...(opts.findSaturation
      ? {
          saturationMsgsPerSec: round(saturation, 1),
          saturationRatioToInsert: rawInsert ? round(saturation / rawInsert.perSec, 3) : null,
          saturationP99LimitMs: opts.saturationP99Ms,
          saturationSteps,
        }
      : {}),
  };
  console.log(JSON.stringify(result));
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench:chat failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exit(1);
}
