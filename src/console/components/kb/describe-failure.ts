import { ApiError, errorCodeOf } from '../../api/client.ts';
import { describeError, type Translate } from '../../i18n/locale.tsx';
import { type KbText, kbText } from './strings.ts';
import en from './en.json' with { type: 'json' };

/** A failed request in the agent's words: the knowledge base's own codes here, the console's shared ones otherwise. */
export function describeKbFailure(locale: string, t: Translate, failure: unknown): string {
  const code = errorCodeOf(failure);
  const key = `error.${code}`;
  if (key in en) return kbText(locale, key as KbText);
  const detail = failure instanceof ApiError ? failure.message : '';
  const text = describeError(t, code, detail);
  return detail && detail !== text && code !== 'network' ? `${text} ${detail}` : text;
}
