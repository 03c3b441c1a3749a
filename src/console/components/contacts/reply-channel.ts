import type { Channel } from '../../../contracts/domain.ts';

/**
 * The channel the agent picked for their next replies in a conversation (the picker beside the reply box); the API
 * client adds it to a send as `channel`. Nothing picked (the usual case) sends on the conversation's own channel.
 */
const picked = new Map<string, Channel>();

export function setReplyChannel(conversationId: string, channel: Channel | null): void {
  if (channel) picked.set(conversationId, channel);
  else picked.delete(conversationId);
}

export function replyChannelOf(conversationId: string): Channel | undefined {
  return picked.get(conversationId);
}
