import type { Queryable } from '../db/db.ts';
import type { RateLimitCount, RateLimiter } from './rate-limit.service.ts';

/**
 * Counters in the database (table rate_limit_counters), so every node that shares it shares the counts. One statement
 * per request, whatever the number of buckets: each row either starts a new window (none yet, or the last one ended)
 * or adds one to the current one, atomically under the row's lock, and returns the count. The database's clock
 * decides when windows end, so nodes with skewed clocks still agree.
 */
export function createDbRateLimiter(db: Queryable): RateLimiter {
  return {
    async hit(hits) {
      if (hits.length === 0) return [];
      const rows = await db.query<{ bucket: string; hits: number; reset_in: number }>(
        `INSERT INTO rate_limit_counters AS c (bucket, hits, window_ends_at)
         SELECT bucket, 1, now() + make_interval(secs => seconds)
           FROM unnest($1::text[], $2::int[]) AS h(bucket, seconds)
         ON CONFLICT (bucket) DO UPDATE
            SET hits = CASE WHEN c.window_ends_at <= now() THEN 1 ELSE c.hits + 1 END,
                window_ends_at = CASE WHEN c.window_ends_at <= now() THEN EXCLUDED.window_ends_at
                                      ELSE c.window_ends_at END
         RETURNING bucket, hits, ceil(extract(epoch FROM c.window_ends_at - now()))::int AS reset_in`,
        [hits.map((h) => h.bucket), hits.map((h) => h.windowSeconds)],
      );
      return rows.map(
        (row): RateLimitCount => ({ bucket: row.bucket, count: row.hits, resetInSeconds: Number(row.reset_in) }),
      );
    },
    async close() {},
  };
}

/** Rows whose window ended a while ago: the next hit on such a bucket would start a new window anyway. */
export async function deleteEndedRateLimitWindows(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM rate_limit_counters WHERE window_ends_at < now() - interval '1 minute' RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
  );
  return rows[0]?.n ?? 0;
}
