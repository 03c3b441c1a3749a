import type { ChainFamily, NetworkId } from './network-ids.ts';

/** Per network: what a deposit needs before it is credited, and how to reach the chain. */
export type NetworkConfig = {
  id: NetworkId;
  family: ChainFamily;
  name: string;
  /** EVM chain id, to tell sibling EVM networks apart. */
  chainId?: number;
  /** JSON-RPC (EVM), Esplora base URL (BTC) or TronGrid base URL (TRON). Unset: lookups on this network are unavailable. */
  endpoint?: string;
  /** Extra HTTP headers for the endpoint, e.g. TronGrid's `TRON-PRO-API-KEY`. */
  headers?: Record<string, string>;
  requiredConfirmations: number;
  blockTimeSeconds: number;
  nativeCoin: string;
  /** Token contracts on this network, by coin symbol (e.g. USDT → 0xdAC1…). */
  tokens: Record<string, string>;
  /** Smallest creditable deposit per coin, as a decimal string. */
  minDeposit: Record<string, string>;
  memoRequired: boolean;
};

export type ChainTransfer = {
  coin: string | null;
  /** Decimal string in whole coins (already divided by the token's decimals). */
  amount: string;
  from: string;
  to: string;
  /** Token contract for token transfers (ERC-20, TRC-20); null for the native coin. */
  tokenContract: string | null;
};

export type ChainTxLookup =
  | { found: false; network: NetworkId }
  | {
      found: true;
      network: NetworkId;
      txHash: string;
      status: 'pending' | 'confirmed' | 'failed';
      /** 0 while in the mempool. */
      confirmations: number;
      requiredConfirmations: number;
      blockNumber: number | null;
      blockTime: string | null;
      transfers: ChainTransfer[];
      /** Until requiredConfirmations, from the network's block time; 0 once reached. */
      estimatedSecondsLeft: number;
    };

export type ChainLookup = {
  lookupTransaction(network: NetworkId, txHash: string): Promise<ChainTxLookup>;
  /** The configured networks of the same family (e.g. the other EVM chains), for the wrong-network check. */
  siblingNetworks(network: NetworkId): NetworkId[];
  networkConfig(network: NetworkId): NetworkConfig | undefined;
};

/**
 * Why a lookup could not answer. The bot hands off either way; `not_configured` and `wrong_chain` are set-up mistakes
 * an admin must fix, the others are outages that may pass.
 */
export type ChainUnavailableReason =
  | 'not_configured'
  | 'unsupported'
  | 'wrong_chain'
  | 'timeout'
  | 'network'
  | 'server_error'
  | 'malformed_response';

export class ChainUnavailableError extends Error {
  override name = 'ChainUnavailableError';
  readonly reason: ChainUnavailableReason;
  constructor(message: string, reason: ChainUnavailableReason = 'network') {
    super(message);
    this.reason = reason;
  }
}
