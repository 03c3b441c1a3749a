/** The intent ids are a contract shared with the console and analytics: they live in src/contracts/intents.ts. */
import { BUILTIN_INTENTS, type IntentId } from '../../../contracts/intents.ts';

export { BUILTIN_INTENTS, type IntentId, OOS_INTENT } from '../../../contracts/intents.ts';

export function isBuiltinIntent(value: string): value is IntentId {
  return (BUILTIN_INTENTS as readonly string[]).includes(value);
}
