import type { FastifyReply } from 'fastify';
import { reportFiltersSchema, volumeQuerySchema } from '../../contracts/reports.ts';
import type { Clock } from '../clock.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  agentsCsv,
  type CsvFile,
  csatCsv,
  getAgentsReport,
  getCsatTrend,
  getHandoffsReport,
  getSummary,
  getTeamsReport,
  getVolume,
  handoffsCsv,
  summaryCsv,
  teamsCsv,
  volumeCsv,
} from './reports.service.ts';

function sendCsv(reply: FastifyReply, csv: CsvFile): string {
  reply.header('content-type', 'text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${csv.filename}"`);
  return csv.body;
}

const OCCUPANCY =
  'Occupancy = busySeconds ÷ onlineSeconds: time online (presence status online) and the part of it with at least ' +
  'one assigned conversation open. With a channel, intent, language or priority filter only the conversations ' +
  'matching it (their dimensions now) count as busy, while onlineSeconds stays all the time online: the share of ' +
  'online time spent on those conversations; `occupancyBasis` says which ("all_conversations" or ' +
  '"matching_conversations"). A team counts each agent for the time they were its member (the membership log).';

/** The OpenAPI text of the two reports that carry occupancy. */
const OCCUPANCY_DOC = {
  agents: {
    summary: 'Per agent and team: handled, first response, resolution, CSAT and occupancy',
    description: OCCUPANCY,
  },
  teams: { summary: 'Per team: handled, first response, resolution, CSAT and occupancy', description: OCCUPANCY },
};

/**
 * Reports (issue 14) for supervisors, admins and agents with 'reports_read': JSON, or `?format=csv` for a
 * spreadsheet (RFC 4180, UTF-8 with a BOM).
 */
export function registerReportRoutes(app: App, deps: AppDeps & { clock: Clock }): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: reports'];
  const now = () => deps.clock.now();

  app.get(
    '/api/agent/reports/summary',
    { schema: { tags, querystring: reportFiltersSchema }, preHandler },
    async (request, reply) => {
      const report = await getSummary(request.ctx, request.query, now());
      return request.query.format === 'csv' ? sendCsv(reply, summaryCsv(report)) : report;
    },
  );

  app.get(
    '/api/agent/reports/volume',
    { schema: { tags, querystring: volumeQuerySchema }, preHandler },
    async (request, reply) => {
      const report = await getVolume(request.ctx, request.query, now());
      return request.query.format === 'csv' ? sendCsv(reply, volumeCsv(report)) : report;
    },
  );

  app.get(
    '/api/agent/reports/csat-trend',
    { schema: { tags, querystring: reportFiltersSchema }, preHandler },
    async (request, reply) => {
      const report = await getCsatTrend(request.ctx, request.query, now());
      return request.query.format === 'csv' ? sendCsv(reply, csatCsv(report)) : report;
    },
  );

  app.get(
    '/api/agent/reports/agents',
    { schema: { tags, querystring: reportFiltersSchema, ...OCCUPANCY_DOC.agents }, preHandler },
    async (request, reply) => {
      const report = await getAgentsReport(request.ctx, request.query, now());
      return request.query.format === 'csv' ? sendCsv(reply, agentsCsv(report)) : report;
    },
  );

  app.get(
    '/api/agent/reports/teams',
    { schema: { tags, querystring: reportFiltersSchema, ...OCCUPANCY_DOC.teams }, preHandler },
    async (request, reply) => {
      const report = await getTeamsReport(request.ctx, request.query, now());
      return request.query.format === 'csv' ? sendCsv(reply, teamsCsv(report)) : report;
    },
  );

  app.get(
    '/api/agent/reports/handoffs',
    { schema: { tags, querystring: reportFiltersSchema }, preHandler },
    async (request, reply) => {
      const report = await getHandoffsReport(request.ctx, request.query, now());
      return request.query.format === 'csv' ? sendCsv(reply, handoffsCsv(report)) : report;
    },
  );
}
