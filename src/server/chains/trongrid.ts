import { createHash } from 'node:crypto';
import { createBase58check, hex } from '@scure/base';
import { formatUnits } from 'viem';
import { z } from 'zod';
import type { ChainTransfer, ChainTxLookup, NetworkConfig } from './chains.types.ts';
import { foundTransaction, malformed, requestChainApi } from './http.ts';

const TXID = /^(?:0x)?[0-9a-fA-F]{64}$/;
const TRANSFER_SELECTOR = 'a9059cbb';
// keccak256("Transfer(address,address,uint256)"): the same event on TRC-20 as on ERC-20.
const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const TRX_DECIMALS = 6;

const base58check = createBase58check((data: Uint8Array) => createHash('sha256').update(data).digest());

/** TRON's hex form ("41" + 20 bytes, or the bare 20 bytes the VM logs) to the T… address customers see. */
export function tronAddressFromHex(hexAddress: string): string {
  const body = hexAddress.toLowerCase().replace(/^0x/, '');
  return base58check.encode(hex.decode(body.length === 40 ? `41${body}` : body));
}

// The last 20 bytes of a 32-byte ABI word or log topic.
function addressFromWord(word: string): string {
  return tronAddressFromHex(word.slice(-40));
}

// Field names and shapes from the TRON HTTP API (java-tron servlets, as served by TronGrid) with visible=false.
const contractValue = z.object({
  owner_address: z.string(),
  to_address: z.string().optional(),
  amount: z.number().optional(),
  contract_address: z.string().optional(),
  data: z.string().optional(),
});
const tronTx = z.object({
  txID: z.string(),
  ret: z.array(z.object({ contractRet: z.string().optional() })).optional(),
  raw_data: z.object({
    contract: z.array(z.object({ type: z.string(), parameter: z.object({ value: contractValue }) })),
  }),
});
const tronTxInfo = z.object({
  id: z.string(),
  blockNumber: z.number().int(),
  blockTimeStamp: z.number().int(),
  result: z.string().optional(),
  receipt: z.object({ result: z.string().optional() }).optional(),
  log: z
    .array(z.object({ address: z.string(), topics: z.array(z.string()).optional(), data: z.string().optional() }))
    .optional(),
});
const nowBlock = z.object({ block_header: z.object({ raw_data: z.object({ number: z.number().int() }) }) });
const constantResult = z.object({
  result: z.object({ result: z.boolean().optional() }).optional(),
  constant_result: z.array(z.string()).optional(),
});

const isEmpty = (body: unknown) => typeof body === 'object' && body !== null && Object.keys(body).length === 0;

/**
 * Looks transactions up through a TronGrid-compatible HTTP API: TRX transfers (TransferContract) and TRC-20 transfers
 * (TriggerSmartContract). The node answers an unknown id with `{}`, and a known one not yet in a block with `{}` for
 * its info.
 */
export function createTronLookup(network: NetworkConfig & { endpoint: string }, options: { timeoutMs: number }) {
  const decimalsByContract = new Map<string, number | null>();
  const post = (path: string, json: unknown) =>
    requestChainApi(network, path, { method: 'POST', json, timeoutMs: options.timeoutMs });

  // Null for a contract that answers no decimals(): not a TRC-20, so its "transfer" moves nothing we can price.
  async function tokenDecimals(contractHex: string): Promise<number | null> {
    const cached = decimalsByContract.get(contractHex);
    if (cached !== undefined) return cached;
    const response = await post('/wallet/triggerconstantcontract', {
      owner_address: contractHex,
      contract_address: contractHex,
      function_selector: 'decimals()',
      parameter: '',
    });
    const parsed = constantResult.safeParse(response.body);
    if (!parsed.success) throw malformed(network, 'decimals() answer');
    const word = parsed.data.constant_result?.[0];
    const decimals =
      parsed.data.result?.result === true && word && /^[0-9a-f]{1,64}$/i.test(word) ? Number.parseInt(word, 16) : null;
    decimalsByContract.set(contractHex, decimals);
    return decimals;
  }

  function coinOf(contract: string): string | null {
    return Object.entries(network.tokens).find(([, address]) => address === contract)?.[0] ?? null;
  }

  async function tokenTransfer(
    contractHex: string,
    from: string,
    to: string,
    raw: bigint,
  ): Promise<ChainTransfer | null> {
    const normalized = contractHex.length === 40 ? `41${contractHex}` : contractHex;
    const decimals = await tokenDecimals(normalized);
    if (decimals === null) return null;
    const contract = tronAddressFromHex(normalized);
    return { coin: coinOf(contract), amount: formatUnits(raw, decimals), from, to, tokenContract: contract };
  }

  // From the transaction itself: the whole story for TRX, and for a TRC-20 transfer still pending or reverted.
  async function intendedTransfers(tx: z.infer<typeof tronTx>): Promise<ChainTransfer[]> {
    const transfers: ChainTransfer[] = [];
    for (const contract of tx.raw_data.contract) {
      const value = contract.parameter.value;
      if (contract.type === 'TransferContract' && value.to_address && value.amount !== undefined) {
        transfers.push({
          coin: network.nativeCoin,
          amount: formatUnits(BigInt(value.amount), TRX_DECIMALS),
          from: tronAddressFromHex(value.owner_address),
          to: tronAddressFromHex(value.to_address),
          tokenContract: null,
        });
      } else if (
        contract.type === 'TriggerSmartContract' &&
        value.contract_address &&
        value.data?.toLowerCase().startsWith(TRANSFER_SELECTOR) &&
        value.data.length >= 8 + 128
      ) {
        const to = addressFromWord(value.data.slice(8, 72));
        const amount = BigInt(`0x${value.data.slice(72, 136)}`);
        const transfer = await tokenTransfer(
          value.contract_address,
          tronAddressFromHex(value.owner_address),
          to,
          amount,
        );
        if (transfer) transfers.push(transfer);
      }
    }
    return transfers;
  }

  // From the execution logs: what actually moved, including transfers made by a contract the sender called.
  async function executedTransfers(
    tx: z.infer<typeof tronTx>,
    info: z.infer<typeof tronTxInfo>,
  ): Promise<ChainTransfer[]> {
    const transfers = (await intendedTransfers(tx)).filter((t) => t.tokenContract === null);
    for (const log of info.log ?? []) {
      const topics = log.topics ?? [];
      if (topics.length !== 3 || topics[0].toLowerCase() !== TRANSFER_TOPIC || !log.data) continue;
      const transfer = await tokenTransfer(
        log.address,
        addressFromWord(topics[1]),
        addressFromWord(topics[2]),
        BigInt(`0x${log.data.slice(0, 64)}`),
      );
      if (transfer) transfers.push(transfer);
    }
    return transfers;
  }

  return async function lookupTronTransaction(txid: string): Promise<ChainTxLookup> {
    if (!TXID.test(txid)) return { found: false, network: network.id };
    const id = txid.toLowerCase().replace(/^0x/, '');
    const txResponse = await post('/wallet/gettransactionbyid', { value: id });
    if (txResponse.status === 404 || isEmpty(txResponse.body)) return { found: false, network: network.id };
    const parsedTx = tronTx.safeParse(txResponse.body);
    if (!parsedTx.success) throw malformed(network, 'transaction');
    const tx = parsedTx.data;

    const [infoResponse, nowResponse] = await Promise.all([
      post('/wallet/gettransactioninfobyid', { value: id }),
      post('/wallet/getnowblock', {}),
    ]);
    if (infoResponse.status === 404 || isEmpty(infoResponse.body)) {
      return foundTransaction(network, id, {
        confirmations: 0,
        failed: false,
        blockNumber: null,
        blockTime: null,
        transfers: await intendedTransfers(tx),
      });
    }
    const parsedInfo = tronTxInfo.safeParse(infoResponse.body);
    if (!parsedInfo.success) throw malformed(network, 'transaction info');
    const parsedNow = nowBlock.safeParse(nowResponse.body);
    if (!parsedNow.success) throw malformed(network, 'latest block');
    const info = parsedInfo.data;

    const confirmations = Math.max(1, parsedNow.data.block_header.raw_data.number - info.blockNumber + 1);
    const contractRet = tx.ret?.[0]?.contractRet;
    // TRX transfers carry no receipt result; a TRC-20 call that ran out of energy or reverted says so in two places.
    const failed =
      info.result === 'FAILED' ||
      (contractRet !== undefined && contractRet !== 'SUCCESS') ||
      (info.receipt?.result !== undefined && info.receipt.result !== 'SUCCESS');
    return foundTransaction(network, id, {
      confirmations,
      failed,
      blockNumber: info.blockNumber,
      blockTime: new Date(info.blockTimeStamp).toISOString(),
      transfers: failed ? await intendedTransfers(tx) : await executedTransfers(tx, info),
    });
  };
}
