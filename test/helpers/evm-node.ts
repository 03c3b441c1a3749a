import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Abi, createPublicClient, createWalletClient, getAddress, type Hex, http, parseUnits } from 'viem';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HARDHAT_CLI = path.join(ROOT, 'node_modules/hardhat/internal/cli/bootstrap.js');

/** The first of hardhat's publicly known, pre-funded and unlocked development accounts. */
export const DEV_ACCOUNT = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' as const;

export type EvmNode = {
  url: string;
  chainId: number;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Mines `blocks` empty blocks at once (hardhat_mine), so confirmations move without waiting. */
  mine(blocks: number): Promise<void>;
  /** Off: sent transactions wait in the mempool until the next mine(). */
  setAutomine(on: boolean): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A real local EVM node (hardhat 2, offline, in-memory) on a free port, configured by hardhat.config.cjs at the repo
 * root. Resolves once it answers JSON-RPC. Runs under the same Node as the tests (process.execPath).
 */
export async function startEvmNode(options: { chainId?: number; startTimeoutMs?: number } = {}): Promise<EvmNode> {
  const chainId = options.chainId ?? 31337;
  const child = spawn(process.execPath, [HARDHAT_CLI, 'node', '--hostname', '127.0.0.1', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, HARDHAT_CHAIN_ID: String(chainId), HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let url: string;
  try {
    url = await waitForListening(child, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  let id = 0;
  async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }

  const answered = Number.parseInt(await rpc<string>('eth_chainId'), 16);
  if (answered !== chainId) throw new Error(`hardhat node answered chain id ${answered}, expected ${chainId}`);

  return {
    url,
    chainId,
    rpc,
    mine: async (blocks) => {
      await rpc('hardhat_mine', [`0x${blocks.toString(16)}`]);
    },
    setAutomine: async (on) => {
      await rpc('evm_setAutomine', [on]);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// hardhat prints the address it bound (port 0 → a free port chosen by the OS) once its server listens.
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`hardhat node did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/JSON-RPC server at (http:\/\/127\.0\.0\.1:\d+)\/?/);
      if (match) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`hardhat node exited with code ${code}:\n${output}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining so a chatty node never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    }
    function fail(err: Error) {
      cleanup();
      reject(err);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', onExit);
  });
}

// A minimal ERC-20 (test/fixtures/chains/TestToken.sol), precompiled: the tests deploy bytes, they compile nothing.
const TOKEN = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/chains/test-token.json'), 'utf8')) as {
  abi: Abi;
  bytecode: Hex;
};

export function wallet(node: EvmNode) {
  return createWalletClient({ account: DEV_ACCOUNT, transport: http(node.url) });
}

export async function deployToken(node: EvmNode, name: string, symbol: string, decimals: number): Promise<Hex> {
  const hash = await wallet(node).deployContract({
    abi: TOKEN.abi,
    bytecode: TOKEN.bytecode,
    args: [name, symbol, decimals, parseUnits('1000000', decimals)],
    chain: null,
  });
  // Automining: the deployment is in a block as soon as it is sent.
  const receipt = await createPublicClient({ transport: http(node.url) }).getTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error('the token was not deployed');
  return getAddress(receipt.contractAddress);
}

export function sendToken(node: EvmNode, token: Hex, to: string, amount: bigint, options: { gas?: bigint } = {}) {
  return wallet(node).writeContract({
    address: token,
    abi: TOKEN.abi,
    functionName: 'transfer',
    args: [to, amount],
    chain: null,
    ...options,
  });
}
