import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pino from 'pino';
import { createManualClock } from '../../src/server/clock.ts';
import { openPglite, openPostgres } from '../../src/server/db/db.ts';
import { startJobQueue } from '../../src/server/jobs/job-queue.ts';
import { isAvailable, servicesRequired, TEST_POSTGRES_URL } from '../helpers/services.ts';

const log = pino({ level: 'silent' });
const FAST = { pollingIntervalSeconds: 0.5 };

/** Resolves when `done()` turns true, checking whenever the queue reports progress; fails after the timeout. */
function until(done: () => boolean, timeoutMs = 10_000): { notify(): void; promise: Promise<void> } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(() => reject(new Error('timed out waiting for jobs')), timeoutMs);
  const notify = () => {
    if (!done()) return;
    clearTimeout(timer);
    resolve();
  };
  return { notify, promise };
}

describe('job queue on the embedded database (PGlite)', () => {
  test('a job scheduled before a restart runs after it, when the clock reaches its time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-jobs-'));
    try {
      const clock = createManualClock(new Date());
      const first = await openPglite(dir);
      const before = await startJobQueue({ db: first, log, clock, ...FAST });
      await before.schedule('follow-up', { n: 1 }, { runAt: new Date(clock.now().getTime() + 3_600_000) });
      await before.schedule('follow-up', { n: 2 });
      await before.stop();
      await first.close();

      const second = await openPglite(dir);
      const after = await startJobQueue({ db: second, log, clock, ...FAST });
      const ran: number[] = [];
      const waitForNow = until(() => ran.length === 1);
      await after.handle<{ n: number }>('follow-up', async ({ n }) => {
        ran.push(n);
        waitForNow.notify();
        waitForLater.notify();
      });
      const waitForLater = until(() => ran.length === 2);
      await waitForNow.promise;
      assert.deepEqual(ran, [2], 'the job due now ran; the one due in an hour waits');
      clock.advance(3_600_000);
      await waitForLater.promise;
      assert.deepEqual(ran, [2, 1]);
      await after.stop();
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a singleton key is queued once, and a cancelled job never runs', async () => {
    const db = await openPglite();
    const clock = createManualClock(new Date());
    const queue = await startJobQueue({ db, log, clock, ...FAST });
    const later = new Date(clock.now().getTime() + 60_000);
    const a = await queue.schedule('reminder', { k: 'a' }, { runAt: later, singletonKey: 'conv-1' });
    const again = await queue.schedule('reminder', { k: 'a2' }, { runAt: later, singletonKey: 'conv-1' });
    const b = await queue.schedule('reminder', { k: 'b' }, { runAt: later });
    assert.ok(a && b);
    assert.equal(again, null);
    await queue.cancel('reminder', b);
    const ran: string[] = [];
    const waiting = until(() => ran.length >= 1);
    await queue.handle<{ k: string }>('reminder', async ({ k }) => {
      ran.push(k);
      waiting.notify();
    });
    clock.advance(60_000);
    await waiting.promise;
    // Still cancelled, never taken: the handler saw only the singleton.
    const [{ count }] = await db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'reminder' AND state = 'cancelled'`,
    );
    assert.equal(count, 1);
    assert.deepEqual(ran, ['a']);
    await queue.stop();
    await db.close();
  });
});

const postgres = await isAvailable('postgres');
if (!postgres && servicesRequired())
  throw new Error(`PostgreSQL is required (CI=true) but ${TEST_POSTGRES_URL} is down`);

describe('job queue on PostgreSQL: two nodes', { skip: !postgres && 'PostgreSQL is not reachable' }, () => {
  test('each of 40 jobs runs exactly once across two queue instances', async () => {
    const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
    const dbA = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: 4 });
    const dbB = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: 4 });
    const nodeA = await startJobQueue({ db: dbA, log, ...FAST });
    const nodeB = await startJobQueue({ db: dbB, log, ...FAST });
    try {
      const runs = new Map<number, string[]>();
      const total = () => [...runs.values()].reduce((sum, nodes) => sum + nodes.length, 0);
      const allRan = until(() => runs.size === 40);
      const handler =
        (node: string) =>
        async ({ n }: { n: number }) => {
          runs.set(n, [...(runs.get(n) ?? []), node]);
          allRan.notify();
        };
      await nodeA.handle('settle', handler('A'));
      await nodeB.handle('settle', handler('B'));
      for (let n = 0; n < 40; n++) await (n % 2 ? nodeA : nodeB).schedule('settle', { n });
      await allRan.promise;
      assert.equal(total(), 40, `ran ${total()} times: ${JSON.stringify([...runs])}`);
      // A batch is marked completed just after its handlers return: wait for the bookkeeping, then check it.
      let completed = 0;
      for (let tries = 0; tries < 100 && completed < 40; tries++) {
        [{ completed }] = await dbA.query<{ completed: number }>(
          `SELECT count(*)::int AS completed FROM "${schema}_jobs".job WHERE name = 'settle' AND state = 'completed'`,
        );
        if (completed < 40) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(completed, 40);
      assert.equal(total(), 40, 'and still no job ran twice');
    } finally {
      await nodeA.stop();
      await nodeB.stop();
      await dbA.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
      await dbA.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dbA.close();
      await dbB.close();
    }
  });
});
