import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import '../../src/server/jobs/job-queue.ts';

// pg-boss completes a worker's batch without awaiting it: a rejection there would end the process.
test('a batch completion or failure that cannot reach the database resolves instead of rejecting', async () => {
  const Manager = createRequire(import.meta.url)('pg-boss/src/manager.js');
  const unreachable = {
    db: { executeSql: () => Promise.reject(Object.assign(new Error('timeout exceeded when trying to connect'), {})) },
  };
  for (const method of ['complete', 'fail'] as const) {
    const manager = Object.assign(Object.create(Manager.prototype), unreachable);
    assert.equal(await manager[method]('queue-a', crypto.randomUUID()), undefined, method);
  }
});
