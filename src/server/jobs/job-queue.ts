import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../clock.ts';
import type { Db } from '../db/db.ts';
import type { JobHandler, JobQueue } from './jobs.types.ts';
import { promoteDueJobs, selectCurrentSchema } from './job-queue.queries.ts';

/**
 * pg-boss 10 completes (and fails) a worker's batch without awaiting it (node_modules/pg-boss/src/manager.js, the
 * worker's onFetch): when that statement cannot run — PostgreSQL away, or the pool's 5-s wait exceeded under a surge —
 * the rejection is unhandled and ends the process (both nodes of a 10,000-customer bench:surge died so). The job stays
 * active, expires and is retried, so the failure is logged instead (kefu's own fail of one job in a batch, below, is
 * best-effort for the same reason).
 */
let logBatchFailure: (error: unknown) => void = () => {};
const managerPrototype = createRequire(import.meta.url)('pg-boss/src/manager.js').prototype as Record<
  'complete' | 'fail',
  (...args: unknown[]) => Promise<unknown>
>;
for (const method of ['complete', 'fail'] as const) {
  const original = managerPrototype[method];
  managerPrototype[method] = async function (this: unknown, ...args: unknown[]) {
    try {
      return await original.apply(this, args);
    } catch (error) {
      logBatchFailure(error);
      return undefined;
    }
  };
}

export type JobQueueOptions = {
  db: Db;
  log: Logger;
  /** "Now" for `runAt`: a job is due when this clock passes its runAt (tests move it; production uses the system). */
  clock?: Clock;
  /** How often each worker looks for due jobs (pg-boss allows 0.5 s at least). */
  pollingIntervalSeconds?: number;
};

/** Where the application clock's runAt travels inside the payload; stripped before the handler sees it. */
const RUN_AT = '__runAt';
const BATCH_SIZE = 10;

/**
 * The durable queue, on pg-boss 10 over our own `Db` (PGlite or PostgreSQL): jobs live in the database, so they
 * survive a restart, and pg-boss takes each job with `FOR UPDATE SKIP LOCKED`, so two nodes never run one job twice.
 *
 * Every queue uses pg-boss's `short` policy and every job carries a singleton key (a random one when the caller gives
 * none): that is what makes "a singletonKey already queued is not queued twice" hold.
 */
export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { db, log } = options;
  logBatchFailure = (error) => log.warn({ err: error }, 'job queue could not record a batch; it will be retried');
  const clock = options.clock ?? systemClock;
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  const schema = await jobSchemaFor(db);
  const newBoss = () => {
    const instance = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => executeSql(db, text, values) },
      schema,
      // Cron is not used: `every` below is built on throttled jobs, which needs no extra timekeeper loop.
      schedule: false,
      supervise: true,
      migrate: true,
      pollingIntervalSeconds,
    });
    instance.on('error', (error: unknown) => log.error({ err: error }, 'job queue error'));
    return instance;
  };
  let boss = newBoss();
  // Nodes started together on a fresh database race to create pg-boss's schema (`CREATE SCHEMA IF NOT EXISTS` is not
  // safe against a concurrent one: a unique violation on pg_namespace): the loser starts again and finds it made.
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.start();
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== '23505' && code !== '40P01') || attempt >= 5) throw error;
      await boss.stop({ graceful: false }).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      boss = newBoss();
    }
  }

  const queues = new Map<string, Promise<void>>();
  // Creating two queues at once deadlocks inside pg-boss (each ALTERs the shared job table): one at a time here, and
  // a retry when another node happens to create one at the same moment.
  let creating: Promise<unknown> = Promise.resolve();
  const createQueue = async (name: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await boss.createQueue(name, { name, policy: 'short' });
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  };
  const ensureQueue = (name: string) => {
    let created = queues.get(name);
    if (!created) {
      created = creating
        .then(() => createQueue(name))
        .catch((error: unknown) => {
          queues.delete(name);
          throw error;
        });
      creating = created.catch(() => undefined);
      queues.set(name, created);
    }
    return created;
  };
  const timers = new Set<NodeJS.Timeout>();
  let activeBatches = 0;
  let stopped = false;

  // A controllable clock does not move the database's now(): jobs whose runAt the clock has passed are made due.
  if (clock !== systemClock) {
    const promote = setInterval(() => {
      promoteDueJobs(db, schema, RUN_AT, clock.now()).catch((error: unknown) => {
        if (!stopped) log.error({ err: error }, 'job promotion failed');
      });
    }, pollingIntervalSeconds * 1000);
    timers.add(promote);
  }

  const work = async <T extends Record<string, unknown>>(name: string, handler: JobHandler<T>) => {
    await ensureQueue(name);
    // A batch per poll (pg-boss waits a polling interval between fetches); each job succeeds or fails on its own:
    // pg-boss completes the batch afterwards, which leaves the jobs failed here as they are.
    await boss.work<Record<string, unknown>>(name, { pollingIntervalSeconds, batchSize: BATCH_SIZE }, async (jobs) => {
      activeBatches++;
      try {
        await runBatch(jobs);
      } finally {
        activeBatches--;
      }
    });
    async function runBatch(jobs: { id: string; data?: Record<string, unknown> }[]) {
      await Promise.all(
        jobs.map(async (job) => {
          const { [RUN_AT]: _runAt, ...payload } = job.data ?? {};
          try {
            await handler(payload as T);
          } catch (error) {
            log.error({ err: error, job: name, jobId: job.id }, 'job failed');
            await boss.fail(name, job.id, { message: error instanceof Error ? error.message : String(error) });
          }
        }),
      );
    }
  };

  return {
    async schedule(name, payload, scheduleOptions = {}) {
      await ensureQueue(name);
      const runAt = scheduleOptions.runAt;
      const delayMs = runAt ? runAt.getTime() - clock.now().getTime() : 0;
      return boss.send(name, runAt ? { ...payload, [RUN_AT]: runAt.toISOString() } : payload, {
        singletonKey: scheduleOptions.singletonKey ?? crypto.randomUUID(),
        startAfter: delayMs > 0 ? new Date(Date.now() + delayMs) : undefined,
      });
    },
    async cancel(name, jobId) {
      await ensureQueue(name);
      await boss.cancel(name, jobId);
    },
    handle: work,
    async every(name, seconds, handler) {
      // pg-boss refuses a throttle longer than its archive interval (12 h by default) on every send; say so at start.
      if (seconds > MAX_PERIOD_SECONDS)
        throw new Error(`periodic job ${name}: ${seconds}s exceeds ${MAX_PERIOD_SECONDS}s`);
      await work(name, handler);
      const tick = () =>
        // One job per time slot and name across all nodes: the slot's unique index turns the others' sends away.
        boss.send(name, {}, { singletonKey: name, singletonSeconds: seconds }).catch((error: unknown) => {
          if (!stopped) log.error({ err: error, job: name }, 'could not queue a periodic job');
        });
      if (stopped) return;
      await tick();
      if (!stopped) timers.add(setInterval(tick, seconds * 1000));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      // Graceful: running jobs finish (their handlers may still touch the database), then workers stop.
      await boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
      // pg-boss returns while a worker's last fetch may still be in flight, and what it fetches then runs: wait one
      // polling interval and for those batches, so nothing touches the database after stop() resolves.
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollingIntervalSeconds, 2) * 1000));
      const deadline = Date.now() + 10_000;
      while (activeBatches > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

/** pg-boss's default archive interval: a throttled job's slot cannot be longer. */
const MAX_PERIOD_SECONDS = 43_200;

/**
 * pg-boss sends some commands as one parameterless string of several statements (BEGIN; …; COMMIT). PGlite takes those
 * only through `exec`; everything else goes through `query`, which returns the rows pg-boss reads.
 */
async function executeSql(db: Db, text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
  if ((!values || values.length === 0) && isMultiStatement(text)) {
    await db.exec(text);
    return { rows: [] };
  }
  return { rows: await db.query(text, values) };
}

function isMultiStatement(sql: string): boolean {
  return sql.trim().replace(/;\s*$/, '').includes(';');
}

/**
 * pg-boss keeps its tables in a schema of its own. On a database whose search_path points at another schema (the tests'
 * schema per run), the queue's schema is derived from it, so parallel suites on one PostgreSQL do not share jobs.
 */
async function jobSchemaFor(db: Db): Promise<string> {
  const current = (await selectCurrentSchema(db)) ?? 'public';
  return current === 'public' ? 'pgboss' : `${current}_jobs`;
}
