/**
 * Occupancy (issue 14): the share of an agent's time online spent busy handling. Pure interval arithmetic over
 * epoch milliseconds, so the report's queries only fetch the rows.
 *
 * - Online: the agent's presence log (migration 034) read as a sequence of states, each lasting until the next entry;
 *   the time in 'online' (available to routing) counts. Before an agent's first entry nothing is known, so nothing
 *   counts; 'away' is time off the queue, like an aux state on a phone system, and is in neither figure.
 * - Busy handling: while at least one conversation assigned to the agent is open (routing counts the same load
 *   against capacity). Two chats at once are still one busy stretch: occupancy is at most 1.
 * - Busy time counts only while online: occupancy = |busy ∩ online| ÷ |online|.
 */
export type Interval = { start: number; end: number };

export type PresenceEntry = { agentId: string; status: string; at: number };

export type OccupancyFigures = { onlineSeconds: number; busySeconds: number; occupancy: number | null };

/** Sorted, non-overlapping intervals covering the same time as `intervals` (empty ones dropped). */
export function unionOf(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** Total length of the overlap of two unions (as unionOf returns them). */
export function overlapMs(a: readonly Interval[], b: readonly Interval[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    total += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
    if (x.end < y.end) i++;
    else j++;
  }
  return total;
}

export const lengthMs = (intervals: readonly Interval[]): number =>
  intervals.reduce((sum, i) => sum + (i.end - i.start), 0);

/** One agent's online stretches within [start, end) from their log entries (sorted by time). */
export function onlineIntervals(entries: readonly PresenceEntry[], start: number, end: number): Interval[] {
  const out: Interval[] = [];
  entries.forEach((entry, k) => {
    if (entry.status !== 'online') return;
    const next = entries[k + 1];
    const from = Math.max(entry.at, start);
    const to = Math.min(next ? next.at : end, end);
    if (to > from) out.push({ start: from, end: to });
  });
  return unionOf(out);
}

function figures(onlineMs: number, busyMs: number): OccupancyFigures {
  return {
    onlineSeconds: Math.round(onlineMs / 1000),
    busySeconds: Math.round(busyMs / 1000),
    occupancy: onlineMs > 0 ? busyMs / onlineMs : null,
  };
}

/**
 * Per agent: online and busy-while-online time within [start, end), and their ratio. `presence` is sorted by agent
 * and time and may begin with each agent's last entry before `start`; `handling` holds each open assignment's stretch.
 */
export function occupancyByAgent(
  presence: readonly PresenceEntry[],
  handling: readonly (Interval & { agentId: string })[],
  start: number,
  end: number,
): Map<string, OccupancyFigures & { onlineMs: number; busyMs: number }> {
  const entriesByAgent = new Map<string, PresenceEntry[]>();
  for (const p of presence) {
    const list = entriesByAgent.get(p.agentId) ?? [];
    list.push(p);
    entriesByAgent.set(p.agentId, list);
  }
  const busyByAgent = new Map<string, Interval[]>();
  for (const h of handling) {
    const list = busyByAgent.get(h.agentId) ?? [];
    list.push({ start: Math.max(h.start, start), end: Math.min(h.end, end) });
    busyByAgent.set(h.agentId, list);
  }
  const out = new Map<string, OccupancyFigures & { onlineMs: number; busyMs: number }>();
  for (const [agentId, entries] of entriesByAgent) {
    const online = onlineIntervals(entries, start, end);
    const onlineMs = lengthMs(online);
    const busyMs = overlapMs(unionOf(busyByAgent.get(agentId) ?? []), online);
    out.set(agentId, { ...figures(onlineMs, busyMs), onlineMs, busyMs });
  }
  return out;
}

/** A team's figures: its members' online and busy time summed (so an agent online longer weighs more). */
export function teamOccupancy(
  members: readonly string[],
  byAgent: ReadonlyMap<string, { onlineMs: number; busyMs: number }>,
): OccupancyFigures {
  let onlineMs = 0;
  let busyMs = 0;
  for (const id of members) {
    onlineMs += byAgent.get(id)?.onlineMs ?? 0;
    busyMs += byAgent.get(id)?.busyMs ?? 0;
  }
  return figures(onlineMs, busyMs);
}
