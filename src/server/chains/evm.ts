import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  createPublicClient,
  decodeFunctionData,
  erc20Abi,
  formatUnits,
  getAddress,
  type Hash,
  HttpRequestError,
  http,
  parseEventLogs,
  TimeoutError,
  type Transaction,
  TransactionNotFoundError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from 'viem';
import { type ChainTransfer, type ChainTxLookup, ChainUnavailableError, type NetworkConfig } from './chains.types.ts';
import { describeEndpoint, foundTransaction } from './http.ts';

const EVM_TX_HASH = /^0x[0-9a-fA-F]{64}$/;

/** Looks transactions up on one EVM network through its JSON-RPC endpoint. */
export function createEvmLookup(network: NetworkConfig & { endpoint: string }, options: { timeoutMs: number }) {
  const where = `${network.name} (${describeEndpoint(network.endpoint)})`;
  const client = createPublicClient({
    transport: http(network.endpoint, {
      timeout: options.timeoutMs,
      // The bot answers a waiting customer: one quick retry (a node that dropped a kept-alive connection answers the
      // second time), then hand off, rather than viem's three retries with back-off.
      retryCount: 1,
      retryDelay: 100,
      fetchOptions: network.headers ? { headers: network.headers } : undefined,
    }),
  });
  // Token decimals never change, so each contract is asked once; null marks a contract that is not an ERC-20.
  const decimalsByContract = new Map<string, number | null>();
  let chainVerified = false;

  // A node on another chain would answer "not found" for every deposit, which the bot would repeat to customers as
  // fact: refuse to answer instead, and say why.
  async function verifyChain(): Promise<void> {
    if (chainVerified || network.chainId === undefined) return;
    const actual = await client.getChainId();
    if (actual !== network.chainId) {
      throw new ChainUnavailableError(
        `${where} is on chain id ${actual}, but ${network.id} is configured for chain id ${network.chainId}: fix the endpoint`,
        'wrong_chain',
      );
    }
    chainVerified = true;
  }

  async function tokenDecimals(contract: string): Promise<number | null> {
    const cached = decimalsByContract.get(contract);
    if (cached !== undefined) return cached;
    let decimals: number | null;
    try {
      decimals = await client.readContract({ address: contract as Hash, abi: erc20Abi, functionName: 'decimals' });
    } catch (err) {
      const notAToken =
        err instanceof BaseError &&
        err.walk((e) => e instanceof ContractFunctionZeroDataError || e instanceof ContractFunctionRevertedError);
      if (!notAToken) throw err;
      decimals = null;
    }
    decimalsByContract.set(contract, decimals);
    return decimals;
  }

  function coinOf(contract: string): string | null {
    const match = Object.entries(network.tokens).find(
      ([, address]) => address.toLowerCase() === contract.toLowerCase(),
    );
    return match?.[0] ?? null;
  }

  async function tokenTransfer(contract: string, from: string, to: string, raw: bigint): Promise<ChainTransfer | null> {
    const decimals = await tokenDecimals(contract);
    if (decimals === null) return null;
    return {
      coin: coinOf(contract),
      amount: formatUnits(raw, decimals),
      from: getAddress(from),
      to: getAddress(to),
      tokenContract: getAddress(contract),
    };
  }

  function nativeTransfer(tx: Transaction): ChainTransfer[] {
    if (tx.value === 0n || !tx.to) return [];
    return [
      {
        coin: network.nativeCoin,
        amount: formatUnits(tx.value, 18),
        from: getAddress(tx.from),
        to: getAddress(tx.to),
        tokenContract: null,
      },
    ];
  }

  // What the transaction asks for (its calldata): all there is while it waits in the mempool or after it reverted.
  async function intendedTransfers(tx: Transaction): Promise<ChainTransfer[]> {
    const transfers = nativeTransfer(tx);
    if (!tx.to || tx.input.length < 10) return transfers;
    let call: ReturnType<typeof decodeFunctionData<typeof erc20Abi>>;
    try {
      call = decodeFunctionData({ abi: erc20Abi, data: tx.input });
    } catch {
      return transfers;
    }
    const contract = getAddress(tx.to);
    let transfer: ChainTransfer | null = null;
    if (call.functionName === 'transfer') {
      transfer = await tokenTransfer(contract, tx.from, call.args[0], call.args[1]);
    } else if (call.functionName === 'transferFrom') {
      transfer = await tokenTransfer(contract, call.args[0], call.args[1], call.args[2]);
    }
    return transfer ? [...transfers, transfer] : transfers;
  }

  // What actually moved: the native value plus every ERC-20 Transfer event, including those of contracts the
  // transaction called indirectly (routers, multisigs, exchange hot wallets batching withdrawals).
  async function executedTransfers(tx: Transaction, receipt: TransactionReceipt): Promise<ChainTransfer[]> {
    const transfers = nativeTransfer(tx);
    const events = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: receipt.logs });
    for (const event of events) {
      const transfer = await tokenTransfer(getAddress(event.address), event.args.from, event.args.to, event.args.value);
      if (transfer) transfers.push(transfer);
    }
    return transfers;
  }

  async function lookup(txHash: string): Promise<ChainTxLookup> {
    if (!EVM_TX_HASH.test(txHash)) return { found: false, network: network.id };
    const hash = txHash.toLowerCase() as Hash;
    await verifyChain();
    let tx: Transaction;
    try {
      tx = await client.getTransaction({ hash });
    } catch (err) {
      if (err instanceof BaseError && err.walk((e) => e instanceof TransactionNotFoundError)) {
        return { found: false, network: network.id };
      }
      throw err;
    }
    if (tx.blockNumber === null) {
      return foundTransaction(network, hash, {
        confirmations: 0,
        failed: false,
        blockNumber: null,
        blockTime: null,
        transfers: await intendedTransfers(tx),
      });
    }
    const [receipt, latest, block] = await Promise.all([
      client.getTransactionReceipt({ hash }).catch((err) => {
        // A node can serve the mined transaction a moment before its receipt is indexed.
        if (err instanceof BaseError && err.walk((e) => e instanceof TransactionReceiptNotFoundError)) return null;
        throw err;
      }),
      client.getBlockNumber({ cacheTime: 0 }),
      client.getBlock({ blockNumber: tx.blockNumber }),
    ]);
    // A load-balanced endpoint can answer from a node a block behind: never report fewer than one confirmation.
    const confirmations = Math.max(1, Number(latest - tx.blockNumber) + 1);
    const failed = receipt?.status === 'reverted';
    return foundTransaction(network, hash, {
      confirmations,
      failed,
      blockNumber: Number(tx.blockNumber),
      blockTime: new Date(Number(block.timestamp) * 1000).toISOString(),
      transfers: receipt && !failed ? await executedTransfers(tx, receipt) : await intendedTransfers(tx),
    });
  }

  return async function lookupEvmTransaction(txHash: string): Promise<ChainTxLookup> {
    try {
      return await lookup(txHash);
    } catch (err) {
      throw toUnavailable(err, where, options.timeoutMs);
    }
  };
}

function toUnavailable(err: unknown, where: string, timeoutMs: number): ChainUnavailableError {
  if (err instanceof ChainUnavailableError) return err;
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof TimeoutError)) {
      return new ChainUnavailableError(`${where} did not answer within ${timeoutMs} ms`, 'timeout');
    }
    const httpError = err.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null;
    if (httpError?.status) {
      return new ChainUnavailableError(`${where} answered HTTP ${httpError.status}`, 'server_error');
    }
    if (httpError) return new ChainUnavailableError(`${where} could not be reached`, 'network');
    return new ChainUnavailableError(`${where} failed: ${err.shortMessage}`, 'server_error');
  }
  return new ChainUnavailableError(
    `${where} failed: ${err instanceof Error ? err.message : String(err)}`,
    'server_error',
  );
}
