/**
 * Durable background work (SLA timers, reassignment, survey sends, snooze wake-ups, follow-ups): a Postgres-backed
 * queue that works on the embedded database and on PostgreSQL, survives restarts, and never runs a job twice across
 * nodes. Implemented in src/server/jobs/ (pg-boss).
 */
export type JobHandler<T = Record<string, unknown>> = (payload: T) => Promise<void>;

export type JobQueue = {
  /** Runs `name` with `payload` at `runAt` (default now). A `singletonKey` already queued is not queued twice. */
  schedule<T extends Record<string, unknown>>(
    name: string,
    payload: T,
    options?: { runAt?: Date; singletonKey?: string },
  ): Promise<string | null>;
  /** Cancels a scheduled job that has not started (e.g. an SLA warning once the agent replied). */
  cancel(name: string, jobId: string): Promise<void>;
  handle<T extends Record<string, unknown>>(name: string, handler: JobHandler<T>): Promise<void>;
  /** Runs `name` every `seconds` on exactly one node. */
  every(name: string, seconds: number, handler: JobHandler): Promise<void>;
  stop(): Promise<void>;
};
