import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { AppError } from '../errors.ts';

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

/** How long a request waits for a connection before it is told the database is unavailable. */
const CONNECT_TIMEOUT_MS = 5000;
/** What a client is told to wait before trying again while PostgreSQL is away. */
const UNAVAILABLE_RETRY_SECONDS = 2;
/** SQLSTATE classes and codes that mean "the server is not there", not "the statement is wrong". */
const UNAVAILABLE_SQLSTATES = /^(08...|57P01|57P02|57P03|53300)$/;
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|is not queryable|Connection ended/i;

/**
 * Whether an error from node-postgres means the database could not be reached (down, restarting, refusing
 * connections) rather than that the statement failed. Such errors become `database_unavailable` (503 + Retry-After)
 * here, once, so every route and the WebSocket tell clients to retry instead of answering 500.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'database_unavailable';
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.test(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
  // AggregateError (every address of localhost refused) carries its errno on the errors inside.
  const inner = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(inner) && inner.some(isDatabaseUnreachable)) return true;
  return typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message);
}

function unavailableOr(error: unknown): unknown {
  if (error instanceof AppError || !isDatabaseUnreachable(error)) return error;
  return new AppError('database_unavailable', undefined, { retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS });
}

/** Statement shapes a node prepares at most (beyond them, statements are planned each time, as before). */
const MAX_PREPARED_STATEMENTS = 1000;
/** Distinct statement texts counted at most, so statements built with varying text cannot grow the map forever. */
const MAX_COUNTED_STATEMENTS = 20_000;

/**
 * Names for statements worth preparing: PostgreSQL parses and plans an unnamed statement on every execution, and for
 * the short statements kefu runs that was a large part of the database's CPU under load. A text gets a name the
 * second time it is seen (a text built once, with a varying list of placeholders, stays unnamed), and only with
 * parameters: a parameterless text may hold several statements, which a prepared statement cannot. node-postgres
 * prepares a name once per connection and reuses it.
 */
export function createStatementNamer(): (sql: string, params: Params | undefined) => string | undefined {
  const seen = new Map<string, number>();
  const names = new Map<string, string>();
  return (sql, params) => {
    if (!params || params.length === 0) return undefined;
    const name = names.get(sql);
    if (name !== undefined) return name;
    const count = seen.get(sql);
    if (count === undefined) {
      if (seen.size < MAX_COUNTED_STATEMENTS) seen.set(sql, 1);
      return undefined;
    }
    if (names.size >= MAX_PREPARED_STATEMENTS) return undefined;
    const created = `kefu_${names.size}`;
    names.set(sql, created);
    seen.delete(sql);
    return created;
  };
}

export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const nameFor = createStatementNamer();
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    // Without a limit a request would wait for a connection for as long as PostgreSQL is down.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
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
      try {
        const name = nameFor(sql, params);
        const result = name
          ? await client.query({ name, text: sql, values: params as unknown[] })
          : await client.query(sql, params as unknown[]);
        return result.rows as T[];
      } catch (error) {
        throw unavailableOr(error);
      }
    },
    async exec(sql: string) {
      try {
        await client.query(sql);
      } catch (error) {
        throw unavailableOr(error);
      }
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw unavailableOr(error);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        // A connection that died mid-transaction is thrown away, not handed to the next request.
        broken = isDatabaseUnreachable(error);
        throw unavailableOr(error);
      } finally {
        client.release(broken || undefined);
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
