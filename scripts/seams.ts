import ts from 'typescript';

/**
 * The house rules a type checker cannot see, as pure functions over file text (scripts/check-seams.ts runs them on
 * the tree; test/unit/seams.test.ts pins what they catch).
 */

/** A statement keyword where SQL starts, as our queries write it (upper case, followed by what a statement needs). */
const SQL_STATEMENT = new RegExp(
  [
    String.raw`\bSELECT\s+[^;]*?\bFROM\b`,
    String.raw`\bSELECT\s+(?:\d|\$\d|[a-z_]+\()`,
    String.raw`\bINSERT\s+INTO\s+[\w"$]`,
    String.raw`\bUPDATE\s+[\w"$.{}]+(?:\s+[a-z]\w*)?\s+SET\b`,
    String.raw`\bDELETE\s+FROM\s+[\w"$]`,
    String.raw`\b(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|SCHEMA|EXTENSION)\b`,
    String.raw`\bTRUNCATE\s+[\w"$]`,
  ].join('|'),
);

/**
 * The 1-based lines on which a string or template literal holding an SQL statement starts. Only literals count (a
 * comment may talk about SQL), read with TypeScript's own parser so '/api/*' or a URL's '//' cannot fool it.
 */
export function straySqlLines(source: string, fileName = 'file.ts'): number[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found = new Set<number>();
  const visit = (node: ts.Node): void => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('$x');
    if (text !== null && SQL_STATEMENT.test(text)) {
      found.add(file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...found].sort((a, b) => a - b);
}

/**
 * Files allowed to hold SQL besides `*.queries.ts`, each with its reason. Kept short on purpose: a new entry needs a
 * reason as good as these.
 */
export const SQL_ALLOWED: Record<string, string> = {
  'src/server/db/migrate.ts': 'the migration runner: its own bookkeeping table and the advisory lock',
  'src/server/db/db.ts': 'the driver layer: search_path and the connection check',
};

export function isQueriesFile(file: string): boolean {
  return /\.queries\.ts$/.test(file);
}

/** Literal text of every string and template literal in a file (templates with `$x` for their holes). */
function literalTexts(source: string, fileName: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
    else if (ts.isTemplateExpression(node))
      texts.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('$x'));
    else ts.forEachChild(node, visit);
  };
  visit(file);
  return texts;
}

const WRITE_TARGET =
  /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)\b(?=(?:\s+[a-z]\w*)?\s+(?:SET|\(|VALUES|SELECT|WHERE|USING|$))/g;

/** The tables a file's SQL writes (INSERT INTO, UPDATE … SET, DELETE FROM), in the order first met. */
export function writtenTables(source: string, fileName = 'file.ts'): string[] {
  const tables = new Set<string>();
  for (const text of literalTexts(source, fileName)) {
    for (const match of text.matchAll(WRITE_TARGET)) tables.add(match[1] as string);
  }
  return [...tables];
}

/**
 * Tables one domain owns: only its folder's queries write them; the other domains call its write API (for
 * conversations, conversations/conversation-writes.ts) or react to its events.
 */
export const TABLE_OWNERS: Record<string, string> = {
  conversations: 'src/server/conversations/',
  messages: 'src/server/conversations/',
};

/** Files that may write an owned table themselves, each with its reason. */
export const OWNED_WRITES_ALLOWED: Record<string, string> = {
  'src/server/seed/demo-history.queries.ts':
    'the demo history: 1,500 past conversations in bulk, which one-at-a-time write APIs could not do in seconds',
};

/** Composition roots that may call any domain's queries, each with its reason. */
export const QUERIES_IMPORT_ALLOWED: Record<string, string> = {
  'src/server/app.ts': 'the composition root: the health check pings the database through http/health.queries.ts',
  'src/server/seed/': "the demo data: writes every domain's starter rows in one transaction, as a migration would",
};

/** The domain folder of a server file ('src/server/bot/x.ts' → 'bot'); null for the server's root files. */
export function domainOf(file: string): string | null {
  return /^src\/server\/([^/]+)\//.exec(file)?.[1] ?? null;
}

/**
 * Imports of another domain's queries file from a file that is not itself a queries file: a service reaches for
 * another domain's data through that domain's service. Queries files may share SQL fragments.
 */
export function foreignQueriesImports(file: string, source: string): string[] {
  if (isQueriesFile(file) || Object.keys(QUERIES_IMPORT_ALLOWED).some((allowed) => file.startsWith(allowed))) return [];
  const domain = domainOf(file);
  const found: string[] = [];
  for (const match of source.matchAll(/from '(\.\.?\/[^']+\.queries\.ts)'/g)) {
    const target = new URL(match[1] as string, `file:///${file}`).pathname.slice(1);
    if (domainOf(target) !== domain) found.push(target);
  }
  return found;
}
