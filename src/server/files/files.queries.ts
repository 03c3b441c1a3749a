import type { Queryable } from '../db/db.ts';

export async function insertMessageFile(
  db: Queryable,
  orgId: string,
  f: { conversationId: string; messageId: string | null; name: string; contentType: string; data: Buffer },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO message_files (org_id, conversation_id, message_id, name, content_type, size, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [orgId, f.conversationId, f.messageId, f.name, f.contentType, f.data.length, f.data],
  );
  return (rows[0] as { id: string }).id;
}

export type MessageFileRow = {
  id: string;
  conversation_id: string;
  message_id: string | null;
  name: string;
  content_type: string;
  size: number;
  data: Buffer;
};

export async function selectMessageFile(
  db: Queryable,
  orgId: string,
  fileId: string,
): Promise<MessageFileRow | undefined> {
  const rows = await db.query<MessageFileRow>(
    `SELECT id, conversation_id, message_id, name, content_type, size, data
       FROM message_files WHERE org_id = $1 AND id = $2`,
    [orgId, fileId],
  );
  return rows[0];
}

/** Links an uploaded file to the message that carries it (stored first, so the message can name its URL). */
export async function updateMessageFileMessage(
  db: Queryable,
  orgId: string,
  fileId: string,
  messageId: string,
): Promise<void> {
  await db.query('UPDATE message_files SET message_id = $3 WHERE org_id = $1 AND id = $2', [orgId, fileId, messageId]);
}

/** A file whose message was never stored (closed conversation, a retried upload answered by the first one). */
export async function deleteUnlinkedMessageFile(db: Queryable, orgId: string, fileId: string): Promise<void> {
  await db.query('DELETE FROM message_files WHERE org_id = $1 AND id = $2 AND message_id IS NULL', [orgId, fileId]);
}
