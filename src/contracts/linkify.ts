/**
 * Splits message text into plain text and links, for the widget and the console to render as DOM nodes (never markup).
 *
 * Only two kinds of link are made: absolute `http://` / `https://` URLs, and same-origin help-centre paths starting with
 * `/help/` (the caller resolves them against the kefu server's origin). Anything else — `javascript:`, `data:`,
 * `vbscript:`, protocol-relative `//host` — stays text. A link stops at whitespace, quotes, angle brackets, backticks and
 * CJK punctuation, and trailing punctuation (。，！？）」.,!? …) is left out of it.
 */

export type LinkifyPart = { text: string } | { href: string; text: string };

/**
 * A candidate starts where no ASCII word or path character precedes it (so `xhttps://` and `a/help/` are not links,
 * while "详情：/help/…" and "详情/help/…" are),
 * and runs over characters that may appear in a URL: not whitespace, not `<>"'\`\\`, not CJK/full-width punctuation.
 */
const CANDIDATE =
  /(?<![A-Za-z0-9_./~%+\-@])(?:https?:\/\/|\/help\/)[^\s<>"'`\\\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]*/giu;

/** Left out of the end of a link: sentence punctuation, and closing brackets (unless the link opened one). */
const TRAILING = /[.,;:!?'")\]}>*_~\u3001\u3002\uff0c\uff01\uff1f\uff09\u300d\u300f\u3011]$/u;

const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function trimTrailing(candidate: string): string {
  let end = candidate;
  while (end.length > 0 && TRAILING.test(end)) {
    const last = end.at(-1) as string;
    const opener = CLOSERS[last];
    // "https://en.wikipedia.org/wiki/Bitcoin_(currency)" keeps its balanced closing bracket.
    if (opener && count(end, opener) >= count(end, last)) break;
    end = end.slice(0, -1);
  }
  return end;
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
}

/** The href for a candidate, or null when it is not a link we make. */
function hrefOf(candidate: string): string | null {
  if (candidate.startsWith('/')) return candidate.startsWith('/help/') ? candidate : null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  return url.href;
}

export function linkify(text: string): LinkifyPart[] {
  const parts: LinkifyPart[] = [];
  let plain = '';
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimTrailing(match[0]);
    const href = candidate ? hrefOf(candidate) : null;
    if (!href) continue;
    plain += text.slice(last, start);
    if (plain) parts.push({ text: plain });
    plain = '';
    parts.push({ href, text: candidate });
    last = start + candidate.length;
  }
  plain += text.slice(last);
  if (plain) parts.push({ text: plain });
  return parts;
}
