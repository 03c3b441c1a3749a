import type {
  CreateEmailInboxBody,
  EmailInbox,
  EmailInboxList,
  ImapTestResult,
  UpdateEmailInboxBody,
} from '../../../contracts/email-inboxes.ts';
import { callApi } from '../../api/client.ts';

/** The email inbox settings calls (src/server/email/email-inboxes.routes.ts); shapes from the contracts. */

export function listEmailInboxes(): Promise<EmailInboxList> {
  return callApi<EmailInboxList>('/api/agent/email/inboxes');
}

export async function createEmailInbox(body: CreateEmailInboxBody): Promise<EmailInbox> {
  return (await callApi<{ inbox: EmailInbox }>('/api/agent/email/inboxes', { method: 'POST', body })).inbox;
}

export async function updateEmailInbox(id: string, body: UpdateEmailInboxBody): Promise<EmailInbox> {
  return (
    await callApi<{ inbox: EmailInbox }>(`/api/agent/email/inboxes/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      body,
    })
  ).inbox;
}

export async function removeEmailInbox(id: string): Promise<void> {
  await callApi<unknown>(`/api/agent/email/inboxes/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** With the inbox's id and no password, the server tests with the stored password (an edit that keeps it). */
export function testImap(
  imap: Extract<CreateEmailInboxBody['inbound'], { kind: 'imap' }>,
  inboxId?: string,
): Promise<ImapTestResult> {
  const { kind: _kind, ...settings } = imap;
  return callApi<ImapTestResult>('/api/agent/email/inboxes/test-imap', {
    method: 'POST',
    body: { imap: settings, ...(inboxId ? { inboxId } : {}) },
  });
}
