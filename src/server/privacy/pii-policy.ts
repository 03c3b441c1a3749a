import type { ContactSummary, Conversation, Message } from '../../contracts/domain.ts';
import type { Actor } from '../context.ts';
import { IDENTITY_MASKS, maskEmail, maskPhone, maskTelegram, maskUid } from './pii-mask.ts';

/**
 * Who sees a customer's personal data in full (issue 15): supervisors and admins (escalations, security cases, merges)
 * and agents an admin granted `pii_read`; plain agents see it masked (`pii-mask.ts`). The customer sees their own;
 * the bot and system code work with the real values. Applied by the services to what they return to staff — the
 * conversation's contact, message metadata, transcripts, merges, callbacks, cases, macros, the exchange sidebar's UID —
 * and by the realtime gateway per socket, so no output path depends on the console hiding anything. The exchange's
 * own backend (public API, webhooks) gets full values: it is the exchange, reading its own customers. Message bodies
 * are the customer's own words and stay as written; the exchange facts panel uses these masks by role
 * (`exchange/role-policy.ts`).
 */
export function seesPii(actor: Actor): boolean {
  if (actor.kind !== 'agent') return true;
  return actor.role === 'admin' || actor.role === 'supervisor' || (actor.permissions ?? []).includes('pii_read');
}

/** The contact as someone without `pii_read` sees it, flagged `masked` so a client does not link or copy the values. */
export function maskContact(contact: ContactSummary): ContactSummary {
  return {
    ...contact,
    email: contact.email === null ? null : maskEmail(contact.email),
    exchangeUid: contact.exchangeUid === null ? null : maskUid(contact.exchangeUid),
    identities: contact.identities.map((i) => ({ kind: i.kind, value: IDENTITY_MASKS[i.kind](i.value) })),
    masked: true,
  };
}

export function conversationForViewer(seesFull: boolean, conversation: Conversation): Conversation {
  return seesFull ? conversation : { ...conversation, contact: maskContact(conversation.contact) };
}

/** The conversation as this actor may see it. */
export function conversationFor(actor: Actor, conversation: Conversation): Conversation {
  return conversationForViewer(seesPii(actor), conversation);
}

/**
 * Message metadata that names the customer: an inbound email's sender (`meta.email.from`), a Telegram message's chat
 * id (`meta.telegram.chatId`, the user's id in a private chat). The body is left as the customer wrote it.
 */
export function messageForViewer(seesFull: boolean, message: Message): Message {
  if (seesFull) return message;
  const email = message.meta?.email as { from?: unknown } | undefined;
  const telegram = message.meta?.telegram as { chatId?: unknown } | undefined;
  const maskEmailFrom = typeof email?.from === 'string';
  const maskChat = typeof telegram?.chatId === 'number' || typeof telegram?.chatId === 'string';
  if (!maskEmailFrom && !maskChat) return message;
  return {
    ...message,
    meta: {
      ...message.meta,
      ...(maskEmailFrom ? { email: { ...email, from: maskEmail(email?.from as string) } } : {}),
      ...(maskChat ? { telegram: { ...telegram, chatId: maskTelegram(String(telegram?.chatId)) } } : {}),
    },
  };
}

export function messageFor(actor: Actor, message: Message): Message {
  return messageForViewer(seesPii(actor), message);
}

/** A phone number (a callback request's) as this actor may see it. */
export function phoneFor(actor: Actor, phone: string): string {
  return seesPii(actor) ? phone : maskPhone(phone);
}

/** An exchange UID (a transcript's header) as this actor may see it. */
export function uidFor(actor: Actor, uid: string | null): string | null {
  return uid === null || seesPii(actor) ? uid : maskUid(uid);
}
