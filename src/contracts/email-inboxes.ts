import { z } from 'zod';

/**
 * Email inboxes as admins configure them (/api/agent/email/inboxes): an address, the name mail is sent under, and
 * how mail arrives: kefu's own SMTP listener (the address's MX or a forwarding rule points at it), or an existing
 * mailbox read over IMAP. The IMAP password is write-only: stored sealed, never returned.
 */

const imapFields = {
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65_535).optional(),
  /** TLS from the start (993); false: plain, upgraded with STARTTLS when offered (143). */
  secure: z.boolean().default(true),
  user: z.string().trim().min(1).max(320),
  mailbox: z.string().trim().min(1).max(200).default('INBOX'),
};
const password = z.string().min(1).max(1000);

export const emailInboundSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('smtp') }),
  /** On an update the password may be left out: the stored one is kept. */
  z.object({ kind: z.literal('imap'), ...imapFields, password: password.optional() }),
]);

export const createEmailInboxBodySchema = z.object({
  address: z.email().max(320),
  displayName: z.string().trim().min(1).max(100),
  inbound: emailInboundSchema,
  /** Whether the bot answers first (on unless turned off). */
  bot: z.boolean().optional(),
});
export type CreateEmailInboxBody = z.infer<typeof createEmailInboxBodySchema>;

export const updateEmailInboxBodySchema = createEmailInboxBodySchema.partial();
export type UpdateEmailInboxBody = z.infer<typeof updateEmailInboxBodySchema>;

/** Test an IMAP login before (or after) saving; with inboxId and no password, the stored password is used. */
export const testImapBodySchema = z.object({
  inboxId: z.uuid().optional(),
  imap: z.object({ ...imapFields, password: password.optional() }),
});

export type EmailInbox = {
  id: string;
  address: string;
  displayName: string;
  bot: boolean;
  inbound:
    | { kind: 'smtp' }
    | {
        kind: 'imap';
        host: string;
        port: number;
        secure: boolean;
        user: string;
        mailbox: string;
        passwordSet: boolean;
      };
  createdAt: string;
};

export type EmailInboxList = {
  inboxes: EmailInbox[];
  /** Where kefu's SMTP listener takes mail, to point MX records or forwarding at; null: no listener runs. */
  smtpListener: { host: string; port: number } | null;
};

export type ImapTestResult = { ok: true; messages: number } | { ok: false; error: string };
