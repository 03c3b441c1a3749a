// Crypto entity extraction for support messages (zh / en / mixed) with real validation: every address-shaped
// string is checksum-verified, and a string that looks like an address but fails is reported, never dropped.
import { createHash } from 'node:crypto';
import { base58, base58xrp, base64, base64url, bech32, bech32m } from '@scure/base';
import { getAddress } from 'viem';
import { compactKey, normalizeWidth } from '../text/width.ts';

export type ChainFamily = 'evm' | 'btc' | 'tron' | 'solana' | 'ton' | 'xrp' | 'ltc' | 'doge' | 'lightning';

export type NetworkId =
  | 'ERC20'
  | 'TRC20'
  | 'BEP20'
  | 'SOL'
  | 'ARBITRUM'
  | 'OPTIMISM'
  | 'POLYGON'
  | 'AVAXC'
  | 'BASE'
  | 'TON'
  | 'BTC'
  | 'LIGHTNING'
  | 'LTC'
  | 'DOGE'
  | 'XRP';

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

export type AddressEntity = {
  value: string;
  chain: ChainFamily;
  format: AddressFormat;
  // Solana addresses carry no checksum, so any 32-byte base58 string qualifies: treat as a candidate only.
  confidence: 'high' | 'low';
  testnet?: boolean;
};

export type InvalidAddressEntity = { value: string; looksLike: ChainFamily; reason: InvalidAddressReason };

export type TxHashEntity = {
  value: string;
  // 'evm' for 0x + 64 hex; ['btc', 'tron'] for bare 64 hex (ambiguous); 'solana' for a base58 signature.
  kind: 'evm_tx' | 'txid' | 'solana_signature';
  chains: ChainFamily[];
};

export type AmountEntity = { value: string; coin?: string };

export type Entities = {
  txHashes: TxHashEntity[];
  addresses: AddressEntity[];
  invalidAddresses: InvalidAddressEntity[];
  coins: string[];
  networks: NetworkId[];
  amounts: AmountEntity[];
  orderIds: string[];
  uids: string[];
  emails: string[];
  memos: string[];
};

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
// Networks

const NETWORK_FAMILY: Record<NetworkId, ChainFamily> = {
  ERC20: 'evm',
  BEP20: 'evm',
  ARBITRUM: 'evm',
  OPTIMISM: 'evm',
  POLYGON: 'evm',
  AVAXC: 'evm',
  BASE: 'evm',
  TRC20: 'tron',
  SOL: 'solana',
  TON: 'ton',
  BTC: 'btc',
  LIGHTNING: 'lightning',
  LTC: 'ltc',
  DOGE: 'doge',
  XRP: 'xrp',
};

// Explicit network phrases: these name a network on their own. Matched case-insensitively as whole words.
const NETWORK_ALIASES: [NetworkId, string[]][] = [
  [
    'ERC20',
    [
      'erc20',
      'erc-20',
      'erc 20',
      'eth network',
      'eth chain',
      'eth mainnet',
      'ethereum network',
      'ethereum mainnet',
      'ethereum',
      'eth网络',
      'eth链',
      'eth主网',
      '以太坊网络',
      '以太坊链',
      '以太坊主网',
      '以太网络',
      '以太链',
    ],
  ],
  [
    'TRC20',
    [
      'trc20',
      'trc-20',
      'trc 20',
      'tron network',
      'tron',
      'trx network',
      'trx chain',
      'trx网络',
      'trx链',
      '波场网络',
      '波场链',
      '波场',
      '波場',
    ],
  ],
  [
    'BEP20',
    [
      'bep20',
      'bep-20',
      'bep 20',
      'bsc',
      'bnb smart chain',
      'binance smart chain',
      'bnb chain',
      'bnb network',
      '币安智能链',
      '幣安智能鏈',
      '币安链',
      'bsc链',
      'bsc网络',
      'bnb链',
    ],
  ],
  ['SOL', ['solana network', 'solana', 'sol network', 'sol chain', 'sol链', 'sol网络', '索拉纳', 'spl']],
  ['ARBITRUM', ['arbitrum one', 'arbitrum', 'arb one', 'arb network', 'arb chain', 'arb链', 'arb网络']],
  ['OPTIMISM', ['optimism', 'op mainnet', 'op network', 'op chain', 'op链', 'op网络']],
  [
    'POLYGON',
    [
      'polygon pos',
      'polygon',
      'matic network',
      'matic chain',
      'matic链',
      'pol network',
      'pol链',
      'polygon网络',
      '马蹄链',
    ],
  ],
  [
    'AVAXC',
    [
      'avalanche c-chain',
      'avalanche c chain',
      'avax c-chain',
      'avax c chain',
      'avax-c',
      'avaxc',
      'c-chain',
      'avalanche',
      'avax链',
      'avax网络',
      '雪崩链',
    ],
  ],
  ['BASE', ['base network', 'base chain', 'base mainnet', 'base链', 'base网络']],
  ['TON', ['ton network', 'ton chain', 'the open network', 'ton链', 'ton网络']],
  [
    'BTC',
    ['btc network', 'btc chain', 'bitcoin network', 'bitcoin mainnet', 'btc网络', 'btc链', '比特币网络', '比特币主网'],
  ],
  ['LIGHTNING', ['lightning network', 'lightning', '闪电网络', '閃電網路']],
  ['LTC', ['ltc network', 'litecoin network', 'ltc网络', '莱特币网络']],
  ['DOGE', ['doge network', 'dogecoin network', 'doge网络', '狗狗币网络']],
  ['XRP', ['xrp ledger', 'xrpl', 'xrp network', 'xrp网络', '瑞波网络']],
];

// Bare symbols that name a network only in context ("via ARB", "走TRX", "on Base"): alone they are coins.
const CONTEXT_NETWORK_SYMBOLS: Record<string, NetworkId> = {
  eth: 'ERC20',
  trx: 'TRC20',
  bnb: 'BEP20',
  sol: 'SOL',
  arb: 'ARBITRUM',
  op: 'OPTIMISM',
  matic: 'POLYGON',
  pol: 'POLYGON',
  avax: 'AVAXC',
  base: 'BASE',
  ton: 'TON',
  btc: 'BTC',
  ltc: 'LTC',
  doge: 'DOGE',
  xrp: 'XRP',
};

// Lookup keys are compacted (compactKey) so "ERC-20", "erc 20" and "ERC20" are one key.
const NETWORK_LOOKUP = new Map<string, NetworkId>();
for (const [id, aliases] of NETWORK_ALIASES) {
  NETWORK_LOOKUP.set(compactKey(id), id);
  for (const alias of aliases) NETWORK_LOOKUP.set(compactKey(alias), id);
}
for (const [symbol, id] of Object.entries(CONTEXT_NETWORK_SYMBOLS)) {
  if (!NETWORK_LOOKUP.has(symbol)) NETWORK_LOOKUP.set(symbol, id);
}

/** Normalises a network name or alias ("trc-20", "波场", "BSC", "Arbitrum One") to its id, or null. */
export function normalizeNetwork(network: string): NetworkId | null {
  return NETWORK_LOOKUP.get(compactKey(network)) ?? null;
}

/** The chain family of a network id or alias ('BEP20' → 'evm', '波场' → 'tron'); null when unknown. */
export function networkFamily(network: string): ChainFamily | null {
  const id = normalizeNetwork(network);
  return id ? NETWORK_FAMILY[id] : null;
}

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

function checkEvmAddress(text: string): AddressCheck | null {
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

function checkSegwitAddress(text: string): AddressCheck | null {
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

function checkTonAddress(text: string): AddressCheck | null {
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
  return checkSegwitAddress(text) ?? checkTonAddress(text) ?? checkBase58Address(text);
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

function isSolanaSignature(text: string): boolean {
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

// ---------------------------------------------------------------------------------------------------------------
// Coins

// symbol → terms. Lowercase terms match case-insensitively; terms listed in UPPER_ONLY only match in upper case
// because in lower case they are ordinary English words ("a ton of", "link", "near", "dot", "op").
const COIN_TERMS: [string, string[]][] = [
  ['BTC', ['btc', 'bitcoin', 'xbt', '比特币', '比特幣', '大饼']],
  ['ETH', ['eth', 'ether', '以太坊', '以太币', '以太幣', '姨太']],
  ['USDT', ['usdt', 'tether', '泰达币', '泰達幣', '泰达', '泰達']],
  ['USDC', ['usdc']],
  ['BNB', ['bnb', '币安币', '幣安幣']],
  ['TRX', ['trx', '波场币', '波場幣']],
  ['SOL', ['sol', '索拉纳币']],
  ['XRP', ['xrp', 'ripple', '瑞波币', '瑞波幣', '瑞波']],
  ['DOGE', ['doge', 'dogecoin', '狗狗币', '狗狗幣']],
  ['TON', ['TON', 'toncoin']],
  ['LTC', ['ltc', 'litecoin', '莱特币', '萊特幣']],
  ['MATIC', ['matic', 'MATIC']],
  ['POL', ['POL']],
  ['ARB', ['ARB']],
  ['OP', ['OP']],
  ['ADA', ['ADA', 'cardano', '艾达币']],
  ['DOT', ['DOT', 'polkadot', '波卡']],
  ['AVAX', ['avax', '雪崩币']],
  ['LINK', ['LINK', 'chainlink']],
  ['SHIB', ['shib', 'shiba inu', '柴犬币']],
  ['BCH', ['bch', 'bitcoin cash', '比特现金']],
  ['ETC', ['ETC', 'ethereum classic', '以太经典']],
  ['FIL', ['FIL', 'filecoin']],
  ['ATOM', ['ATOM', 'cosmos']],
  ['NEAR', ['NEAR']],
  ['APT', ['APT', 'aptos']],
  ['SUI', ['SUI']],
  ['PEPE', ['pepe']],
  ['DAI', ['DAI']],
  ['FDUSD', ['fdusd']],
  ['UNI', ['UNI', 'uniswap']],
  ['XLM', ['xlm']],
  ['EOS', ['EOS']],
];

// Words that name a coin only when they follow a number ("5 Ethereum", "100 Tron"): alone they name a network.
const AMOUNT_ONLY_COIN_TERMS: [string, string][] = [
  ['ethereum', 'ETH'],
  ['solana', 'SOL'],
  ['tron', 'TRX'],
  ['avalanche', 'AVAX'],
  ['polygon', 'POL'],
];

const COIN_LOOKUP = new Map<string, string>();
for (const [symbol, terms] of COIN_TERMS) for (const term of terms) COIN_LOOKUP.set(compactKey(term), symbol);
for (const [term, symbol] of AMOUNT_ONLY_COIN_TERMS) COIN_LOOKUP.set(term, symbol);

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Longest first so "bitcoin cash" wins over "bitcoin"; a space in a term matches any separator (or none).
function alternation(terms: string[], separator = '\\s*'): string {
  return [...new Set(terms)]
    .sort((a, b) => b.length - a.length)
    .map((term) => escapeRegex(term).replace(/[ -]/g, separator))
    .join('|');
}

const COIN_TERM_LIST = COIN_TERMS.flatMap(([, terms]) => terms);
const CASE_SENSITIVE_COIN_TERMS = COIN_TERM_LIST.filter((t) => /[A-Z]/.test(t));
const CASE_INSENSITIVE_COIN_TERMS = COIN_TERM_LIST.filter((t) => !/[A-Z]/.test(t));
const COIN_RE_INSENSITIVE = new RegExp(
  `(?<![A-Za-z])(?:${alternation(CASE_INSENSITIVE_COIN_TERMS)})(?![A-Za-z])`,
  'gi',
);
const COIN_RE_SENSITIVE = new RegExp(`(?<![A-Za-z])(?:${alternation(CASE_SENSITIVE_COIN_TERMS)})(?![A-Za-z])`, 'g');
// In an amount every symbol may be lower case ("5 sol", "3 ton"), plus the slang "U"/"u" for USDT.
const ALL_AMOUNT_COIN_TERMS = [
  ...COIN_TERM_LIST.map((t) => t.toLowerCase()),
  ...AMOUNT_ONLY_COIN_TERMS.map(([t]) => t),
];

function coinOf(term: string): string | null {
  const key = compactKey(term);
  return COIN_LOOKUP.get(key) ?? (key === 'u' ? 'USDT' : null);
}

// ---------------------------------------------------------------------------------------------------------------
// Extraction

type Span = { start: number; end: number };

function overlaps(spans: Span[], start: number, end: number): boolean {
  return spans.some((s) => start < s.end && end > s.start);
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

const FIAT_UNITS: [string, string][] = [
  ['usd', 'USD'],
  ['dollars', 'USD'],
  ['dollar', 'USD'],
  ['美元', 'USD'],
  ['美金', 'USD'],
  ['rmb', 'CNY'],
  ['cny', 'CNY'],
  ['人民币', 'CNY'],
  ['元', 'CNY'],
  ['块钱', 'CNY'],
  ['块', 'CNY'],
];

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+`;
const AMOUNT_UNITS = alternation([...ALL_AMOUNT_COIN_TERMS, ...FIAT_UNITS.map(([t]) => t), 'u']);
const AMOUNT_RE = new RegExp(
  String.raw`(?<![\w.,])(${NUMBER})\s*(?:个|枚|颗|顆|個)?\s*(${AMOUNT_UNITS})(?![A-Za-z])`,
  'gi',
);
const CN_DIGITS = '零〇一二两兩三四五六七八九';
const CN_AMOUNT_RE = new RegExp(
  `(?<![统統唯第每万萬])([${CN_DIGITS}十拾百佰千仟万萬亿億]+(?:点[${CN_DIGITS}]+)?)\\s*(?:个|枚|颗|顆|個)?\\s*(${AMOUNT_UNITS})(?![A-Za-z])`,
  'gi',
);
const DOLLAR_RE = new RegExp(String.raw`(?<![\w])(?:US)?\$\s?(${NUMBER})(?![\d])`, 'g');
const KEYWORD_AMOUNT_RE = new RegExp(
  String.raw`(?:金额|數量|数量|amount|转了|轉了|充了|提了|充值了|提现了|提現了|转账了)\s*(?:是|为|為|of|is|:)?\s*(${NUMBER})(?![\d.])`,
  'gi',
);

const CN_DIGIT_VALUE: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  兩: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNIT_VALUE: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };

/** Parses Chinese numerals ("五百", "一千五", "两万", "三点五"); null when not a well-formed number. */
export function parseChineseNumber(text: string): string | null {
  const [intPart, fracPart] = text.split('点');
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  let lastUnit = 1;
  for (const ch of intPart) {
    if (ch in CN_DIGIT_VALUE && CN_DIGIT_VALUE[ch] === 0) {
      lastUnit = 1; // "一百零五": the zero is a placeholder, the next digit is a plain unit digit
    } else if (ch in CN_DIGIT_VALUE) {
      if (digit !== null) return null;
      digit = CN_DIGIT_VALUE[ch];
    } else if (ch in CN_UNIT_VALUE) {
      const unit = CN_UNIT_VALUE[ch];
      section += (digit ?? (unit === 10 ? 1 : 0)) * unit;
      if (digit === null && unit !== 10) return null;
      digit = null;
      lastUnit = unit;
    } else if (ch === '万' || ch === '萬' || ch === '亿' || ch === '億') {
      const big = ch === '万' || ch === '萬' ? 10_000 : 100_000_000;
      if (digit === null && section === 0) return null;
      total += (section + (digit ?? 0)) * big;
      section = 0;
      digit = null;
      lastUnit = big;
    } else return null;
  }
  // Colloquial "一千五" = 1500: a trailing digit after a unit means one step below that unit.
  if (digit !== null) section += lastUnit > 1 && intPart.length > 1 ? digit * (lastUnit / 10) : digit;
  total += section;
  let value = String(total);
  if (fracPart !== undefined) {
    const frac = [...fracPart].map((ch) => CN_DIGIT_VALUE[ch]);
    if (frac.length === 0 || frac.some((d) => d === undefined)) return null;
    value += '.' + frac.join('');
  }
  return value;
}

function cleanNumber(text: string): string {
  const plain = text.replace(/,/g, '');
  const normalized = plain.startsWith('.') ? '0' + plain : plain;
  return normalized.replace(/^0+(?=\d)/, '');
}

const ORDER_RE =
  /(订单号|訂單號|订单|訂單|单号|單號|流水号|提币|提幣|提现|提現|充值|order|withdrawal|withdraw|deposit|ticket|(?<![A-Za-z])id(?![A-Za-z]))(?:[^\d\n]{0,14}?)(?<!\d)(\d{10,20})(?!\d)/gi;
// Exchange references written with a letter prefix (W-5571340, D-7700431): an id even without a keyword before it.
const PREFIXED_ID_RE = /(?<![A-Za-z0-9-])([A-Z]{1,3}-\d{5,20})(?![\d-])/g;
const UID_RE =
  /(?<![A-Za-z])(?:uid|用户id|用戶id|用户ID)(?![A-Za-z])\s*(?:is|是|为|為|:|#|=|号|號)?\s*[:#]?\s*(\d{5,20})(?!\d)/gi;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const MEMO_RE =
  /(?<![A-Za-z])(destination\s*tag|dest\s*tag|memo|tag|备注|備註|标签|標籤)(?![A-Za-z])\s*(?:码|碼|号|號)?\s*(:|=|#|是|为|為|is)?\s*([A-Za-z0-9_-]{1,64})(?![A-Za-z0-9_-])/gi;

const NETWORK_TERMS = NETWORK_ALIASES.flatMap(([, aliases]) => aliases);
// "波场币" is the coin TRX, not the network 波场.
const NETWORK_RE = new RegExp(`(?<![A-Za-z0-9])(?:${alternation(NETWORK_TERMS, '[\\s-]*')})(?![A-Za-z0-9币幣])`, 'gi');
const CONTEXT_NETWORK_RE = new RegExp(
  `(?:(?<![A-Za-z])(?:via|on|over|through|chose|choose|selected|select)\\s+(?:the\\s+)?|(?:走的|走|选择了|选择|选了|选|通过|通過)\\s*)(${Object.keys(CONTEXT_NETWORK_SYMBOLS).join('|')})(?![A-Za-z0-9])`,
  'gi',
);

function pushUnique<T>(list: T[], item: T, key: (t: T) => string = (t) => String(t)): void {
  const k = key(item);
  if (!list.some((existing) => key(existing) === k)) list.push(item);
}

type Positioned<T> = { at: number; item: T };

function sortedUnique<T>(items: Positioned<T>[], key: (t: T) => string): T[] {
  const out: T[] = [];
  for (const { item } of [...items].sort((a, b) => a.at - b.at)) pushUnique(out, item, key);
  return out;
}

/** Extracts crypto support entities from a customer message. Validates every address and hash it reports. */
export function extractEntities(input: string): Entities {
  const text = normalizeWidth(input);
  const hard: Span[] = []; // addresses, hashes, emails: nothing else may be read inside them
  const txHashes: Positioned<TxHashEntity>[] = [];
  const addresses: Positioned<AddressEntity>[] = [];
  const invalid: Positioned<InvalidAddressEntity>[] = [];
  const emails: Positioned<string>[] = [];

  for (const m of text.matchAll(EMAIL_RE)) {
    emails.push({ at: m.index, item: m[0] });
    hard.push({ start: m.index, end: m.index + m[0].length });
  }

  const addAddress = (value: string, at: number, check: AddressCheck): void => {
    if (check.ok) {
      const entity: AddressEntity = { value, chain: check.chain, format: check.format, confidence: check.confidence };
      if (check.testnet) entity.testnet = true;
      addresses.push({ at, item: entity });
    } else invalid.push({ at, item: { value, looksLike: check.looksLike, reason: check.reason } });
    hard.push({ start: at, end: at + value.length });
  };

  // TON raw addresses first: "0:<64 hex>" must not be read as a tx id.
  for (const m of text.matchAll(/(?<![\w:-])(?:0|-1):[0-9a-fA-F]{64}(?![\w])/g)) {
    addAddress(m[0], m.index, { ok: true, chain: 'ton', format: 'ton_raw', confidence: 'high', testnet: false });
  }

  // Hex: EVM addresses and hashes, bare 64-hex txids. Near-miss lengths are reported as broken addresses.
  for (const m of text.matchAll(/(?<![0-9A-Za-z])(0[xX])?[0-9a-fA-F]{30,70}(?![0-9A-Za-z])/g)) {
    const value = m[0];
    if (overlaps(hard, m.index, m.index + value.length)) continue;
    const body = m[1] ? value.slice(2) : value;
    if (m[1] && body.length === 64) {
      txHashes.push({ at: m.index, item: { value, kind: 'evm_tx', chains: ['evm'] } });
    } else if (m[1] && body.length >= 38 && body.length <= 42) {
      const check = checkEvmAddress(value);
      if (check) addAddress(value, m.index, check);
      continue;
    } else if (!m[1] && body.length === 64) {
      txHashes.push({ at: m.index, item: { value, kind: 'txid', chains: ['btc', 'tron'] } });
    } else if (!m[1] && body.length === 40 && /[a-fA-F]/.test(body) && /\d/.test(body)) {
      addAddress(value, m.index, { ok: false, looksLike: 'evm', reason: 'missing_0x_prefix' });
      continue;
    } else if (m[1] && body.length >= 62 && body.length <= 66) {
      continue; // a truncated hash is not an address; nothing to report
    } else continue;
    hard.push({ start: m.index, end: m.index + value.length });
  }

  // Bech32 / bech32m segwit addresses.
  for (const m of text.matchAll(/(?<![0-9A-Za-z])(?:bc|tb|bcrt|ltc|tltc)1[0-9A-Za-z]{6,90}(?![0-9A-Za-z])/gi)) {
    if (overlaps(hard, m.index, m.index + m[0].length)) continue;
    const check = checkSegwitAddress(m[0]);
    if (check) addAddress(m[0], m.index, check);
  }

  // TON user-friendly addresses (base64url with CRC16).
  for (const m of text.matchAll(/(?<![A-Za-z0-9_\-+/])[EUk0][Qf][A-Za-z0-9_\-+/]{46}(?![A-Za-z0-9_\-+/=])/g)) {
    if (overlaps(hard, m.index, m.index + m[0].length)) continue;
    const check = checkTonAddress(m[0]);
    // Only claim it as TON when it has a letter mix typical of base64 ('-', '_', '+' or '/' or a valid CRC).
    if (check && (check.ok || /[-_+/]/.test(m[0]))) addAddress(m[0], m.index, check);
  }

  // Base58 family: Solana signatures/addresses, TRON, BTC legacy, LTC, DOGE, XRP.
  for (const m of text.matchAll(/(?<![0-9A-Za-z])[0-9A-Za-z]{25,90}(?![0-9A-Za-z])/g)) {
    const value = m[0];
    if (overlaps(hard, m.index, m.index + value.length)) continue;
    // Pure digits are numbers (order ids, phone numbers), not base58; and a base58 payload mixes letters and digits.
    if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) continue;
    if (isSolanaSignature(value)) {
      txHashes.push({ at: m.index, item: { value, kind: 'solana_signature', chains: ['solana'] } });
      hard.push({ start: m.index, end: m.index + value.length });
      continue;
    }
    const check = checkAddress(value);
    if (check) addAddress(value, m.index, check);
  }

  // Networks before coins: "ETH network" is a network, not also the coin ETH.
  const networks: Positioned<NetworkId>[] = [];
  const networkSpans: Span[] = [];
  for (const m of text.matchAll(NETWORK_RE)) {
    if (overlaps(hard, m.index, m.index + m[0].length)) continue;
    const id = normalizeNetwork(m[0]);
    if (!id) continue;
    networks.push({ at: m.index, item: id });
    networkSpans.push({ start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(CONTEXT_NETWORK_RE)) {
    const symbolStart = m.index + m[0].length - m[1].length;
    if (overlaps(hard, symbolStart, m.index + m[0].length) || overlaps(networkSpans, symbolStart, symbolStart + 1)) {
      continue;
    }
    // "on Base" needs a capital B; "on base" is English.
    if (m[1].toLowerCase() === 'base' && m[1] === 'base') continue;
    networks.push({ at: symbolStart, item: CONTEXT_NETWORK_SYMBOLS[m[1].toLowerCase()] });
    networkSpans.push({ start: symbolStart, end: symbolStart + m[1].length });
  }

  // Amounts.
  const amounts: Positioned<AmountEntity>[] = [];
  const amountSpans: Span[] = [];
  const coins: Positioned<string>[] = [];
  const addAmount = (at: number, length: number, amount: AmountEntity): void => {
    if (overlaps(hard, at, at + length) || overlaps(amountSpans, at, at + length)) return;
    amounts.push({ at, item: amount });
    amountSpans.push({ start: at, end: at + length });
    if (amount.coin && amount.coin !== 'USD' && amount.coin !== 'CNY') coins.push({ at, item: amount.coin });
  };
  const unitCoin = (unit: string): string | null => {
    const fiat = FIAT_UNITS.find(([t]) => t === unit.toLowerCase());
    return fiat ? fiat[1] : coinOf(unit);
  };
  for (const m of text.matchAll(AMOUNT_RE)) {
    const coin = unitCoin(m[2]);
    // "3 tons" is stopped by the lookahead; a following ERC/TRC network suffix ("100 USDT-TRC20") is fine.
    if (coin) addAmount(m.index, m[0].length, { value: cleanNumber(m[1]), coin });
  }
  for (const m of text.matchAll(CN_AMOUNT_RE)) {
    const value = parseChineseNumber(m[1]);
    const coin = unitCoin(m[2]);
    if (value !== null && coin) addAmount(m.index, m[0].length, { value, coin });
  }
  for (const m of text.matchAll(DOLLAR_RE)) addAmount(m.index, m[0].length, { value: cleanNumber(m[1]), coin: 'USD' });
  for (const m of text.matchAll(KEYWORD_AMOUNT_RE)) {
    const at = m.index + m[0].length - m[1].length;
    addAmount(at, m[1].length, { value: cleanNumber(m[1]) });
  }

  // Coins mentioned outside amounts.
  const coinSpans: Span[] = [...hard, ...networkSpans];
  for (const re of [COIN_RE_INSENSITIVE, COIN_RE_SENSITIVE]) {
    for (const m of text.matchAll(re)) {
      if (overlaps(coinSpans, m.index, m.index + m[0].length)) continue;
      const coin = coinOf(m[0]);
      if (coin) coins.push({ at: m.index, item: coin });
    }
  }
  // "U" as USDT slang: only next to Chinese text ("充了U", "U到账了") and never in U盘 (USB drive), U盾 (bank token).
  for (const m of text.matchAll(/(?<![A-Za-z0-9])[Uu](?![A-Za-z0-9])/g)) {
    const before = text[m.index - 1] ?? '';
    const after = text[m.index + 1] ?? '';
    if (/[盘盤盾型形]/.test(after)) continue;
    if (CJK.test(before) || CJK.test(after)) coins.push({ at: m.index, item: 'USDT' });
  }

  // Ids: UIDs first so the "ID" in "UID" is not read as an order id.
  const idSpans: Span[] = [...hard, ...amountSpans];
  const uids: Positioned<string>[] = [];
  for (const m of text.matchAll(UID_RE)) {
    const at = m.index + m[0].length - m[1].length;
    if (overlaps(idSpans, at, at + m[1].length)) continue;
    uids.push({ at, item: m[1] });
    idSpans.push({ start: m.index, end: m.index + m[0].length });
  }
  const orderIds: Positioned<string>[] = [];
  for (const m of text.matchAll(ORDER_RE)) {
    const at = m.index + m[0].length - m[2].length;
    if (overlaps(idSpans, m.index, m.index + m[1].length) || overlaps(idSpans, at, at + m[2].length)) continue;
    // "提币绑定的手机13800138000": the number belongs to the phone, not the order.
    if (/phone|mobile|tel|手机|手機|电话|電話|微信|qq/i.test(m[0].slice(m[1].length, -m[2].length))) continue;
    orderIds.push({ at, item: m[2] });
    idSpans.push({ start: at, end: at + m[2].length });
  }
  for (const m of text.matchAll(PREFIXED_ID_RE)) {
    if (overlaps(idSpans, m.index, m.index + m[1].length)) continue;
    orderIds.push({ at: m.index, item: m[1] });
    idSpans.push({ start: m.index, end: m.index + m[1].length });
  }

  const memos: Positioned<string>[] = [];
  for (const m of text.matchAll(MEMO_RE)) {
    const value = m[3];
    const at = m.index + m[0].length - value.length;
    if (overlaps(hard, at, at + value.length)) continue;
    // "tag me", "memo is required": without an explicit ':'/'=' a memo value must contain a digit.
    const explicit = m[2] !== undefined && m[2].toLowerCase() !== 'is';
    if (!/\d/.test(value) && !explicit) continue;
    memos.push({ at, item: value });
  }

  const byValue = (t: { value: string }): string => t.value;
  const id = (s: string): string => s;
  return {
    txHashes: sortedUnique(txHashes, byValue),
    addresses: sortedUnique(addresses, byValue),
    invalidAddresses: sortedUnique(invalid, byValue),
    coins: sortedUnique(coins, id),
    networks: sortedUnique(networks, id),
    amounts: sortedUnique(amounts, (a) => `${a.value}|${a.coin ?? ''}`),
    orderIds: sortedUnique(orderIds, id),
    uids: sortedUnique(uids, id),
    emails: sortedUnique(emails, id),
    memos: sortedUnique(memos, id),
  };
}
