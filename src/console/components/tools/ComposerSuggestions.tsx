import './tools.css';
import { type KeyboardEvent, type RefObject, useEffect, useMemo, useState } from 'react';
import type { Conversation, Locale } from '../../../contracts/domain.ts';
import { chooseMacroLanguage, type MacroValues, renderTemplate } from '../../../contracts/tools.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { listMacros, type Macro } from './api.ts';
import { toolText } from './strings.ts';

type Suggestion = { key: string; label: string; detail: string; insert: () => string };

type Options = {
  text: string;
  setText: (text: string) => void;
  isPrivate: boolean;
  conversation: Conversation | null;
  agentName: string;
  agents: { id: string; name: string }[];
  inputRef: RefObject<HTMLTextAreaElement | null>;
};

const MAX_ITEMS = 8;

function valuesFor(conversation: Conversation, agentName: string): MacroValues {
  // A masked UID or email must not end up in a reply: those variables take their fallback instead.
  const masked = conversation.contact.masked === true;
  return {
    'contact.name': conversation.contact.name,
    'contact.uid': masked ? null : conversation.contact.exchangeUid,
    'contact.email': masked ? null : conversation.contact.email,
    'contact.vip': conversation.contact.vipLevel,
    'conversation.number': conversation.number,
    'agent.name': agentName,
  };
}

/**
 * The reply box's pickers: `/` at the start of a reply lists canned replies (rendered for this customer, as the
 * server would), `@` in an internal note lists colleagues. Arrow keys move, Enter or Tab inserts, Escape closes.
 */
export function useComposerSuggestions(options: Options) {
  const { text, setText, isPrivate, conversation, agentName, agents, inputRef } = options;
  const { locale } = useI18n();
  const [macros, setMacros] = useState<Macro[] | null>(null);
  const [active, setActive] = useState(0);
  const [dismissedFor, setDismissedFor] = useState<string | null>(null);

  const macroQuery = /^\/([\p{L}\p{N}_-]*)$/u.exec(text)?.[1]?.toLowerCase();
  const caret = inputRef.current?.selectionStart ?? text.length;
  const mention = isPrivate ? /(^|\s)@([^\s@]*)$/.exec(text.slice(0, caret)) : null;

  useEffect(() => {
    if (macroQuery !== undefined && macros === null) {
      listMacros()
        .then(setMacros)
        .catch(() => setMacros([]));
    }
  }, [macroQuery, macros]);

  const items = useMemo<Suggestion[]>(() => {
    if (macroQuery !== undefined && conversation) {
      return (macros ?? [])
        .filter((m) => m.shortcut.includes(macroQuery) || m.name.toLowerCase().includes(macroQuery))
        .slice(0, MAX_ITEMS)
        .map((m) => {
          const language = chooseMacroLanguage(m.bodies, conversation.contact.locale as Locale | null);
          const rendered = language
            ? renderTemplate(m.bodies[language] ?? '', valuesFor(conversation, agentName)).text
            : '';
          return { key: m.id, label: `/${m.shortcut}`, detail: rendered || m.name, insert: () => rendered };
        });
    }
    if (mention) {
      const prefix = mention[2].toLowerCase();
      const start = caret - mention[2].length - 1;
      return agents
        .filter((a) => a.name.toLowerCase().startsWith(prefix))
        .slice(0, MAX_ITEMS)
        .map((a) => ({
          key: a.id,
          label: `@${a.name}`,
          detail: '',
          insert: () => `${text.slice(0, start)}@${a.name} ${text.slice(caret)}`,
        }));
    }
    return [];
  }, [macroQuery, macros, conversation, agentName, mention, agents, text, caret]);

  const open = items.length > 0 && dismissedFor !== text;
  const showEmpty = macroQuery !== undefined && macros !== null && items.length === 0 && dismissedFor !== text;
  const index = Math.min(active, Math.max(0, items.length - 1));

  function pick(item: Suggestion) {
    setText(item.insert());
    setActive(0);
    inputRef.current?.focus();
  }

  /** Returns true when the key was the picker's (the composer must not also send). */
  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || event.nativeEvent.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index + step + items.length) % items.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      pick(items[index]);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      setDismissedFor(text);
      return true;
    }
    return false;
  }

  const panel =
    open || showEmpty ? (
      <div className="suggestions" role="listbox" data-testid="composer-suggestions">
        <div className="suggestions__title">{toolText(locale, macroQuery !== undefined ? 'macros' : 'mentions')}</div>
        {showEmpty && <div className="suggestions__empty">{toolText(locale, 'noMacros')}</div>}
        {items.map((item, i) => (
          <button
            type="button"
            role="option"
            aria-selected={i === index}
            key={item.key}
            className={`suggestions__item${i === index ? ' suggestions__item--active' : ''}`}
            data-testid="suggestion"
            onMouseDown={(event) => {
              event.preventDefault();
              pick(item);
            }}
          >
            <span className="suggestions__label">{item.label}</span>
            {item.detail && <span className="suggestions__detail">{item.detail}</span>}
          </button>
        ))}
      </div>
    ) : null;

  return { handleKeyDown, panel };
}
