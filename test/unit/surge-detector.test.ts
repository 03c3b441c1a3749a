import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SLA_POLICY, slaPolicySchema } from '../../src/contracts/sla.ts';
import {
  arrivalRate,
  type DetectorState,
  detectSurge,
  type SurgeLoad,
  type SurgeThresholds,
  surgeThresholds,
} from '../../src/server/surge/surge-detector.ts';

const MIN = 60_000;
const T0 = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

const T: SurgeThresholds = {
  enterArrivalsPerMinute: 10,
  enterQueue: 20,
  exitArrivalsPerMinute: 5,
  exitQueue: 10,
  minMinutes: 5,
  windowMinutes: 5,
};
const OFF: DetectorState = { active: false, reason: null, manual: null, calmSince: null };
const ON: DetectorState = { active: true, reason: 'arrivals', manual: null, calmSince: null };
const load = (arrivalsPerMinute: number, unassignedOpen: number): SurgeLoad => ({ arrivalsPerMinute, unassignedOpen });

describe('surge detector: one step', () => {
  const table: {
    name: string;
    state: DetectorState;
    load: SurgeLoad;
    now?: Date;
    active: boolean;
    change: 'entered' | 'left' | null;
    reason?: string | null;
  }[] = [
    { name: 'quiet stays off', state: OFF, load: load(2, 3), active: false, change: null },
    { name: 'just under both enter thresholds stays off', state: OFF, load: load(9, 19), active: false, change: null },
    {
      name: 'arrivals at the threshold enter',
      state: OFF,
      load: load(10, 0),
      active: true,
      change: 'entered',
      reason: 'arrivals',
    },
    {
      name: 'queue at the threshold enters',
      state: OFF,
      load: load(0, 20),
      active: true,
      change: 'entered',
      reason: 'queue',
    },
    {
      name: 'inside the hysteresis band (under enter, over exit) stays on',
      state: ON,
      load: load(7, 15),
      active: true,
      change: null,
    },
    {
      name: 'arrivals calm but queue still over exit stays on',
      state: ON,
      load: load(1, 12),
      active: true,
      change: null,
    },
    {
      name: 'calm for less than minMinutes stays on',
      state: { ...ON, calmSince: at(0) },
      load: load(1, 2),
      now: at(4.9),
      active: true,
      change: null,
    },
    {
      name: 'calm for minMinutes leaves',
      state: { ...ON, calmSince: at(0) },
      load: load(1, 2),
      now: at(5),
      active: false,
      change: 'left',
      reason: null,
    },
    {
      name: 'manual on wins over a quiet queue',
      state: { ...OFF, manual: 'on' },
      load: load(0, 0),
      active: true,
      change: 'entered',
      reason: 'manual',
    },
    {
      name: 'manual off wins over a crowd',
      state: { ...ON, manual: 'off' },
      load: load(50, 80),
      active: false,
      change: 'left',
    },
    {
      name: 'manual off stays off under a crowd',
      state: { ...OFF, manual: 'off' },
      load: load(50, 80),
      active: false,
      change: null,
    },
  ];
  for (const row of table) {
    test(row.name, () => {
      const result = detectSurge(row.state, row.load, T, row.now ?? at(0));
      assert.equal(result.active, row.active);
      assert.equal(result.change, row.change);
      if (row.reason !== undefined) assert.equal(result.reason, row.reason);
    });
  }
});

describe('surge detector: over time', () => {
  /** Runs the detector every 20 s over the loads given per minute; returns the active flag after each minute. */
  function run(perMinute: SurgeLoad[], start: DetectorState = OFF): { active: boolean[]; changes: number } {
    let state = start;
    const active: boolean[] = [];
    let changes = 0;
    perMinute.forEach((l, minute) => {
      for (const second of [0, 20, 40]) {
        const r = detectSurge(state, l, T, at(minute + second / 60));
        if (r.change) changes++;
        state = r;
      }
      active.push(state.active);
    });
    return { active, changes };
  }

  test('a load hovering around the enter threshold does not flap', () => {
    const { active, changes } = run([load(10, 0), load(8, 0), load(11, 0), load(6, 0), load(10, 0), load(7, 0)]);
    assert.deepEqual(active, [true, true, true, true, true, true]);
    assert.equal(changes, 1);
  });

  test('leaves only after minMinutes with both signals under their exit thresholds', () => {
    const { active } = run([load(12, 0), load(2, 2), load(2, 2), load(2, 2), load(2, 2), load(2, 2), load(2, 2)]);
    // Calm from minute 1:00; five minutes later (6:00) it leaves.
    assert.deepEqual(active, [true, true, true, true, true, true, false]);
  });

  test('a spike inside the calm period restarts the count', () => {
    const { active } = run([load(12, 0), load(2, 2), load(2, 2), load(6, 2), load(2, 2), load(2, 2), load(2, 2)]);
    assert.deepEqual(active, [true, true, true, true, true, true, true]);
  });

  test('clearing a manual on hands back to the detector, which leaves after the calm period', () => {
    const forced = detectSurge({ ...OFF, manual: 'on' }, load(0, 0), T, at(0));
    const { active } = run([load(0, 0), load(0, 0), load(0, 0), load(0, 0), load(0, 0), load(0, 0)], {
      ...forced,
      manual: null,
    });
    assert.deepEqual(active, [true, true, true, true, true, false]);
  });

  test('a signal that is off never enters and counts as calm', () => {
    const t = { ...T, enterQueue: null, exitQueue: null };
    assert.equal(detectSurge(OFF, load(0, 500), t, at(0)).active, false);
    const calm = detectSurge({ ...ON, calmSince: at(0) }, load(0, 500), t, at(5));
    assert.equal(calm.change, 'left');
  });
});

describe('surge thresholds and arrival rate', () => {
  test('an older policy without exit thresholds gets half the enter ones, 5 minutes, a 5-minute window', () => {
    const parsed = slaPolicySchema.parse({
      ...DEFAULT_SLA_POLICY,
      surge: { unassignedOpen: 20, arrivalsPerMinute: 9 },
    });
    assert.deepEqual(surgeThresholds(parsed), {
      enterArrivalsPerMinute: 9,
      enterQueue: 20,
      exitArrivalsPerMinute: 5,
      exitQueue: 10,
      minMinutes: 5,
      windowMinutes: 5,
    });
  });

  test('explicit exit thresholds are kept', () => {
    const parsed = slaPolicySchema.parse({
      ...DEFAULT_SLA_POLICY,
      surge: {
        unassignedOpen: 20,
        arrivalsPerMinute: 10,
        exitUnassignedOpen: 3,
        exitArrivalsPerMinute: 2,
        minMinutes: 10,
        windowMinutes: 3,
      },
    });
    const t = surgeThresholds(parsed);
    assert.equal(t.exitQueue, 3);
    assert.equal(t.exitArrivalsPerMinute, 2);
    assert.equal(t.minMinutes, 10);
    assert.equal(t.windowMinutes, 3);
  });

  test('the rate is the window average, or the last minute when higher', () => {
    assert.equal(arrivalRate(2, 25, 5), 5);
    assert.equal(arrivalRate(12, 20, 5), 12);
    assert.equal(arrivalRate(0, 0, 5), 0);
  });
});
