import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { hasSecretKey, installSecretKey, parseSecretKey, secretKeyId } from './sealed.ts';

/** Where the embedded default keeps its generated key, inside the data directory. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * Installs the key stored secrets are sealed with: KEFU_SECRET_KEY when set; otherwise the key file in the data
 * directory, generated (mode 0600) on first start with a warning. config.ts already refuses PostgreSQL in production
 * without KEFU_SECRET_KEY. A process keeps the first key it installs (one key per process: every node, and every app
 * a test builds on one database, must read what another sealed).
 */
export function ensureSecretKey(config: Pick<Config, 'secretKey' | 'dataDir' | 'databaseUrl'>, log: Logger): void {
  if (config.secretKey) {
    installSecretKey(config.secretKey);
    return;
  }
  if (hasSecretKey()) return;
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  installSecretKey(keyFromFile(file, log, config.databaseUrl !== undefined));
}

/** The key in `file`, generated there (0600) when there is none yet. */
export function keyFromFile(file: string, log: Logger, sharedDatabase: boolean): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fresh = crypto.randomBytes(32).toString('hex');
  let created = false;
  try {
    // 'wx': two processes starting at once agree on the first one's key.
    fs.writeFileSync(file, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = parseSecretKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a 32-byte key (64 hex digits); restore it or set KEFU_SECRET_KEY`);
  log.warn(
    { file, keyId: secretKeyId(key), created },
    sharedDatabase
      ? 'KEFU_SECRET_KEY is not set: stored secrets are sealed with a key file on this machine only; other nodes on ' +
          'this database cannot read them. Set KEFU_SECRET_KEY (the same on every node)'
      : 'KEFU_SECRET_KEY is not set: stored secrets are sealed with the key file in the data directory; back it up ' +
          'with the data, or set KEFU_SECRET_KEY',
  );
  return key;
}
