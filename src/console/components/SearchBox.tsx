import { useEffect, useRef, useState } from 'react';
import { CONVERSATION_SEARCH_MAX_LENGTH } from '../../contracts/api.ts';
import { useI18n } from '../i18n/locale.tsx';

/** How long typing must pause before the list searches. */
export const SEARCH_DEBOUNCE_MS = 300;

type Props = { value: string; onSearch: (query: string) => void };

/**
 * The inbox search box: what is typed goes to `onSearch` once typing pauses (trimmed); the clear button and Escape
 * clear it at once. `value` is the search in effect, so a search cleared elsewhere empties the box.
 */
export function SearchBox({ value, onSearch }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState(value);
  const inputRef = useRef<HTMLInputElement>(null);
  const onSearchRef = useRef(onSearch);
  onSearchRef.current = onSearch;
  const lastSentRef = useRef(value);

  useEffect(() => {
    if (value !== lastSentRef.current) {
      lastSentRef.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    const query = text.trim();
    if (query === lastSentRef.current) return;
    const timer = setTimeout(() => {
      lastSentRef.current = query;
      onSearchRef.current(query);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  function clear() {
    setText('');
    lastSentRef.current = '';
    onSearchRef.current('');
    inputRef.current?.focus();
  }

  return (
    <search className="search">
      <svg className="search__icon" width={14} height={14} viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="m10.5 10.5 3 3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
      <input
        ref={inputRef}
        type="search"
        className="search__input"
        data-testid="conversation-search"
        aria-label={t('list.search.label')}
        placeholder={t('list.search.placeholder')}
        maxLength={CONVERSATION_SEARCH_MAX_LENGTH}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && text) {
            event.preventDefault();
            clear();
          }
        }}
      />
      {text && (
        <button
          type="button"
          className="search__clear"
          data-testid="conversation-search-clear"
          aria-label={t('list.search.clear')}
          title={t('list.search.clear')}
          onClick={clear}
        >
          ×
        </button>
      )}
    </search>
  );
}
