import { z } from 'zod';

/**
 * SLA policies and priority rules: what an admin configures (`GET/PUT /api/agent/sla-policy`) and what a conversation
 * shows of its timers (`Conversation.sla`). Targets are in business minutes of the calendar that applies.
 */

export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** What the console shows: due times as ISO strings (null = not running or met), which targets were missed. */
export type ConversationSla = {
  firstResponseDueAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
  /** Targets whose warning fired (e.g. 80% of the time used) and that are not breached. */
  warned: SlaMetric[];
  breached: SlaMetric[];
  /** Waiting on the customer (pending), snoozed or resolved: the clocks stand still. */
  paused: boolean;
};

const minutes = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 365);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const timeZoneSchema = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'Unknown IANA time zone' },
);

export const businessHoursSchema = z
  .object({
    /** 0 = Sunday … 6 = Saturday, in the calendar's time zone. */
    day: z.number().int().min(0).max(6),
    start: hhmm,
    end: hhmm,
  })
  .refine((h) => h.start < h.end, { message: 'start must be before end' });

export const slaCalendarSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('24/7') }),
  z.object({
    kind: z.literal('business_hours'),
    timeZone: timeZoneSchema,
    hours: z.array(businessHoursSchema).min(1).max(50),
    /** Whole days off, as dates in the calendar's time zone. */
    holidays: z.array(isoDate).max(400).default([]),
  }),
]);
export type SlaCalendar = z.infer<typeof slaCalendarSchema>;

const responseTargets = z.object({
  firstResponseMinutes: minutes.nullable(),
  nextResponseMinutes: minutes.nullable(),
});
const targetSchema = responseTargets.extend({
  resolutionMinutes: minutes.nullable(),
  /** Replaces the response targets while the queue is under surge. */
  peak: responseTargets.optional(),
});
export type SlaTarget = z.infer<typeof targetSchema>;

export const slaPolicySchema = z
  .object({
    enabled: z.boolean(),
    targets: z.object({ urgent: targetSchema, high: targetSchema, normal: targetSchema, low: targetSchema }),
    /** The default calendar, and one per team (by team id) for teams that keep their own hours. */
    calendar: slaCalendarSchema,
    teamCalendars: z.record(z.uuid(), slaCalendarSchema).default({}),
    /** A warning fires when this share of a target is used. */
    warnAtPercent: z.number().int().min(1).max(99),
    /**
     * Surge = either threshold reached (null = that signal is off): the enter thresholds. Surge mode (src/server/surge/)
     * leaves only when both signals are under their exit thresholds for `minMinutes` (defaults: half the enter
     * threshold, 5 minutes, arrivals averaged over `windowMinutes` = 5); policies stored before these fields parse as is.
     */
    surge: z.object({
      unassignedOpen: z.number().int().min(1).nullable(),
      arrivalsPerMinute: z.number().int().min(1).nullable(),
      exitUnassignedOpen: z.number().int().min(0).nullable().optional(),
      exitArrivalsPerMinute: z.number().int().min(0).nullable().optional(),
      minMinutes: z.number().int().min(1).max(240).optional(),
      windowMinutes: z.number().int().min(1).max(60).optional(),
    }),
    escalation: z.object({
      raisePriority: z.boolean(),
      /** The team a breached conversation goes to (unassigned, for that team to pick up); null = stays. */
      teamId: z.uuid().nullable(),
    }),
    priorityRules: z.object({
      /** A missing deposit of at least this much (USDT-equivalent) is urgent. */
      missingDepositUrgentAmount: z.number().positive(),
      /** Contacts at or above this VIP level get at least high priority. */
      vipHighLevel: z.number().int().min(1),
      /** USDT value of one unit of a coin; USDT and USDC count 1:1 without it, other coins only with it. */
      prices: z.record(z.string().regex(/^[A-Z0-9]{2,10}$/), z.number().positive()).default({}),
    }),
  })
  .refine((p) => p.targets.urgent.peak === undefined, {
    message: 'Urgent (funds at risk) keeps its target under surge: no peak target for urgent',
    path: ['targets', 'urgent', 'peak'],
  });
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

export const updateSlaPolicyBodySchema = z.object({ policy: slaPolicySchema });
export type SlaPolicyResponse = { policy: SlaPolicy; updatedAt: string | null };

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  enabled: true,
  targets: {
    urgent: { firstResponseMinutes: 5, nextResponseMinutes: 10, resolutionMinutes: 240 },
    high: {
      firstResponseMinutes: 10,
      nextResponseMinutes: 30,
      resolutionMinutes: 480,
      peak: { firstResponseMinutes: 30, nextResponseMinutes: 60 },
    },
    normal: {
      firstResponseMinutes: 10,
      nextResponseMinutes: 60,
      resolutionMinutes: 1440,
      peak: { firstResponseMinutes: 30, nextResponseMinutes: 120 },
    },
    low: {
      firstResponseMinutes: 30,
      nextResponseMinutes: 240,
      resolutionMinutes: 2880,
      peak: { firstResponseMinutes: 60, nextResponseMinutes: 480 },
    },
  },
  calendar: { kind: '24/7' },
  teamCalendars: {},
  warnAtPercent: 80,
  surge: { unassignedOpen: 20, arrivalsPerMinute: 10 },
  escalation: { raisePriority: true, teamId: null },
  priorityRules: { missingDepositUrgentAmount: 1000, vipHighLevel: 3, prices: {} },
};
