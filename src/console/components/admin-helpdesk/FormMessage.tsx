/** The outcome of an admin form: saved (announced politely) or refused (announced at once), with the server's words. */
export type FormOutcome = { kind: 'ok' | 'error'; text: string };

export function FormMessage({ message }: { message: FormOutcome | null }) {
  if (!message) return null;
  return (
    <div
      className={`alert${message.kind === 'error' ? ' alert--error' : ''}`}
      role={message.kind === 'error' ? 'alert' : 'status'}
      data-testid="admin-message"
    >
      {message.text}
    </div>
  );
}
