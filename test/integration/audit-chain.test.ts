import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pino from 'pino';
import { recordAudit, verifyAuditChains } from '../../src/server/audit/audit.service.ts';
import { type Db, openPglite, openPostgres, type Queryable } from '../../src/server/db/db.ts';
import { migrate, readMigrations } from '../../src/server/db/migrate.ts';
import { createInProcessBus } from '../../src/server/events/bus.ts';
import { insertOrg } from '../../src/server/orgs/orgs.queries.ts';
import { isAvailable, TEST_POSTGRES_URL } from '../helpers/services.ts';

/**
 * The tamper-evident audit log (issue 15): entries chained by hash per organization, checked by
 * `npm run kefu -- audit verify`, run here as the operator runs it (a child process on the data dir or DATABASE_URL).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/kefu.ts');

type Run = { code: number | null; stdout: string; stderr: string };

function runKefu(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A database the CLI is pointed at, and the test's own way into it between runs (PGlite is one process at a time). */
type Target = {
  env: Record<string, string>;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  cleanup(): Promise<void>;
};

async function pgliteTarget(): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-audit-'));
  const withDb = async <T>(fn: (db: Db) => Promise<T>) => {
    const db = await openPglite(dataDir);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  return {
    env: { KEFU_DATA_DIR: dataDir },
    withDb,
    cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const db = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: 12 });
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: url.toString() },
    withDb: (fn) => fn(db),
    async cleanup() {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

const log = pino({ level: 'silent' });

function ctxFor(db: Db, orgId: string) {
  return { db, log, events: createInProcessBus(log), org: { id: orgId }, actor: { kind: 'system' as const } };
}

/** `count` audited actions of one organization, all at once; half inside a transaction that does more work after the
 *  entry, so writers overlap while each holds its place in the chain. */
async function writeConcurrently(db: Db, orgId: string, count: number, prefix: string): Promise<void> {
  const ctx = ctxFor(db, orgId);
  await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const entry = { action: `${prefix}.${i}`, targetType: 'test', targetId: String(i), details: { i, note: '注記' } };
      if (i % 2) return recordAudit(ctx, db, entry);
      return db.transaction(async (tx: Queryable) => {
        await recordAudit(ctx, tx, entry);
        await tx.query('SELECT pg_sleep(0.01)');
      });
    }),
  );
}

const chainOf = (db: Db, orgId: string) =>
  db.query<{ id: number; chain_seq: number; action: string; created_at: Date }>(
    'SELECT id, chain_seq, action, created_at FROM audit_log WHERE org_id = $1 ORDER BY chain_seq',
    [orgId],
  );

const targets: [string, () => Promise<Target>][] = [['pglite', pgliteTarget]];
if (await isAvailable('postgres')) targets.push(['postgres', postgresTarget]);

for (const [name, makeTarget] of targets) {
  describe(`audit chain on ${name}`, () => {
    test('existing entries are chained by the migration; concurrent writers keep one chain; edits and deletions are named', async () => {
      const target = await makeTarget();
      try {
        const orgs = await target.withDb(async (db) => {
          // Up to the migration before the chain, with entries written the old way: the migration back-fills them.
          const all = readMigrations();
          const before = all.filter((m) => m.version < '029');
          await migrate(db, before);
          const a = await insertOrg(db, { slug: 'alpha', name: 'Alpha', requireTotp: false });
          const b = await insertOrg(db, { slug: 'beta', name: 'Beta', requireTotp: false });
          const c = await insertOrg(db, { slug: 'gamma', name: 'Gamma', requireTotp: false });
          for (const org of [a, b, a, b, a])
            await db.query(
              `INSERT INTO audit_log (org_id, actor_kind, action, target_type, details) VALUES ($1, 'system', 'old.entry', 'test', '{"z": 1, "a": [1, 2]}')`,
              [org],
            );
          await migrate(db, all);
          const migrated = await verifyAuditChains({ db });
          assert.deepEqual(migrated.broken, []);
          assert.equal(migrated.entries, 5);

          await writeConcurrently(db, a, 40, 'alpha');
          await writeConcurrently(db, b, 10, 'beta');
          await writeConcurrently(db, c, 6, 'gamma');
          const chain = await chainOf(db, a);
          assert.deepEqual(
            chain.map((r) => r.chain_seq),
            Array.from({ length: 43 }, (_, i) => i + 1),
            'one gap-free chain for the organization',
          );
          return { a, b, c };
        });

        const intact = await runKefu(['audit', 'verify'], target.env);
        assert.equal(intact.code, 0, intact.stdout + intact.stderr);
        assert.match(intact.stdout, /OK, 3 chains, 61 entries intact/);

        // Someone with database access changes what an entry says it did.
        const edited = await target.withDb(async (db) => {
          const row = (await chainOf(db, orgs.a))[20];
          await db.query(`UPDATE audit_log SET details = '{"i": 999}' WHERE id = $1`, [row.id]);
          return row;
        });
        const afterEdit = await runKefu(['audit', 'verify'], target.env);
        assert.equal(afterEdit.code, 1, afterEdit.stdout);
        assert.match(
          afterEdit.stdout,
          new RegExp(
            `entry ${edited.id} \\(seq ${edited.chain_seq}, time ${new Date(edited.created_at).toISOString()}, org ${orgs.a}\\).*edited`,
          ),
        );
        assert.match(afterEdit.stdout, /1 of 3 chains broken/);
        // The other organizations' chains do not depend on it.
        const betaOnly = await runKefu(['audit', 'verify', '--org', 'beta'], target.env);
        assert.equal(betaOnly.code, 0, betaOnly.stdout);

        // The action itself changed: also an edit.
        const originalAction = await target.withDb(async (db) => {
          const [row] = await db.query<{ action: string }>(
            `SELECT action FROM audit_log WHERE org_id = $1 AND chain_seq = 3`,
            [orgs.b],
          );
          await db.query(`UPDATE audit_log SET action = 'beta.harmless' WHERE org_id = $1 AND chain_seq = 3`, [orgs.b]);
          return row.action;
        });
        const actionEdit = await runKefu(['audit', 'verify', '--org', 'beta'], target.env);
        assert.equal(actionEdit.code, 1);
        assert.match(actionEdit.stdout, /seq 3, .*edited/);

        // A deleted entry in the middle of a chain: the entry after the gap is named.
        const deletion = await target.withDb(async (db) => {
          const chain = await chainOf(db, orgs.c);
          await db.query('DELETE FROM audit_log WHERE id = $1', [chain[2].id]);
          return chain[3];
        });
        const afterDelete = await runKefu(['audit', 'verify', '--org', 'gamma'], target.env);
        assert.equal(afterDelete.code, 1, afterDelete.stdout);
        assert.match(
          afterDelete.stdout,
          new RegExp(`entry ${deletion.id} \\(seq 4,.*entries 3–3 of the chain are missing`),
        );

        // The newest entries deleted leave the chain short of its head.
        await target.withDb(async (db) => {
          await db.query('DELETE FROM audit_log WHERE org_id = $1 AND chain_seq > 6', [orgs.b]);
          // Put the edited action back: only the missing newest entries are left to find.
          await db.query('UPDATE audit_log SET action = $2 WHERE org_id = $1 AND chain_seq = 3', [
            orgs.b,
            originalAction,
          ]);
        });
        const truncated = await target.withDb((db) => verifyAuditChains({ db }, { orgId: orgs.b }));
        assert.equal(truncated.broken.length, 1);
        assert.equal(truncated.broken[0].reason, 'missing_newest');
        assert.match(truncated.broken[0].message, /newest 6 entries/);
      } finally {
        await target.cleanup();
      }
    });
  });
}
