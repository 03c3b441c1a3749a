import { z } from 'zod';
import type { Priority } from './domain.ts';

/** Cases, the official-channel registry and platform status: request schemas shared by server and clients. */

export const CASE_KINDS = [
  'deposit_investigation',
  'deposit_recovery',
  'security_incident',
  'identity_verification',
  'unfreeze_request',
] as const;
export const CASE_STATUSES = ['open', 'in_progress', 'waiting_customer', 'resolved', 'rejected'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** A case as the agent API returns it (`GET /api/agent/cases`, a status change, an unfreeze request or approval). */
export type SupportCase = {
  id: string;
  ref: string;
  kind: CaseKind;
  status: CaseStatus;
  priority: Priority;
  conversationId: string | null;
  contactId: string | null;
  exchangeUid: string | null;
  title: string;
  evidence: Record<string, unknown>;
  /** Who asked for the current request (opened or last reopened the case). */
  requestedBy: string | null;
  /** The approvals of the current request only, in the order they came; the requester is never among them. */
  approvers: string[];
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
};

/** What opening a case takes: the rest (ref, status, approvals, times) the server decides. */
export type CaseOpening = Pick<
  SupportCase,
  'kind' | 'priority' | 'conversationId' | 'contactId' | 'exchangeUid' | 'title' | 'evidence'
>;

export const caseListQuerySchema = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  kind: z.enum(CASE_KINDS).optional(),
  conversationId: z.uuid().optional(),
});
export const caseParamsSchema = z.object({ caseId: z.uuid() });
export const caseStatusBodySchema = z.object({ status: z.enum(CASE_STATUSES) });
export const unfreezeRequestBodySchema = z.object({
  conversationId: z.uuid(),
  reason: z.string().trim().min(3).max(2000),
});

export const CHANNEL_KINDS = ['url', 'email', 'telegram', 'phone', 'wallet'] as const;
export const officialChannelBodySchema = z.object({
  kind: z.enum(CHANNEL_KINDS),
  value: z.string().trim().min(2).max(300),
  label: z.string().trim().max(200).default(''),
});
export const verifyQuerySchema = z.object({ org: z.string().min(1).max(64), value: z.string().trim().min(2).max(300) });

const SERVICE_STATES = ['enabled', 'suspended', 'congested'] as const;
export const platformStatusBodySchema = z.object({
  coin: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{2,12}$/),
  network: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{2,16}$/),
  deposits: z.enum(SERVICE_STATES),
  withdrawals: z.enum(SERVICE_STATES),
  note: z
    .object({ 'zh-CN': z.string().max(1000), 'zh-TW': z.string().max(1000), en: z.string().max(1000) })
    .partial()
    .default({}),
});
export const widgetOrgQuerySchema = z.object({ org: z.string().min(1).max(64) });
