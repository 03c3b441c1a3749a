import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startKefu(dataDir: string, env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [path.join(ROOT, 'src/cli/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      KEFU_SMTP_PORT: '0',
      KEFU_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = started.output().match(pattern);
    if (match) return match[1] ?? match[0];
    if (started.child.exitCode !== null) throw new Error(`kefu exited early:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${started.output()}`);
}

describe('npm start on the embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-start-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('seeds the demo, prints the URLs and logins, locks its data dir, and keeps committed data across kill -9', async () => {
    const first = startKefu(dataDir);
    children.push(first.child);
    const url = await waitForOutput(first, /Agent console\s+(http:\/\/\S+)\//);
    const out = first.output();
    assert.match(out, /Demo exchange\s+http:\/\/\S+\/demo/);
    assert.match(out, /admin@lumen\.example\s+demo-admin-2026/);
    assert.match(out, /2FA enrolled: add TOTP secret [A-Z2-7]{16,}/);

    const list = await fetch(`${url}/api/widget/config?org=demo`);
    assert.equal(list.status, 200);
    const signedIn = await fetch(`${url}/demo?user=28810375`).then((r) => r.text());
    assert.match(signedIn, /data-identity-token="[\w-]+\.[\w-]+"/, 'the demo page can play a sandbox customer');
    const stranger = await fetch(`${url}/demo?user=99999999`).then((r) => r.text());
    assert.doesNotMatch(stranger, /data-identity-token/, 'but only one the sandbox exchange knows');
    const session = await fetch(`${url}/api/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'demo' }),
    }).then((r) => r.json());
    const created = await fetch(`${url}/api/widget/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.visitorToken}` },
      body: JSON.stringify({ body: '进程被杀之前写入的消息', clientId: 'before-kill' }),
    });
    assert.equal(created.status, 201);

    // Two PGlite processes on one directory corrupt it: the second must refuse at once.
    const second = startKefu(dataDir);
    children.push(second.child);
    const code = await second.exited;
    assert.equal(code, 3);
    assert.match(second.output(), /in use by another kefu process/);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = startKefu(dataDir);
    children.push(third.child);
    const url3 = await waitForOutput(third, /Agent console\s+(http:\/\/\S+)\//);
    const again = await fetch(`${url3}/api/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'demo', visitorToken: session.visitorToken }),
    }).then((r) => r.json());
    assert.ok(again.conversation, 'the conversation written before kill -9 is still there');
    const messages = await fetch(`${url3}/api/widget/conversations/${again.conversation.id}/messages`, {
      headers: { authorization: `Bearer ${again.visitorToken}` },
    }).then((r) => r.json());
    assert.equal(messages.messages[0].body, '进程被杀之前写入的消息');
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0);
  });

  test('a bad configuration stops the start with a message naming the variable', async () => {
    const bad = startKefu(dataDir, { PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
    assert.equal(await bad.exited, 2);
    assert.match(bad.output(), /PORT/);
    assert.match(bad.output(), /DATABASE_URL: must be a postgres/);
  });
});
