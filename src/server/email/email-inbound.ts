import { authenticate } from 'mailauth';
import { simpleParser } from 'mailparser';
import type { Conversation } from '../../contracts/domain.ts';
import { conversationOfReplyToken, receiveInbound } from '../channels/channels.service.ts';
import type { Ctx } from '../context.ts';
import { findContactByIdentity } from '../contacts/contacts.service.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import { ACCEPTED_FILES_TEXT } from '../files/file-types.ts';
import { allowedContentType, DEFAULT_MAX_FILE_BYTES, type IncomingFile, safeFileName } from '../files/files.service.ts';
import { loadSlaPolicy } from '../sla/sla.service.ts';
import { chooseReplyLocale } from '../text/language.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import { baseAddress, readEmail } from './email-parse.ts';
import {
  countRecentEmailsFrom,
  type EmailInboxRow,
  insertEmailEvent,
  selectEmailInboxByAddress,
} from './email.queries.ts';

/**
 * One received email, from kefu's SMTP listener or the IMAP poller: routed to the inbox its recipient names, checked
 * (SPF/DKIM/DMARC recorded for the agent; a From address alone proves nothing), and posted as the customer's message in
 * the conversation it answers, with quoted history trimmed and attachments kept. Machine mail (bounces, auto-replies,
 * lists) and floods are recorded in email_events and never answered, so two auto-responders cannot loop through us.
 */

export const MAX_ATTACHMENT_BYTES = DEFAULT_MAX_FILE_BYTES;
const MAX_BODY_CHARS = 20_000;
const MAX_FULL_TEXT_CHARS = 100_000;
/** Mails one sender may get into one inbox per hour before the rest are only recorded. */
export const SENDER_LIMIT_PER_HOUR = 30;

export type DnsResolver = (name: string, type: string) => Promise<string[] | string[][]>;

export type EmailDeps = Pick<Ctx, 'db' | 'log' | 'events'> & {
  /** DNS for SPF/DKIM/DMARC; absent: the system resolver. Tests pass their own (no network at run time). */
  resolver?: DnsResolver;
  /** The host name kefu's MTA reports in Authentication-Results. */
  mta?: string;
};

export type Envelope = { from: string | null; to: string[]; remoteAddress?: string; helo?: string };

export type EmailOutcome =
  | { kind: 'posted'; conversation: Conversation; created: boolean; duplicate: boolean }
  | { kind: 'recorded'; reason: 'bounce' | 'automatic' | 'rate_limited' | 'malformed' | 'no_inbox' };

export async function findEmailInbox(db: Ctx['db'], recipients: string[]): Promise<EmailInboxRow | undefined> {
  for (const recipient of recipients) {
    const inbox = await selectEmailInboxByAddress(db, baseAddress(recipient));
    if (inbox) return inbox;
  }
  return undefined;
}

export async function receiveEmail(deps: EmailDeps, raw: Buffer, envelope: Envelope): Promise<EmailOutcome> {
  const inbox = await findEmailInbox(deps.db, envelope.to);
  if (!inbox) {
    await insertEmailEvent(deps.db, {
      orgId: null,
      inboxId: null,
      kind: 'no_inbox',
      address: envelope.to.join(', '),
      detail: 'no inbox has this address',
    });
    return { kind: 'recorded', reason: 'no_inbox' };
  }
  const record = (
    kind: 'bounce' | 'automatic' | 'rate_limited' | 'malformed',
    address: string | null,
    detail: string,
    contactId?: string,
  ) =>
    insertEmailEvent(deps.db, {
      orgId: inbox.org_id,
      inboxId: inbox.id,
      kind,
      address,
      contactId: contactId ?? null,
      detail,
    });

  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (error) {
    await record('malformed', envelope.from, `could not parse: ${(error as Error).message}`);
    return { kind: 'recorded', reason: 'malformed' };
  }
  const mail = readEmail(parsed, envelope);
  const scope = { db: deps.db, org: { id: inbox.org_id } };

  if (mail.bounce) {
    // The address that bounced is in the report; recorded against that contact, so agents see why mail stops.
    const failed = /Final-Recipient:\s*rfc822;\s*([^\s]+)/i.exec(mail.fullText)?.[1]?.toLowerCase() ?? null;
    const contact = failed ? await findContactByIdentity(scope, 'email', failed) : undefined;
    await record('bounce', failed, mail.subject || 'delivery status notification', contact?.id);
    return { kind: 'recorded', reason: 'bounce' };
  }
  if (!mail.from) {
    await record('malformed', envelope.from, 'no From address');
    return { kind: 'recorded', reason: 'malformed' };
  }
  if (mail.automatic) {
    await record('automatic', mail.from.address, mail.subject);
    return { kind: 'recorded', reason: 'automatic' };
  }
  if ((await countRecentEmailsFrom(deps.db, inbox.org_id, mail.from.address, 60)) >= SENDER_LIMIT_PER_HOUR) {
    await record('rate_limited', mail.from.address, mail.subject);
    return { kind: 'recorded', reason: 'rate_limited' };
  }

  const auth = await checkAuthentication(deps, raw, envelope);
  const kept: IncomingFile[] = [];
  const notes: string[] = [];
  for (const attachment of parsed.attachments ?? []) {
    const name = safeFileName(attachment.filename ?? 'attachment');
    if (attachment.size > MAX_ATTACHMENT_BYTES) {
      notes.push(
        `[${name} (${Math.ceil(attachment.size / 1024 / 1024)} MB) was over the 10 MB limit and was not kept]`,
      );
      continue;
    }
    // The sender's Content-Type is a claim; the bytes say what the file is (the same allow-list as every channel).
    const contentType = await allowedContentType(attachment.content, name, attachment.contentType).catch(() => null);
    if (!contentType) {
      notes.push(`[${name} was not kept: only ${ACCEPTED_FILES_TEXT.en} are accepted]`);
      continue;
    }
    kept.push({ name, data: attachment.content, declaredType: attachment.contentType });
    notes.push(`[${name}, ${contentType.split(';')[0]}, ${Math.ceil(attachment.size / 1024)} KB]`);
  }
  const text = mail.visibleText.slice(0, MAX_BODY_CHARS) || (mail.subject ? mail.subject : '(empty email)');
  const body = [text, ...notes].join('\n');
  const conversationId = mail.replyToken ? await conversationOfReplyToken(scope, mail.replyToken) : undefined;

  const result = await receiveInbound(deps, inbox.org_id, {
    inboxId: inbox.id,
    channel: 'email',
    identity: { kind: 'email', value: mail.from.address },
    profile: { name: mail.from.name, email: mail.from.address },
    externalId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    conversationId,
    body,
    // Stored before the message is posted: an agent who has the conversation open sees them arrive with it.
    files: kept,
    fileConfig: { maxFileBytes: MAX_ATTACHMENT_BYTES },
    meta: {
      email: {
        from: mail.from.address,
        subject: mail.subject,
        messageId: mail.messageId,
        auth,
        ...(mail.fullText !== mail.visibleText ? { fullText: mail.fullText.slice(0, MAX_FULL_TEXT_CHARS) } : {}),
      },
    },
  });
  if (result.created) await acknowledge(deps, inbox, result.conversation);
  return { kind: 'posted', conversation: result.conversation, created: result.created, duplicate: result.duplicate };
}

/** SPF, DKIM and DMARC as the receiving MTA sees them; recorded and shown to the agent, never trusted alone. */
async function checkAuthentication(deps: EmailDeps, raw: Buffer, envelope: Envelope) {
  try {
    const result = await authenticate(raw, {
      ip: envelope.remoteAddress ?? '127.0.0.1',
      helo: envelope.helo ?? 'unknown',
      sender: envelope.from ?? '',
      mta: deps.mta ?? 'kefu',
      ...(deps.resolver ? { resolver: deps.resolver } : {}),
    });
    const statusOf = (part: unknown) =>
      (part as { status?: { result?: string } } | undefined)?.status?.result ?? 'none';
    const spf = result.spf ? statusOf(result.spf) : 'none';
    const dkim = (result.dkim?.results ?? []).map((r: { status?: { result?: string } }) => r.status?.result ?? 'none');
    const dmarc = result.dmarc ? statusOf(result.dmarc) : 'none';
    return { spf, dkim: dkim.length ? dkim : ['none'], dmarc };
  } catch (error) {
    deps.log.warn({ err: error }, 'email authentication could not be checked');
    return { spf: 'temperror', dkim: ['temperror'], dmarc: 'temperror' };
  }
}

const ACK: Record<'zh-CN' | 'en', (number: number, minutes: number | null) => string> = {
  'zh-CN': (number, minutes) =>
    `您好，我们已收到您的邮件，工单号 #${number}。${minutes ? `客服通常会在 ${minutes} 分钟内回复。` : '客服会尽快回复。'}回复此邮件即可补充信息。请勿在邮件中发送密码、助记词、私钥或验证码。`,
  en: (number, minutes) =>
    `We have received your email: case #${number}. ${minutes ? `We usually reply within ${minutes} minutes.` : 'We will reply as soon as we can.'} Reply to this email to add anything. Never send your password, seed phrase, private key or verification codes by email.`,
};

/** The automatic acknowledgement: the case number and when to expect an answer (the SLA's first-response target). */
async function acknowledge(deps: EmailDeps, inbox: EmailInboxRow, conversation: Conversation): Promise<void> {
  const policy = await loadSlaPolicy(deps.db, inbox.org_id);
  const minutes = policy.enabled ? (policy.targets[conversation.priority]?.firstResponseMinutes ?? null) : null;
  const locale = chooseReplyLocale(conversation.lastMessage?.body ?? '', conversation.contact.locale);
  const zhCN = ACK['zh-CN'](conversation.number, minutes);
  const body = locale === 'en' ? ACK.en(conversation.number, minutes) : locale === 'zh-TW' ? toTaiwanText(zhCN) : zhCN;
  await postMessage({ ...deps, org: { id: inbox.org_id }, actor: { kind: 'system' } }, conversation.id, {
    body,
    clientId: `email-ack:${conversation.id}`,
    meta: { email: { automatic: 'auto-replied' } },
  });
}
