import type { Locale } from '../../contracts/domain.ts';
import type { ChannelSender, OutboundMessage } from '../channels/channels.listener.ts';
import { replyTokenFor } from '../channels/channels.service.ts';
import type { Ctx } from '../context.ts';
import { ExchangeUnavailableError } from '../exchange/exchange.types.ts';
import { fileIdOfUrl, readConversationFile } from '../files/files.service.ts';
import type { Mailer } from '../mail/mailer.ts';
import { findOrgById } from '../orgs/orgs.service.ts';
import type { FactSources } from '../self-service/self-service.ts';
import { chooseReplyLocale } from '../text/language.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import { selectEmailThread } from './email.queries.ts';

/**
 * Agents' and the bot's replies as email: in the customer's language, HTML and text, threaded (Message-ID,
 * In-Reply-To, References, and a reply address of the conversation's own), and — when the exchange knows the
 * customer's anti-phishing code — with that code in a fixed place at the top. The template takes an AntiPhishingMark,
 * which only `antiPhishingMarkFor` makes: a support email without the code the exchange holds cannot be rendered.
 */

export type AntiPhishingMark = { kind: 'code'; code: string } | { kind: 'not_set' };

/** Looks the code up for a linked customer; throws when the exchange cannot say (the delivery is retried). */
export async function antiPhishingMarkFor(
  sources: FactSources | undefined,
  orgId: string,
  exchangeUid: string | null,
): Promise<AntiPhishingMark> {
  if (!exchangeUid || !sources) return { kind: 'not_set' };
  const connector = await sources.connectorFor(orgId);
  const account = await connector.getAccount(exchangeUid);
  if (account?.antiPhishingCode) return { kind: 'code', code: account.antiPhishingCode };
  return { kind: 'not_set' };
}

type Words = { code: string; noCode: string; ref: string; never: string; reply: string };
const WORDS: Record<'zh-CN' | 'en', Words> = {
  'zh-CN': {
    code: '您的防钓鱼码',
    noCode: '您尚未设置防钓鱼码。设置后，我们发出的每封邮件都会显示它，没有显示的就不是我们发的。',
    ref: '工单号',
    never: '我们永远不会索要您的密码、助记词、私钥或验证码。',
    reply: '直接回复此邮件即可继续沟通。',
  },
  en: {
    code: 'Your anti-phishing code',
    noCode:
      'You have not set an anti-phishing code. Once set, every email from us shows it; one that does not is not from us.',
    ref: 'Case',
    never: 'We will never ask for your password, seed phrase, private key or verification codes.',
    reply: 'Reply to this email to continue.',
  },
};

function wordsFor(locale: Locale): Words {
  if (locale === 'en') return WORDS.en;
  if (locale === 'zh-TW') {
    const cn = WORDS['zh-CN'];
    return Object.fromEntries(Object.entries(cn).map(([k, v]) => [k, toTaiwanText(v)])) as Words;
  }
  return WORDS['zh-CN'];
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function renderSupportEmail(input: {
  locale: Locale;
  orgName: string;
  number: number;
  body: string;
  author: string | null;
  antiPhishing: AntiPhishingMark;
}): { text: string; html: string } {
  const w = wordsFor(input.locale);
  const mark = input.antiPhishing.kind === 'code' ? `${w.code}: ${input.antiPhishing.code}` : w.noCode;
  const signature = `${input.author ? `${input.author}\n` : ''}${input.orgName}`;
  const text = [
    `【${mark}】`,
    '',
    input.body,
    '',
    '—',
    signature,
    `${w.ref} #${input.number} · ${w.reply}`,
    w.never,
  ].join('\n');
  const paragraphs = input.body
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replaceAll('\n', '<br>')}</p>`)
    .join('');
  const html = `<!doctype html><html><body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;line-height:1.6">
<div style="border:2px solid #0969da;border-radius:6px;padding:10px 14px;margin:0 0 16px;font-weight:600">${escapeHtml(mark)}</div>
${paragraphs}
<p style="margin:16px 0 4px;color:#57606a">—<br>${escapeHtml(signature).replaceAll('\n', '<br>')}</p>
<p style="margin:0;color:#57606a;font-size:13px">${escapeHtml(w.ref)} #${input.number} · ${escapeHtml(w.reply)}<br>${escapeHtml(w.never)}</p>
</body></html>`;
  return { text, html };
}

/** A subject line that cannot carry headers: line breaks and control characters go. */
export function safeSubject(subject: string): string {
  const printable = Array.from(subject, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f ? ' ' : ch;
  }).join('');
  return printable.replace(/ {2,}/g, ' ').trim().slice(0, 200);
}

export type EmailSenderDeps = Pick<Ctx, 'db' | 'log'> & { mailer: Mailer; sources?: FactSources };

export function createEmailSender(deps: EmailSenderDeps): ChannelSender {
  return {
    channel: 'email',
    async send(out: OutboundMessage) {
      const { conversation, message, inbox, orgId } = out;
      const to =
        conversation.contact.identities.find((i) => i.kind === 'email')?.value ?? conversation.contact.email ?? null;
      if (!to) throw Object.assign(new Error('the customer has no email address'), { permanent: true });
      const address = String((inbox.settings.email as { address?: string } | undefined)?.address ?? '');
      if (!address.includes('@')) throw Object.assign(new Error('the inbox has no address'), { permanent: true });
      let mark: AntiPhishingMark;
      try {
        mark = await antiPhishingMarkFor(deps.sources, orgId, conversation.contact.exchangeUid);
      } catch (error) {
        if (error instanceof ExchangeUnavailableError)
          throw new Error('the exchange did not say the anti-phishing code');
        throw error;
      }
      const org = await findOrgById({ db: deps.db }, orgId);
      const orgName = org?.name ?? 'Support';
      const thread = await selectEmailThread(deps.db, orgId, conversation.id);
      const token = await replyTokenFor({ db: deps.db, org: { id: orgId } }, conversation.id);
      const [local, domain] = address.split('@') as [string, string];
      const locale = chooseReplyLocale(message.body, conversation.contact.locale);
      const rendered = renderSupportEmail({
        locale,
        orgName,
        number: conversation.number,
        body: message.body,
        author: message.authorKind === 'agent' ? message.authorName : null,
        antiPhishing: mark,
      });
      const baseSubject = thread.subject ? thread.subject.replace(/^((re|回复|答复)\s*[:：]\s*)+/i, '') : orgName;
      const messageId = `<kefu.${message.id}@${domain}>`;
      // The agent's files go with the mail: the customer cannot open a console link.
      const attachments = [];
      for (const attachment of message.attachments) {
        const fileId = fileIdOfUrl(attachment.url);
        if (!fileId) continue;
        const file = await readConversationFile({ db: deps.db, org: { id: orgId } }, conversation.id, fileId);
        attachments.push({ filename: file.name, content: file.data, contentType: file.contentType });
      }
      const automatic = message.authorKind !== 'agent';
      await deps.mailer.deliver(deps.db, orgId, {
        from: `"${orgName.replace(/["\r\n]/g, '')}" <${address}>`,
        to,
        replyTo: `${local}+${token}@${domain}`,
        subject: safeSubject(`Re: ${baseSubject} [#${conversation.number}]`),
        body: rendered.text,
        html: rendered.html,
        messageId,
        ...(thread.lastInbound ? { inReplyTo: thread.lastInbound } : {}),
        references: thread.references,
        // The bot's and the system's mail is automatic: auto-responders must not answer it (no loops).
        headers: automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
        ...(attachments.length > 0 ? { attachments } : {}),
      });
      return { externalId: messageId.toLowerCase() };
    },
  };
}
