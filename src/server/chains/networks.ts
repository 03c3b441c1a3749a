import { z } from 'zod';
import { ConfigError } from '../config.ts';
import type { NetworkConfig } from './chains.types.ts';
import { type NetworkId, networkIdentity } from './network-ids.ts';

/** A network's id, family and display name, from the one identity table (network-ids.ts). */
function identity(id: NetworkId): Pick<NetworkConfig, 'id' | 'family' | 'name'> {
  const { family, name } = networkIdentity(id);
  return { id, family, name };
}

export type NetworkOverrides = Partial<Record<NetworkId, Partial<NetworkConfig>>>;

/**
 * What a deposit needs on each network before an exchange typically credits it. These are starting points: every
 * exchange sets its own confirmation counts and minimums, and overrides them per organization (settings.chains) or for
 * the whole install (KEFU_CHAIN_* env). No endpoint here on purpose: without one a network's lookups are unavailable.
 */
export const DEFAULT_NETWORKS: Record<NetworkId, NetworkConfig> = {
  ERC20: {
    ...identity('ERC20'),
    chainId: 1,
    requiredConfirmations: 12,
    blockTimeSeconds: 12,
    nativeCoin: 'ETH',
    tokens: {
      USDT: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
      USDC: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
    },
    minDeposit: { ETH: '0.005', USDT: '10', USDC: '10' },
    memoRequired: false,
  },
  BEP20: {
    ...identity('BEP20'),
    chainId: 56,
    requiredConfirmations: 15,
    blockTimeSeconds: 0.75,
    nativeCoin: 'BNB',
    tokens: {
      USDT: '0x55d398326f99059fF775485246999027B3197955',
      USDC: '0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d',
    },
    minDeposit: { BNB: '0.01', USDT: '1', USDC: '1' },
    memoRequired: false,
  },
  POLYGON: {
    ...identity('POLYGON'),
    chainId: 137,
    requiredConfirmations: 128,
    blockTimeSeconds: 2,
    nativeCoin: 'POL',
    tokens: {
      USDT: '0xc2132D05D31c914a87C6611C10748AEb04B58e8F',
      USDC: '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359',
    },
    minDeposit: { POL: '1', USDT: '1', USDC: '1' },
    memoRequired: false,
  },
  ARBITRUM: {
    ...identity('ARBITRUM'),
    chainId: 42161,
    requiredConfirmations: 20,
    blockTimeSeconds: 0.25,
    nativeCoin: 'ETH',
    tokens: {
      USDT: '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9',
      USDC: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
    },
    minDeposit: { ETH: '0.001', USDT: '1', USDC: '1' },
    memoRequired: false,
  },
  OPTIMISM: {
    ...identity('OPTIMISM'),
    chainId: 10,
    requiredConfirmations: 20,
    blockTimeSeconds: 2,
    nativeCoin: 'ETH',
    tokens: {
      USDT: '0x94b008aA00579c1307B0EF2c499aD98a8ce58e58',
      USDC: '0x0b2C639c533813f4Aa9D7837cAf62653d097Ff85',
    },
    minDeposit: { ETH: '0.001', USDT: '1', USDC: '1' },
    memoRequired: false,
  },
  BASE: {
    ...identity('BASE'),
    chainId: 8453,
    requiredConfirmations: 20,
    blockTimeSeconds: 2,
    nativeCoin: 'ETH',
    tokens: { USDC: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' },
    minDeposit: { ETH: '0.001', USDC: '1' },
    memoRequired: false,
  },
  AVAXC: {
    ...identity('AVAXC'),
    chainId: 43114,
    requiredConfirmations: 12,
    blockTimeSeconds: 2,
    nativeCoin: 'AVAX',
    tokens: {
      USDT: '0x9702230A8Ea53601f5cD2dc00fDBc13d4dF4A8c7',
      USDC: '0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E',
    },
    minDeposit: { AVAX: '0.1', USDT: '1', USDC: '1' },
    memoRequired: false,
  },
  TRC20: {
    ...identity('TRC20'),
    requiredConfirmations: 20,
    blockTimeSeconds: 3,
    nativeCoin: 'TRX',
    tokens: { USDT: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' },
    minDeposit: { TRX: '10', USDT: '1' },
    memoRequired: false,
  },
  BTC: {
    ...identity('BTC'),
    requiredConfirmations: 2,
    blockTimeSeconds: 600,
    nativeCoin: 'BTC',
    tokens: {},
    minDeposit: { BTC: '0.0001' },
    memoRequired: false,
  },
  LTC: {
    ...identity('LTC'),
    requiredConfirmations: 6,
    blockTimeSeconds: 150,
    nativeCoin: 'LTC',
    tokens: {},
    minDeposit: { LTC: '0.001' },
    memoRequired: false,
  },
  DOGE: {
    ...identity('DOGE'),
    requiredConfirmations: 40,
    blockTimeSeconds: 60,
    nativeCoin: 'DOGE',
    tokens: {},
    minDeposit: { DOGE: '20' },
    memoRequired: false,
  },
  SOL: {
    ...identity('SOL'),
    requiredConfirmations: 1,
    blockTimeSeconds: 0.4,
    nativeCoin: 'SOL',
    tokens: {
      USDT: 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB',
      USDC: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
    },
    minDeposit: { SOL: '0.01', USDT: '1', USDC: '1' },
    memoRequired: false,
  },
  TON: {
    ...identity('TON'),
    requiredConfirmations: 1,
    blockTimeSeconds: 5,
    nativeCoin: 'TON',
    tokens: { USDT: 'EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs' },
    minDeposit: { TON: '0.1', USDT: '1' },
    // Exchanges share one TON wallet between customers: the comment (memo) says whose deposit it is.
    memoRequired: true,
  },
  XRP: {
    ...identity('XRP'),
    requiredConfirmations: 1,
    blockTimeSeconds: 4,
    nativeCoin: 'XRP',
    tokens: {},
    minDeposit: { XRP: '1' },
    // The destination tag tells the exchange's shared address which customer the XRP belongs to.
    memoRequired: true,
  },
  LIGHTNING: {
    ...identity('LIGHTNING'),
    requiredConfirmations: 0,
    blockTimeSeconds: 0,
    nativeCoin: 'BTC',
    tokens: {},
    minDeposit: { BTC: '0.00001' },
    memoRequired: false,
  },
};

export const NETWORK_IDS = Object.keys(DEFAULT_NETWORKS) as NetworkId[];

/** Defaults with the overrides laid over them; token and minimum-deposit maps are merged, not replaced. */
export function resolveNetworks(overrides: NetworkOverrides = {}): Record<NetworkId, NetworkConfig> {
  const resolved = {} as Record<NetworkId, NetworkConfig>;
  for (const id of NETWORK_IDS) {
    const base = DEFAULT_NETWORKS[id];
    const over = overrides[id] ?? {};
    resolved[id] = {
      ...base,
      ...over,
      id,
      family: base.family,
      tokens: { ...base.tokens, ...over.tokens },
      minDeposit: { ...base.minDeposit, ...over.minDeposit },
    };
  }
  return resolved;
}

/** Later layers win, per field: e.g. mergeNetworkOverrides(fromEnv, fromOrgSettings). */
export function mergeNetworkOverrides(...layers: (NetworkOverrides | undefined)[]): NetworkOverrides {
  const merged: NetworkOverrides = {};
  for (const layer of layers) {
    for (const [id, over] of Object.entries(layer ?? {}) as [NetworkId, Partial<NetworkConfig>][]) {
      const before = merged[id] ?? {};
      merged[id] = {
        ...before,
        ...over,
        tokens: { ...before.tokens, ...over.tokens },
        minDeposit: { ...before.minDeposit, ...over.minDeposit },
      };
    }
  }
  return merged;
}

const networkOverrideSchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    chainId: z.number().int().positive().optional(),
    requiredConfirmations: z.number().int().min(0).optional(),
    blockTimeSeconds: z.number().positive().optional(),
    nativeCoin: z.string().min(1).optional(),
    tokens: z.record(z.string(), z.string()).optional(),
    minDeposit: z.record(z.string(), z.string().regex(/^\d+(\.\d+)?$/)).optional(),
    memoRequired: z.boolean().optional(),
  })
  .strict();

/** The shape of `organizations.settings.chains`: per network id, the fields to override. */
export const chainSettingsSchema = z.partialRecord(
  z.enum(NETWORK_IDS as [NetworkId, ...NetworkId[]]),
  networkOverrideSchema,
);

/** Reads an organization's `settings.chains`; a malformed value names the bad field. */
export function networkOverridesFromSettings(chains: unknown): NetworkOverrides {
  if (chains === undefined || chains === null) return {};
  const parsed = chainSettingsSchema.safeParse(chains);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`settings.chains.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data as NetworkOverrides;
}

/**
 * Install-wide endpoints from the environment: KEFU_CHAIN_<NETWORK>_URL (e.g. KEFU_CHAIN_ERC20_URL,
 * KEFU_CHAIN_BTC_URL, KEFU_CHAIN_TRC20_URL), KEFU_CHAIN_<NETWORK>_CONFIRMATIONS, KEFU_CHAIN_<NETWORK>_CHAIN_ID and
 * KEFU_CHAIN_TRC20_API_KEY (TronGrid's TRON-PRO-API-KEY header). A bad value stops the process naming the variable.
 */
export function networkOverridesFromEnv(env: NodeJS.ProcessEnv = process.env): NetworkOverrides {
  const overrides: NetworkOverrides = {};
  for (const id of NETWORK_IDS) {
    const over: Partial<NetworkConfig> = {};
    const url = env[`KEFU_CHAIN_${id}_URL`];
    if (url) {
      if (!z.url({ protocol: /^https?$/ }).safeParse(url).success) {
        throw new ConfigError(`Invalid configuration:\n  KEFU_CHAIN_${id}_URL: must be an http:// or https:// URL`);
      }
      over.endpoint = url;
    }
    const integer = (name: string, min: number): number | undefined => {
      const text = env[name];
      if (!text) return undefined;
      const value = Number(text);
      if (!Number.isInteger(value) || value < min) {
        throw new ConfigError(`Invalid configuration:\n  ${name}: must be an integer ≥ ${min}`);
      }
      return value;
    };
    const confirmations = integer(`KEFU_CHAIN_${id}_CONFIRMATIONS`, 0);
    if (confirmations !== undefined) over.requiredConfirmations = confirmations;
    const chainId = integer(`KEFU_CHAIN_${id}_CHAIN_ID`, 1);
    if (chainId !== undefined) over.chainId = chainId;
    if (id === 'TRC20' && env.KEFU_CHAIN_TRC20_API_KEY)
      over.headers = { 'TRON-PRO-API-KEY': env.KEFU_CHAIN_TRC20_API_KEY };
    if (Object.keys(over).length > 0) overrides[id] = over;
  }
  return overrides;
}
