/**
 * bench:surge's agent consoles, in a process of their own: each agent logs in with password and TOTP, holds the
 * console WebSocket, and answers every customer message of the conversations it is responsible for (a conversation
 * belongs to agent hash(id) mod agents, so each customer message is answered exactly once). It stamps each customer
 * message's arrival at its agent and each reply's send with wallNow(), for bench/surge.ts to join with the customers'.
 *
 * Configured by BENCH_SURGE_AGENTS (JSON, see AgentOptions); answers `status`, `results` and `shutdown`.
 */
import WebSocket from 'ws';
import { currentTotp } from '../src/server/auth/totp.ts';
import { serveParent, sleep, wallNow } from './lib.ts';

export type AgentOptions = {
  entryUrls: string[];
  agents: { email: string; password: string; totpSecret: string }[];
  runTag: string;
  replyBody: string;
};

export type AgentStatus = { connected: number; received: number; replied: number; acked: number; errors: number };
export type AgentResults = {
  status: AgentStatus;
  /** Customer messages seen by their agent: clientId → first arrival, how many times. */
  received: [clientId: string, firstAt: number, times: number][];
  /** The agents' replies: clientId `r…` → sent at, acked at. */
  replies: [clientId: string, sentAt: number, ackAt: number | null][];
  errorCodes: Record<string, number>;
};

const options = JSON.parse(process.env.BENCH_SURGE_AGENTS ?? '{}') as AgentOptions;
const status: AgentStatus = { connected: 0, received: 0, replied: 0, acked: 0, errors: 0 };
const received = new Map<string, [number, number]>();
const replies = new Map<string, [number, number | null]>();
const errorCodes: Record<string, number> = {};
const sockets: WebSocket[] = [];
/** The seqs each agent has of the conversations it answers. */
const following = new Map<string, Set<number>>();
let stopping = false;
const customerPrefix = `c${options.runTag}`;
const noteError = (code: string) => {
  status.errors++;
  errorCodes[code] = (errorCodes[code] ?? 0) + 1;
};

const field = (frame: string, name: string, from = 0) => {
  const at = frame.indexOf(`"${name}":"`, from);
  if (at < 0) return undefined;
  const start = at + name.length + 4;
  return frame.slice(start, frame.indexOf('"', start));
};
export const agentFor = (conversationId: string, agents: number) =>
  Number.parseInt(conversationId.slice(0, 8), 16) % agents;

async function login(base: string, agent: AgentOptions['agents'][number]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${base}/api/agent/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: agent.email, password: agent.password, totp: await currentTotp(agent.totpSecret) }),
    });
    const text = await response.text();
    if (response.ok) return (response.headers.get('set-cookie') ?? '').split(';')[0];
    // A TOTP code is single-use: a retry within the same 30-s step needs the next step's code.
    if (attempt >= 3) throw new Error(`login ${agent.email}: ${response.status} ${text.slice(0, 200)}`);
    await sleep(31_000);
  }
}

async function agent(index: number): Promise<void> {
  const base = options.entryUrls[index % options.entryUrls.length];
  const cookie = await login(base, options.agents[index]);
  const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/agent/ws`, {
    headers: { cookie },
    perMessageDeflate: false,
  });
  sockets[index] = socket;
  socket.on('message', (data) => {
    const at = wallNow();
    const frame = String(data);
    if (frame.startsWith('{"type":"conversation.activity"')) {
      // A conversation this console does not follow yet comes as a list delta: open it (the replay brings its
      // messages in full, from seq 1, through the branch below).
      const conversationId = field(frame, 'conversationId') ?? '';
      if (agentFor(conversationId, options.agents.length) !== index || following.has(conversationId)) return;
      following.set(conversationId, new Set());
      socket.send(JSON.stringify({ type: 'subscribe', conversationId, afterSeq: 0 }));
    } else if (frame.startsWith('{"type":"message.created"')) {
      const conversationId = field(frame, 'conversationId') ?? '';
      if (agentFor(conversationId, options.agents.length) !== index) return;
      // Like the console with the conversation open: follow it from its start, so the gateway fills any gap (events
      // of one conversation can arrive out of order across nodes) and the agent keeps each seq once.
      let seqs = following.get(conversationId);
      if (!seqs) {
        seqs = new Set();
        following.set(conversationId, seqs);
        socket.send(JSON.stringify({ type: 'subscribe', conversationId, afterSeq: 0 }));
      }
      const seq = Number(frame.slice(frame.indexOf('"seq":') + 6, frame.indexOf(',', frame.indexOf('"seq":'))));
      const replay = frame.endsWith('"replay":true}');
      const clientId = field(frame, 'clientId', frame.indexOf('"message"'));
      if (seqs.has(seq)) {
        // The replay this agent asked for repeats what it already had; a live repeat is the server's duplicate.
        const seen = clientId ? received.get(clientId) : undefined;
        if (!replay && seen) seen[1]++;
        return;
      }
      seqs.add(seq);
      if (!clientId?.startsWith(customerPrefix)) return;
      const seen = received.get(clientId);
      if (seen) {
        seen[1]++;
        return;
      }
      received.set(clientId, [at, 1]);
      status.received++;
      const replyId = `r${clientId.slice(1)}`;
      replies.set(replyId, [wallNow(), null]);
      status.replied++;
      socket.send(JSON.stringify({ type: 'send', conversationId, clientId: replyId, body: options.replyBody }));
    } else if (frame.startsWith('{"type":"ack"')) {
      const reply = replies.get(field(frame, 'clientId') ?? '');
      if (reply && reply[1] === null) {
        reply[1] = at;
        status.acked++;
      }
    } else if (frame.startsWith('{"type":"error"')) noteError(field(frame, 'code') ?? 'error');
  });
  socket.on('close', () => {
    if (!stopping) noteError('agent_socket_closed');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  status.connected++;
}

const connecting = Promise.all(options.agents.map((_, i) => agent(i)));

serveParent({
  async connected() {
    await connecting;
    return status;
  },
  async status() {
    return status;
  },
  async results() {
    return {
      status,
      received: [...received].map(([clientId, [firstAt, times]]) => [clientId, firstAt, times]),
      replies: [...replies].map(([clientId, [sentAt, ackAt]]) => [clientId, sentAt, ackAt]),
      errorCodes,
    } satisfies AgentResults;
  },
  async shutdown() {
    stopping = true;
    for (const socket of sockets) socket?.terminate();
    process.exit(0);
  },
});
connecting.catch((error: unknown) => noteError(error instanceof Error ? error.message.slice(0, 120) : 'agent_failed'));
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', pid: process.pid });
