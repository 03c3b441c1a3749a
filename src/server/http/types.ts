import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { Gateway } from '../realtime/gateway.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import type { AgentSession } from '../auth/auth.service.ts';
import type { Logger } from 'pino';
import type { FactSources } from '../self-service/self-service.ts';
import type { RateLimiter } from '../rate-limit/rate-limit.types.ts';
import type { HelpCentreOrgs } from '../kb/help-org.ts';
import type { KbIndexCache } from '../kb/kb-index.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What the route plugins get: the process-wide parts, created once in createApp. */
export type AppDeps = {
  config: Config;
  db: Db;
  log: Logger;
  events: EventBus;
  gateway: Gateway;
  visitorKey: string;
  /** Counts widget requests across nodes (config.widgetRateLimits says how many are allowed). */
  rateLimiter: RateLimiter;
  /** The exchange's records and the chains; absent when the organization has none configured. */
  sources?: FactSources;
  /** Durable background work (SLA checks, follow-ups), shared by every node through the database. */
  jobs: JobQueue;
  /** The knowledge base's search index on this node, and which organization the public help centre serves. */
  kb: { index: KbIndexCache; orgs: HelpCentreOrgs };
};

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
    agentSession: AgentSession | undefined;
    /** Set by the visitor-auth pre-handler (src/server/http/visitor-auth.ts) on widget routes. */
    visitor: { contactId: string; inboxId: string } | undefined;
  }
}
