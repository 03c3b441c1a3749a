import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { DomainEvent } from '../../src/server/events/domain-events.ts';
import { createRedisBus } from '../../src/server/events/redis-bus.ts';
import { createRedisRateLimiter } from '../../src/server/rate-limit/rate-limit.redis.queries.ts';
import { type PrivateRedis, privateRedisAvailable, startPrivateRedis } from '../helpers/private-services.ts';
import { servicesRequired } from '../helpers/services.ts';

const available = privateRedisAvailable();
if (!available && servicesRequired()) throw new Error('redis-server is required under CI=true');

const log = pino({ level: 'silent' });
const typing = {
  type: 'typing',
  orgId: 'org',
  conversationId: 'conversation',
  contactId: 'contact',
  author: { kind: 'customer', id: 'contact', name: null },
  typing: true,
} as unknown as DomainEvent;

/** A node (re)started while Redis is down still starts, serves on its own, and joins the cluster when Redis returns. */
describe('faults: a node started while Redis is down', { skip: available ? false : 'redis-server is missing' }, () => {
  let redis: PrivateRedis;
  before(async () => {
    redis = await startPrivateRedis();
    await redis.kill();
  });
  after(async () => redis?.destroy());

  test('its event bus and rate limiter start anyway, then fan out, resync and limit once Redis is up', async () => {
    const channel = 'kefu:test:late-redis';
    const late = await createRedisBus({ url: redis.url, log, channel });
    const limiter = await createRedisRateLimiter({ url: redis.url, log });
    const heard: string[] = [];
    late.subscribe((event) => void heard.push(event.type), { scope: 'cluster' });
    let resyncs = 0;
    late.onResync?.(() => resyncs++);
    const hit = { bucket: 'late-visitor', limit: 1, windowSeconds: 60 };
    try {
      assert.equal(await limiter.take([hit]), 0, 'without Redis the limit lets requests through');
      assert.equal(await limiter.take([hit]), 0);

      await redis.start();
      const until = Date.now() + 15_000;
      while (resyncs === 0 && Date.now() < until) await sleep(100);
      assert.equal(resyncs, 1, 'the bus told the gateway to catch its clients up when it joined');
      const other = await createRedisBus({ url: redis.url, log, channel });
      try {
        other.publish(typing);
        const heardUntil = Date.now() + 5000;
        while (heard.length === 0 && Date.now() < heardUntil) await sleep(50);
        assert.deepEqual(heard, ['typing'], "another node's event arrives");
      } finally {
        await other.close();
      }
      // The limiter's own connection comes back on its own schedule (ioredis's backoff).
      let retryAfter = 0;
      const limitUntil = Date.now() + 15_000;
      while (retryAfter === 0 && Date.now() < limitUntil) {
        retryAfter = await limiter.take([hit]);
        if (retryAfter === 0) await sleep(200);
      }
      assert.ok(retryAfter > 0, 'the limit holds again once Redis answers');
    } finally {
      await late.close();
      await limiter.close();
    }
  });
});
