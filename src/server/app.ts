import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { registerAuthRoutes } from './auth/auth.routes.ts';
import { startBot } from './bot/bot.listener.ts';
import { registerFileRoutes } from './files/files.routes.ts';
import { createMailer, scheduleMailSecretWipe } from './mail/mailer.ts';
import { createFactSources } from './self-service/fact-sources.ts';
import { createSandboxExchange } from './exchange/sandbox.ts';
import { appSecret, findOrgBySlug, findWebInbox } from './orgs/orgs.service.ts';
import { DEMO_ORG_SLUG } from './seed/demo.ts';
import { signIdentityToken } from './visitors/tokens.ts';
import { z } from 'zod';
import { localeSchema } from '../contracts/domain.ts';
import { kbSlugSchema } from '../contracts/kb.ts';
import type { FactSources } from './self-service/self-service.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { registerAgentConversationRoutes } from './conversations/conversations.routes.ts';
import { startAgentTools, scheduleSnoozeWakeups } from './conversations/conversations.tools.listener.ts';
import { registerConversationToolRoutes } from './conversations/conversations.tools.routes.ts';
import { registerMacroRoutes } from './macros/macros.routes.ts';
import { registerNotificationRoutes } from './notifications/notifications.routes.ts';
import { registerViewRoutes } from './views/views.routes.ts';
import { registerWidgetRoutes } from './conversations/widget.routes.ts';
import { registerExchangeRoutes } from './exchange/exchange.routes.ts';
import { startFeedback } from './feedback/feedback.listener.ts';
import { registerFeedbackRoutes } from './feedback/feedback.routes.ts';
import { registerReportRoutes } from './reports/reports.routes.ts';
import { startSurgeAlertMail } from './surge/surge-mail.listener.ts';
import type { Db } from './db/db.ts';
import type { EventBus } from './events/bus.ts';
import { installErrorHandling, sendClientError, sendFrameworkError } from './http/errors.ts';
import { installRequestHardening, metricsAccess } from './http/hardening.ts';
import type { App, AppDeps } from './http/types.ts';
import { startJobQueue } from './jobs/job-queue.ts';
import type { JobQueue } from './jobs/jobs.types.ts';
import { createMetrics } from './metrics.ts';
import { createGateway, type Gateway } from './realtime/gateway.ts';
import { registerRealtimeRoutes } from './realtime/realtime.routes.ts';
import { startPriorityRules } from './priorities/priorities.service.ts';
import { startSlaClocks } from './sla/sla.listener.ts';
import { registerSlaRoutes } from './sla/sla.routes.ts';
import { startSurgeDetector } from './surge/surge.listener.ts';
import { registerSurgeRoutes } from './surge/surge.routes.ts';
import { surgePeak } from './surge/surge.service.ts';
import { startRouting } from './routing/routing.listener.ts';
import { registerRoutingRoutes } from './routing/routing.routes.ts';
import { registerSelfServiceRoutes } from './self-service/self-service.routes.ts';
import { registerCaseRoutes } from './cases/cases.routes.ts';
import { registerTrustRoutes } from './trust/trust.routes.ts';
import { registerPlatformStatusRoutes } from './platform-status/platform-status.routes.ts';
import { registerTeamRoutes } from './teams/teams.routes.ts';
import { registerCallbackRoutes } from './callbacks/callbacks.routes.ts';
import { registerContactRoutes } from './contacts/contacts.routes.ts';
import { pingDatabase } from './http/health.queries.ts';
import { createLlmClient } from './ai/llm-client.ts';
import { type ChannelSender, startChannelDelivery } from './channels/channels.listener.ts';
import { registerPublicApiRoutes } from './public-api/public-api.routes.ts';
import { startWebhooks } from './webhooks/webhooks.listener.ts';
import { registerWebhookRoutes } from './webhooks/webhooks.routes.ts';
import { registerWorkforceRoutes } from './workforce/workforce.routes.ts';
import { startRetentionJob } from './retention/retention.listener.ts';
import { registerRetentionRoutes } from './retention/retention.routes.ts';
import { registerWallboardRoutes } from './wallboard/wallboard.routes.ts';
import { startSmtpListener } from './email/email-listener.ts';
import { registerEmailInboxRoutes } from './email/email-inboxes.routes.ts';
import { createEmailSender } from './email/email-outbound.ts';
import { startImapPollers } from './email/imap-poller.ts';
import { sealPlaintextSecrets } from './secrets/seal-at-rest.ts';
import { ensureSecretKey } from './secrets/secret-key.ts';
import { createHelpCentreOrgs } from './kb/help-org.ts';
import { registerHelpRoutes } from './kb/help.routes.ts';
import { createKbIndexCache } from './kb/kb-index.ts';
import { registerKbRoutes } from './kb/kb.routes.ts';
import { startTelegramPollers } from './telegram/telegram-poller.ts';
import { createTelegramSender } from './telegram/telegram.listener.ts';
import { registerTelegramRoutes } from './telegram/telegram.routes.ts';
import { createRateLimiter, limitCustomerMessage, scheduleRateLimitCleanup } from './rate-limit/rate-limit.service.ts';
import type { RateLimiter } from './rate-limit/rate-limit.types.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONSOLE_DIST = path.join(ROOT, 'dist/console');
const WIDGET_BUNDLE = path.join(ROOT, 'dist/widget/widget.js');
const DEMO_PAGE = path.join(ROOT, 'src/widget/demo.html');
const DEMO_SCRIPT = path.join(ROOT, 'src/widget/demo.js');

export type CreateAppDeps = {
  config: Config;
  db: Db;
  log: Logger;
  events: EventBus;
  /** "Now" for SLA clocks and scheduled jobs; tests pass a manual clock. */
  clock?: Clock;
  /**
   * Job queue polling and the SLA sweep period (seconds); tests make them short. `retentionSweep: false` leaves the
   * daily data-retention sweep out (its first run starts with the node, and would race tests that set a period).
   */
  jobQueue?: {
    pollingIntervalSeconds?: number;
    slaSweepSeconds?: number;
    surgeSweepSeconds?: number;
    retentionSweep?: boolean;
  };
  /** Where the bot and agents read the exchange's records and the chains (tests inject their own). */
  sources?: FactSources;
  /** Widget rate-limit counters; by default in Redis when REDIS_URL is set, else with the database. */
  rateLimiter?: RateLimiter;
};

/** What createApp gives its caller. */
export type BuiltApp = {
  app: App;
  gateway: Gateway;
  bot: ReturnType<typeof startBot>;
  jobs: JobQueue;
  /** The port kefu's SMTP listener took (KEFU_SMTP_PORT=0 picks one); undefined without a listener. */
  smtpPort: number | undefined;
};

/** Builds the HTTP + WebSocket server around already-open parts; the caller decides when to listen and close. */
export async function createApp(deps: CreateAppDeps): Promise<BuiltApp> {
  const { config, db, log, events } = deps;
  // Before anything reads a stored secret: the key, then the sweep that seals what is still in plaintext.
  ensureSecretKey(config, log);
  await sealPlaintextSecrets(db, log);
  const app = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    // Per-request lines only when debugging: at 500 messages/s they would cost more than the requests.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    bodyLimit: 256 * 1024,
    // A path parameter over 100 characters or a URL that does not decode: our error shape, not Fastify's.
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: sendClientError,
    // request.ip is what the widget's per-address rate limits count: behind a proxy it must be the client's.
    trustProxy: config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('ctx', null as never);
  app.decorateRequest('agentSession', undefined);
  app.decorateRequest('visitor', undefined);
  const consoleBuilt = fs.existsSync(path.join(CONSOLE_DIST, 'index.html'));
  allowWidgetCrossOrigin(app);
  installRequestHardening(app);
  installErrorHandling(app, {
    spaFallback: consoleBuilt ? (_request, reply) => reply.sendFile('index.html') : undefined,
  });

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'kefu API',
        description:
          'Customer support for cryptocurrency exchanges. `/api/widget/*` is for customers (visitor token), ' +
          '`/api/agent/*` for agents (session cookie + `x-csrf-token`). Errors are `{ "error": { "code", "message" } }`.',
        version: '0.1.0',
      },
      // /api/v1/* (the exchange's backend): `Authorization: Bearer kefu_live_…`.
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  const rateLimiter = deps.rateLimiter ?? (await createRateLimiter({ config, db, log }));
  const ownsLimiter = rateLimiter !== deps.rateLimiter;
  if (ownsLimiter) app.addHook('onClose', () => rateLimiter.close());
  const gateway = createGateway({
    db,
    log,
    events,
    limitCustomerMessage: (who) => limitCustomerMessage({ rateLimiter, config }, who),
  });
  const visitorKey = await appSecret({ db }, 'visitor_token_key', () => crypto.randomBytes(32).toString('base64url'));
  const clock = deps.clock ?? systemClock;
  const jobs = await startJobQueue({ db, log, clock, pollingIntervalSeconds: deps.jobQueue?.pollingIntervalSeconds });
  try {
    return await wireApp(app, deps, { gateway, visitorKey, jobs, clock, consoleBuilt, rateLimiter });
  } catch (error) {
    // A half-built app must not keep the process alive: the queue's pollers are the one thing already running.
    gateway.close();
    await jobs.stop();
    if (ownsLimiter) await rateLimiter.close();
    throw error;
  }
}

async function wireApp(
  app: App,
  deps: CreateAppDeps,
  parts: {
    gateway: Gateway;
    visitorKey: string;
    jobs: JobQueue;
    clock: Clock;
    consoleBuilt: boolean;
    rateLimiter: RateLimiter;
  },
): Promise<BuiltApp> {
  const { config, db, log, events } = deps;
  const { gateway, visitorKey, jobs, clock, consoleBuilt, rateLimiter } = parts;
  const sources = deps.sources ?? createFactSources(db, log);
  const helpOrgs = createHelpCentreOrgs(config.helpOrg);
  const kbIndex = createKbIndexCache(events, (tx, orgId) => helpOrgs.linkQuery(tx, orgId));
  app.addHook('onClose', async () => kbIndex.close());
  const kb = { index: kbIndex, orgs: helpOrgs };
  const appDeps: AppDeps = { config, db, log, events, gateway, visitorKey, jobs, sources, rateLimiter, kb };
  const metrics = createMetrics(events);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
  await scheduleMailSecretWipe(jobs, db, log);
  await scheduleRateLimitCleanup(jobs, db, log);
  const llm = config.llm ? createLlmClient(config.llm, log) : undefined;
  const bot = startBot({ db, log, events, mailer, sources, jobs, llm, kb: (orgId) => kbIndex.get(db, orgId) });
  const stopPriorityRules = startPriorityRules({ db, log, events });
  const stopSlaClocks = await startSlaClocks(
    { db, log, events, jobs, clock, surgePeak: (orgId) => surgePeak(db, orgId) },
    { sweepSeconds: deps.jobQueue?.slaSweepSeconds },
  );
  await startSurgeDetector({ db, log, events, jobs, clock }, { sweepSeconds: deps.jobQueue?.surgeSweepSeconds });
  if (deps.jobQueue?.retentionSweep !== false) await startRetentionJob({ db, log, events, jobs, clock });
  const stopSurgeAlertMail = startSurgeAlertMail({ db, log, events, mailer, publicUrl: config.publicUrl });
  const agentTools = startAgentTools({ db, log, events });
  await scheduleSnoozeWakeups(jobs, { db, log, events }, { clock });
  const routing = startRouting({ db, log, events, jobs, clock });
  const feedback = await startFeedback({ db, log, events, jobs, clock });
  // Each channel beyond the widget adds its sender here; the widget's messages travel by socket.
  const channelSenders: ChannelSender[] = [createEmailSender({ db, log, mailer, sources })];
  channelSenders.push(createTelegramSender(config, db));
  const stopChannelDelivery = await startChannelDelivery({ db, log, events, jobs, senders: channelSenders });
  const stopWebhooks = await startWebhooks({ db, log, events, jobs, settings: config.webhooks });
  const smtp = config.smtpListener ? await startSmtpListener({ db, log, events }, config.smtpListener) : undefined;
  // Email inboxes with settings.email.imap read their mailbox (one node per inbox; see imap-poller.ts).
  const imap = await startImapPollers({ db, log, events });
  // Telegram inboxes in polling mode ask getUpdates (one node per bot; see telegram-poller.ts).
  const telegramPolling = await startTelegramPollers({ db, log, events, config });

  app.get('/api/health', { schema: { hide: true } }, async () => {
    await pingDatabase(db);
    return { status: 'ok', database: db.kind };
  });
  app.get(
    '/metrics',
    { schema: { hide: true }, onRequest: metricsAccess(config.metricsToken) },
    async (_request, reply) => {
      reply.header('content-type', metrics.contentType);
      return metrics.render();
    },
  );

  registerAuthRoutes(app, appDeps);
  registerAgentConversationRoutes(app, appDeps);
  registerMacroRoutes(app, appDeps);
  registerNotificationRoutes(app, appDeps);
  registerViewRoutes(app, appDeps);
  registerConversationToolRoutes(app, appDeps);
  registerWidgetRoutes(app, appDeps);
  registerRealtimeRoutes(app, appDeps);
  registerSlaRoutes(app, appDeps);
  registerRoutingRoutes(app, appDeps);
  registerTeamRoutes(app, appDeps);
  registerCallbackRoutes(app, appDeps);
  registerContactRoutes(app, appDeps);
  registerCaseRoutes(app, appDeps);
  registerSelfServiceRoutes(app, appDeps);
  registerTrustRoutes(app, appDeps);
  registerPlatformStatusRoutes(app, appDeps);
  registerExchangeRoutes(app, appDeps);
  registerKbRoutes(app, appDeps);
  registerFileRoutes(app, appDeps);
  registerEmailInboxRoutes(app, appDeps, { smtpPort: smtp?.port });
  registerHelpRoutes(app, appDeps);
  registerTelegramRoutes(app, appDeps);
  registerFeedbackRoutes(app, { ...appDeps, clock });
  registerReportRoutes(app, { ...appDeps, clock });
  registerSurgeRoutes(app, { ...appDeps, clock });
  registerPublicApiRoutes(app, appDeps);
  registerWebhookRoutes(app, appDeps);
  registerWorkforceRoutes(app, appDeps);
  registerRetentionRoutes(app, { ...appDeps, clock });
  registerWallboardRoutes(app, { ...appDeps, clock });
  await registerStaticRoutes(app, db, consoleBuilt);

  app.addHook('onClose', async () => {
    // First: a message being taken finishes while the listeners it wakes still run.
    await imap.stop();
    await telegramPolling.stop();
    gateway.close();
    metrics.close();
    bot.close();
    stopPriorityRules();
    stopSlaClocks();
    await jobs.stop();
    agentTools.close();
    routing.close();
    feedback.close();
    stopChannelDelivery();
    stopWebhooks();
    stopSurgeAlertMail();
    await smtp?.close();
  });
  return { app, gateway, bot, jobs, smtpPort: smtp?.port };
}

/**
 * The widget runs on the exchange's own site, so its API answers any origin. It is safe because the widget API never
 * uses cookies: a request proves who it is with the visitor token in its Authorization header.
 */
function allowWidgetCrossOrigin(app: App): void {
  app.addHook('onRequest', async (request, reply) => {
    // The knowledge-base search is public and cookie-free too: the widget suggests articles from the exchange's page.
    if (!request.url.startsWith('/api/widget/') && !request.url.startsWith('/api/kb/search')) return;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-allow-headers', 'authorization, content-type');
    reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
    reply.header('access-control-max-age', '600');
    // A rate-limited widget reads when to retry; cross-origin it may only read the headers listed here.
    reply.header('access-control-expose-headers', 'retry-after');
    if (request.method === 'OPTIONS') return reply.status(204).send();
  });
}

/** Signs an identity token for a customer of the demo exchange's sandbox, only for the demo organization. */
async function signDemoIdentity(db: Db, uid: string): Promise<string | null> {
  const org = await findOrgBySlug({ db }, DEMO_ORG_SLUG);
  const inbox = org ? await findWebInbox({ db, org }) : undefined;
  if (!org || !inbox?.identity_secret) return null;
  const account = await createSandboxExchange(db, org.id).getAccount(uid);
  if (!account) return null;
  return signIdentityToken(inbox.identity_secret, {
    uid,
    email: account.email,
    locale: account.locale,
    vipLevel: account.vipLevel,
  });
}

/** The built console at /, the widget bundle at /widget.js, the demo exchange page at /demo. */
async function registerStaticRoutes(app: App, db: Db, consoleBuilt: boolean): Promise<void> {
  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    if (!fs.existsSync(WIDGET_BUNDLE)) return reply.status(503).send('// widget not built: run npm run build\n');
    reply.header('content-type', 'application/javascript; charset=utf-8');
    reply.header('cache-control', 'public, max-age=300');
    reply.header('access-control-allow-origin', '*');
    return fs.promises.readFile(WIDGET_BUNDLE);
  });
  app.get('/demo.js', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', 'application/javascript; charset=utf-8');
    return fs.promises.readFile(DEMO_SCRIPT);
  });
  app.get(
    '/demo',
    {
      schema: {
        hide: true,
        querystring: z.object({
          user: z
            .string()
            .regex(/^\d{4,20}$/)
            .optional(),
          // From the help centre's "Still need help?": the article read, and its language. A bad one is ignored.
          article: kbSlugSchema.optional().catch(undefined),
          locale: localeSchema.optional().catch(undefined),
        }),
      },
    },
    async (request, reply) => {
      reply.header('content-type', 'text/html; charset=utf-8');
      const page = await fs.promises.readFile(DEMO_PAGE, 'utf8');
      const { user, article, locale } = request.query;
      const token = user ? await signDemoIdentity(db, user) : null;
      // /demo?user=28810375 plays a signed-in customer of the demo exchange, as the exchange's own backend would.
      // /demo?article=<slug>&locale=<locale> opens the widget with the article the customer read (both validated).
      const attributes = [
        token ? ` data-identity-token="${token}"` : '',
        article ? ` data-article="${article}"` : '',
        locale ? ` data-locale="${locale}"` : '',
      ].join('');
      return attributes ? page.replace('data-org="demo"', `data-org="demo"${attributes}`) : page;
    },
  );
  if (!consoleBuilt) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.status(503).type('text/plain').send('The console is not built yet: run `npm run build`.'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
}
