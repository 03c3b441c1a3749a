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
