import type {
  CreateEmailInboxBody,
  EmailInbox,
  EmailInboxList,
  ImapTestResult,
} from '../../../contracts/email-inboxes.ts';
import { callApi } from '../../api/client.ts';

/** The email inbox settings calls (src/server/email/email-inboxes.routes.ts); shapes from the contracts. */

export function listEmailInboxes(): Promise<EmailInboxList> {
  return callApi<EmailInboxList>('/api/agent/email/inboxes');
}

export async function createEmailInbox(body: CreateEmailInboxBody): Promise<EmailInbox> {
  return (await callApi<{ inbox: EmailInbox }>('/api/agent/email/inboxes', { method: 'POST', body })).inbox;
}

export async function removeEmailInbox(id: string): Promise<void> {
  await callApi<unknown>(`/api/agent/email/inboxes/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function testImap(imap: Extract<CreateEmailInboxBody['inbound'], { kind: 'imap' }>): Promise<ImapTestResult> {
  const { kind: _kind, ...settings } = imap;
  return callApi<ImapTestResult>('/api/agent/email/inboxes/test-imap', { method: 'POST', body: { imap: settings } });
}
