import { type Ctx, requireAgentRole } from '../context.ts';
import { getConversation } from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { selectMessageFile } from './email.queries.ts';

/** A stored attachment of a conversation the agent may open (another conversation's file is not found). */
export async function readMessageFile(
  ctx: Ctx,
  conversationId: string,
  fileId: string,
): Promise<{ name: string; contentType: string; data: Buffer }> {
  requireAgentRole(ctx);
  await getConversation(ctx, conversationId);
  const file = await selectMessageFile(ctx.db, ctx.org.id, fileId);
  if (!file || file.conversation_id !== conversationId) throw new AppError('not_found', 'No such file.');
  return { name: file.name, contentType: file.content_type, data: Buffer.from(file.data) };
}
