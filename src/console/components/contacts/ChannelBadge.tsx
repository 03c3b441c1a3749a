import './contacts.css';
import type { Channel } from '../../../contracts/domain.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { contactText } from './strings.ts';

/** Which channel a conversation is on: web, email, telegram, phone or api. */
export function ChannelBadge({ channel }: { channel: Channel | undefined }) {
  const { locale } = useI18n();
  if (!channel) return null;
  const name = contactText(locale, `channel.${channel}`);
  return (
    <span
      className={`badge channel-badge channel-badge--${channel}`}
      data-channel={channel}
      data-testid="channel-badge"
      title={contactText(locale, 'channelTitle', { channel: name })}
    >
      {name}
    </span>
  );
}
