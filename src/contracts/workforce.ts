import { z } from 'zod';

/** Workforce planning (supervisors and admins): Erlang C staffing, the contact forecast, staffing and shift plans. */

export const erlangCBodySchema = z.object({
  arrivals: z.number().min(0).max(1_000_000),
  intervalSeconds: z.number().positive().max(86_400),
  ahtSeconds: z.number().positive().max(86_400),
  targetSeconds: z.number().min(0).max(86_400),
  serviceLevel: z.number().gt(0).lt(1),
  /** Mean patience before a customer gives up: Erlang A instead of Erlang C. */
  patienceSeconds: z.number().positive().max(86_400).optional(),
  /** Chats one agent holds at once: agents = ceil(slots / concurrency). */
  concurrency: z.number().int().min(1).max(100).optional(),
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
  /** ISO start of the first interval (default: the next midnight UTC). */
  startAt: z.iso.datetime().optional(),
});
export type ShiftPlanBody = z.infer<typeof shiftPlanBodySchema>;

export const shiftPlanQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });
