import type { Locale } from '../../contracts/domain.ts';
import { detectSecretRequest, redactSecrets, secretRequestExplanation } from '../secrets/secret-guard.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
// The narrow leaf of the freeze, not emergency-freeze.ts: the freeze flow opens cases, which post messages here.
import { isAwaitingOneTimeCode, oneTimeCodeDigest } from '../self-service/one-time-code.ts';

export const ONE_TIME_CODE = /(?<!\d)\d{6}(?!\d)/;

/**
 * A customer's message screened for storing in this conversation. A freeze code arrives as a short message
 * ("123456", "验证码是 123456"): only such messages pay for the look-up of whether a freeze is waiting for one;
 * longer texts with digits are not looked up.
 */
export async function screenCustomerMessageIn(
  db: Queryable,
  orgId: string,
  conversationId: string,
  body: string,
): Promise<{ body: string; meta?: Record<string, unknown> }> {
  const expectingCode =
    body.length <= 40 && ONE_TIME_CODE.test(body) && (await isAwaitingOneTimeCode(db, orgId, conversationId));
  return screenCustomerMessage(body, expectingCode ? { expectingOneTimeCodeFor: conversationId } : {});
}

/**
 * Rules every message passes before it is stored. Secrets a customer pastes (seed phrases, private keys, 2FA codes,
 * passwords) are redacted here, before the database, the logs or any listener can see them; `meta.redactions` says
 * what was removed (the kinds only, never the values).
 */
export function screenCustomerMessage(
  body: string,
  options: { expectingOneTimeCodeFor?: string } = {},
): { body: string; meta?: Record<string, unknown> } {
  if (options.expectingOneTimeCodeFor) {
    // We asked for a one-time code (emergency freeze): it is expected here, not a leak to warn about; still, only
    // a digest bound to this conversation is kept.
    const code = body.match(ONE_TIME_CODE)?.[0];
    if (code) {
      const rest = screenCustomerMessage(body.replace(ONE_TIME_CODE, '[redacted: one-time code]'));
      return {
        body: rest.body,
        meta: { ...rest.meta, oneTimeCodeDigest: oneTimeCodeDigest(options.expectingOneTimeCodeFor, code) },
      };
    }
  }
  return redactWithKinds(body);
}

/** The message with its secrets replaced by markers, and `meta.redactions` naming what was removed when anything was. */
function redactWithKinds(body: string): { body: string; meta?: Record<string, unknown> } {
  const { text, findings } = redactSecrets(body);
  if (findings.length === 0) return { body };
  return { body: text, meta: { redactions: [...new Set(findings.map((f) => f.kind))] } };
}

/**
 * What an agent writes. A public reply that asks the customer for a secret is refused, with the reason in the agent's
 * language; and a secret the agent pastes (a customer's seed phrase quoted in a note, a key copied from a ticket) is
 * redacted like a customer's, in replies and private notes alike.
 */
export function screenAgentMessage(
  body: string,
  options: { agentLocale?: Locale; private: boolean },
): { body: string; meta?: Record<string, unknown> } {
  // Asking is judged on the text without the secrets in it: twelve random recovery words quoted from the customer
  // ("… share … seed …") are a leak to redact, not staff asking for a seed phrase.
  const screened = redactWithKinds(body);
  if (!options.private) {
    const request = detectSecretRequest(screened.body);
    if (request)
      throw new AppError('message_blocked', secretRequestExplanation(request.kind, options.agentLocale ?? 'en'));
  }
  return screened;
}
