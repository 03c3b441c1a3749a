import type { Queryable } from '../db/db.ts';
import { reserveConversationNumbers } from './conversations.queries.ts';

type Waiter = { resolve(n: number): void; reject(error: unknown): void };
type OrgQueue = { waiting: Waiter[]; reserving: boolean };

const queues = new WeakMap<Queryable, Map<string, OrgQueue>>();

/**
 * The organization's next display number, taken together with every other conversation opening at the same moment:
 * one UPDATE of the organization's counter reserves as many numbers as there are openers waiting. The counter is one
 * row, and each update of it holds its lock until its commit has reached the disk; one update per conversation capped
 * conversation creation at the disk's flush rate (about a hundred a second here) in a surge. With nobody else
 * waiting it reserves one number, as before; a number whose conversation then fails to insert is a gap, not a reuse.
 */
export function takeConversationNumber(db: Queryable, orgId: string): Promise<number> {
  let perDb = queues.get(db);
  if (!perDb) {
    perDb = new Map();
    queues.set(db, perDb);
  }
  let queue = perDb.get(orgId);
  if (!queue) {
    queue = { waiting: [], reserving: false };
    perDb.set(orgId, queue);
  }
  const promise = new Promise<number>((resolve, reject) => queue.waiting.push({ resolve, reject }));
  if (!queue.reserving) void reserveFor(db, orgId, queue, perDb);
  return promise;
}

async function reserveFor(db: Queryable, orgId: string, queue: OrgQueue, perDb: Map<string, OrgQueue>) {
  queue.reserving = true;
  while (queue.waiting.length > 0) {
    const batch = queue.waiting.splice(0, queue.waiting.length);
    try {
      const first = await reserveConversationNumbers(db, orgId, batch.length);
      for (const [i, waiter] of batch.entries()) waiter.resolve(first + i);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
  queue.reserving = false;
  perDb.delete(orgId);
}
