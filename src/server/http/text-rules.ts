/**
 * The one rule for every string the API takes: no NUL character (PostgreSQL's text type cannot hold one, and the
 * insert fails with "invalid byte sequence") and no lone UTF-16 surrogate (not valid Unicode; it cannot be stored or
 * sent on as UTF-8). Such input is refused with `invalid_characters`, naming the field, rather than silently changed.
 */
export function findInvalidText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed() ? path || 'value' : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInvalidText(item, path ? `${path}.${index}` : String(index));
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findInvalidText(key, path) ?? findInvalidText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/**
 * How deep JSON input may nest. No request kefu takes goes beyond a handful of levels; a body nested thousands deep
 * would otherwise exhaust the stack of every recursive walk over it (this file's, zod's, the secret screen's) and
 * answer 500. Walked without recursion.
 */
export const MAX_INPUT_DEPTH = 64;

export function exceedsInputDepth(value: unknown, max = MAX_INPUT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (!item || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(item)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

export const INVALID_TEXT_MESSAGE = 'text must not contain NUL characters or unpaired UTF-16 surrogates';
