import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../contracts/domain.ts';
import type { SendFailure } from '../hooks/useConversation.ts';
import { describeError, useI18n } from '../i18n/locale.tsx';
import { callApi, errorCodeOf } from '../api/client.ts';
import { LockIcon, SendIcon } from './icons.tsx';
import { useComposerSuggestions } from './tools/ComposerSuggestions.tsx';

const MAX_LENGTH = 10_000;
/** The server's default limit (KEFU_MAX_FILE_BYTES); checked here only to answer at once, the server decides. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The file's bytes as base64, as the upload route takes them (the data: URL's prefix dropped). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

type Props = {
  disabled: boolean;
  onSend: (body: string, isPrivate: boolean) => Promise<SendFailure | null>;
  /** Called on every edit of a customer-facing reply; the caller throttles what goes on the wire. */
  onTyping: (typing: boolean) => void;
  /** For the `/` canned-reply and `@` mention pickers. */
  conversation?: Conversation | null;
  agentName?: string;
  agents?: { id: string; name: string }[];
  /** Text to append to the reply (a suggested article's link or text); each new object appends once. */
  insertion?: { text: string } | null;
};

export function Composer({
  disabled,
  onSend,
  onTyping,
  conversation = null,
  agentName = '',
  agents = [],
  insertion = null,
}: Props) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [failure, setFailure] = useState<SendFailure | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(false);
  const suggestions = useComposerSuggestions({
    text,
    setText: (value) => handleChange(value),
    isPrivate,
    conversation,
    agentName,
    agents,
    inputRef,
  });

  useEffect(() => {
    if (!disabled) inputRef.current?.focus();
  }, [disabled]);

  useEffect(() => {
    if (!insertion) return;
    setText((current) => (current.trim() ? `${current.trimEnd()}\n${insertion.text}` : insertion.text));
    inputRef.current?.focus();
  }, [insertion]);

  // Grow with the text up to a cap, so long replies stay visible without a tiny scroll box.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the height depends on the text.
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 220)}px`;
  }, [text]);

  async function submit() {
    const body = text.trim();
    if (!body || disabled) return;
    const asPrivate = isPrivate;
    setText('');
    setFailure(null);
    onTyping(false);
    const result = await onSend(body, asPrivate);
    if (result) {
      setFailure(result);
      // A refused message comes back to the composer so the agent can rephrase it instead of retyping.
      if (result.body) {
        setText((current) => (current.trim() ? current : result.body));
        setPrivate(result.private);
      }
      inputRef.current?.focus();
    }
  }

  /** A file goes as its own message (public reply or note, as the tab says); it arrives through the socket. */
  async function attach(file: File) {
    if (!conversation || disabled) return;
    setFailure(null);
    if (file.size > MAX_FILE_BYTES) {
      setFailure({ code: 'file_too_large', message: '', body: '', private: isPrivate });
      return;
    }
    setUploading(true);
    try {
      await callApi(`/api/agent/conversations/${encodeURIComponent(conversation.id)}/files`, {
        method: 'POST',
        body: { name: file.name, data: await readAsBase64(file), clientId: crypto.randomUUID(), private: isPrivate },
      });
    } catch (error) {
      setFailure({
        code: errorCodeOf(error),
        message: error instanceof Error ? error.message : '',
        body: '',
        private: isPrivate,
      });
    } finally {
      setUploading(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    void submit();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestions.handleKeyDown(event)) return;
    // Enter while an IME is composing (pinyin, zhuyin…) picks a candidate; it must not send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    void submit();
  }

  function handleChange(value: string) {
    setText(value);
    if (failure) setFailure(null);
    // Never tell the customer someone is typing while the agent writes an internal note.
    if (!isPrivate) onTyping(value.length > 0);
  }

  function togglePrivate(next: boolean) {
    setPrivate(next);
    if (next) onTyping(false);
    inputRef.current?.focus();
  }

  const tooLong = text.length > MAX_LENGTH;

  return (
    <form className={`composer${isPrivate ? ' composer--private' : ''}`} onSubmit={handleSubmit}>
      <div className="composer__tabs">
        <button
          type="button"
          className={`composer__tab${isPrivate ? '' : ' composer__tab--active'}`}
          aria-pressed={!isPrivate}
          onClick={() => togglePrivate(false)}
          data-testid="reply-public"
        >
          {t('composer.reply')}
        </button>
        <button
          type="button"
          className={`composer__tab composer__tab--note${isPrivate ? ' composer__tab--active' : ''}`}
          aria-pressed={isPrivate}
          onClick={() => togglePrivate(!isPrivate)}
          data-testid="reply-private"
        >
          <LockIcon size={12} />
          {t('composer.note')}
        </button>
      </div>
      {suggestions.panel}
      <textarea
        ref={inputRef}
        className="composer__input"
        data-testid="reply-input"
        rows={3}
        value={text}
        disabled={disabled}
        placeholder={isPrivate ? t('composer.placeholderNote') : t('composer.placeholderReply')}
        aria-label={isPrivate ? t('composer.note') : t('composer.reply')}
        onChange={(event) => handleChange(event.target.value)}
        onKeyDown={handleKeyDown}
        onPaste={(event) => {
          // A pasted screenshot is sent as a file; pasted text (which office apps pair with a picture) stays text.
          const file = event.clipboardData.files[0];
          if (!file || event.clipboardData.types.includes('text/plain')) return;
          event.preventDefault();
          void attach(file);
        }}
        onBlur={() => onTyping(false)}
      />
      {failure && (
        <div
          className="alert alert--error composer__error"
          role="alert"
          data-testid="send-error"
          data-code={failure.code}
        >
          {/* The server explains a block in the agent's language and names what was asked for: show its words. */}
          {failure.code === 'message_blocked' && failure.message
            ? failure.message
            : describeError(t, failure.code, failure.message)}
        </div>
      )}
      <div className="composer__footer">
        <input
          ref={fileRef}
          type="file"
          hidden
          accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain"
          data-testid="attach-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void attach(file);
          }}
        />
        <button
          type="button"
          className="button button--link composer__attach"
          data-testid="attach-button"
          disabled={disabled || uploading || !conversation}
          onClick={() => fileRef.current?.click()}
        >
          {uploading ? t('composer.attaching') : t('composer.attach')}
        </button>
        <span className={`composer__hint${tooLong ? ' composer__hint--error' : ''}`}>
          {tooLong ? `${text.length} / ${MAX_LENGTH}` : t('composer.hint')}
        </span>
        <button
          type="submit"
          className={`button ${isPrivate ? 'button--note' : 'button--primary'}`}
          data-testid="reply-send"
          disabled={disabled || !text.trim() || tooLong}
        >
          <SendIcon size={14} />
          {isPrivate ? t('composer.addNote') : t('composer.send')}
        </button>
      </div>
    </form>
  );
}
