import crypto from 'node:crypto';
import pino from 'pino';
import { openPostgres } from '../../src/server/db/db.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { createRedisBus } from '../../src/server/events/redis-bus.ts';
import { startTestServer, type TestServerWithBot } from './server.ts';
import { isAvailable, servicesRequired, TEST_POSTGRES_URL, TEST_REDIS_URL } from './services.ts';

/** Whether two app nodes can run here (PostgreSQL and Redis); under CI=true their absence fails the suite. */
export async function clusterAvailable(): Promise<boolean> {
  const available = (await isAvailable('postgres')) && (await isAvailable('redis'));
  if (!available && servicesRequired()) throw new Error('PostgreSQL and Redis are required under CI=true');
  return available;
}

export type TestCluster = {
  nodeA: TestServerWithBot;
  nodeB: TestServerWithBot;
  dbA: Awaited<ReturnType<typeof openPostgres>>;
  close(): Promise<void>;
};

/**
 * Two app nodes on one PostgreSQL schema of their own, their events fanned out by Redis on a channel of their own (so
 * parallel runs on one Redis never hear each other). Dropped on close.
 */
export async function startTestCluster(options: { pool?: number } = {}): Promise<TestCluster> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const channel = `kefu:test:${schema}`;
  const log = pino({ level: 'silent' });
  const dbA = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: options.pool ?? 6 });
  const dbB = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: options.pool ?? 6 });
  await migrate(dbA);
  const nodeA = await startTestServer(dbA, {}, { events: await createRedisBus({ url: TEST_REDIS_URL, log, channel }) });
  const nodeB = await startTestServer(dbB, {}, { events: await createRedisBus({ url: TEST_REDIS_URL, log, channel }) });
  return {
    nodeA,
    nodeB,
    dbA,
    async close() {
      await nodeA.close();
      await nodeB.close();
      await dbA.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
      await dbA.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dbA.close();
      await dbB.close();
    },
  };
}
