// Which networks exist and what they are called: one row per network with its chain family, display name, the
// phrases that name it on their own and the bare symbols that name it only in context. A leaf: the bot's entity
// extraction, address validation and the chain configuration (networks.ts) all read this one table.
import { compactKey } from '../text/width.ts';

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

export type NetworkIdentity = {
  id: NetworkId;
  family: ChainFamily;
  name: string;
  /** Explicit network phrases: these name a network on their own. Matched case-insensitively as whole words. */
  aliases: string[];
  /** Bare symbols that name the network only in context ("via ARB", "走TRX", "on Base"): alone they are coins. */
  contextSymbols: string[];
};

export const NETWORK_IDENTITIES: readonly NetworkIdentity[] = [
  {
    id: 'ERC20',
    family: 'evm',
    name: 'Ethereum',
    aliases: [
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
    contextSymbols: ['eth'],
  },
  {
    id: 'TRC20',
    family: 'tron',
    name: 'TRON',
    aliases: [
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
    contextSymbols: ['trx'],
  },
  {
    id: 'BEP20',
    family: 'evm',
    name: 'BNB Smart Chain',
    aliases: [
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
    contextSymbols: ['bnb'],
  },
  {
    id: 'SOL',
    family: 'solana',
    name: 'Solana',
    aliases: ['solana network', 'solana', 'sol network', 'sol chain', 'sol链', 'sol网络', '索拉纳', 'spl'],
    contextSymbols: ['sol'],
  },
  {
    id: 'ARBITRUM',
    family: 'evm',
    name: 'Arbitrum One',
    aliases: ['arbitrum one', 'arbitrum', 'arb one', 'arb network', 'arb chain', 'arb链', 'arb网络'],
    contextSymbols: ['arb'],
  },
  {
    id: 'OPTIMISM',
    family: 'evm',
    name: 'OP Mainnet',
    aliases: ['optimism', 'op mainnet', 'op network', 'op chain', 'op链', 'op网络'],
    contextSymbols: ['op'],
  },
  {
    id: 'POLYGON',
    family: 'evm',
    name: 'Polygon PoS',
    aliases: [
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
    contextSymbols: ['matic', 'pol'],
  },
  {
    id: 'AVAXC',
    family: 'evm',
    name: 'Avalanche C-Chain',
    aliases: [
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
    contextSymbols: ['avax'],
  },
  {
    id: 'BASE',
    family: 'evm',
    name: 'Base',
    aliases: ['base network', 'base chain', 'base mainnet', 'base链', 'base网络'],
    contextSymbols: ['base'],
  },
  {
    id: 'TON',
    family: 'ton',
    name: 'TON',
    aliases: ['ton network', 'ton chain', 'the open network', 'ton链', 'ton网络'],
    contextSymbols: ['ton'],
  },
  {
    id: 'BTC',
    family: 'btc',
    name: 'Bitcoin',
    aliases: [
      'btc network',
      'btc chain',
      'bitcoin network',
      'bitcoin mainnet',
      'btc网络',
      'btc链',
      '比特币网络',
      '比特币主网',
    ],
    contextSymbols: ['btc'],
  },
  {
    id: 'LIGHTNING',
    family: 'lightning',
    name: 'Lightning Network',
    aliases: ['lightning network', 'lightning', '闪电网络', '閃電網路'],
    contextSymbols: [],
  },
  {
    id: 'LTC',
    family: 'ltc',
    name: 'Litecoin',
    aliases: ['ltc network', 'litecoin network', 'ltc网络', '莱特币网络'],
    contextSymbols: ['ltc'],
  },
  {
    id: 'DOGE',
    family: 'doge',
    name: 'Dogecoin',
    aliases: ['doge network', 'dogecoin network', 'doge网络', '狗狗币网络'],
    contextSymbols: ['doge'],
  },
  {
    id: 'XRP',
    family: 'xrp',
    name: 'XRP Ledger',
    aliases: ['xrp ledger', 'xrpl', 'xrp network', 'xrp网络', '瑞波网络'],
    contextSymbols: ['xrp'],
  },
];

const IDENTITY_BY_ID = new Map(NETWORK_IDENTITIES.map((network) => [network.id, network]));

/** The identity row of a network id. */
export function networkIdentity(id: NetworkId): NetworkIdentity {
  const identity = IDENTITY_BY_ID.get(id);
  if (!identity) throw new Error(`Unknown network id ${id}`);
  return identity;
}

/** Context symbol → network ("arb" → ARBITRUM, "pol" → POLYGON), in table order. */
export const CONTEXT_NETWORK_SYMBOLS: Readonly<Record<string, NetworkId>> = Object.fromEntries(
  NETWORK_IDENTITIES.flatMap(({ id, contextSymbols }) => contextSymbols.map((symbol) => [symbol, id])),
);

// Lookup keys are compacted so "ERC-20", "erc 20" and "ERC20" are one key.
const NETWORK_LOOKUP = new Map<string, NetworkId>();
for (const { id, aliases } of NETWORK_IDENTITIES) {
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
  return id ? networkIdentity(id).family : null;
}
