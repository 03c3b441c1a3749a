import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Hash, type Hex, parseUnits } from 'viem';
import { createChainLookup } from '../../src/server/chains/chain-lookup.ts';
import { type ChainLookup, ChainUnavailableError } from '../../src/server/chains/chains.types.ts';
import { DEV_ACCOUNT, deployToken, type EvmNode, sendToken, startEvmNode, wallet } from '../helpers/evm-node.ts';

const CUSTOMER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('chain lookups on a real local EVM node', () => {
  let ethereum: EvmNode;
  let bsc: EvmNode;
  let chains: ChainLookup;
  let usdt: Hex;
  let otherToken: Hex;

  // Two nodes: "Ethereum" (chain id 31337) and "BSC" (chain id 56), to see a transaction on the wrong network.
  before(async () => {
    [ethereum, bsc] = await Promise.all([startEvmNode({ chainId: 31337 }), startEvmNode({ chainId: 56 })]);
    usdt = await deployToken(ethereum, 'Tether USD', 'USDT', 6);
    otherToken = await deployToken(ethereum, 'Some Token', 'SOME', 18);
    chains = createChainLookup({
      networks: {
        ERC20: { endpoint: ethereum.url, chainId: 31337, tokens: { USDT: usdt } },
        BEP20: { endpoint: bsc.url, chainId: 56 },
      },
    });
  });
  after(async () => {
    await Promise.all([ethereum?.stop(), bsc?.stop()]);
  });

  test('a USDT transfer goes from 2 of 12 confirmations (pending) to confirmed, in whole tokens', async () => {
    const hash = await sendToken(ethereum, usdt, CUSTOMER, parseUnits('250.5', 6));
    await ethereum.mine(1);

    const early = await chains.lookupTransaction('ERC20', hash);
    assert.equal(early.found, true);
    if (!early.found) return;
    assert.equal(early.status, 'pending');
    assert.equal(early.confirmations, 2);
    assert.equal(early.requiredConfirmations, 12);
    assert.equal(early.estimatedSecondsLeft, 10 * 12);
    assert.equal(early.txHash, hash);
    assert.equal(typeof early.blockNumber, 'number');
    assert.ok(early.blockTime && !Number.isNaN(Date.parse(early.blockTime)));
    assert.deepEqual(early.transfers, [
      { coin: 'USDT', amount: '250.5', from: DEV_ACCOUNT, to: CUSTOMER, tokenContract: usdt },
    ]);

    await ethereum.mine(10);
    const settled = await chains.lookupTransaction('ERC20', hash);
    assert.equal(settled.found && settled.status, 'confirmed');
    assert.equal(settled.found && settled.confirmations, 12);
    assert.equal(settled.found && settled.estimatedSecondsLeft, 0);
  });

  test('a native ETH transfer reports its value, sender and recipient', async () => {
    const hash = await wallet(ethereum).sendTransaction({ to: CUSTOMER, value: parseUnits('0.75', 18), chain: null });
    const result = await chains.lookupTransaction('ERC20', hash);
    assert.equal(result.found && result.confirmations, 1);
    assert.deepEqual(result.found && result.transfers, [
      { coin: 'ETH', amount: '0.75', from: DEV_ACCOUNT, to: CUSTOMER, tokenContract: null },
    ]);
  });

  test('a token the network does not list has coin null and is scaled by its own decimals', async () => {
    const hash = await sendToken(ethereum, otherToken, CUSTOMER, parseUnits('1.25', 18));
    const result = await chains.lookupTransaction('ERC20', hash);
    assert.deepEqual(result.found && result.transfers, [
      { coin: null, amount: '1.25', from: DEV_ACCOUNT, to: CUSTOMER, tokenContract: otherToken },
    ]);
  });

  test('a transfer still in the mempool has 0 confirmations and is read from its calldata', async () => {
    await ethereum.setAutomine(false);
    try {
      const hash = await sendToken(ethereum, usdt, CUSTOMER, parseUnits('42', 6), { gas: 100_000n });
      const waiting = await chains.lookupTransaction('ERC20', hash);
      assert.equal(waiting.found && waiting.status, 'pending');
      assert.equal(waiting.found && waiting.confirmations, 0);
      assert.equal(waiting.found && waiting.blockNumber, null);
      assert.equal(waiting.found && waiting.estimatedSecondsLeft, 12 * 12);
      assert.deepEqual(waiting.found && waiting.transfers, [
        { coin: 'USDT', amount: '42', from: DEV_ACCOUNT, to: CUSTOMER, tokenContract: usdt },
      ]);

      await ethereum.mine(1);
      const mined = await chains.lookupTransaction('ERC20', hash);
      assert.equal(mined.found && mined.confirmations, 1);
    } finally {
      await ethereum.setAutomine(true);
    }
  });

  test('a reverted transfer is failed, shows what it tried to send, and has nothing left to wait for', async () => {
    await ethereum.setAutomine(false);
    let hash: Hash;
    try {
      // More than the whole supply: TestToken's require() reverts it once mined.
      hash = await sendToken(ethereum, usdt, CUSTOMER, parseUnits('999999999', 6), { gas: 100_000n });
      await ethereum.mine(1);
    } finally {
      await ethereum.setAutomine(true);
    }
    const result = await chains.lookupTransaction('ERC20', hash);
    assert.equal(result.found && result.status, 'failed');
    assert.equal(result.found && result.estimatedSecondsLeft, 0);
    assert.deepEqual(result.found && result.transfers, [
      { coin: 'USDT', amount: '999999999', from: DEV_ACCOUNT, to: CUSTOMER, tokenContract: usdt },
    ]);
  });

  test('a transaction sent on one EVM network is not found on a sibling network', async () => {
    const hash = await sendToken(ethereum, usdt, CUSTOMER, parseUnits('5', 6));
    assert.equal((await chains.lookupTransaction('ERC20', hash)).found, true);
    assert.deepEqual(await chains.lookupTransaction('BEP20', hash), { found: false, network: 'BEP20' });
    assert.deepEqual(chains.siblingNetworks('ERC20'), ['BEP20']);
    assert.deepEqual(chains.siblingNetworks('BEP20'), ['ERC20']);
  });

  test('an unknown transaction hash is not found', async () => {
    const result = await chains.lookupTransaction('ERC20', `0x${'ab'.repeat(32)}`);
    assert.deepEqual(result, { found: false, network: 'ERC20' });
  });

  test('an endpoint on another chain than configured is a configuration error, not "not found"', async () => {
    // Polygon's default chain id is 137; this node is 31337.
    const misconfigured = createChainLookup({ networks: { POLYGON: { endpoint: ethereum.url } } });
    await assert.rejects(misconfigured.lookupTransaction('POLYGON', `0x${'cd'.repeat(32)}`), (err) => {
      assert.ok(err instanceof ChainUnavailableError);
      assert.equal(err.reason, 'wrong_chain');
      assert.match(err.message, /chain id 31337.*configured for chain id 137/);
      return true;
    });
  });
});
