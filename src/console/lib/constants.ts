import type { ConversationStatus, Priority } from '../../contracts/domain.ts';

// Mirrors of the contract's lists. The contract module builds zod schemas at import time; importing only its types
// keeps zod out of the console bundle.
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = [
  'open',
  'pending',
  'snoozed',
  'resolved',
  'closed',
];
export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
