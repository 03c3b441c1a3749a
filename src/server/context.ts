import type { Logger } from 'pino';
import type { AgentRole, Locale } from '../contracts/domain.ts';
import type { Db } from './db/db.ts';
import { AppError } from './errors.ts';
import type { EventBus } from './events/bus.ts';

export type Actor =
  | { kind: 'agent'; id: string; name: string; role: AgentRole; locale?: Locale; permissions?: readonly string[] }
  | { kind: 'customer'; contactId: string; name: string | null }
  | { kind: 'bot'; name: string }
  | { kind: 'system' };

/** Everything a service call needs, passed explicitly: who acts, in which organization, with which database. */
export type Ctx = {
  db: Db;
  log: Logger;
  events: EventBus;
  org: { id: string };
  actor: Actor;
  ip?: string;
};

export type AgentActor = Extract<Actor, { kind: 'agent' }>;

/** The acting agent, when they hold one of `roles` (any agent when none are named); anyone else is `forbidden`. */
export function requireAgentRole(ctx: Ctx, ...roles: AgentRole[]): AgentActor {
  if (ctx.actor.kind !== 'agent' || (roles.length > 0 && !roles.includes(ctx.actor.role))) {
    throw new AppError('forbidden');
  }
  return ctx.actor;
}
