import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { ContactIdentityKind } from '../../contracts/domain.ts';

/**
 * How a customer's personal data looks to staff without `pii_read` (issue 15): enough of each value to confirm it with
 * the customer ("the address ending 8a1f?"), not enough to contact them, impersonate them or copy a usable value. Pure
 * string functions; who sees what is decided in `pii-policy.ts` (login IPs, shown only in the exchange panel, are cut
 * to their network by `exchange/role-policy.ts`). The bullets are a fixed count, so a masked value does
 * not tell the length of the hidden part either.
 */

const HIDDEN = '•••';

/** `alice.wong@example.com` → `a•••g@example.com`: the first and last letter of the mailbox, the domain kept. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return HIDDEN;
  const local = email.slice(0, at);
  // A mailbox of one or two letters would be shown whole by "first and last".
  const shown = local.length <= 2 ? `${local[0]}${HIDDEN}` : `${local[0]}${HIDDEN}${local[local.length - 1]}`;
  return `${shown}${email.slice(at)}`;
}

/** `+8613800138000` → `+86 ••• 8000`: the country calling code and the last 4 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return HIDDEN;
  const parsed = phone.trim().startsWith('+') ? parsePhoneNumberFromString(phone.trim()) : undefined;
  const country = parsed?.countryCallingCode;
  return `${country ? `+${country} ` : ''}${HIDDEN} ${digits.slice(-4)}`;
}

/** A crypto address: the first 6 and last 4 characters (`TRtrjm•••yG61`), what people compare by eye. */
export function maskAddress(address: string): string {
  if (address.length <= 10) return `${HIDDEN}${address.slice(-4)}`;
  return `${address.slice(0, 6)}${HIDDEN}${address.slice(-4)}`;
}

/** An exchange UID (or any account number): the last 4 characters (`•••4821`); a short one is hidden whole. */
export function maskUid(uid: string): string {
  return uid.length <= 4 ? HIDDEN : `${HIDDEN}${uid.slice(-4)}`;
}

/** A Telegram identity: a numeric chat id like a UID, a @username by its first letter. */
export function maskTelegram(value: string): string {
  if (/^-?\d+$/.test(value)) return maskUid(value);
  const name = value.replace(/^@/, '');
  return name.length === 0 ? HIDDEN : `${value.startsWith('@') ? '@' : ''}${name[0]}${HIDDEN}`;
}

/** The mask for each kind of contact identity. A widget visitor id is a random token kefu made, not personal data. */
export const IDENTITY_MASKS: Record<ContactIdentityKind, (value: string) => string> = {
  email: maskEmail,
  phone: maskPhone,
  telegram: maskTelegram,
  exchange_uid: maskUid,
  web_visitor: (value) => value,
};
