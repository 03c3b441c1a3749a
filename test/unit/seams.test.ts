import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { foreignQueriesImports, straySqlLines, writtenTables } from '../../scripts/seams.ts';

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

describe('finding the tables a file writes', () => {
  const cases: [string, string, string[]][] = [
    ['an update with an alias', 'q(`UPDATE conversations c SET status = $2 WHERE c.org_id = $1`)', ['conversations']],
    ['an insert with columns', "q('INSERT INTO messages (org_id, body) VALUES ($1, $2)')", ['messages']],
    ['a delete', "q('DELETE FROM team_members WHERE org_id = $1')", ['team_members']],
    [
      'a CTE writing two tables',
      'q(`WITH s AS (UPDATE conversation_slas SET x = 1 WHERE org_id = $1) UPDATE conversations SET y = 2`)',
      ['conversation_slas', 'conversations'],
    ],
    ['a read is not a write', "q('SELECT id FROM conversations WHERE org_id = $1')", []],
    ['FOR UPDATE is not a write', "q('SELECT id FROM conversations WHERE id = $1 FOR UPDATE')", []],
    ['a comment is not a write', '// UPDATE conversations SET status happens elsewhere\nconst x = 1;', []],
  ];
  for (const [name, source, tables] of cases) {
    test(name, () => assert.deepEqual(writtenTables(source), tables));
  }
});

describe("finding services that import another domain's queries", () => {
  const cases: [string, string, string, string[]][] = [
    [
      "a service importing another domain's queries",
      'src/server/macros/macros.service.ts',
      "import { selectConversation } from '../conversations/conversations.queries.ts';",
      ['src/server/conversations/conversations.queries.ts'],
    ],
    [
      "a service importing its own domain's queries",
      'src/server/macros/macros.service.ts',
      "import { selectMacro } from './macros.queries.ts';",
      [],
    ],
    [
      'a queries file sharing an SQL fragment',
      'src/server/routing/routing.queries.ts',
      "import { WAITING_FOR_AGENT } from '../conversations/conversation-writes.queries.ts';",
      [],
    ],
    [
      "a service importing another domain's service",
      'src/server/visitors/visitors.service.ts',
      "import { toConversation } from '../conversations/conversations.service.ts';",
      [],
    ],
    [
      'the demo seed, a composition root',
      'src/server/seed/demo.ts',
      "import { insertTeam } from '../teams/teams.queries.ts';",
      [],
    ],
  ];
  for (const [name, file, source, found] of cases) {
    test(name, () => assert.deepEqual(foreignQueriesImports(file, source), found));
  }
});
