// Crypto entity extraction for support messages (zh / en / mixed) with real validation: every address-shaped
// string is checksum-verified, and a string that looks like an address but fails is reported, never dropped.
import {
  type AddressCheck,
  type AddressFormat,
  checkAddress,
  checkEvmAddress,
  checkSegwitAddress,
  checkTonAddress,
  type InvalidAddressReason,
  isSolanaSignature,
} from '../chains/addresses.ts';
import {
  CONTEXT_NETWORK_SYMBOLS,
  type ChainFamily,
  NETWORK_IDENTITIES,
  type NetworkId,
  normalizeNetwork,
} from '../chains/network-ids.ts';
import { compactKey, normalizeWidth } from './width.ts';

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

const NETWORK_TERMS = NETWORK_IDENTITIES.flatMap(({ aliases }) => aliases);
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
