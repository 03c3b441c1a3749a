import net from 'node:net';
import type { Logger } from 'pino';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { createMemoryRateLimiter } from './rate-limit.memory.ts';
import { createDbRateLimiter, deleteEndedRateLimitWindows } from './rate-limit.queries.ts';
import { createRedisRateLimiter } from './rate-limit.redis.queries.ts';
import type { RateLimiter } from './rate-limit.types.ts';
import type { RateLimit, WidgetRateLimitRule, WidgetRateLimits } from './widget-limits.ts';

export type RateLimitDeps = { rateLimiter: RateLimiter; config: { widgetRateLimits: WidgetRateLimits } };

type Subject = { rule: WidgetRateLimitRule; who: string };

/** Refuses with `rate_limited` (429 + Retry-After) when any of the buckets is over its limit. */
async function enforce(deps: RateLimitDeps, subjects: Subject[]): Promise<void> {
  const hits = subjects.map(({ rule, who }) => ({ bucket: `${rule}:${who}`, ...deps.config.widgetRateLimits[rule] }));
  const retryAfterSeconds = await deps.rateLimiter.take(hits);
  if (retryAfterSeconds > 0) throw new AppError('rate_limited', undefined, { retryAfterSeconds });
}

/** The counters for this app: Redis if configured, else the database's (see RateLimiter). */
export async function createRateLimiter(deps: { config: { redisUrl?: string }; db: Db; log: Logger }) {
  if (deps.config.redisUrl) return createRedisRateLimiter({ url: deps.config.redisUrl, log: deps.log });
  return deps.db.kind === 'pglite' ? createMemoryRateLimiter(deps.db) : createDbRateLimiter(deps.db);
}

/**
 * `POST /api/widget/session`. `returningVisitor` is the contact a (possibly expired) visitor token names; a request
 * with neither that nor an identity token is about to create a visitor, which is what the flood did.
 */
export function limitSessionStart(
  deps: RateLimitDeps,
  who: { ip: string; returningVisitor: string | undefined; identified: boolean },
): Promise<void> {
  const ip = addressBucket(who.ip);
  const subjects: Subject[] = [{ rule: 'session.ip', who: ip }];
  if (who.returningVisitor) subjects.push({ rule: 'session.visitor', who: who.returningVisitor });
  else if (!who.identified) subjects.push({ rule: 'visitor.ip', who: ip });
  return enforce(deps, subjects);
}

/** `POST /api/widget/conversations`; a first message in it counts as a message too. */
export function limitConversationStart(
  deps: RateLimitDeps,
  who: { ip: string; contactId: string; withMessage: boolean },
): Promise<void> {
  const ip = addressBucket(who.ip);
  const subjects: Subject[] = [
    { rule: 'conversation.ip', who: ip },
    { rule: 'conversation.visitor', who: who.contactId },
  ];
  if (who.withMessage) subjects.push({ rule: 'message.ip', who: ip }, { rule: 'message.visitor', who: who.contactId });
  return enforce(deps, subjects);
}

/** A customer's message, over HTTP or the widget WebSocket's `send`: one budget for both. */
export function limitCustomerMessage(deps: RateLimitDeps, who: { ip: string; contactId: string }): Promise<void> {
  return enforce(deps, [
    { rule: 'message.ip', who: addressBucket(who.ip) },
    { rule: 'message.visitor', who: who.contactId },
  ]);
}

/**
 * What one client address is counted as: an IPv4 address as it is (also when written as ::ffff:a.b.c.d), an IPv6
 * address by its /64, since one subscriber is given a whole /64 and could otherwise use a fresh address per request.
 */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!net.isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A dotted IPv4 tail (64:ff9b::192.0.2.1) stands for two groups.
  const rightGroups = right.length + (right.at(-1)?.includes('.') ? 1 : 0);
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - rightGroups).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

const CLEANUP_JOB = 'rate-limit-cleanup';

/** Ended windows are deleted every few minutes (on one node), so the counter table stays as small as the live ones. */
export async function scheduleRateLimitCleanup(jobs: JobQueue, db: Db, log: Logger): Promise<void> {
  await jobs.every(CLEANUP_JOB, 300, async () => {
    const deleted = await deleteEndedRateLimitWindows(db);
    if (deleted > 0) log.debug({ deleted }, 'deleted ended rate-limit windows');
  });
}

/** `GET /api/kb/search` and the help centre's search page. */
export function limitKbSearch(deps: RateLimitDeps, ip: string): Promise<void> {
  return enforce(deps, [{ rule: 'kb.search.ip', who: addressBucket(ip) }]);
}

/** A "was this helpful?" vote. */
export function limitKbFeedback(deps: RateLimitDeps, ip: string): Promise<void> {
  return enforce(deps, [{ rule: 'kb.feedback.ip', who: addressBucket(ip) }]);
}

/**
 * One contact reveal by an agent without `pii_read` (reveal-limits.ts): 0 when it is within the agent's budget, else
 * the seconds until the window ends. It answers rather than throws so the caller can audit the refusal first.
 */
export function contactRevealWait(
  deps: { rateLimiter: RateLimiter; config: { contactRevealLimit: RateLimit } },
  agentId: string,
): Promise<number> {
  return deps.rateLimiter.take([{ bucket: `contact.reveal.agent:${agentId}`, ...deps.config.contactRevealLimit }]);
}
