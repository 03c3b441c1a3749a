import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import matter from 'gray-matter';
import { isBuiltinIntent } from '../../contracts/intents.ts';
import { isKbLocale, type KbLocale, type KbLocaleNames } from '../../contracts/kb.ts';

/**
 * The knowledge base on disk, the format of `npm run kb -- import|export` and of the starter knowledge base
 * (data/kb/starter): a folder of `<slug>.<locale>.md` files with front matter (slug, locale, category, section, title,
 * tags, intents, related) and an optional `categories.json` naming the tree; or a CSV of question/answer pairs.
 * Parsing is pure and strict: the first problem throws a KbFileError naming the file and line, so an import can refuse
 * everything before it writes anything.
 */

export type KbFileText = { title: string; body: string; tags: string[] };
export type KbFileArticle = {
  slug: string;
  category: string | null;
  section: string | null;
  intents: string[];
  related: string[];
  texts: Partial<Record<KbLocale, KbFileText>>;
  /** Where it was read, for error messages. */
  from: string;
};
export type KbFileCategory = {
  slug: string;
  names: KbLocaleNames;
  sections: { slug: string; names: KbLocaleNames }[];
};
export type KbFileSet = { categories: KbFileCategory[]; articles: KbFileArticle[] };

export class KbFileError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'KbFileError';
    this.file = file;
    this.line = line;
  }
}

/** The demo exchange's starter knowledge base, shipped with kefu. */
export const STARTER_KB_DIR = path.resolve(import.meta.dirname, '../../../data/kb/starter');

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FILE_NAME = /^(?<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?<locale>zh-CN|zh-TW|en)\.md$/;

/** Reads a folder: every `*.md` file in it (not below it) and its categories.json, if any. */
export function readKbFolder(dir: string): KbFileSet {
  const names = fs.readdirSync(dir).sort();
  const categoriesFile = path.join(dir, 'categories.json');
  const categories = fs.existsSync(categoriesFile) ? parseCategories(categoriesFile) : [];
  const articleDir = fs.existsSync(path.join(dir, 'articles')) ? path.join(dir, 'articles') : dir;
  const files = (articleDir === dir ? names : fs.readdirSync(articleDir).sort()).filter((name) => name.endsWith('.md'));
  const bySlug = new Map<string, KbFileArticle>();
  for (const name of files) {
    if (name.toLowerCase() === 'readme.md') continue;
    const file = path.join(articleDir, name);
    const parsed = parseArticleFile(file, fs.readFileSync(file, 'utf8'));
    const existing = bySlug.get(parsed.slug);
    if (!existing) {
      bySlug.set(parsed.slug, parsed.article);
      continue;
    }
    if (existing.texts[parsed.locale])
      throw new KbFileError(file, 1, `a second ${parsed.locale} text for "${parsed.slug}"`);
    for (const key of ['category', 'section'] as const) {
      if (existing[key] !== parsed.article[key])
        throw new KbFileError(file, parsed.lines[key] ?? 1, `${key} differs from ${existing.from}`);
    }
    existing.texts[parsed.locale] = parsed.article.texts[parsed.locale];
    existing.intents = [...new Set([...existing.intents, ...parsed.article.intents])];
    existing.related = [...new Set([...existing.related, ...parsed.article.related])];
  }
  const set = { categories, articles: [...bySlug.values()] };
  checkTree(set, categoriesFile);
  return set;
}

type ParsedFile = { slug: string; locale: KbLocale; article: KbFileArticle; lines: Record<string, number> };

/** One Markdown file with front matter. */
export function parseArticleFile(file: string, source: string): ParsedFile {
  if (!source.startsWith('---')) throw new KbFileError(file, 1, 'front matter missing: the file must start with ---');
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A fresh options object: gray-matter caches by content otherwise, and a cached error would not throw again.
    parsed = matter(source, {});
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    throw new KbFileError(
      file,
      (mark?.line ?? 0) + 1,
      `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const data = parsed.data as Record<string, unknown>;
  const lines = frontMatterLines(source);
  const fail = (key: string, message: string): never => {
    throw new KbFileError(file, lines[key] ?? 1, message);
  };
  const text = (key: string, required: boolean): string | null => {
    const value = data[key];
    if (value === undefined || value === null || value === '') {
      if (required) fail(key, `"${key}" is required`);
      return null;
    }
    if (typeof value !== 'string' && typeof value !== 'number') fail(key, `"${key}" must be text`);
    return String(value).trim();
  };
  const list = (key: string): string[] => {
    const value = data[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' && typeof item !== 'number'))
      fail(key, `"${key}" must be a list, e.g. [a, b]`);
    return (value as unknown[]).map((item) => String(item).trim()).filter(Boolean);
  };

  const slug = text('slug', true) as string;
  if (!SLUG.test(slug)) fail('slug', `slug "${slug}" must be lower-case letters, digits and single hyphens`);
  const locale = text('locale', true) as string;
  if (!isKbLocale(locale)) fail('locale', `locale "${locale}" is not zh-CN, zh-TW or en`);
  const named = FILE_NAME.exec(path.basename(file));
  if (named && (named.groups?.slug !== slug || named.groups?.locale !== locale))
    fail(
      'slug',
      `the file name says ${named.groups?.slug}.${named.groups?.locale}, the front matter ${slug}.${locale}`,
    );
  const title = text('title', true) as string;
  if (title.length > 200) fail('title', 'the title is longer than 200 characters');
  const tags = list('tags');
  const intents = list('intents');
  for (const intent of intents) if (!isBuiltinIntent(intent)) fail('intents', `unknown intent "${intent}"`);
  const related = list('related');
  for (const other of related) if (!SLUG.test(other)) fail('related', `related slug "${other}" is not a slug`);
  const body = parsed.content.trim();
  if (!body)
    throw new KbFileError(file, Object.keys(lines).length + 2, 'the article has no text after its front matter');
  return {
    slug,
    locale: locale as KbLocale,
    lines,
    article: {
      slug,
      category: text('category', false),
      section: text('section', false),
      intents,
      related,
      texts: { [locale]: { title, body, tags } },
      from: file,
    },
  };
}

/** The line (1-based, in the file) of each top-level front-matter key. */
function frontMatterLines(source: string): Record<string, number> {
  const lines: Record<string, number> = {};
  const all = source.split('\n');
  for (let i = 1; i < all.length; i++) {
    if (all[i]?.trim() === '---') break;
    const key = /^([A-Za-z_][\w-]*)\s*:/.exec(all[i] ?? '')?.[1];
    if (key && !(key in lines)) lines[key] = i + 1;
  }
  return lines;
}

function parseCategories(file: string): KbFileCategory[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new KbFileError(file, 1, `not valid JSON: ${(error as Error).message}`);
  }
  const categories = (json as { categories?: unknown }).categories;
  if (!Array.isArray(categories)) throw new KbFileError(file, 1, '"categories" must be a list');
  return categories.map((category: KbFileCategory) => {
    if (!SLUG.test(category.slug ?? ''))
      throw new KbFileError(file, 1, `category slug "${category.slug}" is not a slug`);
    for (const section of category.sections ?? []) {
      if (!SLUG.test(section.slug ?? ''))
        throw new KbFileError(file, 1, `section slug "${section.slug}" in ${category.slug} is not a slug`);
    }
    return { slug: category.slug, names: category.names ?? {}, sections: category.sections ?? [] };
  });
}

/** Every article's category and section exist in the tree (when the folder has one). */
function checkTree(set: KbFileSet, categoriesFile: string): void {
  if (set.categories.length === 0) return;
  for (const article of set.articles) {
    if (!article.category) continue;
    const category = set.categories.find((c) => c.slug === article.category);
    if (!category)
      throw new KbFileError(
        article.from,
        1,
        `category "${article.category}" is not in ${path.basename(categoriesFile)}`,
      );
    if (article.section && !category.sections.some((s) => s.slug === article.section))
      throw new KbFileError(article.from, 1, `section "${article.section}" is not in category "${article.category}"`);
  }
}

/**
 * A CSV of question/answer pairs, one article per row: header `question,answer` and optionally `locale` (else
 * Chinese text is zh-CN, the rest en), `slug` (else made from the question), `category`, `section`, `tags` and
 * `intents` (separated by `|`).
 */
export function readKbCsv(file: string, source = fs.readFileSync(file, 'utf8')): KbFileSet {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(source, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new KbFileError(file, line, `not valid CSV: ${(error as Error).message}`);
  }
  const header = source.replace(/^\uFEFF/, '').split('\n')[0] ?? '';
  for (const column of ['question', 'answer'])
    if (!header.split(',').some((c) => c.trim() === column))
      throw new KbFileError(file, 1, `the header has no "${column}" column`);
  const articles = new Map<string, KbFileArticle>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const question = record.question?.trim() ?? '';
    const answer = record.answer?.trim() ?? '';
    if (!question) throw new KbFileError(file, line, 'the question is empty');
    if (!answer) throw new KbFileError(file, line, 'the answer is empty');
    const locale = record.locale?.trim() || (/\p{Script=Han}/u.test(question) ? 'zh-CN' : 'en');
    if (!isKbLocale(locale)) throw new KbFileError(file, line, `locale "${locale}" is not zh-CN, zh-TW or en`);
    const slug = record.slug?.trim() || slugFor(question);
    if (!SLUG.test(slug)) throw new KbFileError(file, line, `slug "${slug}" is not a slug`);
    const split = (value: string | undefined) =>
      (value ?? '')
        .split('|')
        .map((part) => part.trim())
        .filter(Boolean);
    const intents = split(record.intents);
    for (const intent of intents)
      if (!isBuiltinIntent(intent)) throw new KbFileError(file, line, `unknown intent "${intent}"`);
    const article = articles.get(slug) ?? {
      slug,
      category: record.category?.trim() || null,
      section: record.section?.trim() || null,
      intents,
      related: [],
      texts: {},
      from: `${file}:${line}`,
    };
    if (article.texts[locale]) throw new KbFileError(file, line, `a second ${locale} answer for "${slug}"`);
    article.texts[locale] = { title: question, body: answer, tags: split(record.tags) };
    articles.set(slug, article);
  }
  return { categories: [], articles: [...articles.values()] };
}

/** An English question's words, or a stable hash for one in Chinese: "How do I reset 2FA?" → how-do-i-reset-2fa. */
function slugFor(question: string): string {
  const words = question
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  if (words.length >= 8) return words;
  return `faq-${crypto.createHash('sha256').update(question).digest('hex').slice(0, 10)}`;
}

/** The Markdown file of one article text, as export writes it (and import reads it back). */
export function articleFileText(
  article: { slug: string; category: string | null; section: string | null; intents: string[]; related: string[] },
  locale: KbLocale,
  text: KbFileText,
): string {
  const list = (items: string[]) =>
    `[${items.map((item) => (/^[\p{L}\p{N} _.-]+$/u.test(item) ? item : JSON.stringify(item))).join(', ')}]`;
  const lines = [
    '---',
    `slug: ${article.slug}`,
    `locale: ${locale}`,
    ...(article.category ? [`category: ${article.category}`] : []),
    ...(article.section ? [`section: ${article.section}`] : []),
    `title: ${JSON.stringify(text.title)}`,
    `tags: ${list(text.tags)}`,
    `intents: ${list(article.intents)}`,
    `related: ${list(article.related)}`,
    '---',
    text.body.trim(),
    '',
  ];
  return lines.join('\n');
}
