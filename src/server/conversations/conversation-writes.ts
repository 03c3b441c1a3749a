/**
 * The conversations domain's write API for the other domains (bot, routing, sla, priorities, feedback, teams,
 * retention): each names one change to a conversation's row (updateConversationFields and updateConversationTags are
 * the ones agents' own edits use too, for a macro's actions). Other domains import this module, never a
 * conversations queries file; `npm run check` fails on a write to the conversations table outside conversations/
 * (see scripts/seams.ts).
 */
export {
  addComplaintTag,
  assignIfWaiting,
  anonymiseConversationsForRetention,
  clearConversationsTeam,
  deleteConversationsForRetention,
  escalateConversation,
  markHandedOff,
  markPrioritySetByAgent,
  markQueued,
  mergeMessageMeta,
  moveContactConversations,
  overflowWaitingConversations,
  raisePriorityByRule,
  recordBotTurn,
  requeueAgentConversations,
  returnConversationToBot,
  returnConversationsToContact,
  setConversationTeam,
  setMessageAttachments,
  setSlaRisk,
  updateBotState,
} from './conversation-writes.queries.ts';
export { updateConversationFields } from './conversations.queries.ts';
export { updateConversationTags } from './conversations.tools.queries.ts';
