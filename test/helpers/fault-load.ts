/**
 * The load the fault tests break things under: widget customers, each in a conversation of their own, sending
 * messages over the widget WebSocket with client ids, and one agent console socket receiving them. Clients behave as
 * the real widget and console do when a node, Redis or PostgreSQL goes away: a customer whose socket closes
 * reconnects (to any node still up) and sends an unacknowledged message again with the same client id; an error
 * frame that says "try again" (database_unavailable) is retried after its retryAfterSeconds; the agent reconnects and
 * subscribes to every conversation from the last seq it has (the gateway's gap-fill).
 *
 * "Acknowledged" is the server's `ack` frame for a client id. What the load counts is checked against the database by
 * `countStored` and printed by `report`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import type { ServerEvent } from '../../src/contracts/realtime.ts';
import type { Queryable } from '../../src/server/db/db.ts';
import { request } from './server.ts';

export type LoadOptions = {
  /** The base URLs (http://…) of the nodes that are up now; clients take them in turn and skip the ones gone. */
  nodeUrls: () => string[];
  orgSlug: string;
  /** The agent whose console receives the messages (none: only what is stored is checked). */
  agent?: { email: string; password: string };
  /** The node the agent's console is on first. */
  agentNodeUrl?: string;
  customers: number;
  messagesPerCustomer: number;
  /** Pause between one customer's messages (a random share of it, so the customers do not march in step). */
  paceMs?: number;
};

type Customer = { index: number; token: string; conversationId: string; node: number };

export type LoadCounts = {
  sent: number;
  acknowledged: number;
  stored: number;
  delivered: number;
  lost: number;
  duplicated: number;
};

export type FaultLoad = {
  /** Sessions and conversations (over HTTP, before anything breaks) and the agent's socket. */
  prepare(): Promise<void>;
  /** Starts every customer sending; resolves when each has had every message acknowledged (or `deadlineMs` passed). */
  run(deadlineMs: number): Promise<void>;
  /** Resolves once this many messages have been acknowledged (for breaking something in the middle of the load). */
  acknowledgedAtLeast(count: number): Promise<void>;
  acknowledgedCount(): number;
  /** Waits until the agent has received every acknowledged message, or `timeoutMs` passed. */
  awaitDelivery(timeoutMs: number): Promise<void>;
  /** The counts, with what the database holds for the client ids sent (stored, duplicated rows). */
  counts(
    db: Queryable,
  ): Promise<LoadCounts & { missingFromAgent: string[]; lostIds: string[]; duplicatedRows: number }>;
  /** Error frames and HTTP statuses the customers were given, by code, and reconnects. */
  incidents: { errors: Map<string, number>; reconnects: number; agentReconnects: number; agentReplayedAgain: number };
  close(): void;
};

const ACK_TIMEOUT_MS = 4000;
const RECONNECT_DELAY_MS = 200;

export function createFaultLoad(options: LoadOptions): FaultLoad {
  const paceMs = options.paceMs ?? 300;
  const customers: Customer[] = [];
  const attempted = new Set<string>();
  /** client id → message id, for every acknowledged message. */
  const acknowledged = new Map<string, string>();
  const incidents = { errors: new Map<string, number>(), reconnects: 0, agentReconnects: 0, agentReplayedAgain: 0 };
  const countError = (code: string) => incidents.errors.set(code, (incidents.errors.get(code) ?? 0) + 1);
  let closed = false;
  const ackWaiters = new Set<{ count: number; resolve: () => void }>();
  const noteAck = (clientId: string, messageId: string) => {
    acknowledged.set(clientId, messageId);
    for (const waiter of ackWaiters) {
      if (acknowledged.size >= waiter.count) {
        ackWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  const liveUrl = (preferred: number): { url: string; node: number } | undefined => {
    const urls = options.nodeUrls();
    if (urls.length === 0) return undefined;
    const node = preferred % urls.length;
    return { url: urls[node], node };
  };
  const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

  // --- The agent: every message event it receives, by message id, and the highest seq per conversation.
  const agentSeen = new Map<string, number>();
  let agentDuplicates = 0;
  let agentReplayedAgain = 0;
  const agentLastSeq = new Map<string, number>();
  const agentSeqs = new Map<string, Set<number>>();
  let agentSocket: WebSocket | undefined;
  let agentCookie = '';
  let agentNode = options.agentNodeUrl ? options.nodeUrls().indexOf(options.agentNodeUrl) : 0;

  async function loginAgent(url: string): Promise<void> {
    const result = await request(`${url}/api/agent/auth/login`, {
      method: 'POST',
      body: { email: options.agent?.email, password: options.agent?.password },
    });
    if (result.status !== 200) throw new Error(`agent login failed: ${result.status} ${JSON.stringify(result.body)}`);
    agentCookie = (result.headers.get('set-cookie') ?? '').split(';')[0];
  }

  function connectAgent(first: boolean): Promise<void> {
    return new Promise((resolve) => {
      if (closed) return resolve();
      const url = first ? options.agentNodeUrl : liveUrl(agentNode)?.url;
      if (!url) {
        setTimeout(() => void connectAgent(false), RECONNECT_DELAY_MS);
        return resolve();
      }
      const socket = new WebSocket(`${wsUrl(url)}/api/agent/ws`, { headers: { cookie: agentCookie } });
      agentSocket = socket;
      let opened = false;
      const seenHere = new Set<string>();
      socket.on('open', () => {
        opened = true;
        // Every conversation from the last seq this console has: what it missed comes from the database, once.
        for (const customer of customers) {
          const afterSeq = agentLastSeq.get(customer.conversationId) ?? 0;
          socket.send(JSON.stringify({ type: 'subscribe', conversationId: customer.conversationId, afterSeq }));
        }
        resolve();
      });
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as ServerEvent;
        if (event.type !== 'message.created') return;
        // The console's cursor: the last seq up to which it has everything (an agent sees every seq, notes too).
        const seqs = agentSeqs.get(event.conversationId) ?? new Set<number>();
        agentSeqs.set(event.conversationId, seqs);
        seqs.add(event.seq);
        let cursor = agentLastSeq.get(event.conversationId) ?? 0;
        while (seqs.has(cursor + 1)) cursor++;
        agentLastSeq.set(event.conversationId, cursor);
        if (event.message.authorKind !== 'customer') return;
        // A duplicate is a message this socket was sent twice; one a new socket replays from a cursor below it (an
        // earlier socket died mid-gap) is the client's own ask, counted apart.
        if (seenHere.has(event.message.id)) agentDuplicates++;
        else if (agentSeen.has(event.message.id)) agentReplayedAgain++;
        seenHere.add(event.message.id);
        const times = agentSeen.get(event.message.id) ?? 0;
        agentSeen.set(event.message.id, times + 1);
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        if (closed) return;
        if (!opened) resolve();
        incidents.agentReconnects++;
        agentNode++;
        setTimeout(() => void connectAgent(false), RECONNECT_DELAY_MS);
      });
    });
  }

  // --- A customer: one socket at a time, reconnecting to a live node; each message sent until acknowledged.
  async function runCustomer(customer: Customer, deadline: number): Promise<void> {
    let socket: WebSocket | undefined;
    let opening: Promise<WebSocket | undefined> | undefined;
    const pending = new Map<string, (outcome: { ack?: string; retryMs?: number; closed?: boolean }) => void>();
    const open = (): Promise<WebSocket | undefined> => {
      if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
      if (opening) return opening;
      const live = liveUrl(customer.node);
      if (!live) return Promise.resolve(undefined);
      opening = new Promise<WebSocket | undefined>((resolve) => {
        const { url, node } = live;
        customer.node = node;
        const ws = new WebSocket(`${wsUrl(url)}/api/widget/ws?token=${encodeURIComponent(customer.token)}`);
        ws.on('open', () => {
          socket = ws;
          opening = undefined;
          resolve(ws);
        });
        ws.on('message', (data) => {
          const event = JSON.parse(String(data)) as ServerEvent;
          if (event.type === 'ack') pending.get(event.clientId)?.({ ack: event.messageId });
          else if (event.type === 'error' && event.clientId) {
            countError(event.code);
            pending.get(event.clientId)?.({ retryMs: (event.retryAfterSeconds ?? 0.3) * 1000 });
          }
        });
        ws.on('error', () => {});
        ws.on('close', (code) => {
          if (socket === ws) socket = undefined;
          if (opening && socket === undefined) {
            opening = undefined;
            countError(`close ${code}`);
            resolve(undefined);
          }
          for (const settle of pending.values()) settle({ closed: true });
        });
      });
      return opening;
    };

    for (let m = 1; m <= options.messagesPerCustomer; m++) {
      const clientId = `fault-${customer.index}-${m}`;
      attempted.add(clientId);
      while (!closed && Date.now() < deadline) {
        const ws = await open();
        if (!ws) {
          incidents.reconnects++;
          customer.node++;
          await sleep(RECONNECT_DELAY_MS);
          continue;
        }
        const outcome = await new Promise<{ ack?: string; retryMs?: number; closed?: boolean }>((resolve) => {
          const timer = setTimeout(() => resolve({ retryMs: 0 }), ACK_TIMEOUT_MS);
          pending.set(clientId, (result) => {
            clearTimeout(timer);
            pending.delete(clientId);
            resolve(result);
          });
          ws.send(
            JSON.stringify({
              type: 'send',
              conversationId: customer.conversationId,
              body: `fault-load message ${m} from customer ${customer.index}`,
              clientId,
            }),
          );
        });
        if (outcome.ack) {
          noteAck(clientId, outcome.ack);
          break;
        }
        if (outcome.closed) {
          // The node went away: another one takes the same client id (idempotent, stored at most once).
          incidents.reconnects++;
          customer.node++;
          await sleep(RECONNECT_DELAY_MS);
        } else {
          await sleep(outcome.retryMs ?? 0);
        }
      }
      await sleep(Math.random() * paceMs);
    }
    socket?.close();
  }

  return {
    incidents,
    async prepare() {
      const queue = Array.from({ length: options.customers }, (_, index) => index);
      const urls = options.nodeUrls();
      const worker = async () => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          const url = urls[index % urls.length];
          const session = await request(`${url}/api/widget/session`, {
            method: 'POST',
            body: { org: options.orgSlug },
          });
          if (session.status !== 200) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
          const token = session.body.visitorToken as string;
          const created = await request(`${url}/api/widget/conversations`, {
            method: 'POST',
            body: {},
            headers: { authorization: `Bearer ${token}` },
          });
          if (created.status !== 201)
            throw new Error(`conversation: ${created.status} ${JSON.stringify(created.body)}`);
          customers.push({ index, token, conversationId: created.body.conversation.id, node: index % urls.length });
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      if (options.agent && options.agentNodeUrl) {
        await loginAgent(options.agentNodeUrl);
        await connectAgent(true);
      }
    },
    async run(deadlineMs) {
      const deadline = Date.now() + deadlineMs;
      await Promise.all(customers.map((customer) => runCustomer(customer, deadline)));
    },
    acknowledgedCount: () => acknowledged.size,
    acknowledgedAtLeast(count) {
      if (acknowledged.size >= count) return Promise.resolve();
      return new Promise((resolve) => ackWaiters.add({ count, resolve }));
    },
    async awaitDelivery(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if ([...acknowledged.values()].every((id) => agentSeen.has(id))) return;
        await sleep(100);
      }
    },
    async counts(db) {
      const ids = [...attempted];
      const rows = await db.query<{ client_id: string; copies: number }>(
        `SELECT client_id, count(*)::int AS copies FROM messages
          WHERE client_id = ANY($1::text[]) AND conversation_id = ANY($2::uuid[]) GROUP BY client_id`,
        [ids, customers.map((c) => c.conversationId)],
      );
      const storedIds = new Set(rows.map((r) => r.client_id));
      const duplicatedRows = rows.reduce((sum, r) => sum + r.copies - 1, 0);
      const lostIds = [...acknowledged.keys()].filter((id) => !storedIds.has(id));
      // Without an agent there is no other side: lost means not stored, and nothing is counted as delivered.
      const hasAgent = options.agent !== undefined;
      const missingFromAgent = hasAgent
        ? [...acknowledged.entries()].filter(([, id]) => !agentSeen.has(id)).map(([c]) => c)
        : [];
      const deliveredIds = [...acknowledged.values()].filter((id) => agentSeen.has(id));
      incidents.agentReplayedAgain = agentReplayedAgain;
      return {
        sent: attempted.size,
        acknowledged: acknowledged.size,
        stored: storedIds.size,
        delivered: deliveredIds.length,
        lost: new Set([...lostIds, ...missingFromAgent]).size,
        duplicated: duplicatedRows + agentDuplicates,
        duplicatedRows,
        missingFromAgent,
        lostIds,
      };
    },
    close() {
      closed = true;
      agentSocket?.close();
    },
  };
}

/** One line a person can read in the test output, and the figures as JSON. */
export function report(name: string, counts: LoadCounts, incidents: FaultLoad['incidents'], extra = {}): void {
  const { sent, acknowledged, stored, delivered, lost, duplicated } = counts;
  console.log(
    `[${name}] sent ${sent}, acknowledged ${acknowledged}, stored ${stored}, delivered ${delivered}, ` +
      `lost ${lost}, duplicated ${duplicated}; reconnects ${incidents.reconnects} (agent ${incidents.agentReconnects}); ` +
      `replayed again to a new agent socket ${incidents.agentReplayedAgain}; ` +
      `errors ${JSON.stringify(Object.fromEntries(incidents.errors))} ${JSON.stringify(extra)}`,
  );
}
