/**
 * One of bench:surge's customer load processes: a slice of the crowd. Each simulated customer arrives at its time on
 * the ramp, creates a widget session, opens a conversation, holds a widget WebSocket (subscribed to it) and sends its
 * messages over it on schedule (open loop: never waiting for an answer). It stamps every send, its ack, every bot
 * reply and every agent reply it receives with wallNow(), so bench/surge.ts can join them with the agents' records.
 *
 * Configured by BENCH_SURGE_LOAD (JSON, see LoadOptions); answers `status`, `results` and `shutdown`.
 */
import WebSocket from 'ws';
import { serveParent, sleep, wallNow } from './lib.ts';

export type LoadOptions = {
  /** Where customers connect, taken in turn (one nginx, or every node). */
  entryUrls: string[];
  orgSlug: string;
  /** This process's customers are first..first+count-1 of total. */
  first: number;
  count: number;
  total: number;
  /** Epoch ms of customer 0's arrival; customer g arrives rampMs·g/total later. */
  startAt: number;
  rampMs: number;
  /** Gap between one customer's messages. */
  gapMs: number;
  messages: number;
  runTag: string;
  bodies: string[];
};

export type LoadStatus = {
  arrived: number;
  accepted: number;
  connected: number;
  sent: number;
  acked: number;
  agentRepliesReceived: number;
  errors: number;
};

/** A customer's send: clientId `c<runTag>-<customer>-<k>`. */
export type CustomerSend = { clientId: string; conversationId: string; sentAt: number; ackAt?: number; seq?: number };
export type LoadResults = {
  status: LoadStatus;
  sends: CustomerSend[];
  /** Agent replies seen by their customer: clientId → first arrival and how many times it arrived. */
  agentReplies: [clientId: string, firstAt: number, times: number][];
  /** Customer send → the first bot message after it, ms. */
  botReplyMs: number[];
  errorCodes: Record<string, number>;
};

const options = JSON.parse(process.env.BENCH_SURGE_LOAD ?? '{}') as LoadOptions;
const status: LoadStatus = {
  arrived: 0,
  accepted: 0,
  connected: 0,
  sent: 0,
  acked: 0,
  agentRepliesReceived: 0,
  errors: 0,
};
type Send = CustomerSend & { botAnswered?: boolean };
const sends = new Map<string, Send>();
const agentReplies = new Map<string, [number, number]>();
const botReplyMs: number[] = [];
const errorCodes: Record<string, number> = {};
const sockets = new Set<WebSocket>();
let stopping = false;

const noteError = (code: string) => {
  status.errors++;
  errorCodes[code] = (errorCodes[code] ?? 0) + 1;
};

async function post<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    // A real widget waits out a 429 or a 503 and tries again; so does this one, and counts it.
    if ((response.status === 429 || response.status === 503) && attempt < 5) {
      noteError(`http_${response.status}`);
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
      continue;
    }
    throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 200)}`);
  }
}

const field = (frame: string, name: string) => {
  const at = frame.indexOf(`"${name}":"`);
  if (at < 0) return undefined;
  const start = at + name.length + 4;
  return frame.slice(start, frame.indexOf('"', start));
};
const numberField = (frame: string, name: string) => {
  const match = frame.match(new RegExp(`"${name}":(\\d+)`));
  return match ? Number(match[1]) : undefined;
};

async function customer(g: number): Promise<void> {
  const arriveAt = options.startAt + (options.rampMs * g) / options.total;
  await sleep(Math.max(0, arriveAt - wallNow()));
  if (stopping) return;
  status.arrived++;
  const base = options.entryUrls[g % options.entryUrls.length];
  const session = await post<{ visitorToken: string }>(`${base}/api/widget/session`, { org: options.orgSlug });
  const auth = { authorization: `Bearer ${session.visitorToken}` };
  const created = await post<{ conversation: { id: string } }>(`${base}/api/widget/conversations`, {}, auth);
  const conversationId = created.conversation.id;
  status.accepted++;
  const mine: Send[] = [];

  const socket = new WebSocket(
    `${base.replace(/^http/, 'ws')}/api/widget/ws?token=${encodeURIComponent(session.visitorToken)}`,
    { perMessageDeflate: false },
  );
  sockets.add(socket);
  let subscribed: () => void = () => {};
  const isSubscribed = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  socket.on('message', (data) => {
    const at = wallNow();
    const frame = String(data);
    if (frame.startsWith('{"type":"message.created"')) {
      const kind = field(frame, 'authorKind');
      if (kind === 'agent') {
        const clientId = field(frame, 'clientId');
        if (!clientId?.startsWith(`r${options.runTag}`)) return;
        const seen = agentReplies.get(clientId);
        if (seen) seen[1]++;
        else {
          agentReplies.set(clientId, [at, 1]);
          status.agentRepliesReceived++;
        }
      } else if (kind === 'bot') {
        // The bot's first message after one of this customer's sends answers that send.
        const seq = numberField(frame, 'seq') ?? 0;
        let answered: Send | undefined;
        for (const send of mine) if (send.seq !== undefined && send.seq < seq) answered = send;
        if (answered && !answered.botAnswered) {
          answered.botAnswered = true;
          botReplyMs.push(at - answered.sentAt);
        }
      }
      return;
    }
    if (frame.startsWith('{"type":"ack"')) {
      const send = sends.get(field(frame, 'clientId') ?? '');
      if (send && send.ackAt === undefined) {
        send.ackAt = at;
        send.seq = numberField(frame, 'seq');
        status.acked++;
      }
    } else if (frame.startsWith('{"type":"subscribed"')) subscribed();
    else if (frame.startsWith('{"type":"error"')) noteError(field(frame, 'code') ?? 'error');
  });
  socket.on('close', () => {
    sockets.delete(socket);
    if (!stopping) noteError('customer_socket_closed');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  status.connected++;
  socket.send(JSON.stringify({ type: 'subscribe', conversationId, afterSeq: 0 }));
  await isSubscribed;

  for (let k = 0; k < options.messages; k++) {
    if (k > 0) await sleep(Math.max(0, arriveAt + k * options.gapMs - wallNow()));
    if (stopping || socket.readyState !== WebSocket.OPEN) {
      noteError('send_socket_not_open');
      return;
    }
    const clientId = `c${options.runTag}-${g}-${k}`;
    const record: Send = { clientId, conversationId, sentAt: wallNow() };
    sends.set(clientId, record);
    mine.push(record);
    status.sent++;
    socket.send(
      JSON.stringify({ type: 'send', conversationId, clientId, body: options.bodies[(g + k) % options.bodies.length] }),
    );
  }
}

const running = Promise.all(
  Array.from({ length: options.count }, (_, i) =>
    customer(options.first + i).catch((error: unknown) => {
      noteError(error instanceof Error ? error.message.slice(0, 80) : 'customer_failed');
    }),
  ),
);

serveParent({
  async status() {
    return status;
  },
  async results() {
    return {
      status,
      sends: [...sends.values()].map(({ clientId, conversationId, sentAt, ackAt, seq }) => ({
        clientId,
        conversationId,
        sentAt,
        ackAt,
        seq,
      })),
      agentReplies: [...agentReplies].map(([clientId, [firstAt, times]]) => [clientId, firstAt, times]),
      botReplyMs,
      errorCodes,
    } satisfies LoadResults;
  },
  async shutdown() {
    stopping = true;
    for (const socket of sockets) socket.terminate();
    await Promise.race([running, sleep(2000)]);
    process.exit(0);
  },
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', pid: process.pid });
