import { z } from 'zod';
import { LOCALES } from './domain.ts';

/** Workforce planning (supervisors and admins): Erlang C staffing, the contact forecast, staffing and shift plans. */

export const erlangCBodySchema = z
  .object({
    arrivals: z.number().min(0).max(1_000_000),
    intervalSeconds: z.number().positive().max(86_400),
    ahtSeconds: z.number().positive().max(86_400),
    targetSeconds: z.number().min(0).max(86_400),
    serviceLevel: z.number().gt(0).lt(1),
    /** Mean patience before a customer gives up: Erlang A instead of Erlang C. */
    patienceSeconds: z.number().positive().max(86_400).optional(),
    /** Chats one agent holds at once: agents = ceil(slots / concurrency). */
    concurrency: z.number().int().min(1).max(100).optional(),
  })
  // The staffing search steps one agent at a time from the offered load, so an unbounded load (a huge arrival count
  // over a split-second interval) would keep the server computing forever. 10,000 Erlangs is far beyond any queue.
  .refine((body) => (body.arrivals * body.ahtSeconds) / body.intervalSeconds <= 10_000, {
    message: 'arrivals × ahtSeconds / intervalSeconds (the offered load) must be at most 10,000 Erlangs',
    path: ['arrivals'],
  });
export type ErlangCBody = z.infer<typeof erlangCBodySchema>;

export const forecastQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(28).default(14) });

export const shiftRulesSchema = z.object({
  shiftLengthsHours: z.array(z.number().min(1).max(12).multipleOf(0.5)).min(1).max(4).default([8]),
  startEveryMinutes: z.union([z.literal(30), z.literal(60)]).default(60),
  /** Shifts longer than this have an unpaid break of `breakIntervals` 30-minute intervals in the middle. */
  breakOverHours: z.number().min(0).max(24).default(6),
  breakIntervals: z.number().int().min(0).max(4).default(1),
  maxConsecutiveDays: z.number().int().min(1).max(14).default(5),
  minRestHours: z.number().min(0).max(48).default(11),
});
export type ShiftRulesInput = z.infer<typeof shiftRulesSchema>;

/**
 * The organization's stored workforce rules (GET/PUT /api/agent/workforce/rules, admins write). An agent's plan
 * skills are their languages and skills here (else their routing skills); a cover rule asks for at least
 * `minAgents` holding `skill` (a language such as "en", or a skill) in every interval from `fromHour` to `toHour`
 * of each day, in the organization's time zone (settings.timeZone, as reports use it: a DST change moves the UTC
 * intervals with the wall clock), on top of the total the staffing forecast requires.
 */
export const workforceRulesSchema = z.object({
  shift: shiftRulesSchema.prefault({}),
  agents: z
    .array(
      z.object({
        agentId: z.uuid(),
        languages: z.array(z.enum(LOCALES)).max(3).default([]),
        skills: z.array(z.string().min(1).max(50)).max(20).default([]),
      }),
    )
    .max(500)
    .default([]),
  coverage: z
    .array(
      z
        .object({
          skill: z.string().min(1).max(50),
          minAgents: z.number().int().min(1).max(1000),
          fromHour: z.number().int().min(0).max(23).default(0),
          toHour: z.number().int().min(1).max(24).default(24),
        })
        .refine((c) => c.fromHour < c.toHour, { message: 'fromHour must be before toHour', path: ['toHour'] }),
    )
    .max(50)
    .default([]),
});
export type WorkforceRules = z.infer<typeof workforceRulesSchema>;

export const shiftPlanBodySchema = z.object({
  days: z.number().int().min(1).max(14).default(14),
  /** Missing: the org's settings (`settings.workforce.shiftRules`), else the defaults. */
  rules: shiftRulesSchema.optional(),
  /** Missing: the org's agents (id, routing skills). */
  agents: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        name: z.string().max(200).optional(),
        skills: z.array(z.string().max(50)).max(20).default([]),
      }),
    )
    .min(1)
    .max(500)
    .optional(),
  /** Agents required per 30-minute interval (days × 48 values). Missing: the staffing forecast. */
  required: z
    .array(z.number().int().min(0).max(10_000))
    .min(1)
    .max(14 * 48)
    .optional(),
  requiredBySkill: z.record(z.string().max(50), z.array(z.number().int().min(0).max(10_000)).max(14 * 48)).optional(),
  /** ISO start of the first interval (default: the next midnight in the organization's time zone). */
  startAt: z.iso.datetime().optional(),
});
export type ShiftPlanBody = z.infer<typeof shiftPlanBodySchema>;

export const shiftPlanQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });
