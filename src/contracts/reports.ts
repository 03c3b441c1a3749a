import { z } from 'zod';
import { CHANNELS, LOCALES, PRIORITIES } from './domain.ts';
import { BUILTIN_INTENTS } from './intents.ts';

/**
 * Reports (issue 14): metrics computed from the conversation event log. Dates are calendar days in the
 * organization's time zone (settings.timeZone, default Asia/Shanghai), both ends included; absent, the last 30 days.
 * Rates are 0–1; durations are seconds; a figure with nothing to measure is null.
 */

/** The longest range a report covers: a year, leap day included. */
export const REPORT_MAX_DAYS = 366;
export const REPORT_DEFAULT_DAYS = 30;
export const DEFAULT_REPORT_TIME_ZONE = 'Asia/Shanghai';

export const reportFiltersSchema = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  teamId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  channel: z.enum(CHANNELS).optional(),
  intent: z.enum(BUILTIN_INTENTS).optional(),
  language: z.enum(LOCALES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type ReportFilters = z.infer<typeof reportFiltersSchema>;

export const VOLUME_BY = ['day', 'hour', 'channel', 'intent', 'language'] as const;
export type VolumeBy = (typeof VOLUME_BY)[number];
export const volumeQuerySchema = reportFiltersSchema.extend({ by: z.enum(VOLUME_BY).default('day') });
export type VolumeQuery = z.infer<typeof volumeQuerySchema>;

export type DurationStats = { count: number; mean: number | null; median: number | null; p90: number | null };

export type ReportRange = { from: string; to: string; timeZone: string };

export type ReportSummary = ReportRange & {
  conversations: number;
  firstResponseSeconds: DurationStats;
  nextResponseSeconds: DurationStats;
  resolutionSeconds: DurationStats;
  /** Share of conversations with an SLA whose first-response and resolution targets were not breached. */
  slaAttainment: number | null;
  slaAttainmentByPriority: { priority: string; conversations: number; attainment: number | null }[];
  /** Mean rating normalised to 0–1 ((rating − 1) / 4). */
  csatScore: number | null;
  /** Share of answers rated 4 or 5. */
  csatSatisfied: number | null;
  csatResponses: number;
  /** Answered surveys / requested surveys. */
  csatResponseRate: number | null;
  /** Conversations with at least one complaint / conversations. */
  complaintRate: number | null;
  /** Conversations resolved with no public agent message and no hand-off / conversations. */
  botContainment: number | null;
  /** Conversations handed to a person / conversations. */
  handoffRate: number | null;
  /** Conversations reopened after a resolution / conversations resolved. */
  reopenRate: number | null;
  /** Open, pending or snoozed now (matching the filters other than the dates). */
  backlog: number;
};

export type VolumeRow = { key: string; conversations: number };
export type VolumeReport = ReportRange & { by: VolumeBy; rows: VolumeRow[] };

/**
 * Occupancy from the presence log over the range (up to now): time online (status 'online'), the part of it spent
 * with at least one assigned conversation open, and their ratio (null when never online). Under a channel, intent,
 * language or priority filter only the conversations matching it count as busy (their dimensions now, as everywhere
 * in reports) while time online stays all of it: the share of the agent's online time spent on those conversations.
 * A team's figures sum the time of the agents who were its members at that time.
 */
export type OccupancyFields = { onlineSeconds: number; busySeconds: number; occupancy: number | null };

/**
 * What the rows' busySeconds count: 'all_conversations', or 'matching_conversations' when a channel, intent,
 * language or priority filter is set (then occupancy is the share of online time spent on matching conversations).
 */
export type OccupancyBasis = { occupancyBasis: 'all_conversations' | 'matching_conversations' };

export type AgentReportRow = OccupancyFields & {
  agentId: string;
  name: string;
  teamIds: string[];
  handled: number;
  firstResponseMedianSeconds: number | null;
  resolutionMedianSeconds: number | null;
  csatScore: number | null;
  csatResponses: number;
};
export type TeamReportRow = OccupancyFields & {
  teamId: string;
  name: string;
  handled: number;
  firstResponseMedianSeconds: number | null;
  resolutionMedianSeconds: number | null;
  csatScore: number | null;
  csatResponses: number;
};
export type AgentsReport = ReportRange & OccupancyBasis & { agents: AgentReportRow[]; teams: TeamReportRow[] };
export type TeamsReport = ReportRange & OccupancyBasis & { teams: TeamReportRow[] };

/** One local day of the CSAT trend: the surveys of the conversations created that day (as the summary counts them). */
export type CsatDay = {
  date: string;
  requested: number;
  responses: number;
  /** Answered / requested, null on a day with no survey. */
  responseRate: number | null;
  /** Mean rating normalised to 0–1, null on a day with no answer. */
  score: number | null;
  /** Share of answers rated 4 or 5. */
  satisfied: number | null;
};
export type CsatTrendReport = ReportRange & { days: CsatDay[] };

export type HandoffRow = { reason: string; intent: string | null; handoffs: number };
export type HandoffsReport = ReportRange & {
  conversations: number;
  handoffs: number;
  handoffRate: number | null;
  rows: HandoffRow[];
};
