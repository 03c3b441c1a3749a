// Address and transaction-hash validation for every chain family: each address-shaped string is checksum-verified
// (EIP-55, bech32/bech32m, base58check, TON CRC16), and a wrong-network address or hash is told apart from a broken one.
import { createHash } from 'node:crypto';
import { base58, base58xrp, base64, base64url, bech32, bech32m } from '@scure/base';
import { getAddress } from 'viem';
import { normalizeWidth } from '../text/width.ts';
import { type ChainFamily, networkFamily } from './network-ids.ts';

export type AddressFormat =
  | 'evm'
  | 'p2pkh'
  | 'p2sh'
  | 'p2wpkh'
  | 'p2wsh'
  | 'p2tr'
  | 'segwit'
  | 'tron'
  | 'solana'
  | 'ton_friendly'
  | 'ton_raw'
  | 'xrp';

export type InvalidAddressReason =
  | 'bad_checksum'
  | 'wrong_length'
  | 'invalid_character'
  | 'wrong_version'
  | 'mixed_case'
  | 'wrong_bech32_variant'
  | 'bad_witness_program'
  | 'missing_0x_prefix';

export type AddressCheck =
  | { ok: true; chain: ChainFamily; format: AddressFormat; confidence: 'high' | 'low'; testnet: boolean }
  | { ok: false; looksLike: ChainFamily; reason: InvalidAddressReason };

export type TxHashRejection =
  | 'empty'
  | 'unknown_network'
  | 'looks_like_address'
  | 'missing_0x_prefix'
  | 'wrong_format_for_network'
  | 'malformed';

export type TxHashValidation = { ok: true; normalized: string } | { ok: false; reason: TxHashRejection };

export type AddressRejection =
  | 'empty'
  | 'unknown_network'
  | 'not_an_address'
  | 'looks_like_tx_hash'
  | 'testnet_address'
  | 'wrong_network'
  | InvalidAddressReason;

export type AddressValidation =
  | { ok: true; chain: ChainFamily; confidence: 'high' | 'low' }
  | { ok: false; reason: AddressRejection; detectedChain?: ChainFamily };

// ---------------------------------------------------------------------------------------------------------------
// Address validation

const HEX40 = /^0x[0-9a-fA-F]{40}$/;
const BASE58_CHARS = /^[1-9A-HJ-NP-Za-km-z]+$/;

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

// Decodes base58check with the standard double-SHA256 checksum; 'bad_checksum' when the last 4 bytes disagree.
function decodeBase58Check(
  text: string,
  alphabet: 'btc' | 'xrp' = 'btc',
): { payload: Uint8Array } | { error: 'invalid_character' | 'bad_checksum' } {
  let raw: Uint8Array;
  try {
    raw = alphabet === 'xrp' ? base58xrp.decode(text) : base58.decode(text);
  } catch {
    return { error: 'invalid_character' };
  }
  if (raw.length < 5) return { error: 'bad_checksum' };
  const payload = raw.subarray(0, raw.length - 4);
  const check = sha256(sha256(payload));
  for (let i = 0; i < 4; i++) if (check[i] !== raw[raw.length - 4 + i]) return { error: 'bad_checksum' };
  return { payload };
}

export function checkEvmAddress(text: string): AddressCheck | null {
  if (!/^0x[0-9a-zA-Z]{38,42}$/i.test(text)) return null;
  if (!/^0x[0-9a-fA-F]+$/.test(text)) return { ok: false, looksLike: 'evm', reason: 'invalid_character' };
  if (!HEX40.test(text)) return { ok: false, looksLike: 'evm', reason: 'wrong_length' };
  const body = text.slice(2);
  // All-lower / all-upper carry no checksum (EIP-55 only encodes it in mixed case).
  if (body === body.toLowerCase() || body === body.toUpperCase()) {
    return { ok: true, chain: 'evm', format: 'evm', confidence: 'high', testnet: false };
  }
  if (getAddress(text.toLowerCase()) !== text) return { ok: false, looksLike: 'evm', reason: 'bad_checksum' };
  return { ok: true, chain: 'evm', format: 'evm', confidence: 'high', testnet: false };
}

const SEGWIT_HRP: Record<string, { chain: ChainFamily; testnet: boolean }> = {
  bc: { chain: 'btc', testnet: false },
  tb: { chain: 'btc', testnet: true },
  bcrt: { chain: 'btc', testnet: true },
  ltc: { chain: 'ltc', testnet: false },
  tltc: { chain: 'ltc', testnet: true },
};

export function checkSegwitAddress(text: string): AddressCheck | null {
  const match = /^(bc|tb|bcrt|ltc|tltc)1([0-9a-z]+)$/i.exec(text);
  if (!match) return null;
  const hrpInfo = SEGWIT_HRP[match[1].toLowerCase()];
  const looksLike = hrpInfo.chain;
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return { ok: false, looksLike, reason: 'mixed_case' };
  const lower = text.toLowerCase();
  if (/[1bio]/.test(lower.slice(match[1].length + 1))) return { ok: false, looksLike, reason: 'invalid_character' };
  if (lower.length < 14 || lower.length > 90) return { ok: false, looksLike, reason: 'wrong_length' };
  const asBech32 = bech32.decodeUnsafe(lower, 90);
  const asBech32m = bech32m.decodeUnsafe(lower, 90);
  const decoded = asBech32 || asBech32m;
  if (!decoded || decoded.words.length === 0) return { ok: false, looksLike, reason: 'bad_checksum' };
  const version = decoded.words[0];
  // BIP-350: witness v0 must use bech32, v1..16 must use bech32m — the wrong variant is a rejected address.
  if (version > 16) return { ok: false, looksLike, reason: 'bad_witness_program' };
  if ((version === 0 && !asBech32) || (version > 0 && !asBech32m)) {
    return { ok: false, looksLike, reason: 'wrong_bech32_variant' };
  }
  const program = bech32.fromWordsUnsafe(decoded.words.slice(1));
  if (!program || program.length < 2 || program.length > 40)
    return { ok: false, looksLike, reason: 'bad_witness_program' };
  let format: AddressFormat = 'segwit';
  if (version === 0) {
    if (program.length === 20) format = 'p2wpkh';
    else if (program.length === 32) format = 'p2wsh';
    else return { ok: false, looksLike, reason: 'bad_witness_program' };
  } else if (version === 1 && program.length === 32) format = 'p2tr';
  return { ok: true, chain: hrpInfo.chain, format, confidence: 'high', testnet: hrpInfo.testnet };
}

// Version bytes of 25-byte base58check addresses. '3…' (0x05) is shared by BTC and legacy LTC P2SH: we say btc.
const BASE58_VERSIONS: Record<number, { chain: ChainFamily; format: AddressFormat; testnet: boolean }> = {
  0: { chain: 'btc', format: 'p2pkh', testnet: false },
  5: { chain: 'btc', format: 'p2sh', testnet: false },
  111: { chain: 'btc', format: 'p2pkh', testnet: true },
  196: { chain: 'btc', format: 'p2sh', testnet: true },
  65: { chain: 'tron', format: 'tron', testnet: false },
  48: { chain: 'ltc', format: 'p2pkh', testnet: false },
  50: { chain: 'ltc', format: 'p2sh', testnet: false },
  30: { chain: 'doge', format: 'p2pkh', testnet: false },
  22: { chain: 'doge', format: 'p2sh', testnet: false },
};

// Which chain a base58 string resembles from its shape alone (used to explain a failed checksum).
function base58LookAlike(text: string): ChainFamily | null {
  const len = text.length;
  if (text[0] === 'T' && len >= 33 && len <= 35) return 'tron';
  if ((text[0] === '1' || text[0] === '3') && len >= 25 && len <= 36) return 'btc';
  if ((text[0] === 'm' || text[0] === 'n' || text[0] === '2') && len >= 33 && len <= 36) return 'btc';
  if ((text[0] === 'L' || text[0] === 'M') && len >= 33 && len <= 35) return 'ltc';
  if (text[0] === 'D' && len >= 33 && len <= 35) return 'doge';
  if (text[0] === 'r' && len >= 25 && len <= 35) return 'xrp';
  return null;
}

function checkXrpAddress(text: string): AddressCheck | null {
  if (text[0] !== 'r' || text.length < 25 || text.length > 35) return null;
  const decoded = decodeBase58Check(text, 'xrp');
  if ('error' in decoded) return { ok: false, looksLike: 'xrp', reason: decoded.error };
  if (decoded.payload.length !== 21) return { ok: false, looksLike: 'xrp', reason: 'wrong_length' };
  if (decoded.payload[0] !== 0x00) return { ok: false, looksLike: 'xrp', reason: 'wrong_version' };
  return { ok: true, chain: 'xrp', format: 'xrp', confidence: 'high', testnet: false };
}

function checkBase58Address(text: string): AddressCheck | null {
  if (text.length < 25 || text.length > 44 || !/^[0-9A-Za-z]+$/.test(text)) return null;
  const lookAlike = base58LookAlike(text);
  if (!BASE58_CHARS.test(text))
    return lookAlike ? { ok: false, looksLike: lookAlike, reason: 'invalid_character' } : null;
  if (lookAlike === 'xrp') return checkXrpAddress(text);
  // 0x41 + 20 bytes + checksum always encodes to exactly 34 characters.
  if (lookAlike === 'tron' && text.length !== 34) return { ok: false, looksLike: 'tron', reason: 'wrong_length' };
  const raw = base58.decode(text);
  if (raw.length === 32 && text.length >= 32) {
    return { ok: true, chain: 'solana', format: 'solana', confidence: 'low', testnet: false };
  }
  if (raw.length !== 25) return lookAlike ? { ok: false, looksLike: lookAlike, reason: 'wrong_length' } : null;
  const decoded = decodeBase58Check(text);
  if ('error' in decoded) return lookAlike ? { ok: false, looksLike: lookAlike, reason: decoded.error } : null;
  const version = BASE58_VERSIONS[decoded.payload[0]];
  if (!version) return lookAlike ? { ok: false, looksLike: lookAlike, reason: 'wrong_version' } : null;
  if (lookAlike && lookAlike !== version.chain && !(lookAlike === 'btc' && version.chain === 'ltc')) {
    return { ok: false, looksLike: lookAlike, reason: 'wrong_version' };
  }
  return { ok: true, chain: version.chain, format: version.format, confidence: 'high', testnet: version.testnet };
}

// CRC16/XMODEM, the checksum of TON user-friendly addresses.
function crc16Xmodem(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function checkTonAddress(text: string): AddressCheck | null {
  if (/^(0|-1):[0-9a-fA-F]{64}$/.test(text)) {
    return { ok: true, chain: 'ton', format: 'ton_raw', confidence: 'high', testnet: false };
  }
  if (!/^[EUk0][Qf][A-Za-z0-9_\-+/]{46}$/.test(text)) return null;
  let bytes: Uint8Array;
  try {
    bytes = /[-_]/.test(text) ? base64url.decode(text) : base64.decode(text);
  } catch {
    return { ok: false, looksLike: 'ton', reason: 'invalid_character' };
  }
  if (bytes.length !== 36) return { ok: false, looksLike: 'ton', reason: 'wrong_length' };
  const crc = crc16Xmodem(bytes.subarray(0, 34));
  if (bytes[34] !== crc >> 8 || bytes[35] !== (crc & 0xff))
    return { ok: false, looksLike: 'ton', reason: 'bad_checksum' };
  const tag = bytes[0];
  if ((tag & 0x7f) !== 0x11 && (tag & 0x7f) !== 0x51) return { ok: false, looksLike: 'ton', reason: 'wrong_version' };
  if (bytes[1] !== 0x00 && bytes[1] !== 0xff) return { ok: false, looksLike: 'ton', reason: 'wrong_version' };
  return { ok: true, chain: 'ton', format: 'ton_friendly', confidence: 'high', testnet: (tag & 0x80) !== 0 };
}

/**
 * Classifies one address string. ok:false means it has the shape of an address of `looksLike` but failed
 * validation; null means it does not look like an address at all.
 */
export function checkAddress(address: string): AddressCheck | null {
  const text = normalizeWidth(address).trim();
  if (text.startsWith('0x') || text.startsWith('0X')) return checkEvmAddress(text);
  const segwit = checkSegwitAddress(text);
  if (segwit?.ok) return segwit;
  const other = checkTonAddress(text) ?? checkBase58Address(text);
  // A TRON address can begin "TB1…", which reads as a (mixed-case, so broken) testnet bech32 address: a checksummed
  // base58 or TON reading wins over a failed bech32 one. (Found by test/unit/property-parsers.test.ts.)
  if (segwit && other?.ok && other.confidence === 'high') return other;
  return segwit ?? other;
}

export function isValidEvmAddress(address: string): boolean {
  const check = checkEvmAddress(normalizeWidth(address).trim());
  return check?.ok === true;
}

export function isValidBitcoinAddress(address: string, opts: { allowTestnet?: boolean } = {}): boolean {
  const check = checkAddress(address);
  return check?.ok === true && check.chain === 'btc' && (!check.testnet || opts.allowTestnet === true);
}

export function isValidTronAddress(address: string): boolean {
  const text = normalizeWidth(address).trim();
  if (text.length !== 34 || text[0] !== 'T') return false;
  const check = checkBase58Address(text);
  return check?.ok === true && check.chain === 'tron';
}

/** Only proves the string is base58 of 32 bytes: Solana addresses have no checksum. */
export function isValidSolanaAddress(address: string): boolean {
  const text = normalizeWidth(address).trim();
  if (text.length < 32 || text.length > 44 || !BASE58_CHARS.test(text)) return false;
  return base58.decode(text).length === 32;
}

export function isValidTonAddress(address: string): boolean {
  const check = checkTonAddress(normalizeWidth(address).trim());
  return check?.ok === true;
}

export function isValidXrpAddress(address: string): boolean {
  const check = checkXrpAddress(normalizeWidth(address).trim());
  return check?.ok === true;
}

/** Checks that an address is valid and belongs to the network's chain family (the classic wrong-network mistake). */
export function validateAddressForNetwork(address: string, network: string): AddressValidation {
  const text = normalizeWidth(address).trim();
  if (!text) return { ok: false, reason: 'empty' };
  const family = networkFamily(network);
  if (!family) return { ok: false, reason: 'unknown_network' };
  if (/^0x[0-9a-fA-F]{64}$/.test(text) || /^[0-9a-fA-F]{64}$/.test(text))
    return { ok: false, reason: 'looks_like_tx_hash' };
  if (family === 'evm' && /^[0-9a-fA-F]{40}$/.test(text)) return { ok: false, reason: 'missing_0x_prefix' };
  const check = checkAddress(text);
  if (!check) return { ok: false, reason: 'not_an_address' };
  if (!check.ok) {
    if (check.looksLike !== family) return { ok: false, reason: 'wrong_network', detectedChain: check.looksLike };
    return { ok: false, reason: check.reason, detectedChain: check.looksLike };
  }
  if (check.chain !== family) return { ok: false, reason: 'wrong_network', detectedChain: check.chain };
  if (check.testnet) return { ok: false, reason: 'testnet_address', detectedChain: check.chain };
  return { ok: true, chain: check.chain, confidence: check.confidence };
}

// ---------------------------------------------------------------------------------------------------------------
// Transaction hashes

export function isSolanaSignature(text: string): boolean {
  if (text.length < 86 || text.length > 88 || !BASE58_CHARS.test(text)) return false;
  return base58.decode(text).length === 64;
}

/**
 * Checks that a transaction hash has the format used by the network. EVM wants 0x + 64 hex, BTC/TRON/LTC/DOGE/
 * Lightning want bare 64 hex, XRP 64 hex, Solana a 64-byte base58 signature, TON 64 hex or base64 of 32 bytes.
 */
export function validateTxHashForNetwork(hash: string, network: string): TxHashValidation {
  const text = normalizeWidth(hash).trim();
  if (!text) return { ok: false, reason: 'empty' };
  const family = networkFamily(network);
  if (!family) return { ok: false, reason: 'unknown_network' };
  const evmHash = /^0x[0-9a-fA-F]{64}$/i.test(text);
  const bareHex = /^[0-9a-fA-F]{64}$/.test(text);
  const solanaSig = isSolanaSignature(text);
  const tonBase64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(text) && decodesTo32Bytes(text);
  const address = checkAddress(text);
  if (!evmHash && !bareHex && !solanaSig && !tonBase64) {
    return { ok: false, reason: address ? 'looks_like_address' : 'malformed' };
  }
  switch (family) {
    case 'evm':
      if (evmHash) return { ok: true, normalized: '0x' + text.slice(2).toLowerCase() };
      // Bare 64 hex is what TRON/BTC explorers show: likely the wrong chain, so let the flow ask rather than guess.
      return { ok: false, reason: bareHex ? 'missing_0x_prefix' : 'wrong_format_for_network' };
    case 'btc':
    case 'tron':
    case 'ltc':
    case 'doge':
    case 'lightning':
      return bareHex ? { ok: true, normalized: text.toLowerCase() } : { ok: false, reason: 'wrong_format_for_network' };
    case 'xrp':
      return bareHex ? { ok: true, normalized: text.toUpperCase() } : { ok: false, reason: 'wrong_format_for_network' };
    case 'solana':
      return solanaSig ? { ok: true, normalized: text } : { ok: false, reason: 'wrong_format_for_network' };
    case 'ton':
      if (bareHex) return { ok: true, normalized: text.toLowerCase() };
      return tonBase64 ? { ok: true, normalized: text } : { ok: false, reason: 'wrong_format_for_network' };
  }
}

function decodesTo32Bytes(text: string): boolean {
  const padded = text.length === 43 ? text + '=' : text;
  try {
    return (/[-_]/.test(padded) ? base64url.decode(padded) : base64.decode(padded)).length === 32;
  } catch {
    return false;
  }
}
