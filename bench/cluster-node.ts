/**
 * One kefu app node of bench/cluster.ts, in its own process: what `npm start` does on a production node (PostgreSQL,
 * Redis bus and Redis rate limits, the bot), except that it runs in a schema and on a Redis channel of its own so
 * that parallel runs on one PostgreSQL and one Redis never meet. Its configuration is the environment, read by
 * kefu's own loadConfig (DATABASE_URL, REDIS_URL, PORT, KEFU_TRUST_PROXY, KEFU_WIDGET_RATE_LIMITS…), plus
 * KEFU_CLUSTER_SCHEMA, KEFU_CLUSTER_CHANNEL and KEFU_CLUSTER_POOL.
 *
 * Reports `ready` over IPC with its pid and port, then answers `usage`, `profileStart`/`profileStop` and `shutdown`.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { openPostgres } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { withQueryStats } from './query-stats.ts';
import { createRedisBus } from '../src/server/events/redis-bus.ts';
import { serveParent } from './lib.ts';

export type NodeReady = { type: 'ready'; pid: number; port: number };

const config = loadConfig(process.env);
if (!config.databaseUrl || !config.redisUrl) throw new Error('a cluster node needs DATABASE_URL and REDIS_URL');
const schema = process.env.KEFU_CLUSTER_SCHEMA;
const channel = process.env.KEFU_CLUSTER_CHANNEL;
// Errors go to stderr; stdout belongs to whoever runs the cluster (a benchmark's report, a test's TAP stream).
const log = pino({ level: config.logLevel }, pino.destination(2));

const pooled = await openPostgres({
  url: config.databaseUrl,
  schema,
  max: Number(process.env.KEFU_CLUSTER_POOL ?? 10),
});
// The cluster migrated the schema before starting any node; this finds nothing to do, as on a production restart.
await migrate(pooled);
// bench:surge --query-stats: every statement timed by its shape (bench/query-stats.ts).
const queryStats = process.env.KEFU_QUERY_STATS === '1' ? withQueryStats(pooled) : undefined;
const db = queryStats?.db ?? pooled;
const events = await createRedisBus({ url: config.redisUrl, log, channel });
const { app, bot } = await createApp({ config, db, log, events });
await app.listen({ port: config.port, host: config.host });
await bot.ready();

let closing: Promise<void> | undefined;
const shutdown = () => {
  closing ??= (async () => {
    await app.close().catch(() => {});
    await events.close().catch(() => {});
    await db.close().catch(() => {});
  })();
  return closing;
};
// An orphaned node (its parent died) goes away instead of holding the port.
process.on('disconnect', () => {
  void shutdown().finally(() => process.exit(0));
});

let usageMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: performance.now() };
let peakRss = process.memoryUsage().rss;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250).unref();
let profiler: Session | undefined;

serveParent({
  /** CPU, event-loop use and peak RSS since the previous `usage` call (mark: true starts a new interval). */
  async usage(args) {
    const now = performance.now();
    const cpu = process.cpuUsage(usageMark.cpu);
    const elu = performance.eventLoopUtilization(usageMark.elu);
    const wallSeconds = (now - usageMark.at) / 1000;
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    const result = {
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      cpuShare: (cpu.user + cpu.system) / 1e6 / wallSeconds,
      eventLoopUtilization: elu.utilization,
      rssMb: rss / 2 ** 20,
      peakRssMb: peakRss / 2 ** 20,
    };
    if (args.mark) {
      usageMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: now };
      peakRss = rss;
    }
    return result;
  },
  async profileStart() {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
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
  async queryStats() {
    return queryStats?.snapshot() ?? { transactions: 0, statements: [] };
  },
  async shutdown() {
    await shutdown();
    process.exit(0);
  },
});

const address = app.server.address();
process.send?.({
  type: 'ready',
  pid: process.pid,
  port: typeof address === 'object' && address ? address.port : config.port,
} satisfies NodeReady);
