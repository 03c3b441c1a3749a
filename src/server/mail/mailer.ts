import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Queryable } from '../db/db.ts';

/**
 * Outbound mail goes through an outbox table: written with the action that causes it, then delivered over SMTP when
 * one is configured (SMTP_URL). Without SMTP the mail stays in the outbox, visible to admins, and nothing is lost.
 */
export type Mailer = {
  send(db: Queryable, orgId: string, mail: { to: string; subject: string; body: string }): Promise<string>;
};

export function createMailer(options: { smtpUrl?: string; from: string; log: Logger }): Mailer {
  const transport: Transporter | undefined = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  return {
    async send(db, orgId, mail) {
      const rows = await db.query<{ id: string }>(
        'INSERT INTO outbound_emails (org_id, to_address, subject, body) VALUES ($1, $2, $3, $4) RETURNING id',
        [orgId, mail.to, mail.subject, mail.body],
      );
      const id = rows[0].id;
      if (!transport) {
        options.log.info({ emailId: id }, 'no SMTP_URL configured: the email stays in the outbox');
        return id;
      }
      try {
        await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.body });
        // Once delivered, the body (it may hold a one-time code) is not kept.
        await db.query("UPDATE outbound_emails SET sent_at = now(), body = '[delivered]' WHERE id = $1", [id]);
      } catch (error) {
        options.log.warn({ err: error, emailId: id }, 'email delivery failed');
        await db.query('UPDATE outbound_emails SET error = $2 WHERE id = $1', [id, String(error)]);
      }
      return id;
    },
  };
}
