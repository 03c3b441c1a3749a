import path from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from './secrets/sealed.ts';
import { DEFAULT_CONTACT_REVEAL_LIMIT, RATE_LIMIT_PATTERN, rateLimitFrom } from './rate-limit/reveal-limits.ts';
import {
  type RateLimit,
  WIDGET_RATE_LIMITS_PATTERN,
  type WidgetRateLimits,
  widgetRateLimitsFrom,
} from './rate-limit/widget-limits.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Where the embedded database lives unless KEFU_DATA_DIR says otherwise; ignored by git (.gitignore). */
export const DEFAULT_DATA_DIR = './.kefu-data';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

const envSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  // Not ./data: that folder holds the shipped intent and FAQ data, and a database in it showed up in `git status`.
  KEFU_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(DEFAULT_DATA_DIR)),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default('info')),
  KEFU_PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  /** The organization the public help centre serves (its slug); the first one created when unset. */
  KEFU_HELP_ORG: z.preprocess(emptyToUndefined, z.string().max(63).optional()),
  /** An OpenAI-compatible chat-completions endpoint for grounded answers (off unless both URL and model are set). */
  KEFU_LLM_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  KEFU_LLM_MODEL: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  KEFU_LLM_API_KEY: z.preprocess(emptyToUndefined, z.string().max(500).optional()),
  KEFU_LLM_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(2500)),
  /** kefu's own SMTP listener for its email inboxes (unset: none). */
  KEFU_SMTP_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  KEFU_SMTP_HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  KEFU_SMTP_MAX_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .default(25 * 1024 * 1024),
  ),
  KEFU_SMTP_TLS_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  KEFU_SMTP_TLS_CERT: z.preprocess(emptyToUndefined, z.string().optional()),
  /** The largest file a customer or agent may send (src/server/files/); default 10 MB, at most 12 MB (the upload
   * contract's 16 MB of base64). */
  KEFU_MAX_FILE_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(12 * 1024 * 1024)
      .optional(),
  ),
  KEFU_SEED_DEMO: z.preprocess(emptyToUndefined, z.enum(['auto', 'always', 'never']).default('auto')),
  KEFU_COOKIE_SECURE: z.preprocess(emptyToUndefined, z.enum(['auto', 'true', 'false']).default('auto')),
  KEFU_LOGIN_MAX_FAILURES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(8)),
  KEFU_WIDGET_RATE_LIMITS: z.preprocess(
    emptyToUndefined,
    z.string().regex(WIDGET_RATE_LIMITS_PATTERN, 'must be rule=limit/seconds, comma-separated').optional(),
  ),
  /** Contact reveals one agent without `pii_read` may make, as limit/seconds (rate-limit/reveal-limits.ts). */
  KEFU_CONTACT_REVEAL_LIMIT: z.preprocess(
    emptyToUndefined,
    z.string().regex(RATE_LIMIT_PATTERN, 'must be limit/seconds, e.g. 30/3600').default(DEFAULT_CONTACT_REVEAL_LIMIT),
  ),
  KEFU_TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[\w.:/]+(,[\w.:/]+)*$/, 'must be true, false, or the addresses/CIDRs of the proxies (comma-separated)')
      .default('false'),
  ),
  KEFU_METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  KEFU_MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('kefu <no-reply@kefu.invalid>')),
  /** Webhook retries wait base × 1, 6, 30, 180, 720 (10 s, 1 min, 5 min, 30 min, 2 h by default). */
  KEFU_WEBHOOK_RETRY_BASE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(10_000)),
  /** Failed deliveries in a row (each after all its retries) before an endpoint is disabled. */
  KEFU_WEBHOOK_DISABLE_AFTER: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(8)),
  /** Lets webhooks reach private and loopback addresses over http (development and tests); never under NODE_ENV=production. */
  KEFU_WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  /** Requests per minute one public-API key may make. */
  KEFU_API_RATE_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(600)),
  /** The Telegram Bot API's base URL (tests point it at a local stub). */
  KEFU_TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url().default('https://api.telegram.org')),
  /** The key stored secrets are sealed with (secrets/sealed.ts): 32 bytes as 64 hex digits or base64. */
  KEFU_SECRET_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((text, zctx) => {
        const key = parseSecretKey(text);
        if (!key) zctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex digits or base64' });
        return key ?? Buffer.alloc(0);
      })
      .optional(),
  ),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  publicUrl: string | undefined;
  seedDemo: 'auto' | 'always' | 'never';
  /** The organization the help centre serves (slug); the oldest when unset. */
  helpOrg: string | undefined;
  /** kefu's SMTP listener (KEFU_SMTP_PORT); undefined: no listener. */
  smtpListener:
    | { port: number; host: string; maxBytes: number; tls?: { keyFile: string; certFile: string } }
    | undefined;
  /** Grounded AI answers from the knowledge base; undefined (off) by default. */
  llm: { url: string; model: string; apiKey: string | undefined; timeoutMs: number } | undefined;
  cookieSecure: 'auto' | 'true' | 'false';
  /** Failed logins per account in 15 minutes before further attempts are refused. */
  loginMaxFailures: number;
  /** Per-address and per-visitor limits of the public widget API (src/server/rate-limit/widget-limits.ts). */
  widgetRateLimits: WidgetRateLimits;
  /** Contact reveals per agent without `pii_read` (KEFU_CONTACT_REVEAL_LIMIT, default 30 an hour). */
  contactRevealLimit: RateLimit;
  /**
   * Which proxies' X-Forwarded-For to believe (Fastify's trustProxy): behind a reverse proxy every request would
   * otherwise come from the proxy's address, and share one address's rate limits.
   */
  trustProxy: boolean | string;
  /** Bearer token for /metrics; unset, /metrics answers loopback callers only. */
  metricsToken: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Outgoing webhooks (src/server/webhooks/): retry base, when an endpoint is disabled, private addresses allowed. */
  webhooks: { retryBaseMs: number; disableAfter: number; allowPrivate: boolean };
  /** Requests per minute per public-API key (/api/v1). */
  apiRateLimitPerMinute: number;
  /** The Telegram Bot API's base URL, without a trailing slash. */
  telegramApiRoot: string;
  /** KEFU_MAX_FILE_BYTES: the largest file sent with a message (files/); unset, 10 MB. */
  maxFileBytes?: number;
  /**
   * KEFU_SECRET_KEY: what stored secrets are sealed with. Unset: a key file generated in the data directory
   * (secrets/secret-key.ts), which only the embedded database may rely on in production.
   */
  secretKey: Buffer | undefined;
};

/** Parses the environment once at start; a bad variable stops the process with a message that names it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (env.NODE_ENV === 'production' && e.DATABASE_URL && !e.KEFU_SECRET_KEY) {
    // Nodes sharing a PostgreSQL database must share the key, and a key file beside one node is neither shared nor
    // kept apart from the data it protects.
    throw new ConfigError(
      'Invalid configuration:\n  KEFU_SECRET_KEY: required with DATABASE_URL under NODE_ENV=production ' +
        '(32 random bytes, e.g. `openssl rand -base64 32`); stored secrets are encrypted with it',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.KEFU_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    publicUrl: e.KEFU_PUBLIC_URL,
    seedDemo: e.KEFU_SEED_DEMO,
    helpOrg: e.KEFU_HELP_ORG,
    smtpListener:
      e.KEFU_SMTP_PORT === undefined
        ? undefined
        : {
            port: e.KEFU_SMTP_PORT,
            host: e.KEFU_SMTP_HOST ?? e.HOST,
            maxBytes: e.KEFU_SMTP_MAX_BYTES,
            ...(e.KEFU_SMTP_TLS_KEY && e.KEFU_SMTP_TLS_CERT
              ? { tls: { keyFile: e.KEFU_SMTP_TLS_KEY, certFile: e.KEFU_SMTP_TLS_CERT } }
              : {}),
          },
    llm:
      e.KEFU_LLM_URL && e.KEFU_LLM_MODEL
        ? { url: e.KEFU_LLM_URL, model: e.KEFU_LLM_MODEL, apiKey: e.KEFU_LLM_API_KEY, timeoutMs: e.KEFU_LLM_TIMEOUT_MS }
        : undefined,
    cookieSecure: e.KEFU_COOKIE_SECURE,
    loginMaxFailures: e.KEFU_LOGIN_MAX_FAILURES,
    widgetRateLimits: widgetRateLimitsFrom(e.KEFU_WIDGET_RATE_LIMITS),
    contactRevealLimit: rateLimitFrom(e.KEFU_CONTACT_REVEAL_LIMIT),
    trustProxy: parseTrustProxy(e.KEFU_TRUST_PROXY),
    metricsToken: e.KEFU_METRICS_TOKEN,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.KEFU_MAIL_FROM,
    webhooks: {
      retryBaseMs: e.KEFU_WEBHOOK_RETRY_BASE_MS,
      disableAfter: e.KEFU_WEBHOOK_DISABLE_AFTER,
      allowPrivate: e.KEFU_WEBHOOK_ALLOW_PRIVATE === 'true' && env.NODE_ENV !== 'production',
    },
    apiRateLimitPerMinute: e.KEFU_API_RATE_LIMIT,
    telegramApiRoot: e.KEFU_TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    ...(e.KEFU_MAX_FILE_BYTES ? { maxFileBytes: e.KEFU_MAX_FILE_BYTES } : {}),
    secretKey: e.KEFU_SECRET_KEY,
  };
}

/** `true`, `false`, or the proxies to believe by address (`127.0.0.1`, `10.0.0.0/8`, `loopback`…). */
function parseTrustProxy(value: string): boolean | string {
  return value === 'true' || value === 'false' ? value === 'true' : value;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
