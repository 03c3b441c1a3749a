/**
 * How fast the public widget API may be used, per client address ("ip") and per visitor (one contact).
 *
 * Sizing. The per-address limits are shared by everyone behind one address, and a carrier-grade NAT (mobile carriers,
 * some home broadband) puts hundreds to thousands of subscribers behind one IPv4 address. The crowd we size for is a
 * market crash: 3,000 customers of one exchange behind one address, all arriving within about 5 minutes.
 *   - new visitors:   3,000 first-time chats over 5 min                 →   600 / min  (`visitor.ip`)
 *   - sessions:       each of them reloads the exchange page ~once a min →  3,000 / min (`session.ip`; a session also
 *                     starts on every page load of a returning visitor, and renews an expiring token)
 *   - conversations:  one each                                          →   600 / min  (`conversation.ip`)
 *   - messages:       3,000 chatting, one message every ~30 s each       →  100 / s = 6,000 / min (`message.ip`)
 * The probe that found the hole created 2,460 visitors a minute from one address; it now gets 600, and an attacker who
 * rotates addresses is for a WAF or CAPTCHA in front of kefu to stop. An IPv6 client is counted by its /64, which is
 * what one subscriber gets.
 *
 * The per-visitor limits are tight, because one visitor is one person: a human types at most about one message a
 * second in a burst (`message.visitor`: 10 per 10 s), starts a handful of conversations a day (`conversation.visitor`:
 * 6 per 10 min) and loads a page or switches language a few times a minute (`session.visitor`: 30 per min).
 *
 * The public knowledge-base search (`kb.search.ip`) and its "was this helpful?" votes (`kb.feedback.ip`) are counted
 * per address only: they need no visitor.
 *
 * Windows are fixed and start at a bucket's first hit, so a client can reach twice a limit across the end of one window
 * and the start of the next; that is the price of one counter per bucket.
 *
 * Overridable with KEFU_WIDGET_RATE_LIMITS=rule=limit/seconds,… (src/server/config.ts), e.g. for a load test that
 * sends every simulated customer from 127.0.0.1.
 */
export const WIDGET_RATE_LIMIT_RULES = [
  'session.ip',
  'session.visitor',
  'visitor.ip',
  'conversation.ip',
  'conversation.visitor',
  'message.ip',
  'message.visitor',
  'kb.search.ip',
  'kb.feedback.ip',
] as const;

export type WidgetRateLimitRule = (typeof WIDGET_RATE_LIMIT_RULES)[number];

/** At most `limit` hits per `windowSeconds`. */
export type RateLimit = { limit: number; windowSeconds: number };

export type WidgetRateLimits = Record<WidgetRateLimitRule, RateLimit>;

export const DEFAULT_WIDGET_RATE_LIMITS: WidgetRateLimits = {
  'session.ip': { limit: 3000, windowSeconds: 60 },
  'session.visitor': { limit: 30, windowSeconds: 60 },
  'visitor.ip': { limit: 600, windowSeconds: 60 },
  'conversation.ip': { limit: 600, windowSeconds: 60 },
  'conversation.visitor': { limit: 6, windowSeconds: 600 },
  'message.ip': { limit: 6000, windowSeconds: 60 },
  'message.visitor': { limit: 10, windowSeconds: 10 },
  // Suggestions as a customer types (debounced to about 2 a second) for the same NAT crowd, plus the help centre.
  'kb.search.ip': { limit: 12_000, windowSeconds: 60 },
  'kb.feedback.ip': { limit: 600, windowSeconds: 60 },
};

const OVERRIDE = `(${WIDGET_RATE_LIMIT_RULES.map((rule) => rule.replaceAll('.', '\\.')).join('|')})=[1-9]\\d{0,8}/[1-9]\\d{0,5}`;
/** `rule=limit/seconds`, comma-separated: what KEFU_WIDGET_RATE_LIMITS accepts. */
export const WIDGET_RATE_LIMITS_PATTERN = new RegExp(`^${OVERRIDE}(,${OVERRIDE})*$`);

/** The defaults with the overrides of a KEFU_WIDGET_RATE_LIMITS value (already checked against the pattern). */
export function widgetRateLimitsFrom(overrides: string | undefined): WidgetRateLimits {
  const limits = { ...DEFAULT_WIDGET_RATE_LIMITS };
  for (const entry of overrides ? overrides.split(',') : []) {
    const [rule, value] = entry.split('=') as [WidgetRateLimitRule, string];
    const [limit, windowSeconds] = value.split('/').map(Number);
    limits[rule] = { limit, windowSeconds };
  }
  return limits;
}
