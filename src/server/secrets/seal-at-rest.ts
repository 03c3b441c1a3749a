import type { Logger } from 'pino';
import type { Queryable } from '../db/db.ts';
import { seal } from './sealed.ts';
import {
  SECRET_COLUMNS,
  SECRET_SETTINGS,
  selectPlaintextColumn,
  selectPlaintextSetting,
  updateSealedColumn,
  updateSealedSetting,
} from './secrets-at-rest.queries.ts';

/**
 * Seals every secret still stored in plaintext (rows written before sealing existed, or by a seed or an older
 * node): run at every start, so it is the migration, and idempotent (a sealed value is left alone). Readers open
 * plaintext and sealed values alike, so nothing breaks between an upgrade and this sweep.
 */
export async function sealPlaintextSecrets(db: Queryable, log: Logger): Promise<number> {
  let sealed = 0;
  for (const c of SECRET_COLUMNS) {
    for (const row of await selectPlaintextColumn(db, c)) {
      await updateSealedColumn(db, c, { id: row.id, plaintext: row.value, sealed: seal(row.value) });
      sealed++;
    }
  }
  for (const s of SECRET_SETTINGS) {
    for (const row of await selectPlaintextSetting(db, s)) {
      await updateSealedSetting(db, s, { id: row.id, plaintext: row.value, sealed: seal(row.value) });
      sealed++;
    }
  }
  // How many, never which: the values are secrets.
  if (sealed) log.info({ sealed }, 'sealed stored secrets that were in plaintext');
  return sealed;
}
