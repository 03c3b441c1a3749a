import { type ChainTransfer, type ChainTxLookup, ChainUnavailableError, type NetworkConfig } from './chains.types.ts';

/** Long enough for a slow public node, short enough that a customer is not left waiting on the bot. */
export const DEFAULT_TIMEOUT_MS = 8000;

export type ChainHttpResponse = { status: number; body: unknown };

/**
 * Only the origin: RPC providers put the API key in the path or query (Infura, QuickNode, Alchemy), and these
 * messages end up in logs and hand-off notes.
 */
export function describeEndpoint(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * One HTTP call to a chain API with a deadline covering the body too. A 404 comes back to the caller (it means
 * "no such transaction" on Esplora); every other failure becomes a ChainUnavailableError that says what went wrong.
 */
export async function requestChainApi(
  network: NetworkConfig & { endpoint: string },
  path: string,
  options: { method?: 'GET' | 'POST'; json?: unknown; timeoutMs: number },
): Promise<ChainHttpResponse> {
  const url = network.endpoint.replace(/\/+$/, '') + path;
  const where = `${network.name} (${describeEndpoint(network.endpoint)})`;
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...network.headers,
      },
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw new ChainUnavailableError(`${where} did not answer within ${options.timeoutMs} ms`, 'timeout');
    }
    throw new ChainUnavailableError(`${where} could not be reached: ${describeCause(err)}`, 'network');
  }
  if (status === 404) return { status, body: null };
  if (status < 200 || status >= 300) {
    throw new ChainUnavailableError(`${where} answered HTTP ${status}`, 'server_error');
  }
  try {
    return { status, body: JSON.parse(text) };
  } catch {
    throw new ChainUnavailableError(`${where} sent a response that is not JSON`, 'malformed_response');
  }
}

export function malformed(network: NetworkConfig & { endpoint: string }, what: string): ChainUnavailableError {
  return new ChainUnavailableError(
    `${network.name} (${describeEndpoint(network.endpoint)}) sent an unexpected ${what}`,
    'malformed_response',
  );
}

function describeCause(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: string } | null)?.code;
  return code ?? (cause instanceof Error ? cause.message : String(cause));
}

/**
 * A transaction the chain knows, in the one shape every adapter returns: its status from its confirmations (none
 * while in the mempool) and the time left from the network's block time.
 */
export function foundTransaction(
  network: NetworkConfig,
  txHash: string,
  seen: {
    confirmations: number;
    failed: boolean;
    blockNumber: number | null;
    blockTime: string | null;
    transfers: ChainTransfer[];
  },
): ChainTxLookup {
  const { confirmations } = seen;
  const status = seen.failed
    ? 'failed'
    : confirmations > 0 && confirmations >= network.requiredConfirmations
      ? 'confirmed'
      : 'pending';
  return {
    found: true,
    network: network.id,
    txHash,
    status,
    confirmations,
    requiredConfirmations: network.requiredConfirmations,
    blockNumber: seen.blockNumber,
    blockTime: seen.blockTime,
    transfers: seen.transfers,
    estimatedSecondsLeft: status === 'pending' ? estimateSecondsLeft(network, confirmations) : 0,
  };
}

/** Remaining confirmations times the block time; 0 once reached. */
export function estimateSecondsLeft(network: NetworkConfig, confirmations: number): number {
  const left = Math.max(0, network.requiredConfirmations - confirmations);
  return Math.ceil(left * network.blockTimeSeconds);
}
