import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.ts';
import { type CircuitBreaker, type CircuitBreakerOptions, createCircuitBreaker } from './circuit-breaker.ts';
import {
  type ExchangeConnector,
  ExchangeUnavailableError,
  type ExchangeUnavailableReason,
  WITHDRAWAL_STATES,
} from './exchange.types.ts';

/**
 * The connector to an exchange's own backend, following docs/exchange-connector.openapi.yaml. Every request is signed
 * (HMAC-SHA256), bounded by a timeout, retried with backoff only when repeating it cannot do anything twice, and
 * guarded by a circuit breaker. Every response is validated: what the exchange sends is never trusted as is.
 */

// ---------- Signing (the contract's "Signature" section) ----------

/** How far the exchange accepts X-Kefu-Timestamp from its own clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Lower-case hex HMAC-SHA256 of `timestamp \n METHOD \n path-with-query \n body`. */
export function signExchangeRequest(
  secret: string,
  parts: { timestamp: string; method: string; path: string; body: string },
): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`${parts.timestamp}\n${parts.method.toUpperCase()}\n${parts.path}\n${parts.body}`)
    .digest('hex');
}

// ---------- Retries ----------

export type BackoffOptions = { baseMs: number; maxMs: number };

/**
 * "Full jitter": a random delay up to base·2^attempt (capped), so that many kefu nodes retrying after one outage do
 * not all hit the exchange at the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Whether the call may be sent again after a failure: reads, and actions the exchange de-duplicates by request id. */
export function isIdempotent(request: { method: string; body?: unknown; idempotent?: boolean }): boolean {
  if (request.idempotent !== undefined) return request.idempotent;
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const body = request.body as { requestId?: unknown } | undefined;
  return typeof body?.requestId === 'string' && body.requestId.length > 0;
}

/** Failures that say nothing about the request itself, so the same request may succeed later. */
const TRANSIENT: ReadonlySet<ExchangeUnavailableReason> = new Set(['timeout', 'server_error', 'network']);
/** Failures that mean the exchange is not working; they count towards opening the circuit. */
const BREAKER_FAILURES: ReadonlySet<ExchangeUnavailableReason> = new Set([
  'timeout',
  'server_error',
  'network',
  'malformed_response',
]);

// ---------- Wire schemas (the contract's components/schemas) ----------

const isoDateTime = z.iso.datetime({ offset: true });
const decimal = z.string().regex(/^\d+(\.\d+)?$/);
const nonEmpty = z.string().min(1).max(256);

const accountSchema = z.object({
  uid: nonEmpty,
  email: z.string().max(320),
  kycLevel: z.number().int().min(0),
  vipLevel: z.number().int().min(0),
  status: z.enum(['active', 'locked', 'frozen', 'restricted']),
  registeredAt: isoDateTime,
  locale: z.enum(['zh-CN', 'zh-TW', 'en']),
  antiPhishingCode: z.string().max(64).nullable(),
});
const depositAddressSchema = z.object({
  coin: nonEmpty,
  network: nonEmpty,
  address: nonEmpty,
  memo: z.string().max(256).nullable(),
});
const depositSchema = z.object({
  id: nonEmpty,
  uid: nonEmpty,
  coin: nonEmpty,
  network: nonEmpty,
  amount: decimal,
  txHash: nonEmpty,
  address: nonEmpty,
  memo: z.string().max(256).nullable(),
  status: z.enum(['pending', 'credited', 'failed']),
  creditedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  confirmations: z.number().int().min(0).nullable().optional(),
  requiredConfirmations: z.number().int().min(0).nullable().optional(),
});
const withdrawalSchema = z.object({
  id: nonEmpty,
  uid: nonEmpty,
  coin: nonEmpty,
  network: nonEmpty,
  amount: decimal,
  address: nonEmpty,
  memo: z.string().max(256).nullable(),
  state: z.enum(WITHDRAWAL_STATES),
  reasonCode: z.string().max(128).nullable(),
  txHash: z.string().max(256).nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
const loginSchema = z.object({
  at: isoDateTime,
  ip: z.string().min(1).max(64),
  device: z.string().max(256),
  country: z.string().max(64),
});
const accountStatusResult = z.object({ status: accountSchema.shape.status });

export const exchangeWireSchemas = {
  account: z.object({ account: accountSchema }),
  depositAddresses: z.object({ addresses: z.array(depositAddressSchema) }),
  deposits: z.object({ deposits: z.array(depositSchema) }),
  deposit: z.object({ deposit: depositSchema }),
  withdrawals: z.object({ withdrawals: z.array(withdrawalSchema) }),
  withdrawal: z.object({ withdrawal: withdrawalSchema }),
  logins: z.object({ logins: z.array(loginSchema) }),
  accountStatus: accountStatusResult,
  revoked: z.object({
    sessionsRevoked: z.number().int().min(0),
    apiKeysRevoked: z.number().int().min(0),
  }),
  error: z.object({ error: z.object({ code: z.string().max(128), message: z.string().max(2000) }) }),
};

// ---------- The client ----------

export type HttpConnectorOptions = {
  baseUrl: string;
  keyId: string;
  secret: string;
  timeoutMs?: number;
  /** Extra attempts for idempotent calls after a transient failure. */
  retries?: number;
  backoff?: BackoffOptions;
  breaker?: CircuitBreakerOptions;
  clock?: Clock;
  log?: Logger;
  /** Injected by tests so that backoff takes no real time. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
};

export type ExchangeRequest = {
  /** A name for logs and errors; paths hold UIDs and hashes, so they are never logged. */
  endpoint: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  /** Defaults to isIdempotent(): GETs, and bodies carrying a requestId. */
  idempotent?: boolean;
};

export type ExchangeResponse = { status: number; body: unknown };

export type ExchangeClient = {
  /**
   * Resolves with a 2xx or 404 answer, through `parse` when given (its ExchangeUnavailableError counts as a failed
   * call, so a malformed answer trips the breaker like an outage); every other outcome is an ExchangeUnavailableError.
   */
  send<T = ExchangeResponse>(request: ExchangeRequest, parse?: (response: ExchangeResponse) => T): Promise<T>;
  breaker: CircuitBreaker;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createExchangeClient(options: HttpConnectorOptions): ExchangeClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const backoff = options.backoff ?? { baseMs: 200, maxMs: 2000 };
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const breaker = createCircuitBreaker({ clock, ...options.breaker });

  async function attempt(request: ExchangeRequest): Promise<ExchangeResponse> {
    const url = new URL(request.path.replace(/^\//, ''), base);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const target = url.pathname + url.search;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-kefu-key-id': options.keyId,
      'x-kefu-timestamp': timestamp,
      'x-kefu-signature': signExchangeRequest(options.secret, {
        timestamp,
        method: request.method,
        path: target,
        body,
      }),
    };
    if (body) headers['content-type'] = 'application/json';

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: body || undefined,
        signal: controller.signal,
        // The signed headers must not follow a redirect to wherever it points.
        redirect: 'error',
      });
      status = response.status;
      // The body is read under the same deadline: a server that sends headers and then stalls is a timeout too.
      text = await response.text();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new ExchangeUnavailableError('timeout', `${request.endpoint}: no answer within ${timeoutMs} ms`);
      }
      throw new ExchangeUnavailableError('network', `${request.endpoint}: ${(error as Error).cause ?? error}`);
    } finally {
      clearTimeout(timer);
    }

    if (status >= 500 || status === 429) {
      throw new ExchangeUnavailableError('server_error', `${request.endpoint}: the exchange answered HTTP ${status}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (status >= 200 && status < 300) {
      if (parsed === undefined) {
        throw new ExchangeUnavailableError('malformed_response', `${request.endpoint}: HTTP ${status} without JSON`);
      }
      return { status, body: parsed };
    }
    const error = exchangeWireSchemas.error.safeParse(parsed);
    if (status === 404) {
      // A 404 without the contract's error body is a wrong base URL or a proxy, not "no such account".
      if (!error.success) {
        throw new ExchangeUnavailableError('malformed_response', `${request.endpoint}: HTTP 404 without an error body`);
      }
      return { status, body: parsed };
    }
    const code = error.success ? error.data.error.code : `http_${status}`;
    throw new ExchangeUnavailableError('rejected', `${request.endpoint}: the exchange refused the request (${code})`);
  }

  async function send<T>(request: ExchangeRequest, parse?: (response: ExchangeResponse) => T): Promise<T> {
    const attempts = isIdempotent(request) ? 1 + retries : 1;
    for (let i = 0; ; i++) {
      if (!breaker.tryAcquire()) {
        throw new ExchangeUnavailableError('circuit_open', `${request.endpoint}: the exchange is failing; not called`);
      }
      try {
        const response = await attempt(request);
        const result = parse ? parse(response) : (response as T);
        breaker.recordSuccess();
        return result;
      } catch (error) {
        const reason = error instanceof ExchangeUnavailableError ? error.reason : 'network';
        if (BREAKER_FAILURES.has(reason)) breaker.recordFailure();
        else breaker.recordSuccess();
        options.log?.warn({ endpoint: request.endpoint, attempt: i + 1, reason }, 'exchange call failed');
        if (!TRANSIENT.has(reason) || i + 1 >= attempts) throw error;
      }
      await sleep(backoffDelay(i, backoff, random));
    }
  }

  return { send, breaker };
}

/** The ExchangeConnector over HTTP. Records are checked to belong to the UID asked about: a mix-up is never shown. */
export function createHttpConnector(options: HttpConnectorOptions): ExchangeConnector & { client: ExchangeClient } {
  const client = createExchangeClient(options);
  const seg = encodeURIComponent;

  async function read<S extends z.ZodType>(
    request: Omit<ExchangeRequest, 'method'>,
    schema: S,
  ): Promise<z.infer<S> | null> {
    return client.send({ ...request, method: 'GET' }, (response) =>
      response.status === 404 ? null : validate(request.endpoint, schema, response.body),
    );
  }

  async function act<S extends z.ZodType>(request: Omit<ExchangeRequest, 'method'>, schema: S): Promise<z.infer<S>> {
    const response = await client.send({ ...request, method: 'POST' }, (r) =>
      r.status === 404 ? null : validate(request.endpoint, schema, r.body),
    );
    if (response === null) {
      throw new ExchangeUnavailableError('rejected', `${request.endpoint}: the exchange has no such account`);
    }
    return response;
  }

  function sameUid<T extends { uid: string }>(endpoint: string, uid: string, records: T[]): T[] {
    if (records.some((r) => r.uid !== uid)) {
      throw new ExchangeUnavailableError('malformed_response', `${endpoint}: the exchange answered for another UID`);
    }
    return records;
  }

  return {
    client,
    async getAccount(uid) {
      const found = await read(
        { endpoint: 'getAccount', path: `v1/accounts/${seg(uid)}` },
        exchangeWireSchemas.account,
      );
      return found ? sameUid('getAccount', uid, [found.account])[0] : null;
    },
    async findAccountByEmail(email) {
      // POST so the address stays out of URLs (and every proxy log on the way); a read, so safe to retry.
      return client.send(
        {
          endpoint: 'findAccountByEmail',
          method: 'POST',
          path: 'v1/accounts/lookup',
          body: { email },
          idempotent: true,
        },
        (response) =>
          response.status === 404
            ? null
            : validate('findAccountByEmail', exchangeWireSchemas.account, response.body).account,
      );
    },
    async listDepositAddresses(uid) {
      const found = await read(
        { endpoint: 'listDepositAddresses', path: `v1/accounts/${seg(uid)}/deposit-addresses` },
        exchangeWireSchemas.depositAddresses,
      );
      return found?.addresses ?? [];
    },
    async listDeposits(uid, opts) {
      const found = await read(
        { endpoint: 'listDeposits', path: `v1/accounts/${seg(uid)}/deposits`, query: { limit: opts?.limit } },
        exchangeWireSchemas.deposits,
      );
      return sameUid('listDeposits', uid, found?.deposits ?? []);
    },
    async findDepositByTxHash(txHash) {
      const found = await read(
        { endpoint: 'findDepositByTxHash', path: `v1/deposits/by-tx/${seg(txHash)}` },
        exchangeWireSchemas.deposit,
      );
      return found?.deposit ?? null;
    },
    async listWithdrawals(uid, opts) {
      const found = await read(
        { endpoint: 'listWithdrawals', path: `v1/accounts/${seg(uid)}/withdrawals`, query: { limit: opts?.limit } },
        exchangeWireSchemas.withdrawals,
      );
      return sameUid('listWithdrawals', uid, found?.withdrawals ?? []);
    },
    async getWithdrawal(uid, withdrawalId) {
      const found = await read(
        { endpoint: 'getWithdrawal', path: `v1/accounts/${seg(uid)}/withdrawals/${seg(withdrawalId)}` },
        exchangeWireSchemas.withdrawal,
      );
      return found ? sameUid('getWithdrawal', uid, [found.withdrawal])[0] : null;
    },
    async listRecentLogins(uid, opts) {
      const found = await read(
        { endpoint: 'listRecentLogins', path: `v1/accounts/${seg(uid)}/logins`, query: { limit: opts?.limit } },
        exchangeWireSchemas.logins,
      );
      return found?.logins ?? [];
    },
    freezeAccount: (uid, request) =>
      act(
        { endpoint: 'freezeAccount', path: `v1/accounts/${seg(uid)}/freeze`, body: { ...request } },
        exchangeWireSchemas.accountStatus,
      ),
    revokeSessionsAndApiKeys: (uid, request) =>
      act(
        { endpoint: 'revokeSessionsAndApiKeys', path: `v1/accounts/${seg(uid)}/revoke-sessions`, body: { ...request } },
        exchangeWireSchemas.revoked,
      ),
    unfreezeAccount: (uid, request) =>
      act(
        { endpoint: 'unfreezeAccount', path: `v1/accounts/${seg(uid)}/unfreeze`, body: { ...request } },
        exchangeWireSchemas.accountStatus,
      ),
  };
}

function validate<S extends z.ZodType>(endpoint: string, schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    // Only the field paths: the values may be customer data.
    const where = result.error.issues
      .slice(0, 3)
      .map((issue) => issue.path.join('.') || '(root)')
      .join(', ');
    throw new ExchangeUnavailableError('malformed_response', `${endpoint}: unexpected response shape at ${where}`);
  }
  return result.data;
}
