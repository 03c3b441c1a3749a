import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { baseAddress } from './email-parse.ts';
import { type EmailDeps, findEmailInbox, receiveEmail } from './email-inbound.ts';
import { insertEmailEvent } from './email.queries.ts';

/**
 * kefu's own SMTP listener (KEFU_SMTP_PORT): the MX for its email inboxes. It accepts mail only for addresses an email
 * inbox has (others get 550 before any data is sent), refuses a message over the size limit with 552 (and records
 * it), offers STARTTLS when a certificate is configured, and hands each message to receiveEmail.
 */
export type SmtpListenerOptions = {
  port: number;
  host: string;
  maxBytes: number;
  tls?: { keyFile: string; certFile: string };
};

export type SmtpListener = { port: number; close(): Promise<void> };

export async function startSmtpListener(deps: EmailDeps, options: SmtpListenerOptions): Promise<SmtpListener> {
  const tls: Partial<SMTPServerOptions> = options.tls
    ? { key: fs.readFileSync(options.tls.keyFile), cert: fs.readFileSync(options.tls.certFile) }
    : { disabledCommands: ['STARTTLS'] };
  const server = new SMTPServer({
    ...tls,
    name: deps.mta ?? 'kefu',
    banner: 'kefu support mail',
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: [...((tls.disabledCommands as string[] | undefined) ?? []), 'AUTH'],
    logger: false,
    async onRcptTo(address, _session, callback) {
      const inbox = await findEmailInbox(deps.db, [baseAddress(address.address)]).catch(() => undefined);
      if (!inbox) return callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          findEmailInbox(deps.db, to)
            .then((inbox) =>
              insertEmailEvent(deps.db, {
                orgId: inbox?.org_id ?? null,
                inboxId: inbox?.id ?? null,
                kind: 'too_large',
                address: from || null,
                detail: `refused: over ${options.maxBytes} bytes`,
              }),
            )
            .catch((error: unknown) => deps.log.warn({ err: error }, 'could not record an oversized mail'));
          return callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
        }
        receiveEmail(deps, Buffer.concat(chunks), {
          from,
          to,
          remoteAddress: session.remoteAddress,
          helo: session.hostNameAppearsAs,
        })
          .then(() => callback())
          .catch((error: unknown) => {
            deps.log.error({ err: error }, 'could not take a received mail');
            // A temporary failure: the sending server keeps the mail and tries again.
            callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          });
      });
    },
  });
  server.on('error', (error) => deps.log.warn({ err: error }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
