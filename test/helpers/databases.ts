import crypto from 'node:crypto';
import { type Db, openPglite, openPostgres } from '../../src/server/db/db.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { isAvailable, servicesRequired, TEST_POSTGRES_URL } from './services.ts';
import './test-secret-key.ts';

export type TestDatabase = { name: 'pglite' | 'postgres'; open(): Promise<Db & { drop(): Promise<void> }> };

/**
 * The databases every integration suite runs against: PGlite always, PostgreSQL whenever it is reachable (and
 * required under CI). Each open() gives a fresh, migrated database: in memory for PGlite, its own schema on PostgreSQL.
 */
export async function testDatabases(): Promise<TestDatabase[]> {
  const list: TestDatabase[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openPglite();
        await migrate(db);
        return Object.assign(db, { drop: () => db.close() });
      },
    },
  ];
  if (await isAvailable('postgres')) {
    list.push({
      name: 'postgres',
      async open() {
        const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
        const db = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: 12 });
        await migrate(db);
        return Object.assign(db, {
          async drop() {
            // The job queue (pg-boss) keeps its tables in a sibling schema named after ours.
            await db.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
            await db.query(`DROP SCHEMA "${schema}" CASCADE`);
            await db.close();
          },
        });
      },
    });
  } else if (servicesRequired()) {
    throw new Error(`PostgreSQL is required (CI=true) but ${TEST_POSTGRES_URL} is not reachable`);
  }
  return list;
}
