import { z } from 'zod';
import {
  erlangCBodySchema,
  forecastQuerySchema,
  shiftPlanBodySchema,
  shiftPlanQuerySchema,
  workforceRulesSchema,
} from '../../contracts/workforce.ts';
import { AppError } from '../errors.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { planToCsv } from './shift-plan.ts';
import {
  erlangCStaffing,
  forecastForOrg,
  getWorkforceRules,
  saveWorkforceRules,
  shiftPlanForOrg,
  staffingForOrg,
} from './workforce.service.ts';

const staffingQuerySchema = forecastQuerySchema.extend({
  serviceLevel: z.coerce.number().gt(0).lt(1).optional(),
  patienceSeconds: z.coerce.number().positive().max(86_400).optional(),
});

/** Workforce planning for supervisors and admins: Erlang C, the forecast, staffing and shift plans. */
export function registerWorkforceRoutes(app: App, deps: AppDeps): void {
  const agent = createAgentAuth(deps);
  const tags = ['agent: workforce'];

  app.post(
    '/api/agent/workforce/erlang-c',
    { schema: { tags, body: erlangCBodySchema }, preHandler: agent },
    (request) => erlangCStaffing(request.ctx, request.body),
  );

  app.get(
    '/api/agent/workforce/forecast',
    { schema: { tags, querystring: forecastQuerySchema }, preHandler: agent },
    (request) => forecastForOrg(request.ctx, request.query.days),
  );

  app.get(
    '/api/agent/workforce/staffing',
    { schema: { tags, querystring: staffingQuerySchema }, preHandler: agent },
    (request) => staffingForOrg(request.ctx, request.query),
  );

  app.get('/api/agent/workforce/rules', { schema: { tags }, preHandler: agent }, (request) =>
    getWorkforceRules(request.ctx),
  );

  app.put(
    '/api/agent/workforce/rules',
    { schema: { tags, body: workforceRulesSchema }, preHandler: agent },
    (request) => saveWorkforceRules(request.ctx, request.body),
  );

  app.post(
    '/api/agent/workforce/shift-plan',
    { schema: { tags, body: shiftPlanBodySchema, querystring: shiftPlanQuerySchema }, preHandler: agent },
    async (request, reply) => {
      const plan = await shiftPlanForOrg(request.ctx, request.body);
      if (plan.uncovered.length > 0) {
        // 422 with the code, and the intervals the rules cannot cover (with the best plan there is).
        const error = new AppError('workforce_uncovered');
        reply.status(422);
        return { error: { code: error.code, message: error.message, uncovered: plan.uncovered }, plan };
      }
      if (request.query.format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', 'attachment; filename="shift-plan.csv"');
        return planToCsv(plan);
      }
      return plan;
    },
  );
}
