import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Readers for labelled utterances and a deterministic stratified split.
 * Formats:
 * - CSV with a header naming a `text` column and a `label` (or `category`/`intent`) column; other columns ignored;
 *   RFC 4180 quoting (commas, doubled quotes and newlines inside quoted fields).
 * - A directory with `seq.in` and `label` files, one utterance / one label per line (BANKING77-OOS, CLINC150 style).
 * - The repo's `data/intents/` directory: one `<intent>.txt` per intent, lines `zh<TAB>utterance` or `en<TAB>utterance`.
 */
export type LabelledExample = { text: string; label: string };
export type IntentExample = LabelledExample & { lang: 'zh' | 'en' };

/** Parse RFC 4180 CSV into rows of fields. Accepts \n and \r\n line ends and a UTF-8 BOM. */
export function parseCsv(source: string): string[][] {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((fields) => fields.length > 1 || fields[0] !== '');
}

const LABEL_COLUMNS = ['label', 'category', 'intent'];

/** Labelled examples from CSV text with a `text` column and a `label`/`category`/`intent` column. */
export function parseLabelledCsv(source: string): LabelledExample[] {
  const [header, ...rows] = parseCsv(source);
  if (!header) return [];
  const names = header.map((name) => name.trim().toLowerCase());
  const textColumn = names.indexOf('text');
  const labelColumn = names.findIndex((name) => LABEL_COLUMNS.includes(name));
  if (textColumn < 0 || labelColumn < 0) {
    throw new Error(
      `CSV header must name a text column and one of ${LABEL_COLUMNS.join('/')}: got ${header.join(',')}`,
    );
  }
  const examples: LabelledExample[] = [];
  for (const fields of rows) {
    const text = fields[textColumn]?.trim();
    const label = fields[labelColumn]?.trim();
    if (text && label) examples.push({ text, label });
  }
  return examples;
}

/** Labelled examples from a directory holding `seq.in` and `label` with one entry per line. */
export function readSeqInDirectory(directory: string): LabelledExample[] {
  const texts = readFileSync(join(directory, 'seq.in'), 'utf8').split(/\r?\n/);
  const labels = readFileSync(join(directory, 'label'), 'utf8').split(/\r?\n/);
  const examples: LabelledExample[] = [];
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i].trim();
    const label = labels[i]?.trim();
    if (text && label) examples.push({ text, label });
  }
  return examples;
}

/** Parse one `data/intents/<intent>.txt` file. Blank lines and `#` comments are skipped. */
export function parseIntentFile(source: string, label: string): IntentExample[] {
  const examples: IntentExample[] = [];
  for (const [index, line] of source.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^(zh|en)\t(.+)$/.exec(line.replace(/\r$/, ''));
    if (!match) throw new Error(`${label}.txt line ${index + 1}: expected "zh<TAB>text" or "en<TAB>text"`);
    examples.push({ text: match[2].trim(), label, lang: match[1] as 'zh' | 'en' });
  }
  return examples;
}

/** Every `<intent>.txt` file of a `data/intents/` style directory, in file-name order. */
export function readIntentDirectory(directory: string): IntentExample[] {
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.txt'))
    .sort();
  return files.flatMap((name) => parseIntentFile(readFileSync(join(directory, name), 'utf8'), basename(name, '.txt')));
}

/**
 * Read labelled examples from a path, choosing the format from what is there:
 * a directory with `seq.in` → line pairs; any other directory → `data/intents` format; a file → CSV.
 */
export function readLabelledExamples(path: string): LabelledExample[] {
  if (statSync(path).isDirectory()) {
    return existsSync(join(path, 'seq.in')) ? readSeqInDirectory(path) : readIntentDirectory(path);
  }
  return parseLabelledCsv(readFileSync(path, 'utf8'));
}

/** Small, fast, seedable PRNG (mulberry32): results must not depend on Math.random. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place with the given PRNG. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** The positions of each label's examples, in input order. */
function indicesByLabel(examples: readonly { label: string }[]): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  examples.forEach((example, index) => {
    const indices = byLabel.get(example.label) ?? [];
    indices.push(index);
    byLabel.set(example.label, indices);
  });
  return byLabel;
}

/**
 * Deterministic stratified k-fold assignment: the fold (0..k−1) of each example. Within each label the examples are
 * shuffled and dealt round-robin; the dealer continues across labels so that small labels do not all start in fold 0.
 */
export function assignStratifiedFolds(examples: readonly { label: string }[], folds: number, seed: number): Int32Array {
  const byLabel = indicesByLabel(examples);
  const random = createRandom(seed);
  const of = new Int32Array(examples.length);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const index of shuffleInPlace(byLabel.get(label)!, random)) of[index] = next++ % folds;
  }
  return of;
}

/**
 * Deterministic stratified split: for each label, round(fraction × count) examples go to `valid`
 * (at least one when the label has two or more examples and fraction > 0). Both halves keep the input order.
 */
export function splitDataset<T extends { label: string }>(
  examples: readonly T[],
  fraction: number,
  seed = 42,
): { train: T[]; valid: T[] } {
  const byLabel = indicesByLabel(examples);
  const random = createRandom(seed);
  const inValid = new Uint8Array(examples.length);
  for (const label of [...byLabel.keys()].sort()) {
    const indices = shuffleInPlace([...byLabel.get(label)!], random);
    let take = Math.round(fraction * indices.length);
    if (take === 0 && fraction > 0 && indices.length >= 2) take = 1;
    if (take >= indices.length && indices.length > 0) take = indices.length - 1;
    for (const index of indices.slice(0, take)) inValid[index] = 1;
  }
  const train: T[] = [];
  const valid: T[] = [];
  examples.forEach((example, index) => {
    (inValid[index] ? valid : train).push(example);
  });
  return { train, valid };
}
