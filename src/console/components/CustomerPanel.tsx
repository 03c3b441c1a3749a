import { type ReactNode, useState } from 'react';
import type { ContactSummary, Conversation } from '../../contracts/domain.ts';
import { useI18n } from '../i18n/locale.tsx';
import { LOCALE_NAMES, type UiLocale } from '../i18n/messages.ts';
import { formatDateTime } from '../lib/format.ts';
import { ContactAvatar } from './Avatar.tsx';
import { PriorityBadge, StatusBadge } from './badges.tsx';
import { PersonIcon } from './icons.tsx';
import { contactNameOf } from './ConversationList.tsx';
import { ContactSection } from './contacts/ContactSection.tsx';
import { RevealContact } from './contacts/RevealContact.tsx';
import { ExchangePanel } from './exchange/ExchangePanel.tsx';
import { ConversationTools } from './tools/ConversationTools.tsx';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

export function CustomerPanel({ conversation: given }: { conversation: Conversation | null }) {
  const { t, locale } = useI18n();
  // An agent who sees personal data masked may reveal this customer (audited); kept while this conversation is open.
  const [revealed, setRevealed] = useState<{ conversationId: string; contact: ContactSummary } | null>(null);
  const conversation = given && revealed?.conversationId === given.id ? { ...given, contact: revealed.contact } : given;
  if (!conversation) {
    return (
      <div className="details details--empty">
        <PersonIcon size={28} className="empty__icon" />
      </div>
    );
  }
  const contact = conversation.contact;
  const name = contactNameOf(conversation, t);
  const none = <span className="muted">{t('details.none')}</span>;

  return (
    <div className="details" data-testid="customer-details">
      <section className="details__card details__card--contact">
        <ContactAvatar contact={contact} size="large" />
        <div className="details__name" data-testid="customer-name">
          {name}
        </div>
        {contact.vipLevel > 0 && (
          <span className={`vip vip--${Math.min(contact.vipLevel, 5)}`} data-testid="customer-vip">
            VIP {contact.vipLevel}
          </span>
        )}
      </section>

      <section className="details__section">
        <h3 className="details__heading">{t('details.customer')}</h3>
        <dl className="facts">
          <Row label={t('details.name')}>{contact.name || none}</Row>
          <Row label={t('details.email')} testId="customer-email">
            {contact.email && contact.masked ? (
              // A masked address is for reading it back to the customer, not a link anywhere.
              <span title={contact.email}>{contact.email}</span>
            ) : contact.email ? (
              <a href={`mailto:${contact.email}`} className="facts__link" title={contact.email}>
                {contact.email}
              </a>
            ) : (
              none
            )}
          </Row>
          <Row label={t('details.uid')} testId="customer-uid">
            {contact.exchangeUid ? <code className="facts__code">{contact.exchangeUid}</code> : none}
          </Row>
          <Row label={t('details.vip')}>{contact.vipLevel}</Row>
          <Row label={t('details.locale')}>
            {contact.locale ? (LOCALE_NAMES[contact.locale as UiLocale] ?? contact.locale) : none}
          </Row>
        </dl>
        {contact.masked && (
          <RevealContact
            conversationId={conversation.id}
            onRevealed={(full) => setRevealed({ conversationId: conversation.id, contact: full })}
          />
        )}
      </section>

      <ContactSection key={contact.id} conversation={conversation} />
      <ExchangePanel key={conversation.id} conversation={conversation} />

      <section className="details__section">
        <h3 className="details__heading">
          {t('details.conversation')} #{conversation.number}
        </h3>
        <dl className="facts">
          <Row label={t('ctl.status')}>
            <StatusBadge status={conversation.status} />
          </Row>
          <Row label={t('ctl.priority')}>
            <PriorityBadge priority={conversation.priority} always />
          </Row>
          <Row label={t('ctl.assignee')}>{conversation.assignee?.name ?? none}</Row>
          <Row label={t('details.created')}>{formatDateTime(conversation.createdAt, locale)}</Row>
          <Row label={t('details.lastActivity')}>{formatDateTime(conversation.lastActivityAt, locale)}</Row>
          <Row label={t('details.firstReply')}>{formatDateTime(conversation.firstReplyAt, locale) || none}</Row>
          {conversation.resolvedAt && (
            <Row label={t('details.resolved')}>{formatDateTime(conversation.resolvedAt, locale)}</Row>
          )}
          <Row label={t('details.tags')}>
            {conversation.tags.length > 0 ? (
              <span className="tags">
                {conversation.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                  </span>
                ))}
              </span>
            ) : (
              none
            )}
          </Row>
        </dl>
      </section>
      <ConversationTools conversation={conversation} />
    </div>
  );
}
