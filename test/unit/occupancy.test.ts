import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Interval,
  intersectionOf,
  membershipByTeam,
  occupancyByAgent,
  onlineIntervals,
  overlapMs,
  teamOccupancy,
  unionOf,
} from '../../src/server/reports/occupancy.ts';

describe('occupancy interval arithmetic', () => {
  test('a union merges overlapping and touching stretches and drops empty ones', () => {
    assert.deepEqual(
      unionOf([
        { start: 5, end: 9 },
        { start: 0, end: 3 },
        { start: 3, end: 4 },
        { start: 8, end: 12 },
        { start: 20, end: 20 },
      ]),
      [
        { start: 0, end: 4 },
        { start: 5, end: 12 },
      ],
    );
  });

  test('the overlap of two unions', () => {
    const a = unionOf([
      { start: 0, end: 10 },
      { start: 20, end: 30 },
    ]);
    const b = unionOf([
      { start: 5, end: 25 },
      { start: 28, end: 40 },
    ]);
    assert.equal(overlapMs(a, b), 5 + 5 + 2);
    assert.equal(overlapMs(a, []), 0);
  });

  test('online stretches: the state before the range carries in, the last one runs to the end', () => {
    const entries = [
      { agentId: 'a', status: 'online', at: -50 },
      { agentId: 'a', status: 'away', at: 10 },
      { agentId: 'a', status: 'online', at: 20 },
    ];
    assert.deepEqual(onlineIntervals(entries, 0, 100), [
      { start: 0, end: 10 },
      { start: 20, end: 100 },
    ]);
  });

  test('busy counts only while online; never online is null, not 0', () => {
    const byAgent = occupancyByAgent(
      [
        { agentId: 'a', status: 'online', at: 0 },
        { agentId: 'a', status: 'offline', at: 4000 },
        { agentId: 'b', status: 'offline', at: 0 },
      ],
      [
        { agentId: 'a', start: 1000, end: 3000 },
        { agentId: 'a', start: 2000, end: 9000 },
        { agentId: 'b', start: 0, end: 9000 },
      ],
      0,
      10_000,
    );
    assert.deepEqual(
      { ...byAgent.get('a') },
      {
        onlineSeconds: 4,
        busySeconds: 3,
        occupancy: 0.75,
        onlineMs: 4000,
        busyMs: 3000,
        online: [{ start: 0, end: 4000 }],
        busyOnline: [{ start: 1000, end: 4000 }],
      },
    );
    assert.equal(byAgent.get('b')?.occupancy, null);
    const always = [{ start: 0, end: 10_000 }];
    const members = ['a', 'b', 'nobody'].map((agentId) => ({ agentId, during: always }));
    assert.deepEqual(teamOccupancy(members, byAgent), {
      onlineSeconds: 4,
      busySeconds: 3,
      occupancy: 0.75,
    });
    // A member only for 2–3 s counts only then: 1 s online, 1 s busy.
    assert.deepEqual(teamOccupancy([{ agentId: 'a', during: [{ start: 2000, end: 3000 }] }], byAgent), {
      onlineSeconds: 1,
      busySeconds: 1,
      occupancy: 1,
    });
  });

  test('the intersection of two unions', () => {
    const cases: [Interval[], Interval[], Interval[]][] = [
      [[], [{ start: 0, end: 5 }], []],
      [[{ start: 0, end: 5 }], [{ start: 5, end: 9 }], []],
      [[{ start: 0, end: 5 }], [{ start: 2, end: 9 }], [{ start: 2, end: 5 }]],
      [
        [
          { start: 0, end: 3 },
          { start: 4, end: 10 },
        ],
        [
          { start: 2, end: 5 },
          { start: 8, end: 12 },
        ],
        [
          { start: 2, end: 3 },
          { start: 4, end: 5 },
          { start: 8, end: 10 },
        ],
      ],
    ];
    for (const [a, b, expected] of cases) {
      assert.deepEqual(intersectionOf(a, b), expected);
      assert.deepEqual(intersectionOf(b, a), expected);
    }
  });

  test('membership over time: joins open a stretch, leaves close it, the open one runs to the end', () => {
    const e = (teamId: string, agentId: string, change: 'joined' | 'left', at: number) => ({
      teamId,
      agentId,
      change,
      at,
    });
    const cases: { name: string; log: ReturnType<typeof e>[]; expected: Record<string, Record<string, Interval[]>> }[] =
      [
        {
          name: 'joined before the range, still in',
          log: [e('t', 'a', 'joined', -50)],
          expected: { t: { a: [{ start: 0, end: 100 }] } },
        },
        {
          name: 'left within the range',
          log: [e('t', 'a', 'joined', -50), e('t', 'a', 'left', 40)],
          expected: { t: { a: [{ start: 0, end: 40 }] } },
        },
        { name: 'left before the range', log: [e('t', 'a', 'joined', -50), e('t', 'a', 'left', -10)], expected: {} },
        {
          name: 'replaced as a set: a leave and a join at the same moment leave no gap',
          log: [e('t', 'a', 'joined', 10), e('t', 'a', 'left', 30), e('t', 'a', 'joined', 30)],
          expected: { t: { a: [{ start: 10, end: 100 }] } },
        },
        {
          name: 'left and came back',
          log: [e('t', 'a', 'joined', 10), e('t', 'a', 'left', 20), e('t', 'a', 'joined', 60), e('t', 'a', 'left', 70)],
          expected: {
            t: {
              a: [
                { start: 10, end: 20 },
                { start: 60, end: 70 },
              ],
            },
          },
        },
        { name: 'a leave with no join before it is ignored', log: [e('t', 'a', 'left', 20)], expected: {} },
        {
          name: 'two teams, two agents',
          log: [e('t', 'a', 'joined', 10), e('t', 'b', 'joined', 50), e('u', 'a', 'joined', 0), e('u', 'a', 'left', 5)],
          expected: {
            t: { a: [{ start: 10, end: 100 }], b: [{ start: 50, end: 100 }] },
            u: { a: [{ start: 0, end: 5 }] },
          },
        },
      ];
    for (const c of cases) {
      const got = membershipByTeam(c.log, 0, 100);
      const plain = Object.fromEntries(
        [...got].map(([teamId, members]) => [teamId, Object.fromEntries(members.map((m) => [m.agentId, m.during]))]),
      );
      assert.deepEqual(plain, c.expected, c.name);
    }
  });
});
