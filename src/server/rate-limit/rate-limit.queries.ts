import type { Queryable } from '../db/db.ts';
import type { RateLimiter, RateLimitHit } from './rate-limit.types.ts';

/** A node's share of a bucket's current window, reserved in the shared row ahead of use. */
type Lease = { left: number; windowEndsAt: number; sharedTotal: number };

/** Each reservation takes this fraction of what is left of the limit (at least one hit). */
const RESERVE_SHARE = 8;
const SWEEP_EVERY_MS = 60_000;

/**
 * Counters in PostgreSQL (table rate_limit_counters), shared by every node on the database. A node does not write
 * the row for every request: it reserves a share of what is left of the limit (an eighth, at least one hit) in one
 * atomic upsert and spends it locally, reserving again when it runs out. So a per-address bucket of 6,000 a minute
 * costs about 50 statements a minute per node instead of 6,000 updates of one hot row, and a small limit (a visitor's
 * 10 messages, where an eighth is less than one) is counted exactly, one statement per hit. Every admitted hit was
 * reserved in the shared row first, so all nodes together never admit more than the limit; near it, a node may still
 * hold a few reserved hits another node can no longer have (at most an eighth of what was left, per node).
 * The database's clock decides when windows end, so nodes with skewed clocks still agree.
 */
export function createDbRateLimiter(db: Queryable): RateLimiter {
  const leases = new Map<string, Lease>();
  const reserving = new Map<string, Promise<void>>();
  let sweptAt = Date.now();

  async function reserve(hit: RateLimitHit): Promise<void> {
    const previous = leases.get(hit.bucket);
    const known = previous && previous.windowEndsAt > Date.now() ? previous.sharedTotal : 0;
    const amount = Math.max(1, Math.floor((hit.limit - known) / RESERVE_SHARE));
    const [row] = await db.query<{ hits: number; reset_in_ms: number }>(
      `INSERT INTO rate_limit_counters AS c (bucket, hits, window_ends_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::int))
       ON CONFLICT (bucket) DO UPDATE
          SET hits = CASE WHEN c.window_ends_at <= now() THEN EXCLUDED.hits ELSE c.hits + EXCLUDED.hits END,
              window_ends_at = CASE WHEN c.window_ends_at <= now() THEN EXCLUDED.window_ends_at
                                    ELSE c.window_ends_at END
       RETURNING hits, (extract(epoch FROM window_ends_at - now()) * 1000)::int AS reset_in_ms`,
      [hit.bucket, amount, hit.windowSeconds],
    );
    const before = row.hits - amount;
    leases.set(hit.bucket, {
      left: Math.max(0, Math.min(amount, hit.limit - before)),
      windowEndsAt: Date.now() + Number(row.reset_in_ms),
      sharedTotal: row.hits,
    });
  }

  /** 0 when the hit was admitted, else the seconds until its bucket's window ends. */
  async function takeOne(hit: RateLimitHit): Promise<number> {
    for (;;) {
      const lease = leases.get(hit.bucket);
      const now = Date.now();
      if (lease && lease.windowEndsAt > now) {
        if (lease.left > 0) {
          lease.left--;
          return 0;
        }
        // Spent, and the shared row is full: nothing more this window, on any node.
        if (lease.sharedTotal >= hit.limit) return Math.max(1, Math.ceil((lease.windowEndsAt - now) / 1000));
      }
      // One reservation per bucket at a time; whoever waited takes from what it brought.
      const pending = reserving.get(hit.bucket);
      if (pending) {
        await pending;
        continue;
      }
      const reservation = reserve(hit).finally(() => reserving.delete(hit.bucket));
      reserving.set(hit.bucket, reservation);
      await reservation;
    }
  }

  return {
    async take(hits) {
      const now = Date.now();
      if (now - sweptAt > SWEEP_EVERY_MS) {
        sweptAt = now;
        for (const [bucket, lease] of leases) if (lease.windowEndsAt <= now) leases.delete(bucket);
      }
      const waits = await Promise.all(hits.map(takeOne));
      return Math.max(0, ...waits);
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
