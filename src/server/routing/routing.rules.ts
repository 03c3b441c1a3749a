import type { Locale, Priority } from '../../contracts/domain.ts';
import type { AgentStatus } from '../../contracts/routing.ts';

/** Routing decisions as pure functions: what a conversation needs, which team and agent get it, how long it waits. */

/** From this VIP level on, a customer is served by agents with the VIP skill (levels 1–2 are everyday traders). */
export const VIP_SKILL_MIN_LEVEL = 3;

export type SkillFacts = {
  contactLocale: Locale | null;
  /** The language the bot detected in the customer's latest message (message meta `bot.language`). */
  detectedLanguage: Locale | null;
  vipLevel: number;
  handoffReason: string | null;
  /** The bot's reading of what the customer came for (hand-off note or latest message). */
  intent: string | null;
  securityFlagged: boolean;
};

type SkillRule = { skill: string; applies: (f: SkillFacts) => boolean };

const languageOf = (f: SkillFacts) => f.detectedLanguage ?? f.contactLocale;

const SKILL_RULES: SkillRule[] = [
  { skill: 'zh', applies: (f) => languageOf(f) === 'zh-CN' || languageOf(f) === 'zh-TW' },
  { skill: 'en', applies: (f) => languageOf(f) === 'en' },
  { skill: 'VIP', applies: (f) => f.vipLevel >= VIP_SKILL_MIN_LEVEL },
  {
    skill: 'security',
    applies: (f) =>
      f.securityFlagged ||
      f.handoffReason === 'account_compromised' ||
      f.handoffReason === 'secret_shared' ||
      f.intent === 'account_compromised',
  },
  { skill: 'P2P', applies: (f) => f.intent === 'p2p_dispute' || f.handoffReason === 'p2p_dispute' },
  // Identity documents and failed verifications are read by people trained on the exchange's KYC rules.
  { skill: 'KYC', applies: (f) => f.intent === 'kyc_verification' },
];

/** The skills an agent needs to take this conversation. What the customer writes in beats their saved locale. */
export function requiredSkills(facts: SkillFacts): string[] {
  return SKILL_RULES.filter((rule) => rule.applies(facts)).map((rule) => rule.skill);
}

const LANGUAGE_SKILLS = new Set(['zh', 'en']);

/** Funds at risk come first: a security speciality outweighs any other, and any speciality outweighs a language. */
const skillWeight = (skill: string) => (skill === 'security' ? 100 : LANGUAGE_SKILLS.has(skill) ? 1 : 10);

export type TeamChoice = { id: string; name: string; skills: string[] };

/**
 * The team whose speciality fits best: the most weight of shared skills (see `skillWeight`), then the
 * fewest skills the conversation does not need, then by name. No team shares a skill: the org-wide queue (null).
 */
export function chooseTeam(teams: TeamChoice[], required: string[]): string | null {
  const score = (team: TeamChoice) =>
    team.skills.reduce((sum, skill) => sum + (required.includes(skill) ? skillWeight(skill) : 0), 0);
  const extra = (team: TeamChoice) => team.skills.filter((skill) => !required.includes(skill)).length;
  const ranked = teams
    .filter((team) => score(team) > 0)
    .sort((a, b) => score(b) - score(a) || extra(a) - extra(b) || a.name.localeCompare(b.name));
  return ranked[0]?.id ?? null;
}

export type RoutingAgent = {
  id: string;
  status: AgentStatus;
  capacity: number;
  load: number;
  skills: string[];
  teamIds: string[];
  lastAssignedAt: Date | null;
};

export type WaitingConversation = {
  id: string;
  priority: Priority;
  queuedAt: Date;
  requiredSkills: string[];
  teamId: string | null;
  excludedAgentIds: string[];
};

export function canTake(agent: RoutingAgent, conversation: WaitingConversation): boolean {
  return (
    agent.status === 'online' &&
    agent.load < agent.capacity &&
    conversation.requiredSkills.every((skill) => agent.skills.includes(skill)) &&
    (conversation.teamId === null || agent.teamIds.includes(conversation.teamId)) &&
    !conversation.excludedAgentIds.includes(agent.id)
  );
}

const idleSince = (agent: RoutingAgent) => agent.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;

/** The eligible agent with the lowest load relative to capacity; ties go to whoever has waited longest for work. */
export function chooseAgent(agents: RoutingAgent[], conversation: WaitingConversation): RoutingAgent | undefined {
  return agents
    .filter((agent) => canTake(agent, conversation))
    .sort(
      (a, b) => a.load / a.capacity - b.load / b.capacity || idleSince(a) - idleSince(b) || a.id.localeCompare(b.id),
    )[0];
}

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Urgent first, then whoever has waited longest. */
export function orderQueue<T extends Pick<WaitingConversation, 'id' | 'priority' | 'queuedAt'>>(queue: T[]): T[] {
  return [...queue].sort(
    (a, b) =>
      PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
      a.queuedAt.getTime() - b.queuedAt.getTime() ||
      a.id.localeCompare(b.id),
  );
}

/**
 * Who should get what, in queue order, counting each planned assignment against the agent's load so one pass spreads
 * work fairly. The database has the last word: each pair is then claimed under a lock and may still be refused.
 */
export function planAssignments(
  agents: RoutingAgent[],
  queue: WaitingConversation[],
  now: Date,
): { conversationId: string; agentId: string }[] {
  const working = agents.map((agent) => ({ ...agent }));
  const plan: { conversationId: string; agentId: string }[] = [];
  for (const conversation of orderQueue(queue)) {
    const agent = chooseAgent(working, conversation);
    if (!agent) continue;
    agent.load += 1;
    agent.lastAssignedAt = new Date(now.getTime() + plan.length);
    plan.push({ conversationId: conversation.id, agentId: agent.id });
  }
  return plan;
}

/** Used until there are recent assignments to learn from. */
export const DEFAULT_WAIT_SECONDS = 120;

/**
 * How long the customer at `position` will likely wait: the typical recent wait (median, robust to one forgotten
 * chat), times their position, shared among the agents who can answer. No such agent online: no estimate.
 */
export function estimateWaitSeconds(input: {
  position: number;
  recentWaitSeconds: number[];
  agentsAvailable: number;
}): number | null {
  if (input.agentsAvailable <= 0) return null;
  const sorted = [...input.recentWaitSeconds].sort((a, b) => a - b);
  const typical = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : DEFAULT_WAIT_SECONDS;
  const perPlace = Math.max(30, typical);
  return Math.round((perPlace * input.position) / input.agentsAvailable / 30) * 30 || 30;
}

const minutesOf = (seconds: number) => Math.max(1, Math.round(seconds / 60));

const ACK_TEXT: Record<Locale, { wait: (p: number, m: number) => string; busy: (p: number) => string }> = {
  'zh-CN': {
    wait: (p, m) => `已为您转接人工客服。您目前排在第 ${p} 位，预计约 ${m} 分钟内会有客服在这里回复您。`,
    busy: (p) => `已为您转接人工客服。您目前排在第 ${p} 位；客服暂时都在忙，空闲后会第一时间在这里回复您。`,
  },
  'zh-TW': {
    wait: (p, m) => `已為您轉接人工客服。您目前排在第 ${p} 位，預計約 ${m} 分鐘內會有客服在這裡回覆您。`,
    busy: (p) => `已為您轉接人工客服。您目前排在第 ${p} 位；客服暫時都在忙，空閒後會第一時間在這裡回覆您。`,
  },
  en: {
    wait: (p, m) =>
      `You're now in the queue for a human agent (number ${p}). Expect an answer here in about ${m} minute${m === 1 ? '' : 's'}.`,
    busy: (p) =>
      `You're now in the queue for a human agent (number ${p}). All our agents are busy right now; the first one free will answer you here.`,
  },
};

/** The message a customer gets when their conversation has to wait: their place and when to expect an answer. */
export function queueAcknowledgement(locale: Locale, position: number, estimatedWaitSeconds: number | null): string {
  const text = ACK_TEXT[locale];
  return estimatedWaitSeconds === null ? text.busy(position) : text.wait(position, minutesOf(estimatedWaitSeconds));
}
