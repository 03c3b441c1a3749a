import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { type Cluster, startCluster } from '../../bench/cluster.ts';
import { createFaultLoad, report } from '../helpers/fault-load.ts';
import {
  FAULT_RATE_LIMITS,
  type PrivatePostgres,
  type PrivateRedis,
  privatePostgresAvailable,
  privateRedisAvailable,
  startPrivatePostgres,
  startPrivateRedis,
} from '../helpers/private-services.ts';
import { createTestOrg, request, type TestOrg } from '../helpers/server.ts';
import { servicesRequired } from '../helpers/services.ts';

const available = privatePostgresAvailable() && privateRedisAvailable();
if (!available && servicesRequired())
  throw new Error('PostgreSQL 15 binaries and redis-server are required under CI=true');

/**
 * Issue 15: restart PostgreSQL under load. A PostgreSQL of this test's own (initdb + pg_ctl in a temporary directory,
 * never the shared server) is shut down (fast: every session terminated) while two nodes serve customers, and started
 * again. Meanwhile the API answers 503 database_unavailable and the WebSocket says the same for each send; afterwards
 * the same kefu processes serve again, and every acknowledged message is there once.
 */
describe('faults: restart PostgreSQL under load', {
  skip: available ? false : 'PostgreSQL 15 binaries or redis-server are missing (required under CI=true)',
}, () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let cluster: Cluster;
  let org: TestOrg;
  before(async () => {
    [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    cluster = await startCluster({
      nodes: 2,
      nginx: false,
      pool: 6,
      postgresUrl: postgres.url,
      redisUrl: redis.url,
      env: { KEFU_WIDGET_RATE_LIMITS: FAULT_RATE_LIMITS },
    });
    org = await createTestOrg(cluster.db);
  });
  after(async () => {
    await cluster?.stop();
    await Promise.all([postgres?.destroy(), redis?.destroy()]);
  });

  test('503 database_unavailable during the outage, full service after without restarting kefu, nothing lost', async () => {
    const [nodeA, nodeB] = cluster.nodes;
    const pids = cluster.nodes.map((n) => n.pid);
    const load = createFaultLoad({
      nodeUrls: () => cluster.nodes.filter((n) => n.running()).map((n) => n.url),
      orgSlug: org.slug,
      agent: org.agents.agent,
      agentNodeUrl: nodeB.url,
      customers: 200,
      messagesPerCustomer: 4,
    });
    try {
      await load.prepare();
      const running = load.run(45_000);
      await load.acknowledgedAtLeast(250);
      await postgres.stop();
      const during = await request(`${nodeA.url}/api/widget/session`, { method: 'POST', body: { org: org.slug } });
      await sleep(1500);
      const wsErrorsDuringOutage = load.incidents.errors.get('database_unavailable') ?? 0;
      await postgres.start();
      const [{ restartedAt }] = await cluster.db.query<{ restartedAt: Date }>('SELECT now() AS "restartedAt"');
      await running;
      await load.awaitDelivery(15_000);
      const counts = await load.counts(cluster.db);
      const afterwards = await request(`${nodeA.url}/api/widget/session`, { method: 'POST', body: { org: org.slug } });
      report('restart PostgreSQL', counts, load.incidents, {
        httpDuringOutage: `${during.status} ${during.body?.error?.code}`,
        httpAfter: afterwards.status,
      });

      assert.equal(during.status, 503, JSON.stringify(during.body));
      assert.equal(during.body.error.code, 'database_unavailable');
      assert.ok(during.headers.get('retry-after'), 'the 503 says when to try again');
      assert.ok(wsErrorsDuringOutage > 0, 'WebSocket sends during the outage were told database_unavailable');
      assert.equal(afterwards.status, 200, 'full service after the restart');
      assert.deepEqual(
        cluster.nodes.map((n) => n.pid),
        pids,
        'the same kefu processes (no restart)',
      );
      assert.ok(nodeA.running() && nodeB.running());
      assert.equal(counts.acknowledged, counts.sent, 'every message was acknowledged once the database was back');
      assert.deepEqual(counts.lostIds, [], 'no acknowledged message is missing from the database');
      assert.deepEqual(counts.missingFromAgent, [], 'every acknowledged message reached the agent');
      assert.equal(counts.duplicated, 0, 'nothing stored or delivered twice');
      // The job queue's loops lived through it: a periodic job (every 15 s) completes again after the restart.
      const jobRan = async () => {
        const [row] = await cluster.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${cluster.schema}_jobs".job
            WHERE name = 'conversations.wake-snoozed' AND state = 'completed' AND completed_on > $1`,
          [restartedAt],
        );
        return row.n > 0;
      };
      const until = Date.now() + 30_000;
      while (!(await jobRan()) && Date.now() < until) await sleep(500);
      assert.ok(await jobRan(), 'a periodic job ran again after the database came back');
    } finally {
      load.close();
    }
  });
});
