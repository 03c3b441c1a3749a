/** Small helpers shared by the chat benchmark's parent (load generator) and its child processes. */
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export type Summary = { count: number; p50: number; p95: number; p99: number; max: number; mean: number };

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    mean: sorted.length ? sum / sorted.length : 0,
  };
}

export const round = (v: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** Runs fn over items with at most `limit` in flight; the first failure rejects (the rest still settle). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Whole-machine CPU counters from /proc/stat (Linux); undefined elsewhere. */
export type CpuTimes = { busy: number; total: number };
export function machineCpu(): CpuTimes | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Busy share of all cores between two samples, 0..1 (×100 per core would be ×nproc). */
export function cpuBusyBetween(a: CpuTimes | undefined, b: CpuTimes | undefined): number | undefined {
  if (!a || !b || b.total === a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** CPU seconds (user+sys) so far of every process, by pid, from /proc (Linux); empty elsewhere. */
export type ProcessTable = Map<number, { comm: string; seconds: number }>;
export function processTable(): ProcessTable {
  const table: ProcessTable = new Map();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const rest = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of /proc/pid/stat; `rest` starts at field 3. Clock ticks are 1/100 s.
      table.set(Number(entry), { comm, seconds: (Number(rest[11]) + Number(rest[12])) / 100 });
    } catch {}
  }
  return table;
}

/** CPU seconds each process used between two tables, largest first. */
export function processCpuBetween(a: ProcessTable, b: ProcessTable): { pid: number; comm: string; seconds: number }[] {
  const out: { pid: number; comm: string; seconds: number }[] = [];
  for (const [pid, after] of b) {
    const seconds = after.seconds - (a.get(pid)?.seconds ?? 0);
    if (seconds > 0) out.push({ pid, comm: after.comm, seconds });
  }
  return out.sort((x, y) => y.seconds - x.seconds);
}

/** A forked child speaking JSON over IPC: request/response by id, plus the first `ready` message. */
export type Child<Ready> = {
  proc: ChildProcess;
  ready: Promise<Ready>;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Asks the child to shut down, then kills it if it has not exited within graceMs. */
  stop(graceMs?: number): Promise<void>;
};

type ChildMessage =
  | { type: 'ready'; [k: string]: unknown }
  | { type: 'result'; id: number; ok: boolean; value?: unknown; error?: string };

export function startChild<Ready>(
  modulePath: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Child<Ready> {
  const proc = fork(modulePath, [], {
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = new Promise<Ready>((resolve, reject) => {
    proc.on('message', (raw) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') resolve(message as unknown as Ready);
      else if (message.type === 'result') {
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.value as never);
        else waiter.reject(new Error(message.error));
      }
    });
    proc.once('exit', (code, signal) => {
      exited = true;
      const error = new Error(`${modulePath} exited (code ${code}, signal ${signal})`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  ready.catch(() => {});
  return {
    proc,
    ready,
    call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000) {
      if (exited) return Promise.reject(new Error(`${modulePath} has exited`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        proc.send({ type: 'call', id, cmd, args });
      });
    },
    async stop(graceMs = 15_000) {
      if (exited) return;
      try {
        proc.send({ type: 'call', id: 0, cmd: 'shutdown', args: {} });
      } catch {}
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** The child side: answer calls from the parent with the given handlers. `shutdown` must exit the process. */
export function serveParent(handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>>): void {
  process.on('message', (raw) => {
    const message = raw as { type: string; id: number; cmd: string; args: Record<string, unknown> };
    if (message.type !== 'call') return;
    const handler = handlers[message.cmd];
    const reply = (payload: Record<string, unknown>) => {
      if (message.id !== 0 && process.connected) process.send?.({ type: 'result', id: message.id, ...payload });
    };
    if (!handler) {
      reply({ ok: false, error: `unknown command ${message.cmd}` });
      return;
    }
    handler(message.args).then(
      (value) => reply({ ok: true, value }),
      (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.stack : String(error) }),
    );
  });
}

/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on one machine (each
 * process's performance.now() starts at its own origin): what bench:surge's separate load processes stamp sends and
 * receipts with.
 */
export const wallNow = () => performance.timeOrigin + performance.now();

/** The `ulimit -n` of this process (soft limit on open files), from /proc on Linux; undefined elsewhere. */
export function openFileSoftLimit(): number | undefined {
  try {
    const line = fs
      .readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.trim().split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft) || undefined;
  } catch {
    return undefined;
  }
}
