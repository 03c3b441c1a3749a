// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map 1:1 onto half-width code units, so every index
// computed on the normalised text is also valid on the original — the secret guard relies on that for redaction.
export function normalizeWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

/** A lookup key: width-normalised, lower case, no spaces, underscores or hyphens ("ERC-20", "erc 20" → "erc20"). */
export function compactKey(text: string): string {
  return normalizeWidth(text)
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/**
 * The first `max` UTF-16 units of `text`, one fewer if the cut would split a surrogate pair (an emoji, a rare CJK
 * character): half a pair is not Unicode, and PostgreSQL's json refuses it, so a stored excerpt failed its whole write.
 */
export function truncateText(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
