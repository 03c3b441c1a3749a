import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NetworkId } from '../../src/server/chains/network-ids.ts';
import { createChainLookup, createOrgChainLookups } from '../../src/server/chains/chain-lookup.ts';
import { ChainUnavailableError } from '../../src/server/chains/chains.types.ts';
import { estimateSecondsLeft } from '../../src/server/chains/http.ts';
import {
  DEFAULT_NETWORKS,
  mergeNetworkOverrides,
  networkOverridesFromEnv,
  networkOverridesFromSettings,
  resolveNetworks,
} from '../../src/server/chains/networks.ts';
import { tronAddressFromHex } from '../../src/server/chains/trongrid.ts';
import { ConfigError } from '../../src/server/config.ts';

describe('network defaults', () => {
  const cases: [
    NetworkId,
    { confirmations: number; native: string; chainId?: number; memo: boolean; usdt?: string },
  ][] = [
    [
      'ERC20',
      { confirmations: 12, native: 'ETH', chainId: 1, memo: false, usdt: '0xdAC17F958D2ee523a2206206994597C13D831ec7' },
    ],
    [
      'BEP20',
      {
        confirmations: 15,
        native: 'BNB',
        chainId: 56,
        memo: false,
        usdt: '0x55d398326f99059fF775485246999027B3197955',
      },
    ],
    ['POLYGON', { confirmations: 128, native: 'POL', chainId: 137, memo: false }],
    ['ARBITRUM', { confirmations: 20, native: 'ETH', chainId: 42161, memo: false }],
    ['OPTIMISM', { confirmations: 20, native: 'ETH', chainId: 10, memo: false }],
    ['BASE', { confirmations: 20, native: 'ETH', chainId: 8453, memo: false }],
    ['AVAXC', { confirmations: 12, native: 'AVAX', chainId: 43114, memo: false }],
    ['TRC20', { confirmations: 20, native: 'TRX', memo: false, usdt: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }],
    ['BTC', { confirmations: 2, native: 'BTC', memo: false }],
    ['XRP', { confirmations: 1, native: 'XRP', memo: true }],
    ['TON', { confirmations: 1, native: 'TON', memo: true }],
  ];
  for (const [id, expected] of cases) {
    test(`${id} needs ${expected.confirmations} confirmations of ${expected.native}${expected.memo ? ' and a memo' : ''}`, () => {
      const network = DEFAULT_NETWORKS[id];
      assert.equal(network.id, id);
      assert.equal(network.requiredConfirmations, expected.confirmations);
      assert.equal(network.nativeCoin, expected.native);
      assert.equal(network.chainId, expected.chainId);
      assert.equal(network.memoRequired, expected.memo);
      if (expected.usdt) assert.equal(network.tokens.USDT, expected.usdt);
      assert.equal(network.endpoint, undefined);
    });
  }

  test('every EVM network has its own chain id', () => {
    const evm = Object.values(DEFAULT_NETWORKS).filter((n) => n.family === 'evm');
    assert.equal(new Set(evm.map((n) => n.chainId)).size, evm.length);
  });
});

describe('network overrides', () => {
  test('an override changes its fields and adds tokens without dropping the default ones', () => {
    const networks = resolveNetworks({
      ERC20: {
        endpoint: 'https://rpc.example',
        requiredConfirmations: 32,
        tokens: { PYUSD: '0x6c3ea9036406852006290770BEdFcAbA0e23A0e8' },
      },
    });
    assert.equal(networks.ERC20.endpoint, 'https://rpc.example');
    assert.equal(networks.ERC20.requiredConfirmations, 32);
    assert.equal(networks.ERC20.blockTimeSeconds, 12);
    assert.equal(networks.ERC20.tokens.USDT, DEFAULT_NETWORKS.ERC20.tokens.USDT);
    assert.equal(networks.ERC20.tokens.PYUSD, '0x6c3ea9036406852006290770BEdFcAbA0e23A0e8');
    assert.equal(networks.BEP20.endpoint, undefined);
  });

  test('later layers win field by field (organization settings over the environment)', () => {
    const merged = mergeNetworkOverrides(
      { BTC: { endpoint: 'https://esplora.internal/api', requiredConfirmations: 3 } },
      { BTC: { requiredConfirmations: 6 } },
    );
    assert.deepEqual(resolveNetworks(merged).BTC.endpoint, 'https://esplora.internal/api');
    assert.equal(resolveNetworks(merged).BTC.requiredConfirmations, 6);
  });

  test('KEFU_CHAIN_* variables set endpoints, confirmations, chain ids and the TronGrid key', () => {
    const overrides = networkOverridesFromEnv({
      KEFU_CHAIN_ERC20_URL: 'https://mainnet.example/v3/key',
      KEFU_CHAIN_ERC20_CONFIRMATIONS: '20',
      KEFU_CHAIN_BEP20_CHAIN_ID: '97',
      KEFU_CHAIN_TRC20_URL: 'https://api.trongrid.io',
      KEFU_CHAIN_TRC20_API_KEY: 'k',
    });
    assert.deepEqual(overrides, {
      ERC20: { endpoint: 'https://mainnet.example/v3/key', requiredConfirmations: 20 },
      BEP20: { chainId: 97 },
      TRC20: { endpoint: 'https://api.trongrid.io', headers: { 'TRON-PRO-API-KEY': 'k' } },
    });
  });

  const badEnv: [string, Record<string, string>, RegExp][] = [
    ['a URL that is not http(s)', { KEFU_CHAIN_BTC_URL: 'ftp://x' }, /KEFU_CHAIN_BTC_URL/],
    [
      'confirmations that are not a whole number',
      { KEFU_CHAIN_BTC_CONFIRMATIONS: 'two' },
      /KEFU_CHAIN_BTC_CONFIRMATIONS/,
    ],
    ['a chain id of 0', { KEFU_CHAIN_BASE_CHAIN_ID: '0' }, /KEFU_CHAIN_BASE_CHAIN_ID/],
  ];
  for (const [name, env, message] of badEnv) {
    test(`${name} stops the start with a message naming the variable`, () => {
      assert.throws(
        () => networkOverridesFromEnv(env),
        (err) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  test('organization settings are validated and a bad field is named', () => {
    assert.deepEqual(networkOverridesFromSettings({ XRP: { requiredConfirmations: 2 } }), {
      XRP: { requiredConfirmations: 2 },
    });
    assert.deepEqual(networkOverridesFromSettings(undefined), {});
    assert.throws(
      () => networkOverridesFromSettings({ ERC20: { requiredConfirmations: -1 } }),
      (err) => err instanceof ConfigError && /settings\.chains\.ERC20\.requiredConfirmations/.test(err.message),
    );
    assert.throws(() => networkOverridesFromSettings({ DOGECOIN: {} }), ConfigError);
    assert.throws(() => networkOverridesFromSettings({ BTC: { endpont: 'https://typo' } }), ConfigError);
  });
});

describe('the chain lookup without endpoints', () => {
  const chains = createChainLookup({
    networks: {
      ERC20: { endpoint: 'http://127.0.0.1:1' },
      ARBITRUM: { endpoint: 'http://127.0.0.1:2' },
      SOL: { endpoint: 'http://127.0.0.1:3' },
    },
  });

  test('a network without an endpoint is unavailable (not_configured), never guessed', async () => {
    await assert.rejects(chains.lookupTransaction('BASE', `0x${'1'.repeat(64)}`), (err) => {
      assert.ok(err instanceof ChainUnavailableError);
      assert.equal(err.reason, 'not_configured');
      assert.match(err.message, /Base \(BASE\)/);
      return true;
    });
  });

  test('a network kefu cannot read yet is unavailable (unsupported) even with an endpoint', async () => {
    await assert.rejects(chains.lookupTransaction('SOL', '5'.repeat(88)), (err) => {
      return err instanceof ChainUnavailableError && err.reason === 'unsupported';
    });
  });

  test('sibling networks are the other configured networks of the same family', () => {
    assert.deepEqual(chains.siblingNetworks('ERC20'), ['ARBITRUM']);
    assert.deepEqual(chains.siblingNetworks('BASE'), ['ERC20', 'ARBITRUM']);
    assert.deepEqual(chains.siblingNetworks('BTC'), []);
    assert.equal(chains.networkConfig('ARBITRUM')?.chainId, 42161);
  });
});

describe('small conversions', () => {
  const addresses: [string, string][] = [
    ['41a614f803b6fd780986a42c78ec9c7f77e6ded13c', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'],
    ['a614f803b6fd780986a42c78ec9c7f77e6ded13c', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'],
    ['0x41A614F803B6FD780986A42C78EC9C7F77E6DED13C', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'],
  ];
  for (const [hexAddress, base58] of addresses) {
    test(`TRON hex ${hexAddress.slice(0, 8)}… is ${base58}`, () => {
      assert.equal(tronAddressFromHex(hexAddress), base58);
    });
  }

  const waits: [number, number, number, number][] = [
    // [required, blockTimeSeconds, confirmations, seconds left]
    [12, 12, 2, 120],
    [12, 12, 12, 0],
    [12, 12, 30, 0],
    [15, 0.75, 0, 12],
    [2, 600, 1, 600],
  ];
  for (const [required, blockTime, confirmations, left] of waits) {
    test(`${confirmations} of ${required} confirmations at ${blockTime}s a block leaves ${left}s`, () => {
      const network = { ...DEFAULT_NETWORKS.ERC20, requiredConfirmations: required, blockTimeSeconds: blockTime };
      assert.equal(estimateSecondsLeft(network, confirmations), left);
    });
  }
});

describe('per-organization lookups', () => {
  test("an organization's settings.chains lie over the install's, and an unchanged organization keeps its lookup", async () => {
    const settings: Record<string, unknown> = { a: { BTC: { requiredConfirmations: 6 } }, b: undefined };
    const chainsFor = createOrgChainLookups({
      installOverrides: { BTC: { endpoint: 'https://esplora.internal/api', requiredConfirmations: 3 } },
      loadOrgChainSettings: async (orgId) => settings[orgId],
    });
    const a = await chainsFor('a');
    assert.equal(a.networkConfig('BTC')?.requiredConfirmations, 6);
    assert.equal(a.networkConfig('BTC')?.endpoint, 'https://esplora.internal/api');
    assert.equal((await chainsFor('b')).networkConfig('BTC')?.requiredConfirmations, 3);
    assert.equal(await chainsFor('a'), a);
    settings.a = { BTC: { requiredConfirmations: 1 } };
    assert.equal((await chainsFor('a')).networkConfig('BTC')?.requiredConfirmations, 1);
  });

  test('malformed organization chain settings make lookups unavailable, not half-configured', async () => {
    const chainsFor = createOrgChainLookups({ loadOrgChainSettings: async () => ({ BTC: { endpoint: 'not a url' } }) });
    await assert.rejects(
      chainsFor('a'),
      (err) => err instanceof ChainUnavailableError && err.reason === 'not_configured',
    );
  });
});
