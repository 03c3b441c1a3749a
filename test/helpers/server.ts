import crypto from 'node:crypto';
import pino from 'pino';
import WebSocket from 'ws';
import type { ServerEvent } from '../../src/contracts/realtime.ts';
import { createApp } from '../../src/server/app.ts';
import { insertAgent, updateAgentTotp } from '../../src/server/auth/auth.queries.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { createTotpSecret, currentTotp } from '../../src/server/auth/totp.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/db.ts';
import { createInProcessBus, type EventBus } from '../../src/server/events/bus.ts';
import type { App } from '../../src/server/http/types.ts';
import { insertInbox, insertOrg } from '../../src/server/orgs/orgs.queries.ts';
import { seedStarterKb } from '../../src/server/seed/starter-kb.ts';
import { signIdentityToken } from '../../src/server/visitors/tokens.ts';
import './test-secret-key.ts';

export type TestOrg = {
  id: string;
  slug: string;
  inboxId: string;
  identitySecret: string;
  agents: { admin: TestAgent; agent: TestAgent; secure: TestAgent };
};
export type TestAgent = { id: string; email: string; password: string; totpSecret?: string };

export const PASSWORD = 'correct horse battery staple';

/** A small factory: an organization with a web inbox, an admin, an agent and a 2FA-enrolled supervisor. */
export async function createTestOrg(
  db: Db,
  slug = `org-${crypto.randomBytes(4).toString('hex')}`,
  /** bot: the inbox has its bot on; kb (default: as bot): the starter knowledge base is imported and published. */
  options: { bot?: boolean; kb?: boolean } = {},
): Promise<TestOrg> {
  const id = await insertOrg(db, { slug, name: `Exchange ${slug}`, requireTotp: false });
  const identitySecret = crypto.randomBytes(24).toString('base64url');
  const inboxId = await insertInbox(db, {
    orgId: id,
    kind: 'web',
    name: 'Website',
    identitySecret,
    settings: { bot: { enabled: options.bot ?? false } },
  });
  const passwordHash = await hashPassword(PASSWORD);
  const make = async (role: 'admin' | 'agent' | 'supervisor', totp: boolean): Promise<TestAgent> => {
    const email = `${role}-${slug}@example.test`;
    const agentId = await insertAgent(db, {
      orgId: id,
      email,
      name: `${role} ${slug}`,
      passwordHash,
      role,
      locale: 'en',
    });
    let totpSecret: string | undefined;
    if (totp) {
      totpSecret = createTotpSecret();
      await updateAgentTotp(db, id, agentId, { secret: totpSecret, enabled: true });
    }
    return { id: agentId, email, password: PASSWORD, totpSecret };
  };
  if (options.kb ?? options.bot) {
    const log = pino({ level: 'silent' });
    await seedStarterKb({ db, log, events: createInProcessBus(log) }, id);
  }
  return {
    id,
    slug,
    inboxId,
    identitySecret,
    agents: {
      admin: await make('admin', false),
      agent: await make('agent', false),
      secure: await make('supervisor', true),
    },
  };
}

export type TestServer = { app: App; url: string; wsUrl: string; db: Db; close(): Promise<void> };
/** What startTestServer gives besides: its event bus and its bot (to wait until the bot has answered). */
export type TestServerWithBot = TestServer & {
  events: EventBus;
  bot: Awaited<ReturnType<typeof createApp>>['bot'];
  /** kefu's SMTP listener's port, when KEFU_SMTP_PORT was given. */
  smtpPort: number | undefined;
};

export async function startTestServer(
  db: Db,
  env: Record<string, string> = {},
  /** log: the server's logger (default silent; the secrets-in-logs suite captures one at debug level). */
  options: { events?: EventBus; log?: pino.Logger } = {},
): Promise<TestServerWithBot> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    KEFU_LOGIN_MAX_FAILURES: '5',
    // The suites drive one visitor at machine speed (50 concurrent sends, bot dialogues without pauses), faster than
    // a person types: the per-visitor limits are raised, the per-address ones stay as shipped, so every widget
    // request still goes through the limiter. test/integration/rate-limits.test.ts sets its own.
    KEFU_WIDGET_RATE_LIMITS: 'message.visitor=100000/10,conversation.visitor=100000/600,session.visitor=100000/60',
    ...env,
  });
  const log = options.log ?? pino({ level: 'silent' });
  const events = options.events ?? createInProcessBus(log);
  // Short polls keep shutdowns (which wait one poll) quick.
  const { app, bot, smtpPort } = await createApp({
    config,
    db,
    log,
    events,
    // The retention suite runs its sweep itself: the node's own first sweep would race the periods it sets.
    jobQueue: { pollingIntervalSeconds: 0.5, retentionSweep: false },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    db,
    events,
    bot,
    smtpPort,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await events.close();
    },
  };
}

export type HttpResult<T = any> = { status: number; body: T; headers: Headers };

export async function request<T = any>(
  url: string,
  init: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.rawBody !== undefined) {
    body = init.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** An agent's browser: the session cookie and the CSRF token it was given at login. */
export type AgentClient = {
  cookie: string;
  csrfToken: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
};

export async function loginAgent(server: TestServer, agent: TestAgent): Promise<AgentClient> {
  const totp = agent.totpSecret ? await currentTotp(agent.totpSecret) : undefined;
  const result = await request(`${server.url}/api/agent/auth/login`, {
    method: 'POST',
    body: { email: agent.email, password: agent.password, ...(totp ? { totp } : {}) },
  });
  if (result.status !== 200) throw new Error(`login failed: ${result.status} ${JSON.stringify(result.body)}`);
  const cookie = (result.headers.get('set-cookie') ?? '').split(';')[0];
  const csrfToken = result.body.csrfToken as string;
  return {
    cookie,
    csrfToken,
    call: (method, path, body) =>
      request(`${server.url}${path}`, { method, body, headers: { cookie, 'x-csrf-token': csrfToken } }),
  };
}

export type VisitorClient = {
  token: string;
  call<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
};

export async function startVisitor(
  server: TestServer,
  org: TestOrg,
  identity?: { uid: string; name?: string; email?: string },
): Promise<VisitorClient> {
  const identityToken = identity ? signIdentityToken(org.identitySecret, identity) : undefined;
  const result = await request(`${server.url}/api/widget/session`, {
    method: 'POST',
    body: { org: org.slug, ...(identityToken ? { identityToken } : {}) },
  });
  if (result.status !== 200) throw new Error(`widget session failed: ${result.status} ${JSON.stringify(result.body)}`);
  const token = result.body.visitorToken as string;
  return {
    token,
    call: (method, path, body) =>
      request(`${server.url}${path}`, { method, body, headers: { authorization: `Bearer ${token}` } }),
  };
}

/** A WebSocket client that records every event and can wait for the ones a test expects. */
export type SocketClient = {
  events: ServerEvent[];
  send(event: unknown): void;
  waitFor<T extends ServerEvent>(predicate: (e: ServerEvent) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

export function connectSocket(url: string, headers: Record<string, string> = {}): Promise<SocketClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const events: ServerEvent[] = [];
    const waiters = new Set<{ predicate: (e: ServerEvent) => boolean; resolve: (e: ServerEvent) => void }>();
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as ServerEvent;
      events.push(event);
      for (const waiter of waiters) {
        if (waiter.predicate(event)) {
          waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        events,
        send: (event) => socket.send(JSON.stringify(event)),
        waitFor: (predicate, timeoutMs = 5000) => {
          const seen = events.find(predicate);
          if (seen) return Promise.resolve(seen as never);
          return new Promise((res, rej) => {
            const timer = setTimeout(
              () => rej(new Error(`timed out waiting; saw ${JSON.stringify(events.slice(-5))}`)),
              timeoutMs,
            );
            waiters.add({
              predicate,
              resolve: (e) => {
                clearTimeout(timer);
                res(e as never);
              },
            });
          });
        },
        close: () =>
          new Promise<void>((res) => {
            if (socket.readyState === socket.CLOSED) return res();
            socket.once('close', () => res());
            socket.close();
          }),
      }),
    );
  });
}

export function messageEvents(events: ServerEvent[], conversationId: string) {
  return events.filter(
    (e): e is Extract<ServerEvent, { type: 'message.created' }> =>
      e.type === 'message.created' && e.conversationId === conversationId,
  );
}
