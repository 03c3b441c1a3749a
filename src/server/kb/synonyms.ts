import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built-in synonym groups of knowledge-base search, from `data/kb/synonyms.txt`: one group per line, terms
 * separated by ` = `, `#` comments. Read once, at import. Organisations add their own groups on top
 * (`buildKbIndex(articles, { synonyms: [...BUILTIN_SYNONYMS, ...orgGroups] })`).
 */

/** `data/kb/synonyms.txt` at the repo root, resolved from this file so it works from any working directory. */
export const SYNONYMS_FILE = fileURLToPath(new URL('../../../data/kb/synonyms.txt', import.meta.url));

/** Parse the synonyms format: a group per line, at least two terms, `#` starts a comment line. */
export function parseSynonyms(text: string, file = 'synonyms'): string[][] {
  const groups: string[][] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const terms = line.split(/\s+=\s+/).map((term) => term.trim());
    if (terms.length < 2 || terms.some((term) => term === '' || term.includes('=')))
      throw new Error(`${file}:${index + 1}: expected "term = term [= term …]", got "${line}"`);
    groups.push(terms);
  });
  return groups;
}

export const BUILTIN_SYNONYMS: readonly (readonly string[])[] = Object.freeze(
  parseSynonyms(readFileSync(SYNONYMS_FILE, 'utf8'), 'data/kb/synonyms.txt').map((group) => Object.freeze(group)),
);
