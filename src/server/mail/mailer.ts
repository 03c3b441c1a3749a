import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Queryable } from '../db/db.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import {
  insertOutboundEmail,
  markOutboundEmailFailed,
  markOutboundEmailSent,
  wipeExpiredOutboundBodies,
} from './mail.queries.ts';

/**
 * Outbound mail goes through an outbox table: written with the action that causes it, then delivered over SMTP when
 * one is configured (SMTP_URL). Without SMTP the mail stays in the outbox and nothing is lost, except a secret past
 * its life: see `wipeExpiredMailSecrets`.
 */
export type OutboundMail = {
  to: string;
  subject: string;
  body: string;
  /** The body holds a secret (a one-time code) that is dead after this many minutes: wipe it then, sent or not. */
  secretTtlMinutes?: number;
};

/** A support email: HTML and text parts, its own sender and threading headers. */
export type RichMail = OutboundMail & {
  from: string;
  html: string;
  replyTo?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  /** Files an agent sent with the message (src/server/files/): the stored bytes, their sniffed type. */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
};

/** No SMTP server is configured: the mail stays in the outbox, and retrying will not change that. */
export class MailNotConfiguredError extends Error {
  readonly permanent = true;
  constructor() {
    super('no SMTP_URL configured: the email stays in the outbox');
  }
}

export type Mailer = {
  send(db: Queryable, orgId: string, mail: OutboundMail): Promise<string>;
  /** Records the mail in the outbox and sends it; throws when it could not be sent (the caller retries). */
  deliver(db: Queryable, orgId: string, mail: RichMail): Promise<void>;
};

const EXPIRED_BODY = '[expired]';
const WIPE_SECRETS_JOB = 'mail.wipe-expired-secrets';

/**
 * Wipe the bodies of undelivered mails whose secret has expired (delivered ones are wiped on delivery).
 * Returns how many it wiped.
 */
export async function wipeExpiredMailSecrets(db: Queryable): Promise<number> {
  return wipeExpiredOutboundBodies(db, EXPIRED_BODY);
}

/** Wipes expired one-time codes from undelivered mail every minute, on one node. */
export async function scheduleMailSecretWipe(jobs: JobQueue, db: Queryable, log: Logger): Promise<void> {
  await jobs.every(WIPE_SECRETS_JOB, 60, async () => {
    const wiped = await wipeExpiredMailSecrets(db);
    if (wiped > 0) log.info({ wiped }, 'wiped expired one-time codes from undelivered mail');
  });
}

export function createMailer(options: { smtpUrl?: string; from: string; log: Logger }): Mailer {
  const transport: Transporter | undefined = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  return {
    async send(db, orgId, mail) {
      const id = await insertOutboundEmail(db, orgId, { ...mail, secretTtlMinutes: mail.secretTtlMinutes ?? null });
      if (!transport) {
        options.log.info({ emailId: id }, 'no SMTP_URL configured: the email stays in the outbox');
        return id;
      }
      try {
        await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.body });
        // Once delivered, the body (it may hold a one-time code) is not kept.
        await markOutboundEmailSent(db, orgId, id);
      } catch (error) {
        options.log.warn({ err: error, emailId: id }, 'email delivery failed');
        await markOutboundEmailFailed(db, orgId, id, String(error));
      }
      return id;
    },
    async deliver(db, orgId, mail) {
      const id = await insertOutboundEmail(db, orgId, { ...mail, secretTtlMinutes: mail.secretTtlMinutes ?? null });
      if (!transport) {
        await markOutboundEmailFailed(db, orgId, id, 'no SMTP_URL configured');
        throw new MailNotConfiguredError();
      }
      try {
        await transport.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.body,
          html: mail.html,
          replyTo: mail.replyTo,
          messageId: mail.messageId,
          inReplyTo: mail.inReplyTo,
          references: mail.references,
          headers: mail.headers,
          attachments: mail.attachments,
        });
        await markOutboundEmailSent(db, orgId, id);
      } catch (error) {
        await markOutboundEmailFailed(db, orgId, id, String(error));
        throw error;
      }
    },
  };
}
