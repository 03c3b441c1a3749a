import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatabaseUnreachable } from '../../src/server/db/db.ts';
import { AppError } from '../../src/server/errors.ts';

/** What node-postgres throws when PostgreSQL is down or restarting, against what a wrong statement throws. */
const cases: [string, unknown, boolean][] = [
  [
    'connection refused',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    true,
  ],
  [
    'every localhost address refused',
    Object.assign(new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]), {}),
    true,
  ],
  ['server shut down (fast)', Object.assign(new Error('terminating connection'), { code: '57P01' }), true],
  ['server starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' }), true],
  ['connection failure class', Object.assign(new Error('connection failure'), { code: '08006' }), true],
  ['too many connections', Object.assign(new Error('too many clients'), { code: '53300' }), true],
  ['socket dropped mid-query', new Error('Connection terminated unexpectedly'), true],
  ['pool wait timed out', new Error('timeout exceeded when trying to connect'), true],
  ['already translated', new AppError('database_unavailable'), true],
  ['unique violation', Object.assign(new Error('duplicate key'), { code: '23505' }), false],
  ['syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' }), false],
  ['another app error', new AppError('conversation_not_found'), false],
  ['not an error', 'ECONNREFUSED', false],
  ['nothing', undefined, false],
];

for (const [name, error, expected] of cases) {
  test(`isDatabaseUnreachable: ${name} → ${expected}`, () => {
    assert.equal(isDatabaseUnreachable(error), expected);
  });
}
