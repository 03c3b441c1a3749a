import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimiter } from './rate-limit.types.ts';

/**
 * One script call per request: for each bucket, INCR its key and give a new key its window as a TTL; the count and
 * the TTL left come back together. Atomic on the Redis server, so parallel requests on any node never both read the
 * same count.
 */
const HIT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    ttl = tonumber(ARGV[i])
    redis.call('PEXPIRE', key, ttl)
  end
  out[i] = { count, ttl }
end
return out`;

const PREFIX = 'kefu:rate-limit:';
const WARN_EVERY_MS = 60_000;

/**
 * Counters in Redis, shared by every node pointed at the same Redis; keys expire with their window, so nothing needs
 * cleaning up. If Redis cannot answer, requests are let through (and a warning logged once a minute): the limits
 * guard against floods, and refusing every customer while Redis restarts would be the bigger outage.
 */
export async function createRedisRateLimiter(options: { url: string; log: Logger }): Promise<RateLimiter> {
  const { log } = options;
  // No offline queue and a short timeout: while Redis is away a request fails open at once instead of waiting.
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  let lastWarning = 0;
  redis.on('error', (error) => warn(error));
  function warn(error: unknown) {
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = Date.now();
    log.warn({ err: error }, 'rate limiter: redis unavailable, widget requests are not being limited');
  }
  // Sent once, then called by its SHA (EVALSHA), so the hot path does not ship the script with every message.
  redis.defineCommand('kefuRateLimitHit', { lua: HIT_SCRIPT });
  const hitScript = (
    redis as unknown as { kefuRateLimitHit(...args: (string | number)[]): Promise<unknown> }
  ).kefuRateLimitHit.bind(redis);
  // Started while Redis is away: fail open (as above) while ioredis keeps reconnecting.
  await redis.connect().catch(warn);
  return {
    async take(hits) {
      if (hits.length === 0) return 0;
      let reply: [number, number][];
      try {
        reply = (await hitScript(
          hits.length,
          ...hits.map((h) => PREFIX + h.bucket),
          ...hits.map((h) => String(h.windowSeconds * 1000)),
        )) as [number, number][];
      } catch (error) {
        warn(error);
        return 0;
      }
      let retryAfterSeconds = 0;
      reply.forEach(([count, ttlMs], i) => {
        if (count > hits[i].limit) retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil(ttlMs / 1000), 1);
      });
      return retryAfterSeconds;
    },
    async close() {
      // quit needs a connection; without one, disconnect stops the reconnect loop that would keep the process alive.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
