import { installSecretKey } from '../../src/server/secrets/sealed.ts';

/**
 * Every suite seals with one fixed key, installed before the first query (createApp keeps an installed key): no
 * test writes a key file into the developer's data directory, and rows sealed by one app of a test open in the next.
 */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);
installSecretKey(TEST_SECRET_KEY);
