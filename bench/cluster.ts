/**
 * Several kefu app nodes on one PostgreSQL schema and one Redis, each in its own process (bench/cluster-node.ts),
 * behind Debian's nginx running the production site file deploy/nginx/kefu.conf (when nginx is installed), for
 * bench:surge and the multi-node tests. The schema (and its job-queue schema) is fresh and dropped by stop(); the Redis
 * channel is the cluster's own, so parallel runs on one Redis never hear each other.
 *
 *   const cluster = await startCluster({ nodes: 2, env: { KEFU_WIDGET_RATE_LIMITS: '…' } });
 *   cluster.url            // nginx, or node 0 without it
 *   cluster.entryUrls()    // [nginx] or every node (round-robin them yourself)
 *   cluster.db             // a connection pool on the schema, for setting up orgs and agents and reading back
 *   await cluster.nodes[1].kill('SIGKILL'); await cluster.nodes[1].start();   // same port, nginx keeps routing
 *   await cluster.stop();
 *
 * The API above is used by other suites (fault tests); keep it stable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Db, openPostgres } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { installSecretKey, parseSecretKey } from '../src/server/secrets/sealed.ts';
import type { NodeReady } from './cluster-node.ts';
import { type Child, sleep, startChild } from './lib.ts';
import type { QueryStats } from './query-stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const NGINX_PATH = process.env.KEFU_NGINX ?? '/usr/sbin/nginx';
export const NGINX_SITE_TEMPLATE = path.join(ROOT, 'deploy/nginx/kefu.conf');
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export type ClusterOptions = {
  /** App nodes (default 2). */
  nodes?: number;
  /** 'auto' (default): behind nginx when it is installed; true: nginx or fail; false: no proxy. */
  nginx?: 'auto' | boolean;
  nginxWorkers?: number;
  /** Default DATABASE_URL, else the test database. */
  postgresUrl?: string;
  /** Default REDIS_URL, else 127.0.0.1:6379. */
  redisUrl?: string;
  /** More environment for every node (KEFU_WIDGET_RATE_LIMITS, LOG_LEVEL…); kefu's own config reads it. */
  env?: Record<string, string>;
  /** Node.js flags for every node (e.g. --cpu-prof --cpu-prof-dir=DIR for whole-life profiles). */
  nodeArgs?: string[];
  /** PostgreSQL connections per node (default 10). */
  pool?: number;
};

export type NodeUsage = {
  wallSeconds: number;
  cpuSeconds: number;
  cpuShare: number;
  eventLoopUtilization: number;
  rssMb: number;
  peakRssMb: number;
};

export type ClusterNode = {
  index: number;
  port: number;
  url: string;
  /** The running process's pid (undefined while stopped). */
  pid: number | undefined;
  running(): boolean;
  /** Usage since the last call with mark: true. */
  usage(mark?: boolean): Promise<NodeUsage>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  /** The node's statement timings (all zero unless it was started with KEFU_QUERY_STATS=1). */
  queryStats(): Promise<QueryStats>;
  /** Sends the signal (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again on the same port (after kill or stop). */
  start(): Promise<void>;
  /** Graceful shutdown (closes sockets, the bus and the pool). */
  stop(): Promise<void>;
};

export type Cluster = {
  schema: string;
  channel: string;
  /** KEFU_SECRET_KEY of every node (installed in this process too, so rows it writes are sealed alike). */
  secretKey: string;
  postgresUrl: string;
  redisUrl: string;
  db: Db;
  /** Where clients connect: nginx when it runs, else node 0. */
  url: string;
  nodes: ClusterNode[];
  nginx: { port: number; pid: number; prefix: string } | undefined;
  /** [nginx] when it runs, else every node's URL. */
  entryUrls(): string[];
  stop(): Promise<void>;
};

export function nginxAvailable(): boolean {
  try {
    fs.accessSync(NGINX_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The deploy site file with this cluster's ports: the upstream's `server 127.0.0.1:…` lines become one per node and
 * `listen 80` becomes the given port on loopback. Everything else (timeouts, headers, body size) is as documented.
 */
export function renderNginxSite(template: string, listenPort: number, nodePorts: readonly number[]): string {
  const serverLine = /^(\s*)server 127\.0\.0\.1:\d+(.*);$/m;
  const first = template.match(serverLine);
  if (!first) throw new Error('deploy/nginx/kefu.conf: no `server 127.0.0.1:PORT …;` line in the upstream');
  const [, indent, rest] = first;
  const servers = nodePorts.map((port) => `${indent}server 127.0.0.1:${port}${rest};`).join('\n');
  // The first server line becomes the cluster's list; the documented example's others go.
  let placed = false;
  const out = template
    .split('\n')
    .flatMap((line) => {
      if (!serverLine.test(line)) return [line];
      if (placed) return [];
      placed = true;
      return [servers];
    })
    .join('\n');
  if (!/^\s*listen 80\b/m.test(out)) throw new Error('deploy/nginx/kefu.conf: no `listen 80` line');
  return out.replace(/^(\s*)listen 80\b/m, `$1listen 127.0.0.1:${listenPort}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why) throw new Error(why);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function openFileHardLimit(): number {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const hard = line?.trim().split(/\s{2,}/)[2];
    return hard === 'unlimited' ? 1 << 20 : Number(hard) || 4096;
  } catch {
    return 4096;
  }
}

async function startNginx(nodePorts: number[], workers: number) {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-nginx-'));
  const port = await freePort();
  const site = renderNginxSite(fs.readFileSync(NGINX_SITE_TEMPLATE, 'utf8'), port, nodePorts);
  fs.writeFileSync(path.join(prefix, 'kefu.conf'), site);
  for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(prefix, dir));
  // Two descriptors per proxied socket (client and upstream) per worker, within what the process may open.
  const nofile = openFileHardLimit();
  const main = `# Generated by bench/cluster.ts around ${NGINX_SITE_TEMPLATE}.
daemon off;
master_process on;
worker_processes ${workers};
worker_rlimit_nofile ${nofile};
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log error;
events { worker_connections ${Math.max(1024, nofile - 100)}; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/kefu.conf;
}
`;
  const configFile = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(configFile, main);
  // Never as root: as root nginx's workers would switch to `nobody`; run the whole thing as that user instead.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    fs.chmodSync(prefix, 0o755);
    for (const entry of ['', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'kefu.conf', 'nginx.conf']) {
      fs.chownSync(path.join(prefix, entry), 65534, 65534);
    }
  }
  const proc: ChildProcess = spawn(NGINX_PATH, ['-p', prefix, '-e', 'stderr', '-c', configFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  let exitReason: string | undefined;
  proc.once('exit', (code, signal) => {
    exitReason = `nginx exited (code ${code}, signal ${signal})`;
  });
  await waitForPort(port, 10_000, () => exitReason);
  return {
    port,
    pid: proc.pid ?? 0,
    prefix,
    async stop() {
      if (exitReason) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const nodeCount = options.nodes ?? 2;
  const postgresUrl = options.postgresUrl ?? process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const schema = `cluster_${crypto.randomBytes(6).toString('hex')}`;
  const channel = `kefu:cluster:${schema}`;
  // One key for every node: a secret one node encrypts, another must read.
  const secretKey = options.env?.KEFU_SECRET_KEY ?? crypto.randomBytes(32).toString('base64');
  const key = parseSecretKey(secretKey);
  if (!key) throw new Error('KEFU_SECRET_KEY must be 32 bytes (base64 or hex)');
  // This process writes set-up rows (agents' TOTP seeds, inbox secrets) that the nodes must open.
  installSecretKey(key);
  const useNginx = options.nginx === 'auto' || options.nginx === undefined ? nginxAvailable() : options.nginx;
  if (useNginx && !nginxAvailable()) throw new Error(`nginx is not installed at ${NGINX_PATH}`);

  const db = await openPostgres({ url: postgresUrl, schema, max: 4 });
  const nodes: ClusterNode[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop().catch(() => {})));
    await nginx?.stop().catch(() => {});
    await db.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`).catch(() => {});
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await db.close().catch(() => {});
  };

  try {
    // Migrated once here, so the nodes start together without queueing on the migration lock.
    await migrate(db);
    const ports = await Promise.all(Array.from({ length: nodeCount }, () => freePort()));
    const nodeModule = path.join(import.meta.dirname, 'cluster-node.ts');
    // Under `node --test` the child must not think it is a test file.
    const { NODE_TEST_CONTEXT: _ignored, ...parentEnv } = process.env;
    for (const [index, port] of ports.entries()) {
      let child: Child<NodeReady> | undefined;
      let exited = true;
      const node: ClusterNode = {
        index,
        port,
        url: `http://127.0.0.1:${port}`,
        pid: undefined,
        running: () => !exited,
        async start() {
          if (!exited) return;
          const env: Record<string, string> = {
            ...(parentEnv as Record<string, string>),
            NODE_ENV: 'production',
            LOG_LEVEL: 'error',
            KEFU_SEED_DEMO: 'never',
            HOST: '127.0.0.1',
            ...options.env,
            PORT: String(port),
            DATABASE_URL: postgresUrl,
            REDIS_URL: redisUrl,
            // nginx on loopback is the one proxy whose X-Forwarded-For is believed.
            KEFU_TRUST_PROXY: options.env?.KEFU_TRUST_PROXY ?? '127.0.0.1',
            KEFU_SECRET_KEY: secretKey,
            KEFU_CLUSTER_SCHEMA: schema,
            KEFU_CLUSTER_CHANNEL: channel,
            KEFU_CLUSTER_POOL: String(options.pool ?? 10),
          };
          const started = startChild<NodeReady>(nodeModule, env, options.nodeArgs ?? []);
          child = started;
          // A shutdown request racing the process's death fails with EPIPE; the exit handler covers it.
          started.proc.on('error', () => {});
          exited = false;
          started.proc.once('exit', () => {
            if (child === started) {
              exited = true;
              node.pid = undefined;
            }
          });
          const ready = await started.ready;
          node.pid = ready.pid;
        },
        async kill(signal = 'SIGKILL') {
          if (exited || !child) return;
          const proc = child.proc;
          const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
          proc.kill(signal);
          await gone;
        },
        async stop() {
          if (exited || !child) return;
          await child.stop();
        },
        usage: (mark = false) => {
          if (!child || exited) return Promise.reject(new Error(`node ${index} is not running`));
          return child.call<NodeUsage>('usage', { mark });
        },
        async profileStart() {
          await child?.call('profileStart');
        },
        async profileStop(file: string) {
          await child?.call('profileStop', { file }, 120_000);
        },
        async queryStats() {
          if (!child || exited) return { transactions: 0, statements: [] };
          return child.call<QueryStats>('queryStats', {}, 60_000);
        },
      };
      nodes.push(node);
    }
    await Promise.all(nodes.map((node) => node.start()));
    if (useNginx) nginx = await startNginx(ports, options.nginxWorkers ?? Math.min(2, os.cpus().length));
  } catch (error) {
    await stop();
    throw error;
  }

  const url = nginx ? `http://127.0.0.1:${nginx.port}` : nodes[0].url;
  return {
    schema,
    channel,
    secretKey,
    postgresUrl,
    redisUrl,
    db,
    url,
    nodes,
    nginx: nginx ? { port: nginx.port, pid: nginx.pid, prefix: nginx.prefix } : undefined,
    entryUrls: () => (nginx ? [url] : nodes.map((node) => node.url)),
    stop,
  };
}
