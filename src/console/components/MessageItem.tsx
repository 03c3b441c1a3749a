import type { ReactNode } from 'react';
import type { Agent, Message } from '../../contracts/domain.ts';
import { linkify } from '../../contracts/linkify.ts';
import type { PendingMessage } from '../hooks/useConversation.ts';
import { type Translate, useI18n } from '../i18n/locale.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { formatClock, formatDateTime } from '../lib/format.ts';
import { HandoffSummary, handoffMetaOf } from './HandoffSummary.tsx';
import { BotIcon, LockIcon, ShieldIcon } from './icons.tsx';

/**
 * Plain text with http(s) URLs and help-centre paths (`/help/...`, same origin) made clickable, as React elements:
 * no HTML from messages is ever interpreted, and `javascript:` and the like stay text (src/contracts/linkify.ts).
 */
function renderBody(body: string): ReactNode[] {
  return linkify(body).map((part, index) =>
    'href' in part ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts are positional and never reordered.
      <a key={index} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
        {part.text}
      </a>
    ) : (
      part.text
    ),
  );
}

function authorLabel(message: Message, me: Agent, contactName: string, t: Translate): string {
  switch (message.authorKind) {
    case 'customer':
      return message.authorName || contactName;
    case 'bot':
      return message.authorName || t('author.bot');
    case 'system':
      return t('author.system');
    default:
      if (message.authorId === me.id) return `${message.authorName || me.name} (${t('author.you')})`;
      return message.authorName || t('author.agent');
  }
}

/** SPF, DKIM and DMARC as kefu's mail server saw them, for a customer's email (shown, never trusted alone). */
function emailAuthOf(message: Message): { text: string; trusted: boolean } | null {
  const auth = (message.meta?.email as { auth?: { spf?: string; dkim?: string[]; dmarc?: string } } | undefined)?.auth;
  if (!auth) return null;
  const dkim = auth.dkim?.length ? auth.dkim.join('/') : 'none';
  const trusted = auth.dmarc === 'pass' || (auth.spf === 'pass' && (auth.dkim ?? []).includes('pass'));
  return { text: `SPF ${auth.spf ?? 'none'} · DKIM ${dkim} · DMARC ${auth.dmarc ?? 'none'}`, trusted };
}

/** The server redacts secrets a customer pastes and lists the kinds (never the values) in `meta.redactions`. */
function redactionsOf(message: Message): string[] {
  const value = message.meta?.redactions;
  return Array.isArray(value) ? value.filter((kind): kind is string => typeof kind === 'string') : [];
}

function describeRedactions(kinds: string[], t: Translate): string {
  const known = new Set(['seed_phrase', 'seed_phrase_suspect', 'private_key', 'otp_code', 'password']);
  const names = kinds.map((kind) => (known.has(kind) ? t(`redaction.${kind}` as MessageKey) : kind));
  return t('view.redacted', { kinds: names.join(', ') });
}

/** What the server accepts as an image (src/server/files/files.service.ts); PDFs and text get a link only. */
const THUMBNAIL_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

type Props = { message: Message; me: Agent; contactName: string };

export function MessageItem({ message, me, contactName }: Props) {
  const { t, locale } = useI18n();
  const common = {
    'data-testid': 'message',
    'data-author-kind': message.authorKind,
    'data-seq': message.seq,
    'data-private': message.private ? 'true' : 'false',
  };

  if (message.authorKind === 'system') {
    return (
      <div className="msg msg--system" {...common}>
        <span className="msg__system-text">{message.body}</span>
        <time className="msg__system-time" dateTime={message.createdAt}>
          {formatClock(message.createdAt, locale)}
        </time>
      </div>
    );
  }

  const outgoing = message.authorKind !== 'customer';
  const redactions = redactionsOf(message);
  const emailAuth = emailAuthOf(message);
  const handoff = message.authorKind === 'bot' && message.private ? handoffMetaOf(message) : null;
  const classes = ['msg', outgoing ? 'msg--out' : 'msg--in', `msg--${message.authorKind}`];
  if (message.private) classes.push('msg--private');

  return (
    <div className={classes.join(' ')} {...common}>
      <div className="msg__head">
        {message.private && (
          <span className="msg__note-label">
            <LockIcon size={12} />
            {t('view.note')}
          </span>
        )}
        {message.authorKind === 'bot' && <BotIcon size={12} className="msg__bot-icon" />}
        <span className="msg__author">{authorLabel(message, me, contactName, t)}</span>
        <time className="msg__time" dateTime={message.createdAt} title={formatDateTime(message.createdAt, locale)}>
          {formatClock(message.createdAt, locale)}
        </time>
      </div>
      <div className="msg__bubble">
        {handoff ? (
          <HandoffSummary meta={handoff} />
        ) : (
          message.body && <div className="msg__body">{renderBody(message.body)}</div>
        )}
        {message.attachments.length > 0 && (
          <ul className="msg__attachments">
            {message.attachments.map((attachment) => (
              <li key={attachment.url} data-testid="attachment">
                {/* An <img> renders even though the download is an attachment; CSS sizes it down to a thumbnail. */}
                {THUMBNAIL_TYPES.has(attachment.contentType) && (
                  <a href={attachment.url} download={attachment.name} className="msg__thumb-link">
                    <img
                      className="msg__thumb"
                      src={attachment.url}
                      alt={attachment.name}
                      loading="lazy"
                      data-testid="attachment-thumb"
                    />
                  </a>
                )}
                <a href={attachment.url} download={attachment.name} title={t('view.download')}>
                  {attachment.name}
                </a>
                <span className="msg__attachment-size">{formatSize(attachment.size)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {emailAuth && (
        <div className={`msg__email-auth${emailAuth.trusted ? '' : ' msg__email-auth--warn'}`} data-testid="email-auth">
          {t('view.emailAuth')}: {emailAuth.text}
        </div>
      )}
      {redactions.length > 0 && (
        <div className="msg__redacted" data-testid="message-redacted">
          <ShieldIcon size={12} />
          {describeRedactions(redactions, t)}
        </div>
      )}
    </div>
  );
}

type PendingProps = {
  item: PendingMessage;
  me: Agent;
  onRetry: (item: PendingMessage) => void;
  onDiscard: (clientId: string) => void;
};

/** An optimistic bubble: shown at once, replaced by the stored message when it arrives with the same clientId. */
export function PendingMessageItem({ item, me, onRetry, onDiscard }: PendingProps) {
  const { t } = useI18n();
  const classes = ['msg', 'msg--out', 'msg--agent', 'msg--pending'];
  if (item.private) classes.push('msg--private');
  if (item.state === 'failed') classes.push('msg--failed');
  return (
    <div
      className={classes.join(' ')}
      data-testid="message"
      data-author-kind="agent"
      data-pending="true"
      data-private={item.private ? 'true' : 'false'}
      data-client-id={item.clientId}
    >
      <div className="msg__head">
        {item.private && (
          <span className="msg__note-label">
            <LockIcon size={12} />
            {t('view.note')}
          </span>
        )}
        <span className="msg__author">
          {me.name} ({t('author.you')})
        </span>
        <span className="msg__time">{item.state === 'sending' ? t('view.sending') : t('view.failed')}</span>
      </div>
      <div className="msg__bubble">
        <div className="msg__body">{renderBody(item.body)}</div>
      </div>
      {item.state === 'failed' && (
        <div className="msg__actions">
          <button type="button" className="button button--link" onClick={() => onRetry(item)}>
            {t('view.retry')}
          </button>
          <button type="button" className="button button--link" onClick={() => onDiscard(item.clientId)}>
            {t('view.discard')}
          </button>
        </div>
      )}
    </div>
  );
}
