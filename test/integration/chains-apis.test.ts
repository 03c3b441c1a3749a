import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createChainLookup } from '../../src/server/chains/chain-lookup.ts';
import {
  type ChainLookup,
  ChainUnavailableError,
  type ChainUnavailableReason,
} from '../../src/server/chains/chains.types.ts';

// Esplora and TronGrid adapters against a local server answering with bodies in the real APIs' documented formats
// (test/fixtures/chains/README.md), including their error answers.

const FIXTURES = path.join(import.meta.dirname, '../fixtures/chains');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const BTC_CONFIRMED = '6f9a022d07e1fa745fe82a9f7390b917b419bc8abd0daf060ef702fd654d9dc1';
const BTC_MEMPOOL = 'e30bbaa6b1729cc2ca3a9b28abdae93f4d807c13f5342cbc199d38a5ec121093';
const TRON_USDT = '823ddd45e104e09306f0787b7947ca4de16e678a8d1244efea21d64639133940';
const TRON_TRX = '1d61dd0a4cd001e176bd9e4b911eedb79fa699f8f103a9ce01f1deda2802bef6';
const TRON_FAILED = '0f2002df55ed84f9bf45ab4de2709638a45bd791f50900aabf51d3de22f04545';
const TRON_PENDING = 'e7d708efd562493c1989cef97ea78f7974593f45f3bb1507668b21b62725113f';
const UNKNOWN = 'a3c1f0e9d8b7a6958473625140fedcba9876543210fedcba9876543210fedcba';
const USDT_TRC20 = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

type Reply = { status: number; body: string; type?: string } | 'hang';
type Request = { method: string; path: string; value?: string; headers: http.IncomingHttpHeaders };

/** Answers by "METHOD /path" (and, for TRON's POSTs, the tx id in the body); unknown TRON ids get `{}`. */
function defaultReplies(): Map<string, Reply> {
  const json = (name: string): Reply => ({ status: 200, body: fixture(name) });
  return new Map<string, Reply>([
    [`GET /esplora/tx/${BTC_CONFIRMED}`, json('esplora/tx-confirmed.json')],
    [`GET /esplora/tx/${BTC_MEMPOOL}`, json('esplora/tx-mempool.json')],
    ['GET /esplora/blocks/tip/height', { status: 200, body: '840000', type: 'text/plain' }],
    [`POST /tron/wallet/gettransactionbyid ${TRON_USDT}`, json('trongrid/gettransactionbyid-trc20.json')],
    [`POST /tron/wallet/gettransactioninfobyid ${TRON_USDT}`, json('trongrid/gettransactioninfobyid-trc20.json')],
    [`POST /tron/wallet/gettransactionbyid ${TRON_TRX}`, json('trongrid/gettransactionbyid-trx.json')],
    [`POST /tron/wallet/gettransactioninfobyid ${TRON_TRX}`, json('trongrid/gettransactioninfobyid-trx.json')],
    [
      `POST /tron/wallet/gettransactionbyid ${TRON_FAILED}`,
      json('trongrid/gettransactionbyid-trc20-out-of-energy.json'),
    ],
    [
      `POST /tron/wallet/gettransactioninfobyid ${TRON_FAILED}`,
      json('trongrid/gettransactioninfobyid-trc20-out-of-energy.json'),
    ],
    [`POST /tron/wallet/gettransactionbyid ${TRON_PENDING}`, json('trongrid/gettransactionbyid-trc20-pending.json')],
    ['POST /tron/wallet/getnowblock', json('trongrid/getnowblock.json')],
    ['POST /tron/wallet/triggerconstantcontract', json('trongrid/triggerconstantcontract-decimals.json')],
  ]);
}

describe('Esplora and TronGrid lookups against local servers in the documented formats', () => {
  let server: http.Server;
  let base: string;
  let replies: Map<string, Reply>;
  let requests: Request[];
  let chains: ChainLookup;

  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => {
        raw += chunk;
      });
      req.on('end', () => {
        const pathname = new URL(req.url ?? '/', 'http://x').pathname;
        const value = raw ? (JSON.parse(raw) as { value?: string }).value : undefined;
        requests.push({ method: req.method ?? '', path: pathname, value, headers: req.headers });
        const key = `${req.method} ${pathname}`;
        const reply = (value && replies.get(`${key} ${value}`)) || replies.get(key);
        if (reply === 'hang') return;
        if (reply) {
          res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' });
          return res.end(reply.body);
        }
        if (pathname.startsWith('/tron/')) return res.end('{}');
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Transaction not found');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    replies = defaultReplies();
    requests = [];
    chains = createChainLookup({
      networks: {
        BTC: { endpoint: `${base}/esplora` },
        TRC20: { endpoint: `${base}/tron`, headers: { 'TRON-PRO-API-KEY': 'test-key' } },
      },
      timeoutMs: 300,
    });
  });

  describe('Bitcoin (Esplora)', () => {
    test('a transaction in the tip block has 1 of 2 confirmations, every output as a transfer in BTC', async () => {
      const result = await chains.lookupTransaction('BTC', BTC_CONFIRMED);
      assert.deepEqual(result, {
        found: true,
        network: 'BTC',
        txHash: BTC_CONFIRMED,
        status: 'pending',
        confirmations: 1,
        requiredConfirmations: 2,
        blockNumber: 840000,
        blockTime: '2024-04-20T00:09:27.000Z',
        transfers: [
          {
            coin: 'BTC',
            amount: '0.0125',
            from: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
            to: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
            tokenContract: null,
          },
          {
            coin: 'BTC',
            amount: '0.0025',
            from: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
            to: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
            tokenContract: null,
          },
          {
            coin: 'BTC',
            amount: '0.0349718',
            from: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
            to: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
            tokenContract: null,
          },
        ],
        estimatedSecondsLeft: 600,
      });
    });

    test('one more block makes it confirmed with nothing left to wait for', async () => {
      replies.set('GET /esplora/blocks/tip/height', { status: 200, body: '840001', type: 'text/plain' });
      const result = await chains.lookupTransaction('BTC', BTC_CONFIRMED.toUpperCase());
      assert.equal(result.found && result.status, 'confirmed');
      assert.equal(result.found && result.confirmations, 2);
      assert.equal(result.found && result.estimatedSecondsLeft, 0);
    });

    test('a mempool transaction has no block, 0 confirmations, and never asks for the tip', async () => {
      const result = await chains.lookupTransaction('BTC', BTC_MEMPOOL);
      assert.equal(result.found && result.status, 'pending');
      assert.equal(result.found && result.confirmations, 0);
      assert.equal(result.found && result.blockNumber, null);
      assert.equal(result.found && result.blockTime, null);
      assert.equal(result.found && result.estimatedSecondsLeft, 1200);
      assert.deepEqual(result.found && result.transfers.map((t) => [t.to, t.amount]), [
        ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', '0.0349'],
      ]);
      assert.ok(!requests.some((r) => r.path.endsWith('/blocks/tip/height')));
    });

    test('a 404 is not found, and a malformed id is not found without asking the API', async () => {
      assert.deepEqual(await chains.lookupTransaction('BTC', UNKNOWN), { found: false, network: 'BTC' });
      assert.equal(requests.length, 1);
      assert.deepEqual(await chains.lookupTransaction('BTC', 'not-a-txid'), { found: false, network: 'BTC' });
      assert.equal(requests.length, 1);
    });
  });

  describe('TRON (TronGrid)', () => {
    test('a USDT TRC-20 transfer is decoded from its Transfer log, 14 of 20 confirmations', async () => {
      const result = await chains.lookupTransaction('TRC20', TRON_USDT);
      assert.deepEqual(result, {
        found: true,
        network: 'TRC20',
        txHash: TRON_USDT,
        status: 'pending',
        confirmations: 14,
        requiredConfirmations: 20,
        blockNumber: 71234567,
        blockTime: '2025-05-16T07:20:15.000Z',
        transfers: [
          {
            coin: 'USDT',
            amount: '1500.25',
            from: 'TTwjPyeAUkyxcvjZTo9kcbfsmaniHajX5d',
            to: 'TVGbVXn3ReEzGuCMaprxsn3TwK1W3uaPH5',
            tokenContract: USDT_TRC20,
          },
        ],
        estimatedSecondsLeft: 18,
      });
      assert.ok(requests.every((r) => r.headers['tron-pro-api-key'] === 'test-key'));
    });

    test('a TRX transfer is read from its TransferContract and confirmed once 20 blocks are reached', async () => {
      replies.set('POST /tron/wallet/getnowblock', {
        status: 200,
        body: fixture('trongrid/getnowblock.json').replace('71234580', '71234589'),
      });
      const result = await chains.lookupTransaction('TRC20', TRON_TRX);
      assert.equal(result.found && result.status, 'confirmed');
      assert.equal(result.found && result.confirmations, 20);
      assert.deepEqual(result.found && result.transfers, [
        {
          coin: 'TRX',
          amount: '35',
          from: 'TQg5wpQ1wY4Z2TDBZvdt6DxLD99tSe2WZb',
          to: 'TVGbVXn3ReEzGuCMaprxsn3TwK1W3uaPH5',
          tokenContract: null,
        },
      ]);
    });

    test('a transfer that ran out of energy is failed and shows what it tried to send', async () => {
      const result = await chains.lookupTransaction('TRC20', TRON_FAILED);
      assert.equal(result.found && result.status, 'failed');
      assert.equal(result.found && result.estimatedSecondsLeft, 0);
      assert.deepEqual(result.found && result.transfers.map((t) => [t.coin, t.amount, t.to]), [
        ['USDT', '1500.25', 'TVGbVXn3ReEzGuCMaprxsn3TwK1W3uaPH5'],
      ]);
    });

    test('a broadcast transfer without a block yet is pending with 0 confirmations, decoded from its calldata', async () => {
      const result = await chains.lookupTransaction('TRC20', TRON_PENDING);
      assert.equal(result.found && result.status, 'pending');
      assert.equal(result.found && result.confirmations, 0);
      assert.equal(result.found && result.blockNumber, null);
      assert.equal(result.found && result.estimatedSecondsLeft, 60);
      assert.deepEqual(result.found && result.transfers.map((t) => [t.coin, t.amount, t.from, t.to]), [
        ['USDT', '20', 'TTwjPyeAUkyxcvjZTo9kcbfsmaniHajX5d', 'TVGbVXn3ReEzGuCMaprxsn3TwK1W3uaPH5'],
      ]);
    });

    test('the token decimals are asked once per contract, then remembered', async () => {
      await chains.lookupTransaction('TRC20', TRON_USDT);
      await chains.lookupTransaction('TRC20', TRON_PENDING);
      const asked = requests.filter((r) => r.path === '/tron/wallet/triggerconstantcontract');
      assert.equal(asked.length, 1);
    });

    test('an unknown id ({} from the node) is not found; a 0x-prefixed id is accepted', async () => {
      assert.deepEqual(await chains.lookupTransaction('TRC20', UNKNOWN), { found: false, network: 'TRC20' });
      const prefixed = await chains.lookupTransaction('TRC20', `0x${TRON_USDT}`);
      assert.equal(prefixed.found && prefixed.txHash, TRON_USDT);
    });
  });

  describe('when the API fails', () => {
    const cases: {
      name: string;
      network: 'BTC' | 'TRC20';
      key: string;
      reply: Reply;
      reason: ChainUnavailableReason;
    }[] = [
      {
        name: 'Esplora answering 500',
        network: 'BTC',
        key: `GET /esplora/tx/${BTC_CONFIRMED}`,
        reply: { status: 500, body: 'Internal Server Error', type: 'text/plain' },
        reason: 'server_error',
      },
      {
        name: 'Esplora sending truncated JSON',
        network: 'BTC',
        key: `GET /esplora/tx/${BTC_CONFIRMED}`,
        reply: { status: 200, body: fixture('esplora/tx-confirmed.json').slice(0, 200) },
        reason: 'malformed_response',
      },
      {
        name: 'Esplora sending JSON of another shape',
        network: 'BTC',
        key: `GET /esplora/tx/${BTC_CONFIRMED}`,
        reply: { status: 200, body: '{"error":"rate limited"}' },
        reason: 'malformed_response',
      },
      {
        name: 'Esplora tip height that is not a number',
        network: 'BTC',
        key: 'GET /esplora/blocks/tip/height',
        reply: { status: 200, body: '<html>maintenance</html>', type: 'text/html' },
        reason: 'malformed_response',
      },
      {
        name: 'Esplora never answering',
        network: 'BTC',
        key: `GET /esplora/tx/${BTC_CONFIRMED}`,
        reply: 'hang',
        reason: 'timeout',
      },
      {
        name: 'TronGrid answering 503',
        network: 'TRC20',
        key: `POST /tron/wallet/gettransactionbyid ${TRON_USDT}`,
        reply: { status: 503, body: '{"Error":"service unavailable"}' },
        reason: 'server_error',
      },
      {
        name: 'TronGrid sending malformed JSON',
        network: 'TRC20',
        key: `POST /tron/wallet/gettransactioninfobyid ${TRON_USDT}`,
        reply: { status: 200, body: '{"id": "823d' },
        reason: 'malformed_response',
      },
      {
        name: 'TronGrid never answering for the latest block',
        network: 'TRC20',
        key: 'POST /tron/wallet/getnowblock',
        reply: 'hang',
        reason: 'timeout',
      },
    ];
    for (const c of cases) {
      test(`${c.name} makes the lookup unavailable (${c.reason}), never a guess`, async () => {
        replies.set(c.key, c.reply);
        const txid = c.network === 'BTC' ? BTC_CONFIRMED : TRON_USDT;
        await assert.rejects(chains.lookupTransaction(c.network, txid), (err) => {
          assert.ok(err instanceof ChainUnavailableError);
          assert.equal(err.reason, c.reason);
          return true;
        });
      });
    }

    test('a refused connection is unavailable (network) and the message names the host, not the full URL', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const lookup = createChainLookup({ networks: { BTC: { endpoint: `http://127.0.0.1:${port}/api/secret-key` } } });
      await assert.rejects(lookup.lookupTransaction('BTC', BTC_CONFIRMED), (err) => {
        assert.ok(err instanceof ChainUnavailableError);
        assert.equal(err.reason, 'network');
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.doesNotMatch(err.message, /secret-key/);
        return true;
      });
    });

    test('an EVM JSON-RPC endpoint that answers 500 or never answers is unavailable', async () => {
      replies.set('POST /rpc-500', { status: 500, body: 'upstream error', type: 'text/plain' });
      replies.set('POST /rpc-hang', 'hang');
      const broken = createChainLookup({ networks: { ERC20: { endpoint: `${base}/rpc-500` } }, timeoutMs: 300 });
      const silent = createChainLookup({ networks: { ERC20: { endpoint: `${base}/rpc-hang` } }, timeoutMs: 300 });
      const hash = `0x${'ef'.repeat(32)}`;
      for (const [lookup, reason] of [
        [broken, 'server_error'],
        [silent, 'timeout'],
      ] as const) {
        await assert.rejects(lookup.lookupTransaction('ERC20', hash), (err) => {
          assert.ok(err instanceof ChainUnavailableError);
          assert.equal(err.reason, reason);
          return true;
        });
      }
    });
  });
});
