import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  caseListQuerySchema,
  caseParamsSchema,
  caseStatusBodySchema,
  officialChannelBodySchema,
  platformStatusBodySchema,
  unfreezeRequestBodySchema,
  verifyQuerySchema,
  widgetOrgQuerySchema,
} from '../../contracts/self-service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { screenFreeText, screenFreeTextIn } from '../bot/secret-guard.ts';
import { approveUnfreeze, getCase, listCases, openCase, setCaseStatus } from '../cases/cases.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { getConversation } from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { selectOrgBySlug } from '../orgs/orgs.queries.ts';
import { listPlatformStatus, upsertPlatformStatus } from '../platform-status/platform-status.ts';
import {
  checkChannels,
  deleteOfficialChannel,
  extractChannelCandidates,
  insertOfficialChannel,
  normalizeChannel,
  selectOfficialChannels,
} from '../trust/official-channels.ts';
import { authenticateVisitor } from '../visitors/visitors.service.ts';
import { announcePlatformStatus } from './announcements.ts';

/** Cases and four-eyes approvals, the official-channel registry and platform status, for agents and customers. */
export function registerSelfServiceRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: self-service'];

  app.get('/api/agent/cases', { schema: { tags, querystring: caseListQuerySchema }, preHandler }, async (request) => ({
    cases: await listCases(request.ctx, request.query),
  }));
  app.get('/api/agent/cases/:caseId', { schema: { tags, params: caseParamsSchema }, preHandler }, async (request) => ({
    case: await getCase(request.ctx, request.params.caseId),
  }));
  app.patch(
    '/api/agent/cases/:caseId',
    { schema: { tags, params: caseParamsSchema, body: caseStatusBodySchema }, preHandler },
    async (request) => ({ case: await setCaseStatus(request.ctx, request.params.caseId, request.body.status) }),
  );
  app.post(
    '/api/agent/unfreeze-requests',
    { schema: { tags, body: unfreezeRequestBodySchema }, preHandler },
    async (request, reply) => {
      const conversation = await getConversation(request.ctx, request.body.conversationId);
      if (!conversation.contact.exchangeUid)
        throw new AppError('conflict', 'The customer is not linked to an exchange account.');
      const opened = await openCase(request.ctx, {
        kind: 'unfreeze_request',
        priority: 'high',
        conversationId: conversation.id,
        contactId: conversation.contact.id,
        exchangeUid: conversation.contact.exchangeUid,
        title: `Unfreeze account ${conversation.contact.exchangeUid}`,
        evidence: { reason: screenFreeText(request.body.reason) },
      });
      reply.status(201);
      return { case: opened };
    },
  );
  app.post(
    '/api/agent/cases/:caseId/approve',
    { schema: { tags, params: caseParamsSchema }, preHandler },
    async (request) => {
      if (!deps.sources) throw new AppError('conflict', 'No exchange connector is configured.');
      const connector = await deps.sources.connectorFor(request.ctx.org.id);
      return approveUnfreeze(request.ctx, request.params.caseId, connector);
    },
  );

  app.get('/api/agent/official-channels', { schema: { tags }, preHandler }, async (request) => ({
    channels: await selectOfficialChannels(deps.db, request.ctx.org.id),
  }));
  app.post(
    '/api/agent/official-channels',
    { schema: { tags, body: officialChannelBodySchema }, preHandler },
    async (request, reply) => {
      requireAgentRole(request.ctx, 'admin');
      const channel = await insertOfficialChannel(deps.db, request.ctx.org.id, {
        ...request.body,
        label: screenFreeText(request.body.label, 'value'),
      });
      await recordAudit(request.ctx, deps.db, {
        action: 'official_channel.add',
        targetType: 'official_channel',
        targetId: channel.id,
        details: { kind: channel.kind, value: channel.value },
      });
      reply.status(201);
      return { channel };
    },
  );
  app.delete(
    '/api/agent/official-channels/:channelId',
    { schema: { tags, params: z.object({ channelId: z.uuid() }) }, preHandler },
    async (request) => {
      requireAgentRole(request.ctx, 'admin');
      if (!(await deleteOfficialChannel(deps.db, request.ctx.org.id, request.params.channelId))) {
        throw new AppError('not_found', 'No such channel.');
      }
      await recordAudit(request.ctx, deps.db, {
        action: 'official_channel.remove',
        targetType: 'official_channel',
        targetId: request.params.channelId,
      });
      return { ok: true };
    },
  );

  app.get('/api/agent/platform-status', { schema: { tags }, preHandler }, async (request) => ({
    entries: await listPlatformStatus(deps.db, request.ctx.org.id),
  }));
  app.put(
    '/api/agent/platform-status',
    { schema: { tags, body: platformStatusBodySchema }, preHandler },
    async (request) => {
      requireAgentRole(request.ctx, 'admin', 'supervisor');
      // The note is announced to customers: a secret pasted into it must not go out.
      const entry = await upsertPlatformStatus(deps.db, request.ctx.org.id, {
        ...request.body,
        note: screenFreeTextIn(request.body.note),
      });
      await recordAudit(request.ctx, deps.db, {
        action: 'platform_status.update',
        targetType: 'platform_status',
        targetId: `${entry.coin}/${entry.network}`,
        details: { deposits: entry.deposits, withdrawals: entry.withdrawals },
      });
      const announced = await announcePlatformStatus(request.ctx, entry);
      return { entry, announcedTo: announced };
    },
  );

  // Customers: their own cases, the public channel check and the status page.
  const widgetTags = ['widget'];
  const visitorCtx = async (request: FastifyRequest): Promise<Ctx> => {
    const header = request.headers.authorization;
    const visitor = await authenticateVisitor(deps, header?.startsWith('Bearer ') ? header.slice(7) : undefined);
    return { db: deps.db, log: deps.log, events: deps.events, ...visitor };
  };
  app.get('/api/widget/cases', { schema: { tags: widgetTags } }, async (request) => {
    const ctx = await visitorCtx(request);
    const contactId = ctx.actor.kind === 'customer' ? ctx.actor.contactId : '';
    const cases = await listCases(ctx, { contactId });
    // Evidence and approvals are for staff; the customer sees what the case is and where it stands.
    return {
      cases: cases.map((c) => ({ ref: c.ref, kind: c.kind, status: c.status, title: c.title, updatedAt: c.updatedAt })),
    };
  });
  app.get('/api/widget/verify', { schema: { tags: widgetTags, querystring: verifyQuerySchema } }, async (request) => {
    const org = await selectOrgBySlug(deps.db, request.query.org);
    if (!org) throw new AppError('org_not_found');
    const candidates = extractChannelCandidates(request.query.value);
    const verdicts = await checkChannels(
      deps.db,
      org.id,
      candidates.length > 0
        ? candidates
        : [{ kind: 'url', value: normalizeChannel('url', request.query.value), raw: request.query.value }],
    );
    return { results: verdicts.map((v) => ({ kind: v.kind, value: v.raw, official: v.official, label: v.label })) };
  });
  app.get(
    '/api/widget/platform-status',
    { schema: { tags: widgetTags, querystring: widgetOrgQuerySchema } },
    async (request) => {
      const org = await selectOrgBySlug(deps.db, request.query.org);
      if (!org) throw new AppError('org_not_found');
      return { entries: await listPlatformStatus(deps.db, org.id) };
    },
  );
}
