import crypto from 'node:crypto';

/**
 * Secrets kefu must read back (TOTP seeds, identity-token keys, bot tokens, IMAP passwords, the exchange's API secret,
 * webhook signing secrets) are stored sealed: AES-256-GCM under the process's secret key (KEFU_SECRET_KEY, or the
 * generated key file of the embedded default, see secret-key.ts). A sealed value reads
 * `sealed:v1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`: the prefix tells a sealed value from a plaintext one
 * written before sealing existed (read as is, and sealed by the sweep at start), the key id tells a value sealed under
 * another key from a tampered one, so a changed KEFU_SECRET_KEY fails with a message that says so.
 *
 * A leaf on purpose: many domains seal and open, and this imports nothing of theirs. The key is installed once per
 * process, before anything reads the database (createApp does it).
 */

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

let installed: { key: Buffer; id: string } | undefined;

/** The first 8 hex digits of the key's SHA-256: enough to tell keys apart, nothing about the key. */
export function secretKeyId(key: Buffer): string {
  return crypto.createHash('sha256').update('kefu sealed key id').update(key).digest('hex').slice(0, 8);
}

export function installSecretKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  installed = { key: Buffer.from(key), id: secretKeyId(key) };
}

export function hasSecretKey(): boolean {
  return installed !== undefined;
}

function currentKey(): { key: Buffer; id: string } {
  if (!installed) throw new Error('no secret key installed (createApp installs it before the database is used)');
  return installed;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** Seals a secret; a value already sealed is returned unchanged, so sealing twice is harmless. */
export function seal(plaintext: string): string {
  if (isSealed(plaintext)) return plaintext;
  const { key, id } = currentKey();
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${id}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
}

/** The plaintext of a sealed value; a value written before sealing existed (no prefix) is returned as it is. */
export function unseal(value: string): string {
  if (!isSealed(value)) return value;
  const { key, id } = currentKey();
  const rest = value.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const keyId = rest.slice(0, colon);
  if (colon === -1 || keyId !== id) {
    throw new SealedSecretError(
      `a stored secret was sealed under another key (id ${keyId || '?'}, this process has ${id}): KEFU_SECRET_KEY changed?`,
    );
  }
  const raw = Buffer.from(rest.slice(colon + 1), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedSecretError('a stored secret is damaged');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealedSecretError('a stored secret is damaged (its authentication tag does not match)');
  }
}

/** unseal for optional columns. */
export function unsealOptional(value: string | null | undefined): string | null {
  return value == null ? null : unseal(value);
}

/**
 * KEFU_SECRET_KEY's value as 32 bytes: 64 hex digits, or base64 / base64url (43 or 44 characters). Anything else is
 * undefined, so the config can say what is wrong.
 */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : undefined;
  }
  return undefined;
}
