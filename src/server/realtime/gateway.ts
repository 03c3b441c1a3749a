import type { Socket as NetSocket } from 'node:net';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { type ClientEvent, clientEventSchema, type ServerEvent } from '../../contracts/realtime.ts';
import type { Ctx } from '../context.ts';
import {
  findConversationAccess,
  listMessageRowsAfter,
  postMessage,
  toMessage,
} from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { findInvalidText, INVALID_TEXT_MESSAGE } from '../http/text-rules.ts';
import type { EventBus } from '../events/bus.ts';
import type { DomainEvent } from '../events/domain-events.ts';
import { conversationForViewer, messageForViewer } from '../privacy/pii-policy.ts';

type Identity =
  | {
      role: 'agent';
      orgId: string;
      agentId: string;
      name: string;
      agentRole: 'admin' | 'supervisor' | 'agent';
      /** Sees customers' personal data in full (privacy/pii-policy.ts seesPii); else it is masked on this socket. */
      seesPii: boolean;
    }
  | { role: 'customer'; orgId: string; contactId: string; name: string | null; ip: string };

type Connection = {
  socket: WebSocket;
  identity: Identity;
  /**
   * Per conversation, the highest seq of a full message this connection has been sent: nothing at or below it is
   * sent twice. An agent connection keeps it only for the conversations it follows (list deltas are not filtered).
   */
  lastSent: Map<string, number>;
  /**
   * Conversations the client asked to follow exactly (subscribe); a gap in them triggers a catch-up from the DB. An
   * agent console gets full messages only of these, and a list delta (`conversation.activity`) of all the others.
   */
  followed: Set<string>;
  /** Live message events held back while a catch-up for that conversation is being read. */
  catchingUp: Map<string, Extract<DomainEvent, { type: 'message.created' }>[]>;
  /** Conversations this agent has open in the console (collision warning for the others). */
  viewing: Set<string>;
  /** List updates (conversation.activity / .updated of conversations it does not follow) waiting for the flush. */
  listPending: string[];
  /** Until when list updates wait for the flush (a write of them went out less than a window ago). */
  listQuietUntil: number;
  alive: boolean;
};

const REPLAY_PAGE = 500;
/** A client that cannot keep up is disconnected (it will reconnect and catch up) rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
/**
 * At most one write of list updates per console in this time: with 50 consoles each message was a write to every one
 * of them (a sixth of a node's time in writev under a surge). The first update after a quiet spell goes at once; what
 * follows within the window waits for it to end and leaves in one write. Messages of followed conversations always go
 * at once.
 */
const LIST_UPDATE_WINDOW_MS = 25;
/** WebSocket close codes the widget and console reconnect after (anything but their 4xxx "credentials refused"). */
const CLOSE_TRY_AGAIN_LATER = 1013;
const CLOSE_SERVICE_RESTART = 1012;

export type Gateway = {
  accept(socket: WebSocket, identity: Identity, earlyFrames?: RawData[]): void;
  isAgentOnline(agentId: string): boolean;
  close(): void;
};

/** What a list row needs of a message: the same preview the conversation row stores (`last_message`). */
const PREVIEW_CHARS = 200;

/**
 * Pushes domain events to WebSocket clients. Agents receive every event of their organization, messages in full only
 * for the conversations they follow (the rest as list deltas: with 50 consoles, writing every message to every
 * socket was a third of the node's CPU); customers only the public messages and updates of their own conversations. Message delivery is exact per connection: replays after a
 * reconnect and live events are merged by seq, so a client gets each message once, in order.
 */
export function createGateway(deps: {
  db: Db;
  log: Logger;
  events: EventBus;
  /** The widget's message rate limit (src/server/rate-limit/): throws `rate_limited` when the customer must wait. */
  limitCustomerMessage?: (who: { ip: string; contactId: string }) => Promise<void>;
}): Gateway {
  const { db, log, events } = deps;
  const agentsByOrg = new Map<string, Set<Connection>>();
  const customersByContact = new Map<string, Set<Connection>>();
  const agentConnectionCounts = new Map<string, number>();

  const addTo = (index: Map<string, Set<Connection>>, key: string, conn: Connection) => {
    const set = index.get(key) ?? new Set<Connection>();
    index.set(key, set);
    set.add(conn);
  };
  const removeFrom = (index: Map<string, Set<Connection>>, key: string, conn: Connection) => {
    const set = index.get(key);
    set?.delete(conn);
    if (set?.size === 0) index.delete(key);
  };

  /** A customer sees their own data; an agent as their permissions say. */
  const seesFull = (conn: Connection) => conn.identity.role === 'customer' || conn.identity.seesPii;

  /**
   * Sockets written to in this turn of the event loop, corked until its callbacks and promise continuations are done:
   * a group commit resolves all its senders in one turn, so a console gets a frame per message of the batch, and
   * those leave in one write instead of one system call each.
   */
  const corked = new Set<NetSocket>();
  const uncorkAll = () => {
    for (const raw of corked) raw.uncork();
    corked.clear();
  };
  function cork(socket: WebSocket): void {
    // ws keeps its TCP socket as `_socket` (there is no public handle); without it, frames just go out one by one.
    const raw = (socket as unknown as { _socket?: NetSocket })._socket;
    if (!raw || corked.has(raw)) return;
    raw.cork();
    corked.add(raw);
    if (corked.size === 1) process.nextTick(uncorkAll);
  }

  function send(conn: Connection, event: ServerEvent | string): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    if (conn.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      conn.socket.close(1013, 'too slow');
      return;
    }
    cork(conn.socket);
    conn.socket.send(typeof event === 'string' ? event : JSON.stringify(event));
  }

  const withListUpdates = new Set<Connection>();
  let listFlushTimer: NodeJS.Timeout | undefined;
  function flushListUpdates(): void {
    listFlushTimer = undefined;
    for (const conn of withListUpdates) flushListUpdatesOf(conn);
  }
  function flushListUpdatesOf(conn: Connection): void {
    if (conn.listPending.length === 0) return;
    for (const wire of conn.listPending) send(conn, wire);
    conn.listPending = [];
    conn.listQuietUntil = Date.now() + LIST_UPDATE_WINDOW_MS;
    withListUpdates.delete(conn);
  }
  /** Sends a list update now or with the next flush: all of them, in order (see the message.created case). */
  function sendListUpdate(conn: Connection, wire: string): void {
    const now = Date.now();
    if (conn.listPending.length === 0 && now >= conn.listQuietUntil) {
      conn.listQuietUntil = now + LIST_UPDATE_WINDOW_MS;
      send(conn, wire);
      return;
    }
    conn.listPending.push(wire);
    withListUpdates.add(conn);
    listFlushTimer ??= setTimeout(flushListUpdates, LIST_UPDATE_WINDOW_MS);
  }

  function deliverMessage(
    conn: Connection,
    event: Extract<DomainEvent, { type: 'message.created' }>,
    wire: string,
  ): void {
    const { conversationId } = event;
    const held = conn.catchingUp.get(conversationId);
    if (held) {
      held.push(event);
      return;
    }
    const last = conn.lastSent.get(conversationId);
    const seq = event.message.seq;
    if (last !== undefined && seq <= last) return;
    if (last !== undefined && seq > last + 1 && conn.followed.has(conversationId)) {
      // Events can arrive out of order across app nodes, and customers never see private notes: read the gap from
      // the database instead of guessing.
      catchUpOrReconnect(conn, conversationId, last, [event]);
      return;
    }
    conn.lastSent.set(conversationId, seq);
    send(conn, wire);
  }

  /**
   * A catch-up nobody awaits (a gap seen live, fan-out resuming): if the database cannot be read just now, the
   * connection is closed as "try again later", and the client's reconnect subscribes from the seq it really has.
   */
  function catchUpOrReconnect(
    conn: Connection,
    conversationId: string,
    afterSeq: number,
    pending: Extract<DomainEvent, { type: 'message.created' }>[] = [],
  ): void {
    catchUp(conn, conversationId, afterSeq, pending).catch((error: unknown) => {
      log.warn({ err: error }, 'realtime catch-up failed; asking the client to reconnect');
      conn.socket.close(CLOSE_TRY_AGAIN_LATER, 'catch_up_failed');
    });
  }

  async function catchUp(
    conn: Connection,
    conversationId: string,
    afterSeq: number,
    pending: Extract<DomainEvent, { type: 'message.created' }>[] = [],
    /**
     * The conversation's last seq, read after its live events began to be held: a client that has it already needs
     * no replay (anything newer is among the held events), which spares a read on nearly every subscribe.
     */
    knownLastSeq = Number.POSITIVE_INFINITY,
  ): Promise<void> {
    if (conn.catchingUp.has(conversationId)) {
      conn.catchingUp.get(conversationId)!.push(...pending);
      return;
    }
    const held = [...pending];
    conn.catchingUp.set(conversationId, held);
    conn.lastSent.set(conversationId, afterSeq);
    try {
      const includePrivate = conn.identity.role === 'agent';
      let cursor = afterSeq;
      while (cursor < knownLastSeq) {
        const rows = await listMessageRowsAfter({ db, org: { id: conn.identity.orgId } }, conversationId, {
          afterSeq: cursor,
          limit: REPLAY_PAGE,
          includePrivate,
        });
        for (const row of rows) {
          const message = messageForViewer(seesFull(conn), toMessage(row));
          send(conn, { type: 'message.created', conversationId, seq: row.seq, message, replay: true });
          cursor = row.seq;
        }
        if (rows.length < REPLAY_PAGE) break;
      }
      conn.lastSent.set(conversationId, cursor);
    } finally {
      conn.catchingUp.delete(conversationId);
    }
    for (const event of held.sort((a, b) => a.message.seq - b.message.seq)) {
      const last = conn.lastSent.get(conversationId) ?? 0;
      if (event.message.seq <= last) continue;
      conn.lastSent.set(conversationId, event.message.seq);
      const message = messageForViewer(seesFull(conn), event.message);
      send(conn, { type: 'message.created', conversationId, seq: event.message.seq, message });
    }
  }

  function publishPresence(orgId: string, agentId: string, online: boolean, echo = false): void {
    events.publish({
      type: 'presence',
      orgId,
      agentId,
      online,
      at: new Date().toISOString(),
      ...(echo ? { echo } : {}),
    });
  }

  function onDomainEvent(event: DomainEvent): void {
    switch (event.type) {
      case 'message.created': {
        // Each kind is serialised at most once, however many sockets it goes to.
        let wire: string | undefined;
        let delta: string | undefined;
        const full = () =>
          (wire ??= JSON.stringify({
            type: 'message.created',
            conversationId: event.conversationId,
            seq: event.message.seq,
            message: event.message,
          } satisfies ServerEvent));
        // Only an inbound email's metadata differs for an agent who sees personal data masked.
        const maskedMessage = messageForViewer(false, event.message);
        let maskedWire: string | undefined;
        const masked = () =>
          (maskedWire ??= JSON.stringify({
            type: 'message.created',
            conversationId: event.conversationId,
            seq: event.message.seq,
            message: maskedMessage,
          } satisfies ServerEvent));
        const forAgent = (conn: Connection) => (maskedMessage === event.message || seesFull(conn) ? full() : masked());
        for (const conn of agentsByOrg.get(event.orgId) ?? []) {
          const { conversationId } = event;
          if (conn.followed.has(conversationId) || conn.catchingUp.has(conversationId)) {
            deliverMessage(conn, event, forAgent(conn));
            continue;
          }
          // Never seq-filtered: events of one conversation can arrive out of order across nodes, and the console
          // keeps the highest seq per row, so dropping "old" ones could only lose a preview.
          delta ??= JSON.stringify({
            type: 'conversation.activity',
            conversationId,
            seq: event.message.seq,
            lastMessage: {
              body: event.message.body.slice(0, PREVIEW_CHARS),
              authorKind: event.message.authorKind,
              private: event.message.private,
            },
            lastActivityAt: event.message.createdAt,
          } satisfies ServerEvent);
          sendListUpdate(conn, delta);
        }
        if (!event.message.private) {
          for (const conn of customersByContact.get(event.contactId) ?? []) deliverMessage(conn, event, full());
        }
        return;
      }
      case 'conversation.created':
      case 'conversation.updated': {
        const wire = JSON.stringify({
          type: 'conversation.updated',
          conversation: event.conversation,
        } satisfies ServerEvent);
        let maskedWire: string | undefined;
        const masked = () =>
          (maskedWire ??= JSON.stringify({
            type: 'conversation.updated',
            conversation: conversationForViewer(false, event.conversation),
          } satisfies ServerEvent));
        const conversationId = event.conversation.id;
        // Followers (and viewers) get it at once; the other consoles with their next list flush.
        for (const conn of agentsByOrg.get(event.orgId) ?? []) {
          const forConn = seesFull(conn) ? wire : masked();
          if (conn.followed.has(conversationId) || conn.viewing.has(conversationId)) send(conn, forConn);
          else sendListUpdate(conn, forConn);
        }
        sendToCustomer(event.orgId, event.conversation.contact.id, wire);
        return;
      }
      case 'typing': {
        const wire = JSON.stringify({
          type: 'typing',
          conversationId: event.conversationId,
          author: { kind: event.author.kind, name: event.author.name },
          typing: event.typing,
        } satisfies ServerEvent);
        // Consoles show typing only in an open conversation: the others are not written to on every keystroke.
        for (const conn of agentsByOrg.get(event.orgId) ?? []) {
          if (conn.identity.role === 'agent' && conn.identity.agentId === event.author.id) continue;
          if (conn.followed.has(event.conversationId) || conn.viewing.has(event.conversationId)) send(conn, wire);
        }
        if (event.author.kind === 'agent') {
          for (const conn of customersByContact.get(event.contactId) ?? []) send(conn, wire);
        }
        return;
      }
      case 'queue.position': {
        const wire = JSON.stringify({
          type: 'queue.position',
          conversationId: event.conversationId,
          position: event.position,
          estimatedWaitSeconds: event.estimatedWaitSeconds,
        } satisfies ServerEvent);
        sendToCustomer(event.orgId, event.contactId, wire);
        return;
      }
      case 'presence': {
        // Another node says this agent left, but a console of theirs is still connected here: say so, after it.
        if (!event.online && !event.echo && (agentConnectionCounts.get(event.agentId) ?? 0) > 0) {
          publishPresence(event.orgId, event.agentId, true, true);
          return;
        }
        const wire = JSON.stringify({
          type: 'presence',
          agentId: event.agentId,
          online: event.online,
        } satisfies ServerEvent);
        for (const conn of agentsByOrg.get(event.orgId) ?? []) send(conn, wire);
        return;
      }
      case 'notification.created': {
        const wire = JSON.stringify({ type: 'notification', notification: event.notification } satisfies ServerEvent);
        for (const conn of agentsByOrg.get(event.orgId) ?? []) {
          if (conn.identity.role === 'agent' && conn.identity.agentId === event.agentId) send(conn, wire);
        }
        return;
      }
      case 'csat.requested': {
        const wire = JSON.stringify({
          type: 'csat.requested',
          conversationId: event.conversationId,
          locale: event.locale,
        } satisfies ServerEvent);
        sendToCustomer(event.orgId, event.contactId, wire);
        return;
      }
      case 'case.changed':
      case 'exchange.account_frozen': {
        // Only "this sidebar is stale": consoles reload it through the API, which masks by role.
        if (!event.conversationId) return;
        const wire = JSON.stringify({
          type: 'exchange.changed',
          conversationId: event.conversationId,
          reason: event.type === 'case.changed' ? 'case' : 'account_frozen',
        } satisfies ServerEvent);
        for (const conn of agentsByOrg.get(event.orgId) ?? []) if (conn.identity.role === 'agent') send(conn, wire);
        return;
      }
      case 'surge.changed': {
        const wire = JSON.stringify({
          type: 'surge.changed',
          active: event.active,
          since: event.since,
          reason: event.reason,
          manual: event.manual,
        } satisfies ServerEvent);
        for (const conn of agentsByOrg.get(event.orgId) ?? []) send(conn, wire);
        for (const set of customersByContact.values()) {
          for (const conn of set) if (conn.identity.orgId === event.orgId) send(conn, wire);
        }
        return;
      }
      case 'complaint.opened':
      case 'followup.changed': {
        const { orgId, type: _type, ...rest } = event;
        const wire = JSON.stringify({ type: event.type, ...rest } as ServerEvent);
        // Reports about an agent must never reach that agent: complaints go to supervisors and admins only.
        for (const conn of agentsByOrg.get(orgId) ?? []) {
          if (conn.identity.role === 'agent' && conn.identity.agentRole !== 'agent') send(conn, wire);
        }
        return;
      }
      case 'viewing': {
        const wire = JSON.stringify({
          type: 'viewing',
          conversationId: event.conversationId,
          agent: event.agent,
          viewing: event.viewing,
        } satisfies ServerEvent);
        const echoed = new Set<string>();
        for (const conn of agentsByOrg.get(event.orgId) ?? []) {
          if (conn.identity.role !== 'agent' || conn.identity.agentId === event.agent.id) continue;
          send(conn, wire);
          // A newcomer learns who was already there: every node answers for its own viewers, once per agent.
          if (event.viewing && !event.echo && conn.viewing.has(event.conversationId)) {
            if (echoed.has(conn.identity.agentId)) continue;
            echoed.add(conn.identity.agentId);
            events.publish({
              type: 'viewing',
              orgId: event.orgId,
              conversationId: event.conversationId,
              agent: { id: conn.identity.agentId, name: conn.identity.name },
              viewing: true,
              echo: true,
            });
          }
        }
        return;
      }
    }
  }

  /** Whether another connection of the same agent still has the conversation open. */
  function agentStillViewing(conn: Connection, conversationId: string): boolean {
    if (conn.identity.role !== 'agent') return false;
    const agentId = conn.identity.agentId;
    for (const other of agentsByOrg.get(conn.identity.orgId) ?? []) {
      if (other !== conn && other.identity.role === 'agent' && other.identity.agentId === agentId) {
        if (other.viewing.has(conversationId)) return true;
      }
    }
    return false;
  }

  function publishViewing(conn: Connection, conversationId: string, viewing: boolean): void {
    if (conn.identity.role !== 'agent') return;
    events.publish({
      type: 'viewing',
      orgId: conn.identity.orgId,
      conversationId,
      agent: { id: conn.identity.agentId, name: conn.identity.name },
      viewing,
    });
  }

  // Cluster scope: a customer connected to another node still reaches the agents connected here.
  const unsubscribe = events.subscribe(onDomainEvent, { scope: 'cluster' });
  // Fan-out from other nodes resumed after an outage: what they published in between never came. A widget follows
  // its conversations, so it is caught up in place; a console also shows lists, previews and counts, so it is asked
  // to reconnect, which reloads them (and resubscribes by seq).
  const stopResync = events.onResync?.(() => {
    for (const set of agentsByOrg.values()) {
      for (const conn of set) conn.socket.close(CLOSE_SERVICE_RESTART, 'resync');
    }
    for (const set of customersByContact.values()) {
      for (const conn of set) {
        for (const conversationId of conn.followed) {
          catchUpOrReconnect(conn, conversationId, conn.lastSent.get(conversationId) ?? 0);
        }
      }
    }
  });

  function ctxFor(conn: Connection): Ctx {
    const id = conn.identity;
    return {
      db,
      log,
      events,
      org: { id: id.orgId },
      actor:
        id.role === 'agent'
          ? { kind: 'agent', id: id.agentId, name: id.name, role: id.agentRole }
          : { kind: 'customer', contactId: id.contactId, name: id.name },
    };
  }

  /** To the customer's open widgets, in this organization only (one person may be a contact of several). */
  function sendToCustomer(orgId: string, contactId: string, wire: string): void {
    for (const conn of customersByContact.get(contactId) ?? []) {
      if (conn.identity.orgId === orgId) send(conn, wire);
    }
  }

  async function findConversationFor(conn: Connection, conversationId: string) {
    const row = await findConversationAccess({ db, org: { id: conn.identity.orgId } }, conversationId);
    if (!row) return undefined;
    if (conn.identity.role === 'customer' && row.contact_id !== conn.identity.contactId) return undefined;
    return row;
  }

  async function handleClientEvent(conn: Connection, event: ClientEvent): Promise<void> {
    switch (event.type) {
      case 'ping':
        send(conn, { type: 'pong' });
        return;
      case 'subscribe': {
        const { conversationId } = event;
        // Live events of the organization reach this socket while access is checked: they wait (in order) and are
        // merged with the replay by seq, so none is sent twice and none is skipped.
        const holding = !conn.catchingUp.has(conversationId);
        if (holding) conn.catchingUp.set(conversationId, []);
        let lastSeq: number | undefined;
        try {
          lastSeq = (await findConversationFor(conn, conversationId))?.last_seq;
        } catch (error) {
          if (holding) {
            conn.catchingUp.delete(conversationId);
            // What was held cannot be merged now: the client's reconnect subscribes again from the seq it has.
            conn.socket.close(CLOSE_TRY_AGAIN_LATER, 'subscribe_failed');
          }
          throw error;
        }
        if (lastSeq === undefined) {
          if (holding) conn.catchingUp.delete(conversationId);
          throw new AppError('conversation_not_found');
        }
        // What is queued for its list row goes first, so no older update can land after the live ones.
        flushListUpdatesOf(conn);
        conn.followed.add(conversationId);
        const held = holding ? (conn.catchingUp.get(conversationId) ?? []) : [];
        if (holding) conn.catchingUp.delete(conversationId);
        try {
          await catchUp(conn, conversationId, event.afterSeq, held, lastSeq);
        } catch (error) {
          conn.socket.close(CLOSE_TRY_AGAIN_LATER, 'subscribe_failed');
          throw error;
        }
        send(conn, {
          type: 'subscribed',
          conversationId,
          lastSeq: conn.lastSent.get(conversationId) ?? event.afterSeq,
        });
        return;
      }
      case 'unsubscribe':
        conn.followed.delete(event.conversationId);
        // An agent goes back to list deltas; a later subscribe says again from which seq it wants the messages.
        if (conn.identity.role === 'agent') conn.lastSent.delete(event.conversationId);
        return;
      case 'typing': {
        const row = await findConversationFor(conn, event.conversationId);
        if (!row) throw new AppError('conversation_not_found');
        const id = conn.identity;
        events.publish({
          type: 'typing',
          orgId: id.orgId,
          conversationId: row.id,
          contactId: row.contact_id,
          author:
            id.role === 'agent'
              ? { kind: 'agent', id: id.agentId, name: id.name }
              : { kind: 'customer', id: id.contactId, name: id.name },
          typing: event.typing,
        });
        return;
      }
      case 'viewing': {
        if (conn.identity.role !== 'agent') throw new AppError('forbidden');
        if (event.viewing) {
          if (conn.viewing.has(event.conversationId)) return;
          if (!(await findConversationFor(conn, event.conversationId))) throw new AppError('conversation_not_found');
          flushListUpdatesOf(conn);
          conn.viewing.add(event.conversationId);
          publishViewing(conn, event.conversationId, true);
        } else if (conn.viewing.delete(event.conversationId) && !agentStillViewing(conn, event.conversationId)) {
          publishViewing(conn, event.conversationId, false);
        }
        return;
      }
      case 'send': {
        // The same budget as the HTTP route: a socket is not a way around the limit.
        if (conn.identity.role === 'customer') await deps.limitCustomerMessage?.(conn.identity);
        const message = await postMessage(ctxFor(conn), event.conversationId, {
          body: event.body,
          clientId: event.clientId,
        });
        send(conn, {
          type: 'ack',
          clientId: event.clientId,
          conversationId: event.conversationId,
          seq: message.seq,
          messageId: message.id,
        });
        return;
      }
    }
  }

  function onRawMessage(conn: Connection, data: unknown): void {
    let parsed: ClientEvent;
    try {
      const raw: unknown = JSON.parse(String(data));
      const invalidAt = findInvalidText(raw);
      if (invalidAt) {
        // The same text rule as the HTTP API; the client id (when it is itself fine) lets the client mark its message.
        const clientId = (raw as { clientId?: unknown }).clientId;
        send(conn, {
          type: 'error',
          code: 'invalid_characters',
          message: `${invalidAt}: ${INVALID_TEXT_MESSAGE}`,
          clientId: typeof clientId === 'string' && !findInvalidText(clientId) ? clientId : undefined,
        });
        return;
      }
      const result = clientEventSchema.safeParse(raw);
      if (!result.success) {
        send(conn, {
          type: 'error',
          code: 'validation_failed',
          message: result.error.issues[0]?.message ?? 'Invalid event',
        });
        return;
      }
      parsed = result.data;
    } catch {
      send(conn, { type: 'error', code: 'malformed_json', message: 'Events must be JSON.' });
      return;
    }
    handleClientEvent(conn, parsed).catch((error: unknown) => {
      const clientId = parsed.type === 'send' ? parsed.clientId : undefined;
      if (error instanceof AppError) {
        const retryAfterSeconds = error.retryAfterSeconds;
        send(conn, { type: 'error', code: error.code, message: error.message, clientId, retryAfterSeconds });
      } else {
        log.error({ err: error }, 'realtime event failed');
        send(conn, { type: 'error', code: 'internal_error', message: 'Something went wrong on our side.', clientId });
      }
    });
  }

  const heartbeat = setInterval(() => {
    for (const set of [...agentsByOrg.values(), ...customersByContact.values()]) {
      for (const conn of set) {
        if (!conn.alive) {
          conn.socket.terminate();
          continue;
        }
        conn.alive = false;
        conn.socket.ping();
      }
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    accept(socket, identity, earlyFrames = []) {
      const conn: Connection = {
        socket,
        identity,
        lastSent: new Map(),
        followed: new Set(),
        catchingUp: new Map(),
        viewing: new Set(),
        listPending: [],
        listQuietUntil: 0,
        alive: true,
      };
      if (identity.role === 'agent') {
        addTo(agentsByOrg, identity.orgId, conn);
        const count = (agentConnectionCounts.get(identity.agentId) ?? 0) + 1;
        agentConnectionCounts.set(identity.agentId, count);
        if (count === 1) publishPresence(identity.orgId, identity.agentId, true);
      } else {
        addTo(customersByContact, identity.contactId, conn);
      }
      socket.on('pong', () => {
        conn.alive = true;
      });
      socket.on('message', (data) => {
        conn.alive = true;
        onRawMessage(conn, data);
      });
      socket.on('close', () => {
        if (identity.role === 'agent') {
          removeFrom(agentsByOrg, identity.orgId, conn);
          for (const conversationId of conn.viewing) {
            if (!agentStillViewing(conn, conversationId)) publishViewing(conn, conversationId, false);
          }
          const count = (agentConnectionCounts.get(identity.agentId) ?? 1) - 1;
          if (count <= 0) {
            agentConnectionCounts.delete(identity.agentId);
            publishPresence(identity.orgId, identity.agentId, false);
          } else {
            agentConnectionCounts.set(identity.agentId, count);
          }
        } else {
          removeFrom(customersByContact, identity.contactId, conn);
        }
      });
      send(conn, { type: 'hello', role: identity.role, serverTime: new Date().toISOString() });
      for (const frame of earlyFrames) onRawMessage(conn, frame);
    },
    isAgentOnline(agentId) {
      return (agentConnectionCounts.get(agentId) ?? 0) > 0;
    },
    close() {
      clearInterval(heartbeat);
      clearTimeout(listFlushTimer);
      unsubscribe();
      stopResync?.();
      for (const set of [...agentsByOrg.values(), ...customersByContact.values()]) {
        for (const conn of set) conn.socket.close(1001, 'server shutting down');
      }
    },
  };
}
