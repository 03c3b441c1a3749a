import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  fitHoltWinters,
  forecastContacts,
  INTERVALS_PER_DAY,
  mape,
  predict,
  SEASON,
} from '../../src/server/workforce/forecast.ts';

/** Deterministic noise. */
function noise(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

/** A daily wave (busy afternoons), quiet weekends, a rising trend and noise. */
function synthetic(weeks: number, seed = 7): number[] {
  const rnd = noise(seed);
  return Array.from({ length: weeks * SEASON }, (_, t) => {
    const slot = t % INTERVALS_PER_DAY;
    const day = Math.floor(t / INTERVALS_PER_DAY) % 7;
    const daily = 12 * Math.sin((2 * Math.PI * (slot - 12)) / INTERVALS_PER_DAY) + 14;
    return Math.max(0, 20 + 0.004 * t + daily + (day >= 5 ? -6 : 0) + rnd() * 4);
  });
}

describe('Holt–Winters forecast', () => {
  test('recovers daily + weekly seasonality with a trend: MAPE on the held-back week under 10%', () => {
    const f = forecastContacts(synthetic(6), 14);
    assert.equal(f.method, 'holt-winters');
    assert.equal(f.insufficientHistory, false);
    assert.equal(f.values.length, 14 * INTERVALS_PER_DAY);
    assert.ok(f.mape !== null && f.mape < 0.1, `MAPE ${f.mape}`);
  });

  test('the forecast matches the next weeks of the same process', () => {
    const all = synthetic(8, 11);
    const history = all.slice(0, 6 * SEASON);
    const future = all.slice(6 * SEASON);
    const f = forecastContacts(history, 14);
    const error = mape(future, f.values);
    assert.ok(error !== null && error < 0.1, `MAPE ${error}`);
  });

  test('a pure seasonal series is predicted exactly by its own season', () => {
    const season = Array.from({ length: 10 }, (_, i) => (i % 5) * 2 + 1);
    const series = [...season, ...season, ...season];
    const model = fitHoltWinters(series, 10, 0.3, 0, 0.3);
    for (const [i, v] of predict(model, 10).entries()) assert.ok(Math.abs(v - season[i]) < 1e-9);
  });

  test('too little history: a daily profile or nothing, flagged', () => {
    const threeDays = synthetic(1).slice(0, 3 * INTERVALS_PER_DAY);
    const f = forecastContacts(threeDays, 2);
    assert.equal(f.method, 'daily-average');
    assert.equal(f.insufficientHistory, true);
    assert.equal(f.values.length, 96);
    // The first forecast interval is slot 0 of the day (3 whole days of history).
    assert.ok(Math.abs(f.values[0] - (threeDays[0] + threeDays[48] + threeDays[96]) / 3) < 1e-9);
    const none = forecastContacts([], 1);
    assert.equal(none.method, 'none');
    assert.equal(none.insufficientHistory, true);
    assert.deepEqual(none.values, new Array(48).fill(0));
  });
});
