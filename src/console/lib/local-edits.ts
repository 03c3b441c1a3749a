/**
 * Tracks the agent's own in-flight changes (status, priority, assignee) per conversation.
 *
 * The contract gives conversations no version, so snapshots cannot be ordered. While a change of ours is in flight,
 * socket snapshots of that conversation may predate it and would flip the controls back; they are skipped, and the
 * answer to the latest request (authoritative when it is written) is applied instead. Answers to superseded
 * requests are dropped for the same reason.
 */
const inFlight = new Map<string, { latest: number; count: number }>();
let nextToken = 0;

export function beginEdit(conversationId: string): number {
  const token = ++nextToken;
  const entry = inFlight.get(conversationId);
  inFlight.set(conversationId, { latest: token, count: (entry?.count ?? 0) + 1 });
  return token;
}

/** Ends one edit; true when it was the latest one, so its answer may be applied. */
export function endEdit(conversationId: string, token: number): boolean {
  const entry = inFlight.get(conversationId);
  if (!entry) return true;
  const latest = entry.latest === token;
  if (entry.count <= 1) inFlight.delete(conversationId);
  else entry.count -= 1;
  return latest;
}

export function isEditing(conversationId: string): boolean {
  return inFlight.has(conversationId);
}
