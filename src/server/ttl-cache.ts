/**
 * Values remembered for a while, for what is read on every message but changes rarely (an inbox's switches, the SLA
 * policy, webhook endpoints). Concurrent misses share one read: under a surge a plain "read, then remember" cache
 * expired into a herd, every event in flight reading the same row while the first read waited for a connection.
 * A failed read is not remembered, nor a value `keep` refuses (say, "not found", which may exist a moment later).
 */
export type TtlCache<K, V> = {
  get(key: K, read: () => Promise<V>): Promise<V>;
  delete(key: K): void;
};

export function createTtlCache<K, V>(
  ttlMs: number,
  options: { maxEntries?: number; keep?: (value: V) => boolean; now?: () => number } = {},
): TtlCache<K, V> {
  const { maxEntries = 10_000, keep, now = Date.now } = options;
  const entries = new Map<K, { value: Promise<V>; until: number }>();
  const forget = (key: K, value: Promise<V>) => {
    if (entries.get(key)?.value === value) entries.delete(key);
  };
  return {
    get(key, read) {
      const at = now();
      const hit = entries.get(key);
      if (hit && hit.until > at) return hit.value;
      const value = read();
      // Entries of many organizations (tests create thousands) are dropped together rather than tracked for age.
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, until: at + ttlMs });
      value.then(
        (v) => {
          if (keep && !keep(v)) forget(key, value);
        },
        () => forget(key, value),
      );
      return value;
    },
    delete(key) {
      entries.delete(key);
    },
  };
}
