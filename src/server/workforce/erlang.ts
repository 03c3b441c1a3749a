/**
 * Queueing formulas for staffing, pure. Erlang C (M/M/N, nobody hangs up) and Erlang A (M/M/N+M, callers abandon
 * after an exponential patience). No factorials anywhere: Erlang C iterates the Erlang B recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which stays in [0, 1] for any load; Erlang A is in closed form
 * through the incomplete gamma function, evaluated in log space.
 */

export type ErlangInput = {
  /** Contacts arriving in one interval. */
  arrivals: number;
  intervalSeconds: number;
  /** Average handling time. */
  ahtSeconds: number;
  /** Answer within this many seconds… */
  targetSeconds: number;
  /** …for this fraction of contacts (0–1). */
  serviceLevel: number;
};

export type ErlangResult = {
  agents: number;
  /** Offered load in Erlangs (arrivals × AHT / interval). */
  trafficIntensity: number;
  probabilityOfWaiting: number;
  /** P(answered within targetSeconds). */
  serviceLevel: number;
  averageSpeedOfAnswerSeconds: number;
  occupancy: number;
};

export function trafficIntensity(arrivals: number, intervalSeconds: number, ahtSeconds: number): number {
  return (arrivals * ahtSeconds) / intervalSeconds;
}

/** Erlang B blocking probability for `agents` servers and load `a`, by the recursion. */
export function erlangB(agents: number, a: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (a * b) / (n + a * b);
  return b;
}

/** Erlang C: the probability an arriving contact has to wait (1 when the agents cannot keep up, N ≤ A). */
export function erlangC(agents: number, a: number): number {
  if (a <= 0) return 0;
  if (agents <= a) return 1;
  const b = erlangB(agents, a);
  return (agents * b) / (agents - a * (1 - b));
}

/** P(wait ≤ t) = 1 − C·e^(−(N−A)·t/AHT). */
export function serviceLevel(agents: number, a: number, targetSeconds: number, ahtSeconds: number): number {
  if (a <= 0) return 1;
  if (agents <= a) return 0;
  return 1 - erlangC(agents, a) * Math.exp((-(agents - a) * targetSeconds) / ahtSeconds);
}

/** Average speed of answer: C·AHT/(N−A) (Infinity when N ≤ A). */
export function averageSpeedOfAnswer(agents: number, a: number, ahtSeconds: number): number {
  if (a <= 0) return 0;
  if (agents <= a) return Number.POSITIVE_INFINITY;
  return (erlangC(agents, a) * ahtSeconds) / (agents - a);
}

export function occupancy(agents: number, a: number): number {
  return agents <= 0 ? 1 : Math.min(1, a / agents);
}

export function erlangCFor(agents: number, input: Omit<ErlangInput, 'serviceLevel'>): ErlangResult {
  const a = trafficIntensity(input.arrivals, input.intervalSeconds, input.ahtSeconds);
  return {
    agents,
    trafficIntensity: a,
    probabilityOfWaiting: erlangC(agents, a),
    serviceLevel: serviceLevel(agents, a, input.targetSeconds, input.ahtSeconds),
    averageSpeedOfAnswerSeconds: averageSpeedOfAnswer(agents, a, input.ahtSeconds),
    occupancy: occupancy(agents, a),
  };
}

/** The fewest agents whose Erlang C service level meets the target, with what they achieve. */
export function agentsFor(input: ErlangInput): ErlangResult {
  const a = trafficIntensity(input.arrivals, input.intervalSeconds, input.ahtSeconds);
  if (a <= 0) return erlangCFor(0, input);
  let n = Math.max(1, Math.floor(a) + 1);
  while (serviceLevel(n, a, input.targetSeconds, input.ahtSeconds) < input.serviceLevel) n++;
  return erlangCFor(n, input);
}

// ——— Erlang A ———————————————————————————————————————————————————————————————————————————————————————

export type ErlangAResult = ErlangResult & {
  /** Fraction of contacts that hang up before an agent answers. */
  probabilityOfAbandon: number;
  patienceSeconds: number;
};

// The incomplete gamma function in log space, for Erlang A. Series and continued fraction as in Press et al.,
// Numerical Recipes (3rd ed.), §6.2 (gser / gcf with the modified Lentz method); neither forms a power or a gamma
// function that could overflow, and the iteration caps only bound a call that would otherwise never end.

/**
 * ln Γ(y), y > 0: Stirling's series to the 1/y⁷ term once y ≥ 15 (the first term left out, 1/(1188·y⁹), is under
 * 3e-14 there), shifted up by Γ(y+1) = y·Γ(y) below that.
 */
export function logGamma(y: number): number {
  let shift = 0;
  let z = y;
  while (z < 15) {
    shift += Math.log(z);
    z += 1;
  }
  const z2 = z * z;
  const series = 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2) - 1 / (1680 * z * z2 * z2 * z2);
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

const MAX_TERMS = 10_000_000;

/**
 * ln γ(y, z), the lower incomplete gamma function ∫₀ᶻ u^(y−1) e^(−u) du, for y > 0, z ≥ 0. Below z = y + 1 the
 * series γ = z^y e^(−z) Σⱼ zʲ / (y(y+1)…(y+j)), whose terms only shrink; above it the continued fraction for the
 * upper function Γ(y, z), subtracted from Γ(y) as a log1p. Both take O(√y) steps at worst (near z = y).
 */
export function logLowerGamma(y: number, z: number): number {
  if (z <= 0) return Number.NEGATIVE_INFINITY;
  if (z < y + 1) {
    let term = 1 / y;
    let sum = term;
    for (let j = 1; j < MAX_TERMS; j++) {
      term *= z / (y + j);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return y * Math.log(z) - z + Math.log(sum);
  }
  const tiny = 1e-300;
  let b = z + 1 - y;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - y);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  const lnGammaY = logGamma(y);
  const logUpperRegularised = -z + y * Math.log(z) + Math.log(h) - lnGammaY;
  return lnGammaY + Math.log1p(-Math.exp(logUpperRegularised));
}

/**
 * The queue part of the M/M/N+M stationary distribution relative to p(N): J = Σⱼ≥₀ xʲ / ((y+1)…(y+j)) with
 * x = λ/θ, y = Nμ/θ (p(N+j) = p(N)·term j), and the mean number queued in the same units, M = Σ j·term j.
 * In closed form J = y·eˣ·x^(−y)·γ(y, x), and M = (x − y)·J + y (from (y+j+1)·term(j+1) = x·term j).
 * Returned as ln J and M/J, which stay finite however long the queue.
 */
function queueSums(x: number, y: number): { logJ: number; meanQueuedOverJ: number } {
  if (x < y + 1) {
    // Summed directly (terms only shrink here): M = (x − y)J + y would subtract two nearly equal numbers when the
    // patience is long (x, y large).
    let term = 1;
    let sum = 1;
    let m = 0;
    for (let j = 1; j < MAX_TERMS; j++) {
      term *= x / (y + j);
      sum += term;
      m += j * term;
      if (term * j < m * 1e-17 && term < sum * 1e-17) break;
    }
    return { logJ: Math.log(sum), meanQueuedOverJ: m / sum };
  }
  const logJ = Math.log(y) + x - y * Math.log(x) + logLowerGamma(y, x);
  return { logJ, meanQueuedOverJ: x - y + y * Math.exp(-logJ) };
}

/** ∫ f over [0, t] by adaptive Simpson; `f` is smooth and monotone here, `depth` bounds the work. */
function integrate(f: (v: number) => number, t: number, tolerance: number): number {
  const simpson = (a: number, fa: number, fm: number, b: number, fb: number) => ((b - a) / 6) * (fa + 4 * fm + fb);
  const step = (
    a: number,
    fa: number,
    m: number,
    fm: number,
    b: number,
    fb: number,
    whole: number,
    tol: number,
    depth: number,
  ): number => {
    const lm = (a + m) / 2;
    const rm = (m + b) / 2;
    const flm = f(lm);
    const frm = f(rm);
    const left = simpson(a, fa, flm, m, fm);
    const right = simpson(m, fm, frm, b, fb);
    if (depth <= 0 || Math.abs(left + right - whole) <= 15 * tol) return left + right + (left + right - whole) / 15;
    return (
      step(a, fa, lm, flm, m, fm, left, tol / 2, depth - 1) + step(m, fm, rm, frm, b, fb, right, tol / 2, depth - 1)
    );
  };
  if (t <= 0) return 0;
  const fa = f(0);
  const fm = f(t / 2);
  const fb = f(t);
  return step(0, fa, t / 2, fm, t, fb, simpson(0, fa, fm, t, fb), tolerance, 18);
}

/**
 * Erlang A (M/M/N+M, Palm's queue): `agents` servers, mean patience `patienceSeconds` (Infinity = Erlang C), in
 * closed form after Mandelbaum & Zeltyn, "The Palm/Erlang-A Queue, with Applications to Call Centers" (Technion,
 * 2007), §2 and Garnett, Mandelbaum & Reiman, "Designing a Call Center with Impatient Customers", M&SOM 4(3) 2002.
 * With x = λ/θ, y = Nμ/θ, B the Erlang B blocking of N servers and J as in queueSums:
 *   P(wait) = B·J / (1 − B + B·J),   P(abandon | wait) = M / (x·J),   E[queue] = P(wait)·M / J,
 *   P(V > t | wait) = γ(y, x·e^(−θt)) / γ(y, x)  (V the offered wait: until an agent would answer),
 * and a customer still waits at t while V > t and the patience (exponential, rate θ) lasts: S(t) = e^(−θt)·P(V > t).
 * Service level = the fraction of ALL arrivals answered within t (those who abandon count as missed):
 *   1 − P(wait)·(S(t) + θ·∫₀ᵗ S(v) dv),
 * the second term being those who gave up by t (they leave at rate θ while waiting). That integral is the one
 * numerical step, a quadrature of a smooth function on [0, t]. Cost is O(N) for B plus O(√(λ/θ + Nμ/θ)) per gamma
 * evaluation, so hundreds of Erlangs take well under a millisecond and any load finishes.
 */
export function erlangA(
  agents: number,
  input: Omit<ErlangInput, 'serviceLevel'> & { patienceSeconds: number },
): ErlangAResult {
  const { patienceSeconds } = input;
  if (!Number.isFinite(patienceSeconds))
    return { ...erlangCFor(agents, input), probabilityOfAbandon: 0, patienceSeconds };
  const lambda = input.arrivals / input.intervalSeconds;
  const mu = 1 / input.ahtSeconds;
  const theta = 1 / patienceSeconds;
  const a = lambda / mu;
  const N = agents;
  if (lambda <= 0) return { ...erlangCFor(N, input), probabilityOfAbandon: 0, patienceSeconds };
  const x = lambda / theta;
  if (N <= 0) {
    // Nobody answers: everyone waits and, sooner or later, gives up.
    return {
      agents: 0,
      trafficIntensity: a,
      probabilityOfWaiting: 1,
      serviceLevel: 0,
      averageSpeedOfAnswerSeconds: x / lambda,
      occupancy: 1,
      probabilityOfAbandon: 1,
      patienceSeconds,
    };
  }
  const y = (N * mu) / theta;
  const b = erlangB(N, a);
  const { logJ, meanQueuedOverJ } = queueSums(x, y);
  // P(wait) = 1 / (1 + (1 − B)/(B·J)), so neither a tiny B nor a huge J overflows.
  const wait = b <= 0 ? 0 : 1 / (1 + (1 - b) * Math.exp(-Math.log(b) - logJ));
  const abandonGivenWait = Math.min(1, meanQueuedOverJ / x);
  const probabilityOfAbandon = wait * abandonGivenWait;
  const t = input.targetSeconds;
  let missed = 0;
  if (wait > 0 && t >= 0) {
    const logAll = logLowerGamma(y, x);
    // P(V > v | wait) for the offered wait V (the wait until an agent would answer, had the customer stayed).
    const offeredBeyond = (v: number) => Math.min(1, Math.exp(logLowerGamma(y, x * Math.exp(-theta * v)) - logAll));
    // Still waiting at v: the offer has not come and the patience (rate θ) has not run out.
    const stillWaiting = (v: number) => Math.exp(-theta * v) * offeredBeyond(v);
    // The tolerance is on θ·∫ (what the service level adds up), so a long patience needs a coarse quadrature only.
    missed = stillWaiting(t) + theta * integrate(stillWaiting, t, 1e-11 / theta);
  }
  return {
    agents: N,
    trafficIntensity: a,
    probabilityOfWaiting: wait,
    serviceLevel: Math.min(1, Math.max(0, 1 - wait * missed)),
    // Mean wait of all arrivals (Little on the queue): E[Q]/λ.
    averageSpeedOfAnswerSeconds: (wait * meanQueuedOverJ) / lambda,
    // Busy agents (Little on the servers): the answered share of the load.
    occupancy: (a * (1 - probabilityOfAbandon)) / N,
    probabilityOfAbandon,
    patienceSeconds,
  };
}

/**
 * The fewest agents whose Erlang A service level meets the target. The service level grows with the agents, so a
 * doubling search brackets the answer and a bisection finds it: O(log N) evaluations rather than one per agent.
 */
export function agentsForErlangA(input: ErlangInput & { patienceSeconds: number }): ErlangAResult {
  if (!Number.isFinite(input.patienceSeconds))
    return { ...agentsFor(input), probabilityOfAbandon: 0, patienceSeconds: input.patienceSeconds };
  if (input.arrivals <= 0) return erlangA(0, input);
  // A target above 1 is never met: refuse it rather than search forever (the contract allows (0, 1) only).
  if (!(input.serviceLevel <= 1)) throw new RangeError(`service level ${input.serviceLevel} is not a fraction`);
  const meets = (n: number) => erlangA(n, input).serviceLevel >= input.serviceLevel;
  const a = trafficIntensity(input.arrivals, input.intervalSeconds, input.ahtSeconds);
  let lo = 0; // known to miss (nobody answers, service level 0)
  let hi = Math.max(1, Math.ceil(a));
  // Far enough past the load the queue is empty to double precision and the service level 1, so this ends.
  while (!meets(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return erlangA(hi, input);
}

/**
 * Chat: one agent holds several conversations at once. Simplification: a chat agent is `concurrency` independent
 * servers (the routing capacity), each with the chat's own handling time, so the Erlang result counts slots and the
 * agents are ceil(slots / concurrency). Real concurrency slows each chat down; the AHT measured from history
 * already includes that slowdown.
 */
export function chatAgentsFor(slots: number, concurrency: number): number {
  return Math.ceil(slots / Math.max(1, concurrency));
}
