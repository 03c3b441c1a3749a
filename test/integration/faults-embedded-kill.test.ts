import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openPglite } from '../../src/server/db/db.ts';
import { createFaultLoad, report } from '../helpers/fault-load.ts';
import { FAULT_RATE_LIMITS } from '../helpers/private-services.ts';

/**
 * Issue 15: the embedded default (one process, PGlite with fsync off) killed with -9 in the middle of a load, then
 * started again on the same data directory. Every message it acknowledged must be there after the restart; the
 * customers' unacknowledged messages, sent again with their client ids to the new process, are stored once.
 * (test/integration/start.test.ts covers the same kill for one message through `npm start`.)
 */
const ENTRY = path.resolve(import.meta.dirname, '../helpers/embedded-node.ts');

type Embedded = { child: ChildProcess; url: string; exited: Promise<void> };

async function startEmbedded(dataDir: string): Promise<Embedded> {
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      KEFU_SMTP_PORT: '0',
      KEFU_DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'error',
      // The demo organization ('demo', its bot on) is the one an embedded install starts with.
      KEFU_SEED_DEMO: 'auto',
      KEFU_WIDGET_RATE_LIMITS: FAULT_RATE_LIMITS,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`kefu did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /KEFU_READY (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`kefu exited (${code}):\n${out}`)));
  });
  child.stdout!.resume();
  return { child, url, exited };
}

describe('faults: kill -9 the embedded single process under load', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-faults-embedded-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('every message acknowledged before the kill is there after the restart, and none twice', async () => {
    let current: Embedded | undefined = await startEmbedded(dataDir);
    children.push(current.child);
    const load = createFaultLoad({
      nodeUrls: () => (current ? [current.url] : []),
      orgSlug: 'demo',
      customers: 100,
      messagesPerCustomer: 3,
    });
    let acknowledgedBeforeKill = 0;
    try {
      await load.prepare();
      const running = load.run(45_000);
      await load.acknowledgedAtLeast(120);
      const victim = current;
      current = undefined;
      victim.child.kill('SIGKILL');
      await victim.exited;
      acknowledgedBeforeKill = load.acknowledgedCount();
      current = await startEmbedded(dataDir);
      children.push(current.child);
      await running;
    } finally {
      load.close();
    }
    // Counted from the data directory itself, once the second process has shut down and released it.
    current.child.kill('SIGTERM');
    await current.exited;
    const db = await openPglite(dataDir);
    try {
      const counts = await load.counts(db);
      report('kill -9 embedded', counts, load.incidents, { acknowledgedBeforeKill });
      assert.ok(acknowledgedBeforeKill >= 120);
      assert.equal(counts.acknowledged, counts.sent, 'every message was acknowledged (the rest by the new process)');
      assert.deepEqual(counts.lostIds, [], 'no acknowledged message is missing after the restart');
      assert.equal(counts.stored, counts.sent);
      assert.equal(counts.duplicatedRows, 0, 'nothing stored twice');
    } finally {
      await db.close();
    }
  });
});
