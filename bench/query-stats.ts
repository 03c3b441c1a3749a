/**
 * Where a node's database time goes, statement by statement: calls, rows and wall time (including the wait for a
 * pooled connection) per SQL text, and how many transactions ran. bench:surge --query-stats DIR turns it on for
 * its nodes; pg_stat_statements would say the same from the server side, but it needs a preload and a restart of a
 * PostgreSQL this machine shares.
 */
import { performance } from 'node:perf_hooks';
import type { Db, Params, Queryable } from '../src/server/db/db.ts';

export type StatementStats = { sql: string; calls: number; rows: number; totalMs: number; inTransaction: number };
export type QueryStats = { transactions: number; statements: StatementStats[] };

/** Whitespace folded and long IN-lists of placeholders shortened, so one statement shape is one row. */
function shapeOf(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/(\$\d+\s*,\s*){3,}\$\d+/g, '$n,…')
    .trim()
    .slice(0, 300);
}

export function withQueryStats(db: Db): { db: Db; snapshot(): QueryStats } {
  const bySql = new Map<string, StatementStats>();
  let transactions = 0;
  const record = (sql: string, ms: number, rows: number, inTransaction: boolean) => {
    const shape = shapeOf(sql);
    let entry = bySql.get(shape);
    if (!entry) {
      entry = { sql: shape, calls: 0, rows: 0, totalMs: 0, inTransaction: 0 };
      bySql.set(shape, entry);
    }
    entry.calls++;
    entry.rows += rows;
    entry.totalMs += ms;
    if (inTransaction) entry.inTransaction++;
  };
  const wrap = (inner: Queryable, inTransaction: boolean): Queryable => ({
    async query<T>(sql: string, params?: Params) {
      const started = performance.now();
      const rows = await inner.query<T>(sql, params);
      record(sql, performance.now() - started, rows.length, inTransaction);
      return rows;
    },
    exec: (sql: string) => inner.exec(sql),
  });
  const outer = wrap(db, false);
  return {
    db: {
      kind: db.kind,
      query: outer.query,
      exec: outer.exec,
      transaction<T>(fn: (tx: Queryable) => Promise<T>) {
        transactions++;
        return db.transaction((tx) => fn(wrap(tx, true)));
      },
      close: () => db.close(),
    },
    snapshot: () => ({
      transactions,
      statements: [...bySql.values()].sort((a, b) => b.totalMs - a.totalMs),
    }),
  };
}

/** Several nodes' figures as one table, the costliest statements first. */
export function mergeQueryStats(all: QueryStats[]): QueryStats {
  const bySql = new Map<string, StatementStats>();
  for (const stats of all) {
    for (const s of stats.statements) {
      const entry = bySql.get(s.sql) ?? { sql: s.sql, calls: 0, rows: 0, totalMs: 0, inTransaction: 0 };
      entry.calls += s.calls;
      entry.rows += s.rows;
      entry.totalMs += s.totalMs;
      entry.inTransaction += s.inTransaction;
      bySql.set(s.sql, entry);
    }
  }
  return {
    transactions: all.reduce((sum, s) => sum + s.transactions, 0),
    statements: [...bySql.values()].sort((a, b) => b.totalMs - a.totalMs),
  };
}
