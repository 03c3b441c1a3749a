import { z } from 'zod';

/**
 * Surge mode (issue 14): an organization's queue under a crowd. It turns itself on from the arrivals and the queue
 * (thresholds in the SLA policy's `surge`), a supervisor can force it on or off until they set it back to auto.
 * While it is on: peak SLA targets for non-urgent work, a banner in the widget, opted-in off-duty agents alerted.
 */

export const SURGE_MODES = ['on', 'off', 'auto'] as const;
export type SurgeMode = (typeof SURGE_MODES)[number];

/** Why surge mode is on: a signal passed its threshold, or a supervisor turned it on. */
export type SurgeReason = 'arrivals' | 'queue' | 'manual';

export type SurgeState = {
  active: boolean;
  /** When it entered (active) or left (inactive); null when it never ran. */
  since: string | null;
  reason: SurgeReason | null;
  /** A supervisor's override, in force until they set 'auto'; null = automatic. */
  manual: 'on' | 'off' | null;
  /** The last measurement of the detector. */
  load: { arrivalsPerMinute: number; unassignedOpen: number; measuredAt: string } | null;
};

export type SurgeStateResponse = {
  state: SurgeState;
  /** The signed-in agent's own opt-in to be alerted of surges while off duty. */
  optIn: boolean;
  /** Set when this agent was alerted of the current surge (off duty, opted in). */
  alertedAt: string | null;
};

export const setSurgeModeBodySchema = z.object({ mode: z.enum(SURGE_MODES) });
export const surgeOptInBodySchema = z.object({ optIn: z.boolean() });

const incidentText = z.string().trim().min(1).max(2000);

/**
 * A supervisor's incident announcement: posted to the platform status page when it names a coin and network, and
 * to every waiting customer's conversation at once, in their language.
 */
export const surgeAnnouncementBodySchema = z
  .object({
    text: z.object({ 'zh-CN': incidentText, en: incidentText }),
    coin: z
      .string()
      .regex(/^[A-Za-z0-9]{2,10}$/)
      .optional(),
    network: z
      .string()
      .regex(/^[A-Za-z0-9_-]{2,20}$/)
      .optional(),
    deposits: z.enum(['enabled', 'suspended', 'congested']).optional(),
    withdrawals: z.enum(['enabled', 'suspended', 'congested']).optional(),
  })
  .refine((b) => (b.coin === undefined) === (b.network === undefined), {
    message: 'coin and network go together',
    path: ['network'],
  });
export type SurgeAnnouncementBody = z.infer<typeof surgeAnnouncementBodySchema>;

export type SurgeReport = {
  id: string;
  startedAt: string;
  /** null while it is still on. */
  endedAt: string | null;
  reason: SurgeReason;
  /** Most conversations that arrived in one minute of the surge. */
  peakArrivalsPerMinute: number;
  arrivals: number;
  /** Conversations that arrived during the surge and were resolved without a human reply. */
  containedWithoutHuman: number;
  containmentPercent: number | null;
  /** Longest wait for a human among the conversations that queued during the surge (seconds). */
  longestWaitSeconds: number | null;
  /** Share of the SLA clocks started during the surge with no breached target. */
  slaAttainmentPercent: number | null;
};

export const surgeReportsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** What the gateway sends to the organization's consoles and widgets when surge mode starts or ends. */
export type SurgeChangedEvent = {
  type: 'surge.changed';
  active: boolean;
  since: string;
  reason: SurgeReason | null;
  manual: 'on' | 'off' | null;
};
