import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { straySqlLines } from '../../scripts/seams.ts';

describe('finding SQL outside queries files', () => {
  const cases: [string, string, number[]][] = [
    ['a select in a string', "const rows = await db.query('SELECT id FROM conversations WHERE org_id = $1');", [1]],
    [
      'a template over several lines, with interpolation',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is TypeScript source text under test
      'await db.query(`\n  SELECT ${COLUMNS}\n    FROM macros\n   WHERE org_id = $1`);',
      [1],
    ],
    ['an update with an alias', 'db.query(`UPDATE conversations c SET status = $2 WHERE c.org_id = $1`)', [1]],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is TypeScript source text under test
    ['an update of a quoted, schema-qualified table', 'db.query(`UPDATE "${schema}".job SET state = 1`)', [1]],
    ['an insert', "db.query('INSERT INTO messages (org_id) VALUES ($1)')", [1]],
    ['a delete', "tx.query('DELETE FROM team_members WHERE org_id = $1')", [1]],
    ['a health check', "await db.query('SELECT 1');", [1]],
    ['a function call', "db.query('SELECT current_schema() AS schema')", [1]],
    ['two statements on two lines', "q('SELECT 1');\nq('DELETE FROM x WHERE org_id = $1');", [1, 2]],
    ['SQL in a comment is prose', '// UPDATE conversations SET … happens in the queries file\nconst x = 1;', []],
    ['a doc comment too', '/** SELECT id FROM teams is what the list shows */\nexport const y = 2;', []],
    ['a route glob then a string', "app.get('/api/*', h); const s = 'no sql here';", []],
    ['ordinary words', "throw new AppError('conflict', 'Select a team from the list first.');", []],
    ['an identifier named like a keyword', 'const selectFrom = updateSet(deleteFrom);', []],
  ];
  for (const [name, source, lines] of cases) {
    test(name, () => assert.deepEqual(straySqlLines(source), lines));
  }
});
