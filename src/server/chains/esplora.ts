import { formatUnits } from 'viem';
import { z } from 'zod';
import type { ChainTransfer, ChainTxLookup, NetworkConfig } from './chains.types.ts';
import { foundTransaction, malformed, requestChainApi } from './http.ts';

const TXID = /^[0-9a-fA-F]{64}$/;

// Only the fields we read (Blockstream's esplora API.md, "Transaction format"); amounts are in satoshis.
const output = z.object({ scriptpubkey_address: z.string().optional(), value: z.number().int().nonnegative() });
const esploraTx = z.object({
  txid: z.string(),
  vin: z.array(z.object({ is_coinbase: z.boolean().optional(), prevout: output.nullable().optional() })),
  vout: z.array(output),
  status: z.object({
    confirmed: z.boolean(),
    block_height: z.number().int().optional(),
    block_time: z.number().int().optional(),
  }),
});

/**
 * Looks transactions up through an Esplora-compatible REST API (Blockstream's esplora, mempool.space's /api, and their
 * Litecoin counterparts). GET /tx/:txid already carries the confirmation status, so /tx/:txid/status is not needed.
 */
export function createEsploraLookup(network: NetworkConfig & { endpoint: string }, options: { timeoutMs: number }) {
  return async function lookupEsploraTransaction(txid: string): Promise<ChainTxLookup> {
    if (!TXID.test(txid)) return { found: false, network: network.id };
    const id = txid.toLowerCase();
    const response = await requestChainApi(network, `/tx/${id}`, { timeoutMs: options.timeoutMs });
    if (response.status === 404) return { found: false, network: network.id };
    const parsed = esploraTx.safeParse(response.body);
    if (!parsed.success) throw malformed(network, 'transaction');
    const tx = parsed.data;

    let confirmations = 0;
    if (tx.status.confirmed) {
      if (tx.status.block_height === undefined) throw malformed(network, 'transaction status');
      const tip = await requestChainApi(network, '/blocks/tip/height', { timeoutMs: options.timeoutMs });
      if (typeof tip.body !== 'number' || !Number.isInteger(tip.body)) throw malformed(network, 'tip height');
      // A lagging backend behind a load balancer can report a tip below the block: it is still mined.
      confirmations = Math.max(1, tip.body - tx.status.block_height + 1);
    }

    // Bitcoin has no single sender: the first input's address is the one a customer recognises as "from".
    const from = tx.vin.find((input) => input.prevout?.scriptpubkey_address)?.prevout?.scriptpubkey_address ?? '';
    const transfers: ChainTransfer[] = tx.vout
      .filter((out) => out.scriptpubkey_address !== undefined)
      .map((out) => ({
        coin: network.nativeCoin,
        amount: formatUnits(BigInt(out.value), 8),
        from,
        to: out.scriptpubkey_address as string,
        tokenContract: null,
      }));
    return foundTransaction(network, id, {
      confirmations,
      failed: false,
      blockNumber: tx.status.block_height ?? null,
      blockTime: tx.status.block_time === undefined ? null : new Date(tx.status.block_time * 1000).toISOString(),
      transfers,
    });
  };
}
