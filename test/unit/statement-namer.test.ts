import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStatementNamer } from '../../src/server/db/db.ts';

test('a statement is prepared from its second use on, only with parameters, one name per text', () => {
  const nameFor = createStatementNamer();
  const select = 'SELECT * FROM conversations WHERE org_id = $1 AND id = $2';
  const update = 'UPDATE conversations SET status = $3 WHERE org_id = $1 AND id = $2';
  const rows: [sql: string, params: unknown[] | undefined, expected: string | undefined][] = [
    [select, [1, 2], undefined], // first sight: planned as before
    [select, [1, 2], 'kefu_0'],
    [select, [3, 4], 'kefu_0'], // the same text keeps its name, whatever the values
    [update, [1, 2, 'open'], undefined],
    [update, [1, 2, 'open'], 'kefu_1'],
    ['SELECT 1; SELECT 2', undefined, undefined], // no parameters: may be several statements
    ['SELECT 1; SELECT 2', undefined, undefined],
    ['SELECT now()', [], undefined],
    ['SELECT now()', [], undefined],
  ];
  for (const [sql, params, expected] of rows) assert.equal(nameFor(sql, params), expected, sql);
});

test('at most 1,000 texts get a name; the rest stay unnamed', () => {
  const nameFor = createStatementNamer();
  const names = new Set<string>();
  for (let i = 0; i < 1200; i++) {
    const sql = `SELECT $1::int + ${i}`;
    nameFor(sql, [1]);
    const name = nameFor(sql, [1]);
    if (name) names.add(name);
  }
  assert.equal(names.size, 1000);
  assert.equal(nameFor('SELECT $1::int + 5', [1]), 'kefu_5', 'named ones keep their names');
  assert.equal(nameFor('SELECT $1::int + 1100', [1]), undefined);
});
