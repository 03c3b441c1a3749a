import EmailReplyParser from 'email-reply-parser';
import type { AddressObject, ParsedMail } from 'mailparser';

/**
 * A received email as kefu reads it (pure, for table-driven tests): who sent it, what it answers (threading ids and
 * the reply address's token), what the customer wrote this time (quoted history and signatures trimmed; the full text
 * kept separately), and whether it is machine mail that must never be answered automatically (auto-replies, lists,
 * bounces) — the difference between a support inbox and a mail loop.
 */

export type ReadEmail = {
  messageId: string;
  inReplyTo: string[];
  from: { address: string; name: string | null } | null;
  subject: string;
  /** What the customer wrote in this mail: quoted history and signatures removed. */
  visibleText: string;
  /** The whole text part (or the HTML's text), as received. */
  fullText: string;
  /** The token of a support+<token>@… reply address among the recipients, if any. */
  replyToken: string | null;
  /** Auto-Submitted, Precedence bulk/junk/list, List-*, X-Autoreply…: answered by nobody automatically. */
  automatic: boolean;
  /** A delivery-status notification (mailer-daemon, postmaster, multipart/report). */
  bounce: boolean;
};

const ID = /<[^<>\s]+>/g;

function ids(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...text.matchAll(ID)].map((m) => m[0].toLowerCase());
}

function addresses(value: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list
    .flatMap((group) => group.value)
    .flatMap((a) => (a.address ? [{ address: a.address.toLowerCase(), name: a.name }] : []));
}

const PLUS_TOKEN = /^[^+@]+\+([a-z0-9]{16,64})@/i;

/** support+<token>@domain → token. */
export function replyTokenOf(address: string): string | null {
  return PLUS_TOKEN.exec(address)?.[1]?.toLowerCase() ?? null;
}

/** The mailbox part without a +tag: support+abc@x → support@x. */
export function baseAddress(address: string): string {
  return address.toLowerCase().replace(/\+[^@]*@/, '@');
}

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

export function isAutomatic(mail: ParsedMail): boolean {
  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(header(mail, 'precedence').trim())) return true;
  // mailparser gathers List-Id, List-Unsubscribe… under 'list'.
  if (mail.headers.has('list') || mail.headers.has('list-id') || mail.headers.has('list-unsubscribe')) return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return true;
  if (/\b(All|AutoReply)\b/i.test(header(mail, 'x-auto-response-suppress'))) return true;
  return false;
}

export function isBounce(mail: ParsedMail, envelopeFrom: string | null): boolean {
  const from = addresses(mail.from)[0]?.address ?? '';
  if (/^(mailer-daemon|postmaster)@/i.test(from)) return true;
  if (envelopeFrom === '' || envelopeFrom === '<>') return true;
  const type = header(mail, 'content-type').toLowerCase();
  return type.includes('multipart/report') && type.includes('delivery-status');
}

/** Keeps what was written this time: quoted history ("On … wrote:", "> …", 在…写道) and signatures go. */
export function visiblePart(text: string): string {
  const visible = new EmailReplyParser().read(text.replace(/\r\n/g, '\n')).getVisibleText().trim();
  return visible || text.trim();
}

export function readEmail(mail: ParsedMail, envelope: { from: string | null; to: string[] }): ReadEmail {
  const from = addresses(mail.from)[0] ?? null;
  const recipients = [
    ...envelope.to,
    ...addresses(mail.to).map((a) => a.address),
    ...addresses(mail.cc).map((a) => a.address),
  ];
  const fullText = (mail.text ?? (typeof mail.html === 'string' ? htmlToText(mail.html) : '')).trim();
  const messageId =
    (mail.messageId ?? '').toLowerCase() || `<generated.${Date.now()}.${Math.random().toString(36).slice(2)}@kefu>`;
  return {
    messageId: messageId.startsWith('<') ? messageId : `<${messageId}>`,
    inReplyTo: [...new Set([...ids(mail.inReplyTo), ...ids(mail.references)])],
    from: from ? { address: from.address, name: from.name || null } : null,
    subject: (mail.subject ?? '').replace(/[\r\n]+/g, ' ').trim(),
    visibleText: visiblePart(fullText),
    fullText,
    replyToken: recipients.map(replyTokenOf).find((t) => t !== null) ?? null,
    automatic: isAutomatic(mail),
    bounce: isBounce(mail, envelope.from),
  };
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n');
}
