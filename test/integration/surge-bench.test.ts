import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { clusterAvailable } from '../helpers/cluster.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONNECTIONS = 200;
const MESSAGES = 3;

/** bench:surge, small: two nodes behind the deploy nginx config, a crowd, agents answering; counts, never timings. */
test('bench:surge on two nodes: every conversation accepted, every message delivered to the other side once', {
  skip: (await clusterAvailable())
    ? false
    : 'SKIPPED LOUDLY: PostgreSQL or Redis is not reachable (required under CI=true)',
  timeout: 400_000,
}, async () => {
  const nginx = await isAvailable('nginx');
  if (!nginx && servicesRequired()) assert.fail('nginx is required under CI=true (.ci/run installs it)');
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const args = [
    path.join(ROOT, 'bench/surge.ts'),
    ...['--connections', String(CONNECTIONS), '--nodes', '2', '--duration', '15', '--agents', '10'],
    ...['--messages', String(MESSAGES), '--drain', '30', '--baseline-seconds', '1', '--json-only'],
    ...(nginx ? [] : ['--no-nginx']),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, `bench:surge exited ${code}:\n${stderr.slice(-4000)}`);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(last);
  console.log(
    `surge-bench: accepted ${result.accepted}/${result.connections}, sent ${result.sent}, agent replies ` +
      `${result.agentReplies}, stored ${result.stored}, lost ${result.lost}, duplicated ${result.duplicated}` +
      ` (nginx: ${result.nginx}; errors ${JSON.stringify(result.errors)})`,
  );
  assert.equal(result.connections, CONNECTIONS);
  assert.equal(result.nginx, nginx);
  assert.equal(result.accepted, CONNECTIONS);
  assert.equal(result.sent, CONNECTIONS * MESSAGES);
  // Every customer message reached its agent, who answered it; the answer reached the customer.
  assert.equal(result.agentReplies, CONNECTIONS * MESSAGES);
  assert.equal(result.lost, 0);
  assert.equal(result.duplicated, 0);
  assert.ok(result.stored >= 2 * CONNECTIONS * MESSAGES, `stored ${result.stored}`);
  for (const key of ['deliveryP50Ms', 'deliveryP99Ms', 'botReplyP99Ms', 'rawInsertPerSec', 'rawWsEchoPerSec']) {
    assert.equal(typeof result[key], 'number', key);
  }
});
