import { conversationParamsSchema } from '../../contracts/api.ts';
import {
  closeFollowUpBodySchema,
  complaintReasonBodySchema,
  csatAnswerBodySchema,
  csatReportQuerySchema,
  followUpParamsSchema,
  followUpsQuerySchema,
  updateFeedbackSettingsBodySchema,
} from '../../contracts/feedback.ts';
import type { Clock } from '../clock.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createVisitorAuth } from '../http/visitor-auth.ts';
import {
  closeFollowUp,
  getConversationFeedback,
  getCsatReport,
  getFeedbackSettings,
  listFollowUps,
  markComplaint,
  rateConversation,
  reportAgent,
  updateFeedbackSettings,
} from './feedback.service.ts';

/**
 * CSAT and complaints: the widget's rating and report, the agents' complaint mark, supervisors' results, and the
 * admins' timing settings.
 */
export function registerFeedbackRoutes(app: App, deps: AppDeps & { clock: Clock }): void {
  const preHandler = createAgentAuth(deps);
  const now = () => deps.clock.now();
  const params = conversationParamsSchema;
  const widgetTags = ['widget'];
  const tags = ['agent: feedback'];

  const visitorAuth = createVisitorAuth(deps);

  app.post(
    '/api/widget/conversations/:conversationId/csat',
    { schema: { tags: widgetTags, params, body: csatAnswerBodySchema }, preHandler: visitorAuth },
    async (request, reply) => {
      reply.status(201);
      return { csat: await rateConversation(request.ctx, request.params.conversationId, request.body, now()) };
    },
  );

  app.post(
    '/api/widget/conversations/:conversationId/report',
    { schema: { tags: widgetTags, params, body: complaintReasonBodySchema }, preHandler: visitorAuth },
    async (request, reply) => {
      reply.status(201);
      return reportAgent(request.ctx, request.params.conversationId, request.body.reason, now());
    },
  );

  app.post(
    '/api/agent/conversations/:conversationId/complaint',
    { schema: { tags, params, body: complaintReasonBodySchema }, preHandler },
    async (request, reply) => {
      reply.status(201);
      return {
        complaint: await markComplaint(request.ctx, request.params.conversationId, request.body.reason, now()),
      };
    },
  );

  app.get('/api/agent/conversations/:conversationId/feedback', { schema: { tags, params }, preHandler }, (request) =>
    getConversationFeedback(request.ctx, request.params.conversationId),
  );

  app.get('/api/agent/reports/csat', { schema: { tags, querystring: csatReportQuerySchema }, preHandler }, (request) =>
    getCsatReport(request.ctx, request.query, now()),
  );

  app.get(
    '/api/agent/followups',
    { schema: { tags, querystring: followUpsQuerySchema }, preHandler },
    async (request) => ({
      followUps: await listFollowUps(request.ctx, request.query.state, now()),
    }),
  );

  app.post(
    '/api/agent/followups/:followUpId/close',
    { schema: { tags, params: followUpParamsSchema, body: closeFollowUpBodySchema }, preHandler },
    async (request) => ({
      followUp: await closeFollowUp(request.ctx, request.params.followUpId, request.body.note, now()),
    }),
  );

  // The organization's CSAT and complaint timing: admins only, every change audited.
  app.get('/api/agent/feedback-settings', { schema: { tags }, preHandler }, (request) =>
    getFeedbackSettings(request.ctx),
  );

  app.put(
    '/api/agent/feedback-settings',
    { schema: { tags, body: updateFeedbackSettingsBodySchema }, preHandler },
    (request) => updateFeedbackSettings(request.ctx, request.body.settings),
  );
}
