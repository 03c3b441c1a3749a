import type { NetworkId } from '../chains/network-ids.ts';
import type { ChainTransfer, ChainTxLookup, NetworkConfig } from '../chains/chains.types.ts';
import type { DepositAddress, ExchangeDeposit } from '../exchange/exchange.types.ts';

/**
 * What the facts say about a deposit the customer says has not arrived. A pure function of the on-chain lookup, the
 * customer's deposit addresses and the exchange's own record, so every branch is a table-driven test.
 */
export type DepositFinding =
  | { kind: 'not_found'; network: NetworkId }
  | { kind: 'wrong_network'; network: NetworkId; foundOn: NetworkId }
  | { kind: 'failed_on_chain'; network: NetworkId }
  | { kind: 'not_user_address'; network: NetworkId; to: string[] }
  | { kind: 'pending'; network: NetworkId; confirmations: number; required: number; etaSeconds: number }
  | { kind: 'credited'; network: NetworkId; amount: string; coin: string; creditedAt: string | null }
  | { kind: 'below_minimum'; network: NetworkId; amount: string; coin: string; minimum: string }
  | { kind: 'memo_missing'; network: NetworkId }
  | { kind: 'confirmed_not_credited'; network: NetworkId; amount: string; coin: string; confirmations: number }
  /** Confirmed on chain, but the customer is not signed in: nobody can check the crediting without a human. */
  | { kind: 'confirmed_unverified'; network: NetworkId; amount: string; coin: string | null; confirmations: number };

export type DepositFacts = {
  network: NetworkId;
  coin: string;
  lookup: ChainTxLookup;
  /** The first sibling network (same family) on which the hash was found, when not found on `network`. */
  foundOnSibling: NetworkId | null;
  config: Pick<NetworkConfig, 'minDeposit' | 'memoRequired' | 'tokens' | 'nativeCoin'>;
  /** null when the customer is not linked to an exchange account. */
  depositAddresses: DepositAddress[] | null;
  exchangeDeposit: ExchangeDeposit | null;
  /** The memo/tag the transfer carried, for memo networks (XRP, TON…); undefined when the chain has no memo. */
  transferMemo?: string | null;
};

export function assessDeposit(f: DepositFacts): DepositFinding {
  const { network } = f;
  const lookup = f.lookup;
  if (!lookup.found) {
    return f.foundOnSibling
      ? { kind: 'wrong_network', network, foundOn: f.foundOnSibling }
      : { kind: 'not_found', network };
  }
  if (lookup.status === 'failed') return { kind: 'failed_on_chain', network };

  const ofCoin = lookup.transfers.filter((t) => transferIsCoin(t, f.coin, f.config));
  const candidates = ofCoin.length > 0 ? ofCoin : lookup.transfers;
  const mine = f.depositAddresses
    ? candidates.filter((t) =>
        f.depositAddresses!.some((a) => a.network === network && sameAddress(a.address, t.to, network)),
      )
    : candidates;
  if (f.depositAddresses && mine.length === 0) {
    return { kind: 'not_user_address', network, to: [...new Set(candidates.map((t) => t.to))] };
  }
  const transfer = mine[0];
  const amount = sumAmounts(mine);
  const coin = transfer?.coin ?? f.coin;

  if (lookup.status === 'pending' || lookup.confirmations < lookup.requiredConfirmations) {
    return {
      kind: 'pending',
      network,
      confirmations: lookup.confirmations,
      required: lookup.requiredConfirmations,
      etaSeconds: lookup.estimatedSecondsLeft,
    };
  }
  if (f.exchangeDeposit?.status === 'credited') {
    return {
      kind: 'credited',
      network,
      amount: f.exchangeDeposit.amount,
      coin,
      creditedAt: f.exchangeDeposit.creditedAt,
    };
  }
  if (!f.depositAddresses) {
    return {
      kind: 'confirmed_unverified',
      network,
      amount,
      coin: transfer?.coin ?? null,
      confirmations: lookup.confirmations,
    };
  }
  if (f.config.memoRequired) {
    const expected = f.depositAddresses.find((a) => a.network === network && a.memo)?.memo;
    if (expected && f.transferMemo !== expected) return { kind: 'memo_missing', network };
  }
  const minimum = f.config.minDeposit[coin];
  if (minimum !== undefined && compareDecimals(amount, minimum) < 0) {
    return { kind: 'below_minimum', network, amount, coin, minimum };
  }
  return { kind: 'confirmed_not_credited', network, amount, coin, confirmations: lookup.confirmations };
}

/**
 * What the exchange's own record of a deposit says when the chain cannot be asked (no endpoint for the network, or
 * an outage): its node counts confirmations too. Null when the record alone settles nothing (failed, or pending
 * without confirmation counts), so the details go to a human.
 */
export function assessExchangeDeposit(
  deposit: ExchangeDeposit,
  config: Pick<NetworkConfig, 'minDeposit' | 'blockTimeSeconds'> | undefined,
): DepositFinding | null {
  const network = deposit.network as NetworkId;
  if (deposit.status === 'credited') {
    return { kind: 'credited', network, amount: deposit.amount, coin: deposit.coin, creditedAt: deposit.creditedAt };
  }
  const { confirmations, requiredConfirmations: required } = deposit;
  // Without the network's block time there is no honest time left to give.
  if (deposit.status !== 'pending' || !config) return null;
  if (typeof confirmations !== 'number' || typeof required !== 'number') return null;
  if (confirmations < required) {
    const etaSeconds = Math.ceil((required - confirmations) * config.blockTimeSeconds);
    return { kind: 'pending', network, confirmations, required, etaSeconds };
  }
  const minimum = config.minDeposit[deposit.coin];
  if (minimum !== undefined && compareDecimals(deposit.amount, minimum) < 0) {
    return { kind: 'below_minimum', network, amount: deposit.amount, coin: deposit.coin, minimum };
  }
  return { kind: 'confirmed_not_credited', network, amount: deposit.amount, coin: deposit.coin, confirmations };
}

function transferIsCoin(t: ChainTransfer, coin: string, config: DepositFacts['config']): boolean {
  if (t.coin) return t.coin.toUpperCase() === coin.toUpperCase();
  const contract = config.tokens[coin.toUpperCase()];
  if (contract && t.tokenContract) return contract.toLowerCase() === t.tokenContract.toLowerCase();
  return !t.tokenContract && config.nativeCoin.toUpperCase() === coin.toUpperCase();
}

/** EVM addresses compare without case (checksums are case); base58/bech32 addresses are case-sensitive. */
function sameAddress(a: string, b: string, network: string): boolean {
  return /^0x/i.test(a) || /^(ERC20|BEP20|POLYGON|ARBITRUM|OPTIMISM|BASE|AVAXC)$/.test(network)
    ? a.toLowerCase() === b.toLowerCase()
    : a === b;
}

function sumAmounts(transfers: ChainTransfer[]): string {
  if (transfers.length === 0) return '0';
  if (transfers.length === 1) return transfers[0].amount;
  return addDecimals(transfers.map((t) => t.amount));
}

/** Exact decimal arithmetic on strings via scaled bigints: money is never a float. */
function toScaled(value: string, scale: number): bigint {
  const [whole, fraction = ''] = value.split('.');
  return BigInt(`${whole || '0'}${fraction.padEnd(scale, '0').slice(0, scale)}`);
}

function scaleOf(values: string[]): number {
  return Math.max(0, ...values.map((v) => (v.split('.')[1] ?? '').length));
}

export function compareDecimals(a: string, b: string): number {
  const scale = scaleOf([a, b]);
  const x = toScaled(a, scale);
  const y = toScaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDecimals(values: string[]): string {
  const scale = scaleOf(values);
  const total = values
    .reduce((sum, v) => sum + toScaled(v, scale), 0n)
    .toString()
    .padStart(scale + 1, '0');
  if (scale === 0) return total;
  const fraction = total.slice(-scale).replace(/0+$/, '');
  return fraction ? `${total.slice(0, -scale)}.${fraction}` : total.slice(0, -scale);
}
