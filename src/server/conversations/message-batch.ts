import type { ConversationStatus } from '../../contracts/domain.ts';
import type { Db, Queryable } from '../db/db.ts';
import { isDatabaseUnreachable } from '../db/db.ts';
import {
  type BatchedMessage,
  type BatchedRow,
  type MessageRow,
  insertMessagesWithNextSeq,
  insertMessageWithNextSeq,
  type StoredMessage,
} from './conversations.queries.ts';

/**
 * What storing one message came to: stored (publish it), already stored under its clientId (return that one, publish
 * nothing), or refused (the conversation is missing, closed or someone else's; the caller says which).
 */
export type StoreOutcome =
  | { kind: 'stored'; row: StoredMessage }
  | { kind: 'existing'; clientId: string }
  | { kind: 'refused' };

type Waiter = {
  orgId: string;
  input: BatchedMessage;
  resolve: (outcome: StoreOutcome) => void;
  reject: (error: unknown) => void;
};

/** Rows per statement: past a few hundred the statement's own time grows faster than the round trips it saves. */
const MAX_BATCH = 256;

/**
 * PGlite only (PostgreSQL's statements do not block this process): how long a batch waits for more sends while the
 * database is busy. A statement there costs ~2 ms whatever its size (planning the statement is most of it, measured
 * with EXPLAIN in PGlite) and a message ~0.2 ms more, and it runs on this event loop: at a few hundred messages a
 * second each send came alone and paid the whole statement, so the node saturated at a few hundred a second. Like
 * PostgreSQL's commit_delay, the wait applies only under load (a batch finished within BUSY_WINDOW_MS), so an idle
 * server still sends at once.
 */
const PGLITE_COALESCE_MS = 3;
const BUSY_WINDOW_MS = 20;
/** Sends enough to spread a statement's fixed cost thin: with this many waiting, a batch goes out without waiting. */
const COALESCE_ENOUGH = 16;

type Batcher = {
  queue: Waiter[];
  inFlight: number;
  busy: Set<string>;
  scheduled: boolean;
  /** The coalescing wait, while one is pending. */
  timer: ReturnType<typeof setTimeout> | undefined;
  maxInFlight: number;
  coalesceMs: number;
  /** When the last batch statement returned (performance.now()). */
  lastDoneAt: number;
};
const batchers = new WeakMap<Db, Batcher>();

const isDb = (db: Queryable): db is Db => 'transaction' in db && 'kind' in db;

/**
 * Group commit for messages. Sends that arrive while a batch is being written wait for the next one, and every
 * batch is one statement (`insertMessagesWithNextSeq`, autocommit), so at load a message costs a share of a round
 * trip and one lock per conversation per batch instead of one each; when idle a send goes out on the next turn of
 * the event loop, alone. Each waiter is resolved with its own row only after the statement returned, i.e. after the
 * commit, so events still follow commits. A conversation is in at most one batch in flight at a time, so its
 * messages take seqs in the order they were sent. A batch that fails for any reason but an unreachable database is
 * stored again one message at a time, so one bad message fails only its own sender.
 *
 * Inside a transaction (`db` is not the Db itself) the message is stored directly: it must commit with that work.
 */
export function storeMessage(db: Queryable, orgId: string, input: BatchedMessage): Promise<StoreOutcome> {
  if (!isDb(db)) return storeOne(db, orgId, input);
  let batcher = batchers.get(db);
  if (!batcher) {
    // PGlite is one connection: a second batch would only queue behind the first. PostgreSQL overlaps a few.
    batcher = {
      queue: [],
      inFlight: 0,
      busy: new Set(),
      scheduled: false,
      timer: undefined,
      maxInFlight: db.kind === 'postgres' ? 4 : 1,
      coalesceMs: db.kind === 'pglite' ? PGLITE_COALESCE_MS : 0,
      lastDoneAt: Number.NEGATIVE_INFINITY,
    };
    batchers.set(db, batcher);
  }
  const b = batcher;
  return new Promise<StoreOutcome>((resolve, reject) => {
    b.queue.push({ orgId, input, resolve, reject });
    schedule(db, b);
  });
}

function schedule(db: Db, b: Batcher) {
  if (b.timer && b.queue.length >= COALESCE_ENOUGH) {
    // Enough came in while waiting: stop waiting.
    clearTimeout(b.timer);
    b.timer = undefined;
    b.scheduled = false;
  }
  if (b.scheduled) return;
  b.scheduled = true;
  const run = () => {
    b.timer = undefined;
    b.scheduled = false;
    drain(db, b);
  };
  const underLoad = performance.now() - b.lastDoneAt < BUSY_WINDOW_MS;
  if (b.coalesceMs > 0 && underLoad && b.queue.length < COALESCE_ENOUGH) b.timer = setTimeout(run, b.coalesceMs);
  // setImmediate, not a microtask: the sends parsed in this turn of the event loop all join the batch.
  else setImmediate(run);
}

function drain(db: Db, b: Batcher) {
  while (b.inFlight < b.maxInFlight && b.queue.length > 0) {
    const orgId = b.queue[0].orgId;
    const batch: Waiter[] = [];
    const rest: Waiter[] = [];
    const taken = new Set<string>();
    for (const w of b.queue) {
      const conversationId = w.input.conversationId;
      // A conversation already in a batch in flight waits (keeps send order); so does anything behind it.
      if (batch.length < MAX_BATCH && w.orgId === orgId && !b.busy.has(conversationId)) {
        batch.push(w);
        taken.add(conversationId);
      } else rest.push(w);
    }
    if (batch.length === 0) return;
    b.queue = rest;
    for (const id of taken) b.busy.add(id);
    b.inFlight++;
    void writeBatch(db, orgId, batch).finally(() => {
      b.lastDoneAt = performance.now();
      b.inFlight--;
      for (const id of taken) b.busy.delete(id);
      if (b.queue.length > 0) schedule(db, b);
    });
  }
}

async function writeBatch(db: Db, orgId: string, waiters: Waiter[]): Promise<void> {
  // A clientId repeated inside the batch is stored once; the repeats get the first one.
  const first = new Map<string, number>();
  const inputs: BatchedMessage[] = [];
  const slot: number[] = [];
  for (const w of waiters) {
    const key = w.input.message.clientId === null ? null : `${w.input.conversationId}\u0000${w.input.message.clientId}`;
    const seen = key === null ? undefined : first.get(key);
    if (seen !== undefined) {
      slot.push(-1 - seen);
      continue;
    }
    if (key !== null) first.set(key, inputs.length);
    slot.push(inputs.length);
    inputs.push(w.input);
  }
  let rows: BatchedRow[];
  try {
    rows = await insertMessagesWithNextSeq(db, orgId, inputs);
  } catch (error) {
    if (isDatabaseUnreachable(error)) {
      for (const w of waiters) w.reject(error);
      return;
    }
    // A clientId another node committed meanwhile, a malformed id, a deadlock: each message on its own.
    await Promise.all(
      waiters.map((w) =>
        storeOne(db, orgId, w.input).then(
          (outcome) => w.resolve(outcome),
          (e) => w.reject(e),
        ),
      ),
    );
    return;
  }
  const stored = perMessageTransitions(rows);
  waiters.forEach((w, i) => {
    const s = slot[i];
    if (s < 0) {
      w.resolve({ kind: 'existing', clientId: w.input.message.clientId as string });
      return;
    }
    const row = stored.get(s);
    if (row) w.resolve({ kind: 'stored', row });
    else if (w.input.message.clientId !== null) w.resolve({ kind: 'existing', clientId: w.input.message.clientId });
    else w.resolve({ kind: 'refused' });
  });
}

/**
 * The statement reports each conversation's status and first-reply time before and after the whole batch; each
 * message gets the transition it caused itself, as if stored alone: the first customer message reopens, the first
 * public agent reply sets the first-reply time, the messages around them see the state before or after.
 */
function perMessageTransitions(rows: BatchedRow[]): Map<number, StoredMessage> {
  const byConversation = new Map<string, BatchedRow[]>();
  for (const row of rows) {
    const list = byConversation.get(row.conversation_id) ?? [];
    list.push(row);
    byConversation.set(row.conversation_id, list);
  }
  const out = new Map<number, StoredMessage>();
  for (const list of byConversation.values()) {
    list.sort((a, b) => a.seq - b.seq);
    let status: ConversationStatus = list[0].prev_status;
    let firstReplyAt: Date | null = list[0].prev_first_reply_at;
    for (const row of list) {
      const { input_index, first_reply_at_after, ...message } = row;
      const prevStatus = status;
      const prevFirstReplyAt = firstReplyAt;
      if (row.author_kind === 'customer') status = row.status;
      if (row.author_kind === 'agent' && !row.private && firstReplyAt === null) firstReplyAt = first_reply_at_after;
      out.set(input_index, {
        ...(message as MessageRow),
        status,
        prev_status: prevStatus,
        first_reply_at: firstReplyAt,
        prev_first_reply_at: prevFirstReplyAt,
        contact_id: row.contact_id,
        inbox_id: row.inbox_id,
      });
    }
  }
  return out;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

/** The one-message path (`insertMessageWithNextSeq`): a retried clientId fails the insert and rolls its seq back. */
async function storeOne(db: Queryable, orgId: string, input: BatchedMessage): Promise<StoreOutcome> {
  try {
    const row = await insertMessageWithNextSeq(db, orgId, input.conversationId, input.message, input.onlyContactId);
    return row ? { kind: 'stored', row } : { kind: 'refused' };
  } catch (error) {
    if (isUniqueViolation(error) && input.message.clientId)
      return { kind: 'existing', clientId: input.message.clientId };
    throw error;
  }
}
