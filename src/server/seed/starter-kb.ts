import type { Logger } from 'pino';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import { readKbFolder, STARTER_KB_DIR } from '../kb/kb-files.ts';
import { type KbImportResult, importKbFiles } from '../kb/kb.service.ts';

/**
 * The starter knowledge base (data/kb/starter: categories, sections and articles in zh-CN and en, zh-TW generated)
 * imported into an organization and published, exactly as `npm run kb -- import data/kb/starter --publish` would.
 */
export async function seedStarterKb(
  deps: { db: Db; log: Logger; events: EventBus },
  orgId: string,
): Promise<KbImportResult> {
  return importKbFiles({ ...deps, org: { id: orgId }, actor: { kind: 'system' } }, readKbFolder(STARTER_KB_DIR), {
    publish: true,
  });
}
