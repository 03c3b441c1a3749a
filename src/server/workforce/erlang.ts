/**
 * Queueing formulas for staffing, pure. Erlang C (M/M/N, nobody hangs up) and Erlang A (M/M/N+M, callers abandon
 * after an exponential patience). No factorials anywhere: Erlang C iterates the Erlang B recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which stays in [0, 1] for any load; Erlang A works in log space.
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

/**
 * Erlang A (M/M/N+M) for `agents` with mean patience `patienceSeconds` (Infinity = Erlang C). The stationary
 * birth–death distribution (birth λ, death min(k,N)μ + max(k−N,0)θ) is computed in log space and truncated once the
 * tail is negligible. Service level = the fraction of ALL arrivals answered within t (those who abandon count as
 * missed): for an arrival finding q others queued, the chance of reaching an agent within t while its own patience
 * lasts, from the backward equations of its position in the queue (RK4).
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
  if (lambda <= 0) {
    return { ...erlangCFor(N, input), probabilityOfAbandon: 0, patienceSeconds };
  }
  // log p(k), unnormalised.
  const logp: number[] = [0];
  let max = 0;
  for (let k = 1; k < N + 100_000; k++) {
    const death = Math.min(k, N) * mu + Math.max(k - N, 0) * theta;
    const v = logp[k - 1] + Math.log(lambda) - Math.log(death);
    logp.push(v);
    if (v > max) max = v;
    if (k > N && k > a && v - max < -36) break;
  }
  const p = logp.map((v) => Math.exp(v - max));
  const total = p.reduce((s, v) => s + v, 0);
  for (let k = 0; k < p.length; k++) p[k] /= total;
  let wait = 0;
  let queued = 0;
  let busy = 0;
  for (let k = 0; k < p.length; k++) {
    if (k >= N) wait += p[k];
    queued += Math.max(k - N, 0) * p[k];
    busy += Math.min(k, N) * p[k];
  }
  const probabilityOfAbandon = (theta * queued) / lambda;
  // u[q](t): answered within t having q customers ahead. du_q/dt = r_q (u_{q−1} − u_q) − θ u_q, u_{−1} = 1,
  // r_q = Nμ + qθ (the agents free up, or someone ahead gives up).
  const Q = Math.max(0, p.length - N);
  const t = input.targetSeconds;
  let answeredWithin = 0;
  if (Q > 0 && N > 0) {
    const rate = (q: number) => N * mu + q * theta;
    const maxRate = rate(Q) + theta;
    const steps = Math.max(20, Math.ceil((t * maxRate) / 0.05));
    const h = t / steps;
    let u = new Float64Array(Q);
    const deriv = (x: Float64Array): Float64Array => {
      const d = new Float64Array(Q);
      for (let q = 0; q < Q; q++) d[q] = rate(q) * ((q === 0 ? 1 : x[q - 1]) - x[q]) - theta * x[q];
      return d;
    };
    const add = (x: Float64Array, k: Float64Array, f: number) => x.map((v, i) => v + f * k[i]);
    for (let s = 0; s < steps; s++) {
      const k1 = deriv(u);
      const k2 = deriv(add(u, k1, h / 2));
      const k3 = deriv(add(u, k2, h / 2));
      const k4 = deriv(add(u, k3, h));
      u = u.map((v, i) => v + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    }
    for (let q = 0; q < Q; q++) answeredWithin += p[N + q] * u[q];
  }
  return {
    agents: N,
    trafficIntensity: a,
    probabilityOfWaiting: wait,
    serviceLevel: 1 - wait + answeredWithin,
    // Mean wait of all arrivals (Little on the queue): E[Q]/λ.
    averageSpeedOfAnswerSeconds: queued / lambda,
    occupancy: N > 0 ? busy / N : 1,
    probabilityOfAbandon,
    patienceSeconds,
  };
}

/** The fewest agents whose Erlang A service level meets the target. */
export function agentsForErlangA(input: ErlangInput & { patienceSeconds: number }): ErlangAResult {
  if (!Number.isFinite(input.patienceSeconds))
    return { ...agentsFor(input), probabilityOfAbandon: 0, patienceSeconds: input.patienceSeconds };
  let n = 0;
  if (input.arrivals <= 0) return erlangA(0, input);
  for (n = 1; ; n++) {
    const r = erlangA(n, input);
    if (r.serviceLevel >= input.serviceLevel) return r;
  }
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
