import type { Db } from '../db/db.ts';
import { insertDemoHistory } from './demo-history.queries.ts';

/**
 * 30 days of plausible history for the demo organization (~1,500 conversations with daily and weekly seasonality and
 * a crash spike five days ago), so the reports have something to show after `npm start`. One transaction.
 */
export async function seedDemoHistory(db: Db, orgId: string, now = new Date()): Promise<number> {
  return db.transaction((tx) => insertDemoHistory(tx, orgId, now));
}
