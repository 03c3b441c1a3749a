import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
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
      { onlineSeconds: 4, busySeconds: 3, occupancy: 0.75, onlineMs: 4000, busyMs: 3000 },
    );
    assert.equal(byAgent.get('b')?.occupancy, null);
    assert.deepEqual(teamOccupancy(['a', 'b', 'nobody'], byAgent), {
      onlineSeconds: 4,
      busySeconds: 3,
      occupancy: 0.75,
    });
  });
});
