/**
 * Finds the agents an internal note mentions. Agent names may contain spaces ("Li Wei") or be Chinese ("小王"), so
 * a mention is `@` followed by a whole agent name (case-insensitive, longest name first) — not a guessed word. The
 * name must end at a boundary: not followed by a Latin letter, digit or `_`, so "@Li Weixin" does not notify "Li Wei",
 * while "@小王请看" does notify 小王 (Chinese has no spaces).
 */
export function findMentionedAgents<T extends { id: string; name: string }>(body: string, agents: readonly T[]): T[] {
  const candidates = agents
    .filter((a) => a.name.trim().length > 0)
    .map((a) => ({ agent: a, name: a.name.trim().toLowerCase() }))
    .sort((a, b) => b.name.length - a.name.length);
  const text = body.toLowerCase();
  const found = new Map<string, T>();
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    // An e-mail address ("ops@lumen.io") is not a mention.
    if (at > 0 && /[\p{L}\p{N}_.]/u.test(text[at - 1])) continue;
    const rest = text.slice(at + 1);
    const hit = candidates.find(({ name }) => rest.startsWith(name) && !/^[a-z0-9_]/.test(rest.slice(name.length)));
    if (hit) found.set(hit.agent.id, hit.agent);
  }
  return [...found.values()];
}
