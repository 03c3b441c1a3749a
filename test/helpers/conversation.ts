import type { Message } from '../../src/contracts/domain.ts';
import type { VisitorClient } from './server.ts';

/** Polls the customer's view until `done` holds: bot replies are posted right after the customer's message. */
export async function waitForMessages(
  visitor: VisitorClient,
  conversationId: string,
  done: (messages: Message[]) => boolean,
  timeoutMs = 15_000,
): Promise<Message[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
    const messages = result.body.messages as Message[];
    if (done(messages)) return messages;
    if (Date.now() > deadline) {
      throw new Error(`timed out; messages: ${JSON.stringify(messages.map((m) => [m.authorKind, m.body]))}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const botReplies = (messages: Message[]) => messages.filter((m) => m.authorKind === 'bot');
