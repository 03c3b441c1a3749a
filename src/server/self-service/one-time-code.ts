import crypto from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { selectFreezeStage } from './emergency-freeze.queries.ts';

/**
 * The part of the emergency freeze that storing a message needs, and nothing more: is a mailed code expected in this
 * conversation, and the digest that is the only form of the code kefu keeps. A leaf on purpose (crypto and the
 * freeze's queries only): conversations/ imports it before storing a message, and importing the freeze flow itself
 * (emergency-freeze.ts → cases → conversations) would close an import circle.
 */

/** An emergency freeze under way, kept in the conversation's bot state (it runs even after a hand-off). */
export type FreezeState = { stage: 'confirm' | 'email' | 'code'; attempts: number };

/** The only form of the code kefu keeps: bound to the conversation so a code is useless anywhere else. */
export function oneTimeCodeDigest(conversationId: string, code: string): string {
  return crypto.createHash('sha256').update(`${conversationId}:${code}`).digest('hex');
}

/** Is an emergency freeze in this conversation waiting for its mailed code? */
export async function isAwaitingOneTimeCode(db: Queryable, orgId: string, conversationId: string): Promise<boolean> {
  return (await selectFreezeStage(db, orgId, conversationId)) === 'code';
}
