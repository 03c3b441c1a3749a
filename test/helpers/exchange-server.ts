import crypto from 'node:crypto';
import http from 'node:http';
import { type Clock, systemClock } from '../../src/server/clock.ts';
import type { SandboxCustomer } from '../../src/server/exchange/sandbox.ts';

/**
 * A stand-in for an exchange's backend implementing docs/exchange-connector.openapi.yaml, written from the document
 * (not from the connector's code) so the two can disagree. It verifies every signature, keeps its records in memory,
 * and can be told to misbehave for the next requests.
 */

export type ExchangeFault =
  /** 503 without touching anything. */
  | 'server_error'
  /** Carries the action out, then answers 500: the retry must not do it twice. */
  | 'server_error_after_acting'
  /** Never answers (until the server closes). */
  | 'hang'
  | 'malformed_json'
  /** Valid JSON, wrong shape. */
  | 'wrong_shape'
  /** A 404 without the contract's error body, like a proxy in front of the wrong path. */
  | 'bare_404'
  /** Answers with another customer's records (a mix-up on the exchange's side). */
  | 'another_uid';

export type ExchangeHit = { method: string; path: string; verified: boolean; status: number };

export type ExchangeTestServer = {
  /** The base URL kefu is configured with (it has a path prefix, as real deployments often do). */
  url: string;
  hits: ExchangeHit[];
  failNext(fault: ExchangeFault, times?: number): void;
  /** Forgets the hits and any faults not yet used. */
  reset(): void;
  /** Actions carried out, by `action:requestId` (a retried request id is not counted again). */
  actionsDone: Map<string, number>;
  close(): Promise<void>;
};

const PREFIX = '/kefu';
const TOLERANCE_SECONDS = 300;

export async function startExchangeServer(options: {
  keys: Record<string, string>;
  customers: SandboxCustomer[];
  clock?: Clock;
}): Promise<ExchangeTestServer> {
  const clock = options.clock ?? systemClock;
  const customers = new Map(options.customers.map((c) => [c.account.uid, structuredClone(c)]));
  const results = new Map<string, unknown>();
  const actionsDone = new Map<string, number>();
  const hits: ExchangeHit[] = [];
  const faults: ExchangeFault[] = [];

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = req.url ?? '/';
    const hit: ExchangeHit = { method: req.method ?? '', path: target, verified: false, status: 0 };
    hits.push(hit);
    const send = (status: number, payload: unknown, raw?: string) => {
      hit.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(raw ?? JSON.stringify(payload));
    };
    const error = (status: number, code: string) => send(status, { error: { code, message: code.replace(/_/g, ' ') } });

    const refusal = verify(req, target, body);
    if (refusal) return error(401, refusal);
    hit.verified = true;

    const fault = faults.shift();
    if (fault === 'hang') return;
    if (fault === 'server_error') return error(503, 'maintenance');
    if (fault === 'malformed_json') return send(200, null, '{"account": {"uid": ');
    if (fault === 'bare_404') {
      hit.status = 404;
      res.writeHead(404, { 'content-type': 'text/html' });
      return res.end('<h1>Not Found</h1>');
    }

    const url = new URL(target, 'http://exchange.test');
    if (!url.pathname.startsWith(`${PREFIX}/v1/`)) return error(404, 'no_such_endpoint');
    let path = url.pathname.slice(PREFIX.length);
    if (fault === 'another_uid') {
      const asked = decodeURIComponent(path.split('/')[3] ?? '');
      const other = [...customers.keys()].find((uid) => uid !== asked);
      path = path.replace(/^\/v1\/accounts\/[^/]+/, `/v1/accounts/${other}`);
    }
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const answer = route(req.method ?? 'GET', path, body ? JSON.parse(body) : {}, limit);
    if (fault === 'wrong_shape') return send(200, { account: { uid: 42 }, deposits: 'none' });
    if (fault === 'server_error_after_acting') return error(500, 'internal');
    send(answer.status, answer.body);
  });

  function verify(req: http.IncomingMessage, target: string, body: string): string | null {
    const keyId = req.headers['x-kefu-key-id'];
    const timestamp = req.headers['x-kefu-timestamp'];
    const signature = req.headers['x-kefu-signature'];
    if (typeof keyId !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
      return 'signature_missing';
    }
    const secret = options.keys[keyId];
    if (!secret) return 'unknown_key';
    if (!/^\d+$/.test(timestamp) || Math.abs(clock.now().getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
      return 'stale_timestamp';
    }
    const expected = crypto
      .createHmac('sha256', secret)
      .update([timestamp, req.method, target, body].join('\n'))
      .digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'bad_signature';
    return null;
  }

  function route(method: string, path: string, input: Record<string, unknown>, limit: number) {
    const ok = (body: unknown) => ({ status: 200, body });
    const notFound = (code: string) => ({ status: 404, body: { error: { code, message: code } } });
    const parts = path.split('/').slice(2).map(decodeURIComponent);
    if (method === 'POST' && path === '/v1/accounts/lookup') {
      const found = [...customers.values()].find(
        (c) => c.account.email.toLowerCase() === String(input.email).toLowerCase(),
      );
      return found ? ok({ account: publicAccount(found) }) : notFound('account_not_found');
    }
    if (method === 'GET' && parts[0] === 'deposits' && parts[1] === 'by-tx') {
      for (const c of customers.values()) {
        const deposit = c.deposits?.find((d) => d.txHash.toLowerCase() === parts[2].toLowerCase());
        if (deposit) return ok({ deposit: { ...deposit, uid: c.account.uid } });
      }
      return notFound('deposit_not_found');
    }
    if (parts[0] !== 'accounts') return notFound('no_such_endpoint');
    const customer = customers.get(parts[1]);
    if (!customer) return notFound('account_not_found');
    const uid = customer.account.uid;
    const resource = parts[2];
    if (method === 'GET') {
      if (resource === undefined) return ok({ account: publicAccount(customer) });
      if (resource === 'deposit-addresses') return ok({ addresses: customer.addresses ?? [] });
      if (resource === 'deposits')
        return ok({ deposits: (customer.deposits ?? []).slice(0, limit).map((d) => ({ ...d, uid })) });
      if (resource === 'logins') return ok({ logins: (customer.logins ?? []).slice(0, limit) });
      if (resource === 'withdrawals') {
        const withdrawals = (customer.withdrawals ?? []).map((w) => ({ ...w, uid }));
        if (parts[3] === undefined) return ok({ withdrawals: withdrawals.slice(0, limit) });
        const one = withdrawals.find((w) => w.id === parts[3]);
        return one ? ok({ withdrawal: one }) : notFound('withdrawal_not_found');
      }
    }
    if (method === 'POST' && ['freeze', 'revoke-sessions', 'unfreeze'].includes(resource)) {
      const key = `${resource}:${String(input.requestId)}`;
      const earlier = results.get(key);
      if (earlier) return ok(earlier);
      let result: unknown;
      if (resource === 'freeze') {
        customer.account.status = 'frozen';
        result = { status: 'frozen' };
      } else if (resource === 'unfreeze') {
        customer.account.status = 'active';
        result = { status: 'active' };
      } else {
        result = {
          sessionsRevoked: customer.account.activeSessions ?? 0,
          apiKeysRevoked: customer.account.apiKeys ?? 0,
        };
        customer.account.activeSessions = 0;
        customer.account.apiKeys = 0;
      }
      results.set(key, result);
      actionsDone.set(key, (actionsDone.get(key) ?? 0) + 1);
      return ok(result);
    }
    return notFound('no_such_endpoint');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    hits,
    actionsDone,
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    reset() {
      hits.length = 0;
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function publicAccount(customer: SandboxCustomer) {
  const { activeSessions: _sessions, apiKeys: _keys, ...account } = customer.account;
  return account;
}
