import type { ReactNode } from 'react';
import type { Conversation } from '../../contracts/domain.ts';
import { useI18n } from '../i18n/locale.tsx';
import { LOCALE_NAMES, type UiLocale } from '../i18n/messages.ts';
import { formatDateTime } from '../lib/format.ts';
import { ContactAvatar } from './Avatar.tsx';
import { PriorityBadge, StatusBadge } from './badges.tsx';
import { PersonIcon } from './icons.tsx';
import { contactNameOf } from './ConversationList.tsx';
import { ContactSection } from './contacts/ContactSection.tsx';
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

export function CustomerPanel({ conversation }: { conversation: Conversation | null }) {
  const { t, locale } = useI18n();
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
            {contact.email ? (
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
