import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTtlCache } from '../../src/server/ttl-cache.ts';

test('concurrent misses share one read; the value lives for its time, then is read again', async () => {
  let clock = 0;
  const cache = createTtlCache<string, number>(1000, { now: () => clock });
  let reads = 0;
  const read = async () => ++reads;
  const first = await Promise.all([cache.get('a', read), cache.get('a', read), cache.get('a', read)]);
  assert.deepEqual(first, [1, 1, 1]);
  const steps: [at: number, expected: number][] = [
    [999, 1], // still remembered
    [1000, 2], // expired: read again
    [1500, 2],
    [2000, 3],
  ];
  for (const [at, expected] of steps) {
    clock = at;
    assert.equal(await cache.get('a', read), expected, `at ${at} ms`);
  }
  assert.equal(await cache.get('b', read), 4, 'keys are apart');
});

test('a failed read, a refused value and a deleted key are read again at once', async () => {
  const cache = createTtlCache<string, string | undefined>(60_000, { keep: (v) => v !== undefined });
  await assert.rejects(
    cache.get('x', async () => {
      throw new Error('database away');
    }),
  );
  assert.equal(await cache.get('x', async () => 'back'), 'back');
  assert.equal(await cache.get('x', async () => 'not read'), 'back');
  assert.equal(await cache.get('y', async () => undefined), undefined);
  assert.equal(await cache.get('y', async () => 'created since'), 'created since');
  cache.delete('x');
  assert.equal(await cache.get('x', async () => 'changed'), 'changed');
});

test('past maxEntries the cache starts over instead of growing', async () => {
  const cache = createTtlCache<number, number>(60_000, { maxEntries: 3 });
  for (const key of [1, 2, 3]) await cache.get(key, async () => key);
  await cache.get(4, async () => 4);
  assert.equal(await cache.get(1, async () => -1), -1, 'the old entries were dropped');
});
