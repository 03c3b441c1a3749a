import type { RateLimit } from './widget-limits.ts';

/** One counter to bump: `bucket` names the rule and who is counted (`message.visitor:<contact id>`). */
export type RateLimitHit = RateLimit & { bucket: string };

/**
 * Counts requests where every app node sees the same numbers: in Redis when REDIS_URL is set
 * (rate-limit.redis.queries.ts), else in PostgreSQL (rate-limit.queries.ts), or, on the embedded database, which
 * only ever has one process, in that process (rate-limit.memory.ts).
 */
export type RateLimiter = {
  /**
   * Takes one hit from every bucket of a request. Answers 0 when all were under their limit, else the seconds until
   * the window of the bucket that was over ends (the longest, if several were).
   */
  take(hits: RateLimitHit[]): Promise<number>;
  close(): Promise<void>;
};
