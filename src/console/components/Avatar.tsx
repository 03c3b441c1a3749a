import type { CSSProperties } from 'react';
import type { ContactSummary } from '../../contracts/domain.ts';
import { hueOf, initialsOf } from '../lib/format.ts';
import { PersonIcon } from './icons.tsx';

/** Initials from the contact's name (or email); an anonymous visitor gets a neutral person icon. */
export function ContactAvatar({ contact, size }: { contact: ContactSummary; size?: 'large' }) {
  const initials = initialsOf(contact.name || contact.email?.split('@')[0] || '');
  return (
    <span
      className={`avatar${size === 'large' ? ' avatar--large' : ''}${initials ? '' : ' avatar--anonymous'}`}
      style={{ '--avatar-hue': hueOf(contact.id) } as CSSProperties}
      aria-hidden="true"
    >
      {initials || <PersonIcon size={size === 'large' ? 26 : 16} />}
    </span>
  );
}
