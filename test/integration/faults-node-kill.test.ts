import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Cluster, startCluster } from '../../bench/cluster.ts';
import { clusterAvailable } from '../helpers/cluster.ts';
import { createFaultLoad, report } from '../helpers/fault-load.ts';
import { FAULT_RATE_LIMITS } from '../helpers/private-services.ts';
import { createTestOrg, type TestOrg } from '../helpers/server.ts';

/**
 * Issue 15, "Faults, proven by tests": kill -9 one of two nodes (one PostgreSQL, one Redis) in the middle of a load.
 * The agent's console is on the node that dies, the customers on both: everyone reconnects to the survivor, the
 * customers send their unacknowledged messages again with the same client ids, the agent subscribes from the seq it
 * has. Every acknowledged message must be stored once and reach the agent once.
 */
describe('faults: kill -9 a node under load', {
  skip: (await clusterAvailable()) ? false : 'PostgreSQL or Redis is not reachable (required under CI=true)',
}, () => {
  let cluster: Cluster;
  let org: TestOrg;
  before(async () => {
    cluster = await startCluster({
      nodes: 2,
      nginx: false,
      pool: 6,
      env: { KEFU_WIDGET_RATE_LIMITS: FAULT_RATE_LIMITS },
    });
    org = await createTestOrg(cluster.db);
  });
  after(async () => cluster?.stop());

  test('every acknowledged message is stored once and reaches the agent after it reconnects to the survivor', async () => {
    const [victim, survivor] = cluster.nodes;
    const load = createFaultLoad({
      nodeUrls: () => cluster.nodes.filter((n) => n.running()).map((n) => n.url),
      orgSlug: org.slug,
      agent: org.agents.agent,
      agentNodeUrl: victim.url,
      customers: 200,
      messagesPerCustomer: 4,
    });
    try {
      await load.prepare();
      const running = load.run(40_000);
      await load.acknowledgedAtLeast(300);
      await victim.kill('SIGKILL');
      await running;
      await load.awaitDelivery(15_000);
      const counts = await load.counts(cluster.db);
      report('kill -9 a node', counts, load.incidents);
      assert.ok(survivor.running(), 'the other node kept running');
      assert.equal(counts.acknowledged, counts.sent, 'every message was acknowledged in the end (by the survivor)');
      assert.deepEqual(counts.lostIds, [], 'no acknowledged message is missing from the database');
      assert.deepEqual(counts.missingFromAgent, [], 'every acknowledged message reached the agent');
      assert.equal(counts.duplicated, 0, 'nothing stored or delivered twice');
      assert.ok(load.incidents.agentReconnects >= 1, 'the agent did lose its node and reconnect');
    } finally {
      load.close();
    }
  });
});
