import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Params = readonly unknown[];

/** The only thing services and queries see of the database: plain SQL with positional parameters. */
export type Queryable = {
  query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
};

export type Db = Queryable & {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

// int8 (counts, identities) as numbers on both drivers, as PGlite already does.
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export type PostgresOptions = { url: string; schema?: string; max?: number };

export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    types: pgTypes as pg.CustomTypesConfig,
    // A schema per test run keeps parallel suites apart on one database.
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  if (options.schema) {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    } finally {
      client.release();
    }
  }
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: Params) {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/**
 * Two PGlite processes on one data directory corrupt it beyond opening, so the directory is locked for one process:
 * a lock file holding our pid, taken with O_EXCL. A lock left by a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'kefu.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {}
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (holder && holder !== process.pid && isProcessAlive(holder)) {
        throw new DataDirLockedError(
          `The data directory ${dir} is in use by another kefu process (pid ${holder}). ` +
            'Stop it first, or start this one with another KEFU_DATA_DIR or a DATABASE_URL.',
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dir}.`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Embedded PostgreSQL (PGlite). `dataDir` undefined = in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = new PGlite(dataDir ? path.join(dataDir, 'pg') : undefined);
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  const wrap = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(sql: string, params?: Params) {
      const result = await client.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(pglite),
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return pglite.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      try {
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return options.databaseUrl ? openPostgres({ url: options.databaseUrl }) : openPglite(options.dataDir);
}

/** The first row, or undefined. */
export async function queryOne<T>(db: Queryable, sql: string, params?: Params): Promise<T | undefined> {
  const rows = await db.query<T>(sql, params);
  return rows[0];
}
