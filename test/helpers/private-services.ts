/**
 * A PostgreSQL and a Redis of a test's own, in a temporary directory on a free port, that the test may stop, kill and
 * start again. The machine's shared services (5432, 6379) serve other suites running at the same time and are never
 * touched by the fault tests.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../bench/cluster.ts';

export const POSTGRES_BIN = process.env.KEFU_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = process.env.KEFU_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

export function privatePostgresAvailable(): boolean {
  return fs.existsSync(path.join(POSTGRES_BIN, 'initdb')) && fs.existsSync(path.join(POSTGRES_BIN, 'pg_ctl'));
}

export function privateRedisAvailable(): boolean {
  return fs.existsSync(REDIS_SERVER);
}

/** initdb and the server refuse to run as root: as root, they run as the `postgres` user, who owns the directory. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no postgres user to run a private PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export type PrivatePostgres = {
  url: string;
  port: number;
  /** Fast shutdown: open connections are terminated, as when an operator restarts the server. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes the directory. */
  destroy(): Promise<void>;
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-faults-pg-'));
  const data = path.join(dir, 'data');
  const user = postgresUser();
  if (user) fs.chownSync(dir, user.uid, user.gid);
  // Not spawnSync: the load the test runs must go on while the server stops and starts.
  const run = async (bin: string, args: string[]) => {
    try {
      await promisify(execFile)(path.join(POSTGRES_BIN, bin), args, {
        cwd: dir,
        encoding: 'utf8',
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
    } catch (error) {
      const e = error as { code?: unknown; stdout?: string; stderr?: string };
      throw new Error(`${bin} ${args.join(' ')} failed (${e.code}):\n${e.stdout}\n${e.stderr}`);
    }
  };
  await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    // A test database: durability against a power cut is not what is tested, a server restart is.
    '-c fsync=off',
    '-c max_connections=60',
  ].join(' ');
  let running = false;
  const start = async () => {
    await run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      try {
        if (running) await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        running = false;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export type PrivateRedis = {
  url: string;
  port: number;
  /** kill -9: what a crashed or restarted Redis looks like to its clients (no persistence: it comes back empty). */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
};

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-faults-redis-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    proc = started;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      started.stdout!.on('data', (chunk) => {
        out += chunk;
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${out}`));
      });
    });
    started.stdout!.resume();
  };
  const kill = async () => {
    const current = proc;
    proc = undefined;
    if (!current || current.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async destroy() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every simulated customer comes from 127.0.0.1: the per-address limits are raised out of reach (still counted), the
 * per-visitor ones stay as in production.
 */
export const FAULT_RATE_LIMITS = [
  'session.ip=100000000/60',
  'visitor.ip=100000000/60',
  'conversation.ip=100000000/60',
  'message.ip=100000000/60',
].join(',');
