import { z } from 'zod';
import type { ContactIdentityKind, ContactSummary } from './domain.ts';

/** One customer, one history (issue 13): merging two contacts and undoing it. */

export const contactParamsSchema = z.object({ contactId: z.uuid() });
export const contactMergeParamsSchema = z.object({ mergeId: z.uuid() });
export const mergeContactsBodySchema = z.object({ otherContactId: z.uuid() });

export type ContactMerge = {
  id: string;
  /** The contact that stays: it holds both contacts' identities and conversations while the merge stands. */
  survivorId: string;
  /** The contact merged into it (left empty, pointing at the survivor, until an undo). */
  mergedId: string;
  /** True when kefu merged on its own (a signed exchange identity and a verified email of the same account). */
  automatic: boolean;
  /** Why an automatic merge happened ('verified_email'); null for an agent's. */
  reason: string | null;
  agentId: string | null;
  /** What moved, so an undo can give exactly this back. */
  identities: { kind: ContactIdentityKind; value: string }[];
  conversationIds: string[];
  createdAt: string;
  undoneAt: string | null;
};

export type ContactMergeResponse = { merge: ContactMerge };
export type ContactMergesResponse = { merges: ContactMerge[] };

/**
 * An agent who sees personal data masked asks for one customer's in full (to check an address, to call back): the
 * reason is required and goes into the audit log with who asked and when.
 */
export const revealContactParamsSchema = z.object({ conversationId: z.uuid() });
export const revealContactBodySchema = z.object({ reason: z.string().trim().min(3).max(500) });
export type RevealContactResponse = { contact: ContactSummary };
