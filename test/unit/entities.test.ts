import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { base58, base64url, bech32, bech32m, createBase58check } from '@scure/base';
import { getAddress } from 'viem';
import type { Entities } from '../../src/server/text/entities.ts';
import { extractEntities, parseChineseNumber } from '../../src/server/text/entities.ts';
import type { InvalidAddressReason } from '../../src/server/chains/addresses.ts';
import {
  checkAddress,
  isValidBitcoinAddress,
  isValidEvmAddress,
  isValidSolanaAddress,
  isValidTonAddress,
  isValidTronAddress,
  isValidXrpAddress,
  validateAddressForNetwork,
  validateTxHashForNetwork,
} from '../../src/server/chains/addresses.ts';
import type { ChainFamily } from '../../src/server/chains/network-ids.ts';
import { networkFamily, normalizeNetwork } from '../../src/server/chains/network-ids.ts';

// ---- fixtures built from fixed bytes, so every "valid" value really is valid ----

const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();
const base58check = createBase58check(sha256);
const bytes = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 37 + seed * 11 + 1) & 0xff);
const withVersion = (version: number, payload: Uint8Array): Uint8Array => Uint8Array.from([version, ...payload]);
const toHex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

// Replace the character at `index` by another character of the same alphabet, keeping the string's shape.
function corrupt(value: string, index = value.length - 2): string {
  const ch = value[index];
  const replacement =
    ch === 'q' ? 'p' : ch === 'p' ? 'q' : /[0-9]/.test(ch) ? (ch === '9' ? '8' : '9') : ch === 'z' ? 'y' : 'z';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function tonFriendly(tag: number, workchain: number, hash: Uint8Array): string {
  const body = Uint8Array.from([tag, workchain, ...hash]);
  const crc = crc16(body);
  return base64url.encode(Uint8Array.from([...body, crc >> 8, crc & 0xff]));
}

const EVM = getAddress('0x' + toHex(bytes(20, 1)));
const EVM_LOWER = EVM.toLowerCase();
const EVM_UPPER = '0x' + EVM.slice(2).toUpperCase();
// Flip the case of the first letter: still hex, still mixed case, but the EIP-55 checksum no longer matches.
const EVM_BAD = EVM.replace(/[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
const EIP55_SPEC_EXAMPLE = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

const BTC_GENESIS = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
const BTC_P2SH = base58check.encode(withVersion(0x05, bytes(20, 2)));
const BTC_TESTNET = base58check.encode(withVersion(0x6f, bytes(20, 3)));
const BTC_BECH32 = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const BTC_TAPROOT = 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0';
const BTC_P2WSH = bech32.encode('bc', [0, ...bech32.toWords(bytes(32, 4))]);
const BTC_TAPROOT_BUILT = bech32m.encode('bc', [1, ...bech32m.toWords(bytes(32, 5))]);
// BIP-350: v0 must be bech32 and v1+ bech32m. Encoding with the other checksum is a broken address.
const BTC_V0_AS_BECH32M = bech32m.encode('bc', [0, ...bech32m.toWords(bytes(20, 6))]);
const BTC_V1_AS_BECH32 = bech32.encode('bc', [1, ...bech32.toWords(bytes(32, 7))]);

const TRON_USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const TRON_BUILT = base58check.encode(withVersion(0x41, bytes(20, 8)));
const LTC = base58check.encode(withVersion(0x30, bytes(20, 9)));
const DOGE = base58check.encode(withVersion(0x1e, bytes(20, 10)));
const XRP_GENESIS = 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh';
const SOLANA_USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOLANA_BUILT = base58.encode(bytes(32, 11));
const SOLANA_SIGNATURE = base58.encode(bytes(64, 12));
const TON = tonFriendly(0x11, 0x00, bytes(32, 13));
const TON_NON_BOUNCEABLE = tonFriendly(0x51, 0x00, bytes(32, 14));
const TON_RAW = '0:' + toHex(bytes(32, 15));

const EVM_TX = '0x' + toHex(bytes(32, 16));
const HEX_TXID = toHex(bytes(32, 17));

// ---- single validators ----

type ValidatorRow = { name: string; value: string; valid: boolean; check: (value: string) => boolean };

const validatorTable: ValidatorRow[] = [
  { name: 'accepts an EIP-55 checksummed EVM address', value: EVM, valid: true, check: isValidEvmAddress },
  {
    name: 'accepts the EIP-55 specification example',
    value: EIP55_SPEC_EXAMPLE,
    valid: true,
    check: isValidEvmAddress,
  },
  {
    name: 'accepts an all-lowercase EVM address as unchecksummed',
    value: EVM_LOWER,
    valid: true,
    check: isValidEvmAddress,
  },
  {
    name: 'accepts an all-uppercase EVM address as unchecksummed',
    value: EVM_UPPER,
    valid: true,
    check: isValidEvmAddress,
  },
  {
    name: 'rejects a mixed-case EVM address whose checksum fails',
    value: EVM_BAD,
    valid: false,
    check: isValidEvmAddress,
  },
  {
    name: 'rejects an EVM address that is one character short',
    value: EVM.slice(0, -1),
    valid: false,
    check: isValidEvmAddress,
  },
  {
    name: 'accepts the Bitcoin genesis P2PKH address',
    value: BTC_GENESIS,
    valid: true,
    check: (v) => isValidBitcoinAddress(v),
  },
  { name: 'accepts a built P2SH address', value: BTC_P2SH, valid: true, check: (v) => isValidBitcoinAddress(v) },
  {
    name: 'accepts a bech32 segwit v0 address',
    value: BTC_BECH32,
    valid: true,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'accepts a built bech32 P2WSH address',
    value: BTC_P2WSH,
    valid: true,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'accepts a bech32m taproot address',
    value: BTC_TAPROOT,
    valid: true,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'accepts a built bech32m taproot address',
    value: BTC_TAPROOT_BUILT,
    valid: true,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'accepts an all-uppercase bech32 address',
    value: BTC_BECH32.toUpperCase(),
    valid: true,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'rejects a Bitcoin address with a broken base58 checksum',
    value: corrupt(BTC_GENESIS),
    valid: false,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'rejects a bech32 address with a broken checksum',
    value: corrupt(BTC_BECH32),
    valid: false,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'rejects witness v0 encoded with bech32m',
    value: BTC_V0_AS_BECH32M,
    valid: false,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'rejects witness v1 encoded with bech32',
    value: BTC_V1_AS_BECH32,
    valid: false,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'rejects a testnet address unless testnet is allowed',
    value: BTC_TESTNET,
    valid: false,
    check: (v) => isValidBitcoinAddress(v),
  },
  {
    name: 'accepts a testnet address when testnet is allowed',
    value: BTC_TESTNET,
    valid: true,
    check: (v) => isValidBitcoinAddress(v, { allowTestnet: true }),
  },
  {
    name: 'does not take a TRON address for a Bitcoin one',
    value: TRON_USDT,
    valid: false,
    check: (v) => isValidBitcoinAddress(v),
  },
  { name: 'accepts the TRON USDT contract address', value: TRON_USDT, valid: true, check: isValidTronAddress },
  { name: 'accepts a built TRON address', value: TRON_BUILT, valid: true, check: isValidTronAddress },
  {
    name: 'rejects a TRON address with a broken checksum',
    value: corrupt(TRON_USDT),
    valid: false,
    check: isValidTronAddress,
  },
  {
    name: 'rejects a TRON address with one character missing',
    value: TRON_USDT.slice(0, -1),
    valid: false,
    check: isValidTronAddress,
  },
  { name: 'rejects a Bitcoin address as TRON', value: BTC_GENESIS, valid: false, check: isValidTronAddress },
  {
    name: 'accepts a Solana address (the USDC mint)',
    value: SOLANA_USDC_MINT,
    valid: true,
    check: isValidSolanaAddress,
  },
  { name: 'accepts a built 32-byte Solana address', value: SOLANA_BUILT, valid: true, check: isValidSolanaAddress },
  {
    name: 'rejects a TRON address as Solana (25 bytes, not 32)',
    value: TRON_USDT,
    valid: false,
    check: isValidSolanaAddress,
  },
  {
    name: 'rejects a Solana signature as a Solana address',
    value: SOLANA_SIGNATURE,
    valid: false,
    check: isValidSolanaAddress,
  },
  { name: 'accepts a TON user-friendly bounceable address', value: TON, valid: true, check: isValidTonAddress },
  { name: 'accepts a TON non-bounceable address', value: TON_NON_BOUNCEABLE, valid: true, check: isValidTonAddress },
  { name: 'accepts a TON raw address', value: TON_RAW, valid: true, check: isValidTonAddress },
  { name: 'rejects a TON address with a broken CRC', value: corrupt(TON, 10), valid: false, check: isValidTonAddress },
  { name: 'accepts the XRP genesis account', value: XRP_GENESIS, valid: true, check: isValidXrpAddress },
  {
    name: 'rejects an XRP address with a broken checksum',
    value: corrupt(XRP_GENESIS),
    valid: false,
    check: isValidXrpAddress,
  },
  {
    name: 'normalises full-width characters before validating',
    value: toFullWidth(TRON_USDT),
    valid: true,
    check: isValidTronAddress,
  },
];

function toFullWidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

for (const row of validatorTable) {
  test(row.name, () => {
    assert.equal(row.check(row.value), row.valid);
  });
}

type CheckRow = { name: string; value: string; looksLike: ChainFamily; reason: InvalidAddressReason };

const brokenTable: CheckRow[] = [
  { name: 'explains a failed EIP-55 checksum', value: EVM_BAD, looksLike: 'evm', reason: 'bad_checksum' },
  { name: 'explains a short EVM address', value: EVM.slice(0, -1), looksLike: 'evm', reason: 'wrong_length' },
  {
    name: 'explains a failed base58 Bitcoin checksum',
    value: corrupt(BTC_GENESIS),
    looksLike: 'btc',
    reason: 'bad_checksum',
  },
  { name: 'explains a failed bech32 checksum', value: corrupt(BTC_BECH32), looksLike: 'btc', reason: 'bad_checksum' },
  {
    name: 'explains a v0 program with the bech32m checksum',
    value: BTC_V0_AS_BECH32M,
    looksLike: 'btc',
    reason: 'wrong_bech32_variant',
  },
  {
    name: 'explains a v1 program with the bech32 checksum',
    value: BTC_V1_AS_BECH32,
    looksLike: 'btc',
    reason: 'wrong_bech32_variant',
  },
  {
    name: 'explains a mixed-case bech32 address',
    value: 'bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    looksLike: 'btc',
    reason: 'mixed_case',
  },
  { name: 'explains a failed TRON checksum', value: corrupt(TRON_USDT), looksLike: 'tron', reason: 'bad_checksum' },
  {
    name: 'explains a TRON address with a missing character',
    value: TRON_USDT.slice(0, -1),
    looksLike: 'tron',
    reason: 'wrong_length',
  },
  {
    name: 'explains a TRON address containing a non-base58 letter',
    value: TRON_USDT.replace('q', 'l'),
    looksLike: 'tron',
    reason: 'invalid_character',
  },
  { name: 'explains a failed TON CRC', value: corrupt(TON, 10), looksLike: 'ton', reason: 'bad_checksum' },
  { name: 'explains a failed XRP checksum', value: corrupt(XRP_GENESIS), looksLike: 'xrp', reason: 'bad_checksum' },
];

for (const row of brokenTable) {
  test(row.name, () => {
    assert.deepEqual(checkAddress(row.value), { ok: false, looksLike: row.looksLike, reason: row.reason });
  });
}

test('classifies LTC and DOGE legacy addresses by their version byte', () => {
  assert.equal((checkAddress(LTC) as { chain: string }).chain, 'ltc');
  assert.equal((checkAddress(DOGE) as { chain: string }).chain, 'doge');
});

// ---- networks and hashes ----

const networkTable: { name: string; input: string; id: string | null; family: string | null }[] = [
  { name: 'maps ERC-20 spellings to ERC20', input: 'erc-20', id: 'ERC20', family: 'evm' },
  { name: 'maps 以太坊网络 to ERC20', input: '以太坊网络', id: 'ERC20', family: 'evm' },
  { name: 'maps 波场 to TRC20', input: '波场', id: 'TRC20', family: 'tron' },
  { name: 'maps trx网络 to TRC20', input: 'TRX网络', id: 'TRC20', family: 'tron' },
  { name: 'maps 币安智能链 to BEP20', input: '币安智能链', id: 'BEP20', family: 'evm' },
  { name: 'maps BNB Smart Chain to BEP20', input: 'BNB Smart Chain', id: 'BEP20', family: 'evm' },
  { name: 'maps SOL链 to SOL', input: 'SOL链', id: 'SOL', family: 'solana' },
  { name: 'maps Arbitrum One to ARBITRUM', input: 'Arbitrum One', id: 'ARBITRUM', family: 'evm' },
  { name: 'maps Avalanche C-Chain to AVAXC', input: 'Avalanche C-Chain', id: 'AVAXC', family: 'evm' },
  { name: 'maps 比特币网络 to BTC', input: '比特币网络', id: 'BTC', family: 'btc' },
  { name: 'keeps Lightning separate from Bitcoin', input: 'Lightning Network', id: 'LIGHTNING', family: 'lightning' },
  { name: 'maps the Polygon network', input: 'Polygon', id: 'POLYGON', family: 'evm' },
  { name: 'maps TON', input: 'TON', id: 'TON', family: 'ton' },
  { name: 'returns null for an unknown network', input: 'Dogechain 9000', id: null, family: null },
];

for (const row of networkTable) {
  test(row.name, () => {
    assert.equal(normalizeNetwork(row.input), row.id);
    assert.equal(networkFamily(row.input), row.family);
  });
}

const txTable: {
  name: string;
  hash: string;
  network: string;
  expected: ReturnType<typeof validateTxHashForNetwork>;
}[] = [
  {
    name: 'accepts a 0x hash on an EVM network',
    hash: EVM_TX,
    network: 'ERC20',
    expected: { ok: true, normalized: EVM_TX },
  },
  {
    name: 'accepts a 0x hash on BEP20',
    hash: EVM_TX.toUpperCase().replace('0X', '0x'),
    network: 'BSC',
    expected: { ok: true, normalized: EVM_TX },
  },
  {
    name: 'asks for the 0x prefix when an EVM hash lacks it',
    hash: HEX_TXID,
    network: 'ERC20',
    expected: { ok: false, reason: 'missing_0x_prefix' },
  },
  {
    name: 'rejects a 0x hash on TRON as the wrong format',
    hash: EVM_TX,
    network: 'TRC20',
    expected: { ok: false, reason: 'wrong_format_for_network' },
  },
  {
    name: 'accepts bare 64 hex on TRON',
    hash: HEX_TXID,
    network: 'TRC20',
    expected: { ok: true, normalized: HEX_TXID },
  },
  {
    name: 'accepts bare 64 hex on Bitcoin',
    hash: HEX_TXID.toUpperCase(),
    network: 'BTC',
    expected: { ok: true, normalized: HEX_TXID },
  },
  {
    name: 'accepts a Solana signature on Solana',
    hash: SOLANA_SIGNATURE,
    network: 'SOL',
    expected: { ok: true, normalized: SOLANA_SIGNATURE },
  },
  {
    name: 'rejects a Solana signature on ERC20',
    hash: SOLANA_SIGNATURE,
    network: 'ERC20',
    expected: { ok: false, reason: 'wrong_format_for_network' },
  },
  {
    name: 'rejects hex on Solana',
    hash: HEX_TXID,
    network: 'SOL',
    expected: { ok: false, reason: 'wrong_format_for_network' },
  },
  {
    name: 'tells the customer they pasted an address, not a hash',
    hash: TRON_USDT,
    network: 'TRC20',
    expected: { ok: false, reason: 'looks_like_address' },
  },
  {
    name: 'rejects a truncated hash as malformed',
    hash: HEX_TXID.slice(0, 60),
    network: 'TRC20',
    expected: { ok: false, reason: 'malformed' },
  },
  {
    name: 'rejects an unknown network',
    hash: HEX_TXID,
    network: 'Foo',
    expected: { ok: false, reason: 'unknown_network' },
  },
  { name: 'rejects an empty hash', hash: '  ', network: 'BTC', expected: { ok: false, reason: 'empty' } },
];

for (const row of txTable) {
  test(row.name, () => {
    assert.deepEqual(validateTxHashForNetwork(row.hash, row.network), row.expected);
  });
}

const addressNetworkTable: { name: string; address: string; network: string; ok: boolean; reason?: string }[] = [
  { name: 'accepts an EVM address for BEP20', address: EVM, network: 'BEP20', ok: true },
  {
    name: 'flags a TRON address given for ERC20 as the wrong network',
    address: TRON_USDT,
    network: 'ERC20',
    ok: false,
    reason: 'wrong_network',
  },
  {
    name: 'flags an EVM address given for TRC20 as the wrong network',
    address: EVM,
    network: 'TRC20',
    ok: false,
    reason: 'wrong_network',
  },
  {
    name: 'reports the checksum failure on the right network',
    address: corrupt(TRON_USDT),
    network: 'TRC20',
    ok: false,
    reason: 'bad_checksum',
  },
  {
    name: 'recognises a tx hash pasted as an address',
    address: EVM_TX,
    network: 'ERC20',
    ok: false,
    reason: 'looks_like_tx_hash',
  },
  {
    name: 'rejects a testnet Bitcoin address for withdrawals',
    address: BTC_TESTNET,
    network: 'BTC',
    ok: false,
    reason: 'testnet_address',
  },
  { name: 'accepts a taproot address on Bitcoin', address: BTC_TAPROOT, network: 'BTC', ok: true },
];

for (const row of addressNetworkTable) {
  test(row.name, () => {
    const result = validateAddressForNetwork(row.address, row.network);
    assert.equal(result.ok, row.ok);
    if (!result.ok) assert.equal(result.reason, row.reason);
  });
}

const chineseNumberTable: [string, string | null][] = [
  ['五百', '500'],
  ['一千五', '1500'],
  ['两万', '20000'],
  ['一百零五', '105'],
  ['十五', '15'],
  ['三点五', '3.5'],
  ['百', null],
];

for (const [input, expected] of chineseNumberTable) {
  test(`reads the Chinese numeral ${input} as ${expected}`, () => {
    assert.equal(parseChineseNumber(input), expected);
  });
}

// ---- extraction from whole messages ----

type ExtractRow = { name: string; text: string; expect: Partial<Entities> };

const extractTable: ExtractRow[] = [
  {
    name: 'extracts everything from a Chinese deposit complaint',
    text: `我昨天提了1,000.50 U到 ${TRON_USDT}，走的TRC20，txid是 ${HEX_TXID} 订单号：2026112312345678 UID: 88889999 还没到账`,
    expect: {
      addresses: [{ value: TRON_USDT, chain: 'tron', format: 'tron', confidence: 'high' }],
      txHashes: [{ value: HEX_TXID, kind: 'txid', chains: ['btc', 'tron'] }],
      networks: ['TRC20'],
      amounts: [{ value: '1000.50', coin: 'USDT' }],
      coins: ['USDT'],
      orderIds: ['2026112312345678'],
      uids: ['88889999'],
      invalidAddresses: [],
    },
  },
  {
    name: 'extracts everything from an English withdrawal question',
    text: `I withdrew 0.5 BTC to ${BTC_BECH32} on the Bitcoin network, withdrawal ID 1234567890123, my email is ann.lee@example.com`,
    expect: {
      addresses: [{ value: BTC_BECH32, chain: 'btc', format: 'p2wpkh', confidence: 'high' }],
      amounts: [{ value: '0.5', coin: 'BTC' }],
      networks: ['BTC'],
      orderIds: ['1234567890123'],
      emails: ['ann.lee@example.com'],
    },
  },
  {
    name: 'reports an EVM tx hash with the evm chain only',
    text: `tx: ${EVM_TX}`,
    expect: { txHashes: [{ value: EVM_TX, kind: 'evm_tx', chains: ['evm'] }], addresses: [] },
  },
  {
    name: 'reports a checksum-broken address as invalid instead of dropping it',
    text: `请转到 ${EVM_BAD} 和 ${corrupt(TRON_USDT)}`,
    expect: {
      addresses: [],
      invalidAddresses: [
        { value: EVM_BAD, looksLike: 'evm', reason: 'bad_checksum' },
        { value: corrupt(TRON_USDT), looksLike: 'tron', reason: 'bad_checksum' },
      ],
    },
  },
  {
    name: 'reports 40 hex digits without 0x as an EVM address missing its prefix',
    text: `address ${EVM_LOWER.slice(2)}`,
    expect: { invalidAddresses: [{ value: EVM_LOWER.slice(2), looksLike: 'evm', reason: 'missing_0x_prefix' }] },
  },
  {
    name: 'marks a Solana address as a low-confidence candidate',
    text: `my SOL address ${SOLANA_USDC_MINT}`,
    expect: {
      addresses: [{ value: SOLANA_USDC_MINT, chain: 'solana', format: 'solana', confidence: 'low' }],
      coins: ['SOL'],
    },
  },
  {
    name: 'reads a Solana signature as a transaction, not an address',
    text: `signature ${SOLANA_SIGNATURE}`,
    expect: { txHashes: [{ value: SOLANA_SIGNATURE, kind: 'solana_signature', chains: ['solana'] }], addresses: [] },
  },
  {
    name: 'tells TRON, Bitcoin, Solana, TON and XRP addresses apart in one message',
    text: `${TRON_BUILT} ${BTC_GENESIS} ${SOLANA_BUILT} ${TON} ${XRP_GENESIS} ${BTC_TAPROOT}`,
    expect: {
      addresses: [
        { value: TRON_BUILT, chain: 'tron', format: 'tron', confidence: 'high' },
        { value: BTC_GENESIS, chain: 'btc', format: 'p2pkh', confidence: 'high' },
        { value: SOLANA_BUILT, chain: 'solana', format: 'solana', confidence: 'low' },
        { value: TON, chain: 'ton', format: 'ton_friendly', confidence: 'high' },
        { value: XRP_GENESIS, chain: 'xrp', format: 'xrp', confidence: 'high' },
        { value: BTC_TAPROOT, chain: 'btc', format: 'p2tr', confidence: 'high' },
      ],
      invalidAddresses: [],
    },
  },
  {
    name: 'reads a TON raw address as an address, not a tx id',
    text: `TON地址 ${TON_RAW}`,
    expect: { addresses: [{ value: TON_RAW, chain: 'ton', format: 'ton_raw', confidence: 'high' }], txHashes: [] },
  },
  {
    name: 'normalises full-width characters before matching',
    text: `１００ＵＳＤＴ到${toFullWidth(TRON_USDT)}`,
    expect: {
      amounts: [{ value: '100', coin: 'USDT' }],
      addresses: [{ value: TRON_USDT, chain: 'tron', format: 'tron', confidence: 'high' }],
    },
  },
  {
    name: 'reads U as USDT only when it is used as a currency',
    text: '我充了U没到账，另外100U和500 u也没到。U盘坏了 can u help',
    expect: {
      coins: ['USDT'],
      amounts: [
        { value: '100', coin: 'USDT' },
        { value: '500', coin: 'USDT' },
      ],
    },
  },
  {
    name: 'does not read the English letter u as a coin',
    text: 'can u help me? I dont know what u mean',
    expect: { coins: [], amounts: [] },
  },
  {
    name: 'reads Chinese coin names and Chinese numerals in amounts',
    text: '我买了0.5个比特币，还有五百U和两个以太坊，狗狗币也有',
    expect: {
      coins: ['BTC', 'USDT', 'ETH', 'DOGE'],
      amounts: [
        { value: '0.5', coin: 'BTC' },
        { value: '500', coin: 'USDT' },
        { value: '2', coin: 'ETH' },
      ],
    },
  },
  {
    name: 'treats a coin symbol after via/走 as the network',
    text: 'send 100 USDT via ARB, 另一笔走BSC, third one on Base',
    expect: { networks: ['ARBITRUM', 'BEP20', 'BASE'], coins: ['USDT'] },
  },
  {
    name: 'keeps "ETH network" a network and 波场币 a coin',
    text: 'ETH network 和 波场 都试了，我有波场币',
    expect: { networks: ['ERC20', 'TRC20'], coins: ['TRX'] },
  },
  {
    name: 'does not take ordinary English words for coins',
    text: 'I need a ton of help, the link is near the dot on the base of the page',
    expect: { coins: [], networks: [] },
  },
  {
    name: 'reads memo and destination tag values',
    text: `XRP to ${XRP_GENESIS} destination tag 123456, 另一笔 MEMO：abcd`,
    expect: {
      memos: ['123456', 'abcd'],
      addresses: [{ value: XRP_GENESIS, chain: 'xrp', format: 'xrp', confidence: 'high' }],
    },
  },
  {
    name: 'does not read "tag me" or "memo is required" as a memo',
    text: 'please tag me, the memo is required',
    expect: { memos: [] },
  },
  {
    name: 'does not read phone numbers, dates or bare numbers as order ids',
    text: '订单 绑定手机13800138000, on 20261123 I paid 12345678901',
    expect: { orderIds: [], uids: [], amounts: [] },
  },
  {
    name: 'reads letter-prefixed exchange references as ids, keyword or not',
    text: 'W-5571340 and 充值单 D-7700431',
    expect: { orderIds: ['W-5571340', 'D-7700431'] },
  },
  {
    name: 'does not read a hyphenated model number or a lowercase word as an id',
    text: 'my iPhone-13 and covid-19, ref abc-123456',
    expect: { orderIds: [] },
  },
  {
    name: 'reads a dollar amount and an amount after 金额 without a coin',
    text: 'It cost $1,250.75 and 金额：300',
    expect: { amounts: [{ value: '1250.75', coin: 'USD' }, { value: '300' }] },
  },
  {
    name: 'reads LTC and DOGE addresses',
    text: `LTC ${LTC} DOGE ${DOGE}`,
    expect: {
      addresses: [
        { value: LTC, chain: 'ltc', format: 'p2pkh', confidence: 'high' },
        { value: DOGE, chain: 'doge', format: 'p2pkh', confidence: 'high' },
      ],
    },
  },
  {
    name: 'reads a hash inside an explorer link',
    text: `https://etherscan.io/tx/${EVM_TX} 还没确认`,
    expect: { txHashes: [{ value: EVM_TX, kind: 'evm_tx', chains: ['evm'] }] },
  },
];

for (const row of extractTable) {
  test(row.name, () => {
    const entities = extractEntities(row.text);
    for (const [key, value] of Object.entries(row.expect)) {
      assert.deepEqual(entities[key as keyof Entities], value, key);
    }
  });
}

test('returns empty lists for a message with no entities', () => {
  assert.deepEqual(extractEntities('你好，请问在吗？'), {
    txHashes: [],
    addresses: [],
    invalidAddresses: [],
    coins: [],
    networks: [],
    amounts: [],
    orderIds: [],
    uids: [],
    emails: [],
    memos: [],
  });
});

test('marks a testnet Bitcoin address as testnet', () => {
  assert.deepEqual(extractEntities(BTC_TESTNET).addresses, [
    { value: BTC_TESTNET, chain: 'btc', format: 'p2pkh', confidence: 'high', testnet: true },
  ]);
});
