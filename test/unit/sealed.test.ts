import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/server/config.ts';
import {
  installSecretKey,
  isSealed,
  parseSecretKey,
  SealedSecretError,
  seal,
  unseal,
} from '../../src/server/secrets/sealed.ts';
import { ensureSecretKey, keyFromFile, SECRET_KEY_FILE } from '../../src/server/secrets/secret-key.ts';

const KEY_A = crypto.randomBytes(32);
const KEY_B = crypto.randomBytes(32);

test('a sealed secret opens to itself, never holds the plaintext, and differs every time', () => {
  installSecretKey(KEY_A);
  for (const plaintext of ['JBSWY3DPEHPK3PXP', '7000000001:AAEtestTOKEN', 'пароль 密码 🔑', '']) {
    const a = seal(plaintext);
    const b = seal(plaintext);
    assert.ok(isSealed(a));
    assert.notEqual(a, b, 'a fresh IV each time');
    if (plaintext) assert.equal(a.includes(plaintext), false);
    assert.equal(unseal(a), plaintext);
    assert.equal(seal(a), a, 'sealing twice is harmless');
  }
});

test('a value stored before sealing existed reads as it is', () => {
  installSecretKey(KEY_A);
  assert.equal(unseal('plain-old-secret'), 'plain-old-secret');
});

test('another key or a changed byte is refused with a message, not garbage', () => {
  installSecretKey(KEY_A);
  const sealed = seal('top secret');
  installSecretKey(KEY_B);
  assert.throws(
    () => unseal(sealed),
    (e: Error) => e instanceof SealedSecretError && /another key/.test(e.message),
  );
  installSecretKey(KEY_A);
  const body = sealed.slice(sealed.lastIndexOf(':') + 1);
  const raw = Buffer.from(body, 'base64url');
  raw[14] = (raw[14] as number) ^ 1;
  const tampered = `${sealed.slice(0, sealed.lastIndexOf(':') + 1)}${raw.toString('base64url')}`;
  assert.throws(
    () => unseal(tampered),
    (e: Error) => e instanceof SealedSecretError && /damaged/.test(e.message),
  );
});

test('KEFU_SECRET_KEY: 32 bytes as hex or base64; anything else names the variable', () => {
  const key = crypto.randomBytes(32);
  for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
    assert.deepEqual(parseSecretKey(text), key, text);
    assert.deepEqual(loadConfig({ KEFU_SECRET_KEY: text }).secretKey, key);
  }
  for (const bad of ['short', crypto.randomBytes(16).toString('hex'), crypto.randomBytes(31).toString('base64')]) {
    assert.equal(parseSecretKey(bad), undefined, bad);
    assert.throws(
      () => loadConfig({ KEFU_SECRET_KEY: bad }),
      (e: Error) => /KEFU_SECRET_KEY/.test(e.message),
    );
  }
  assert.equal(loadConfig({}).secretKey, undefined);
});

test('PostgreSQL in production without KEFU_SECRET_KEY refuses to start; the embedded default does not', () => {
  const pg = { NODE_ENV: 'production', DATABASE_URL: 'postgres://kefu@db/kefu' };
  assert.throws(
    () => loadConfig(pg),
    (e: Error) => e instanceof ConfigError && /KEFU_SECRET_KEY: required/.test(e.message),
  );
  assert.ok(loadConfig({ ...pg, KEFU_SECRET_KEY: crypto.randomBytes(32).toString('hex') }).secretKey);
  assert.equal(loadConfig({ NODE_ENV: 'production' }).secretKey, undefined);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://kefu@db/kefu' }).secretKey, undefined);
});

test('without KEFU_SECRET_KEY a key file is made in the data directory (0600, with a warning) and kept', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-key-'));
  try {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const file = path.join(dataDir, 'nested', SECRET_KEY_FILE);
    const first = keyFromFile(file, log, false);
    assert.equal(first.length, 32);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(lines.join(''), /KEFU_SECRET_KEY is not set/);
    assert.equal(lines.join('').includes(first.toString('hex')), false, 'the warning does not show the key');
    assert.deepEqual(keyFromFile(file, log, true), first, 'the next start reads the same key');
    fs.writeFileSync(file, 'not a key');
    assert.throws(() => keyFromFile(file, log, false), /does not hold a 32-byte key/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an installed key is kept when the config has none; KEFU_SECRET_KEY replaces it', () => {
  installSecretKey(KEY_A);
  const sealed = seal('kept');
  const log = pino({ level: 'silent' });
  ensureSecretKey({ secretKey: undefined, dataDir: '/nonexistent/kefu', databaseUrl: undefined }, log);
  assert.equal(unseal(sealed), 'kept');
  ensureSecretKey({ secretKey: KEY_B, dataDir: '/nonexistent/kefu', databaseUrl: undefined }, log);
  assert.throws(() => unseal(sealed), SealedSecretError);
});
