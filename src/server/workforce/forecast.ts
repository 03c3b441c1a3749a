/**
 * Contacts per 30-minute interval, pure. Holt–Winters (triple exponential smoothing, additive trend and additive
 * weekly season of 336 intervals, which carries the daily shape too). Smoothing constants by a small grid search on
 * the one-step-ahead squared error; accuracy as MAPE on the last week held back (fitted on what comes before).
 * No registry package does seasonal Holt–Winters with a 336-long season well, so it is written here (≈ 80 lines).
 */

export const INTERVALS_PER_DAY = 48;
export const SEASON = INTERVALS_PER_DAY * 7;

export type HoltWintersModel = {
  alpha: number;
  beta: number;
  gamma: number;
  level: number;
  trend: number;
  /** Seasonal offsets; season[i] applies to the interval i steps after the end of the history, mod the period. */
  season: number[];
  sse: number;
};

/** Fit with fixed constants. Needs two full seasons to start (level and season from them, trend from their difference). */
export function fitHoltWinters(
  series: readonly number[],
  period: number,
  alpha: number,
  beta: number,
  gamma: number,
): HoltWintersModel {
  if (series.length < 2 * period) throw new Error(`Holt–Winters needs ${2 * period} points, got ${series.length}`);
  const mean = (from: number) => {
    let s = 0;
    for (let i = from; i < from + period; i++) s += series[i];
    return s / period;
  };
  const m1 = mean(0);
  const m2 = mean(period);
  let level = m1;
  let trend = (m2 - m1) / period;
  const season = new Array<number>(period);
  for (let i = 0; i < period; i++) season[i] = (series[i] - m1 + (series[i + period] - m2)) / 2;
  let sse = 0;
  for (let t = period; t < series.length; t++) {
    const s = season[t % period];
    const y = series[t];
    const predicted = level + trend + s;
    sse += (y - predicted) ** 2;
    const prevLevel = level;
    level = alpha * (y - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - prevLevel) + (1 - beta) * trend;
    season[t % period] = gamma * (y - level) + (1 - gamma) * s;
  }
  // Rotate so season[0] is the slot of the first interval after the history.
  const offset = series.length % period;
  const rotated = season.slice(offset).concat(season.slice(0, offset));
  return { alpha, beta, gamma, level, trend, season: rotated, sse };
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.4];
const BETAS = [0, 0.001, 0.01];
const GAMMAS = [0.05, 0.1, 0.2, 0.4];

export function bestHoltWinters(series: readonly number[], period = SEASON): HoltWintersModel {
  let best: HoltWintersModel | undefined;
  for (const alpha of ALPHAS)
    for (const beta of BETAS)
      for (const gamma of GAMMAS) {
        const model = fitHoltWinters(series, period, alpha, beta, gamma);
        if (!best || model.sse < best.sse) best = model;
      }
  return best as HoltWintersModel;
}

export function predict(model: HoltWintersModel, horizon: number): number[] {
  const period = model.season.length;
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    out.push(Math.max(0, model.level + h * model.trend + model.season[(h - 1) % period]));
  }
  return out;
}

/** Mean absolute percentage error over the intervals with contacts (a zero actual has no percentage). */
export function mape(actual: readonly number[], predicted: readonly number[]): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] > 0) {
      sum += Math.abs(actual[i] - predicted[i]) / actual[i];
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

export type Forecast = {
  method: 'holt-winters' | 'daily-average' | 'none';
  /** Contacts expected per 30-minute interval, from the first interval after the history. */
  values: number[];
  /** MAPE of the same method on the last held-back week (null when there is not enough history to hold one back). */
  mape: number | null;
  /** Less than the three weeks Holt–Winters with a held-back week needs: a simpler method, or nothing. */
  insufficientHistory: boolean;
  historyIntervals: number;
  params?: { alpha: number; beta: number; gamma: number };
};

/** Forecast `days` of 30-minute intervals from `history` (oldest first, ending at an interval boundary). */
export function forecastContacts(history: readonly number[], days: number): Forecast {
  const horizon = days * INTERVALS_PER_DAY;
  const n = history.length;
  if (n >= 3 * SEASON) {
    const train = history.slice(0, n - SEASON);
    const held = history.slice(n - SEASON);
    const score = mape(held, predict(bestHoltWinters(train), SEASON));
    const model = bestHoltWinters(history);
    return {
      method: 'holt-winters',
      values: predict(model, horizon),
      mape: score,
      insufficientHistory: false,
      historyIntervals: n,
      params: { alpha: model.alpha, beta: model.beta, gamma: model.gamma },
    };
  }
  if (n >= 2 * SEASON) {
    const model = bestHoltWinters(history);
    return {
      method: 'holt-winters',
      values: predict(model, horizon),
      mape: null,
      insufficientHistory: true,
      historyIntervals: n,
      params: { alpha: model.alpha, beta: model.beta, gamma: model.gamma },
    };
  }
  if (n >= INTERVALS_PER_DAY) {
    // The mean of each interval of the day over the days there are.
    const sums = new Array<number>(INTERVALS_PER_DAY).fill(0);
    const counts = new Array<number>(INTERVALS_PER_DAY).fill(0);
    for (let i = 0; i < n; i++) {
      const slot = (i - n + INTERVALS_PER_DAY * 1_000_000) % INTERVALS_PER_DAY; // slot 0 = first interval after history
      sums[slot] += history[i];
      counts[slot]++;
    }
    const profile = sums.map((s, i) => (counts[i] ? s / counts[i] : 0));
    const values = Array.from({ length: horizon }, (_, h) => profile[h % INTERVALS_PER_DAY]);
    return { method: 'daily-average', values, mape: null, insufficientHistory: true, historyIntervals: n };
  }
  return {
    method: 'none',
    values: new Array(horizon).fill(0),
    mape: null,
    insufficientHistory: true,
    historyIntervals: n,
  };
}
