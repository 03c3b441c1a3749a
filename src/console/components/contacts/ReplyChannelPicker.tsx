import { useEffect, useState } from 'react';
import type { Channel, Conversation } from '../../../contracts/domain.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { replyChannelsOf } from './contacts-api.ts';
import { setReplyChannel } from './reply-channel.ts';
import { contactText } from './strings.ts';

/** Beside the reply box: send the reply on another of the customer's channels (shown when there is one to pick). */
export function ReplyChannelPicker({ conversation }: { conversation: Conversation | null }) {
  const { locale } = useI18n();
  const [value, setValue] = useState<Channel | ''>('');
  const conversationId = conversation?.id ?? null;

  useEffect(() => {
    setValue('');
    if (conversationId) setReplyChannel(conversationId, null);
  }, [conversationId]);

  if (!conversation) return null;
  const others = replyChannelsOf(conversation).filter((channel) => channel !== conversation.channel);
  if (others.length === 0) return null;
  const own = contactText(locale, `channel.${conversation.channel}`);
  return (
    <label className="reply-channel">
      <span className="reply-channel__label">{contactText(locale, 'replyVia')}</span>
      <select
        className="select select--small"
        data-testid="reply-channel"
        value={value}
        onChange={(event) => {
          const next = event.target.value as Channel | '';
          setValue(next);
          setReplyChannel(conversation.id, next || null);
        }}
      >
        <option value="">{contactText(locale, 'replyViaHere', { channel: own })}</option>
        {others.map((channel) => (
          <option key={channel} value={channel}>
            {contactText(locale, `channel.${channel}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
