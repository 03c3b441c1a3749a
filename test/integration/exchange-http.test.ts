import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createManualClock } from '../../src/server/clock.ts';
import { ExchangeUnavailableError } from '../../src/server/exchange/exchange.types.ts';
import { createHttpConnector, type HttpConnectorOptions } from '../../src/server/exchange/http-connector.ts';
import { demoSandboxCustomers } from '../../src/server/seed/demo-exchange-customers.ts';
import { type ExchangeTestServer, startExchangeServer } from '../helpers/exchange-server.ts';

const KEY_ID = 'kefu-test';
const SECRET = 'a-shared-secret-of-enough-length';

/** Resolves to the reason the call failed with, or fails the test if it did not fail that way. */
async function reasonOf(call: Promise<unknown>): Promise<ExchangeUnavailableError['reason']> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ExchangeUnavailableError, `expected ExchangeUnavailableError, got ${error}`);
    return error.reason;
  }
  assert.fail('the call succeeded');
}

describe('the HTTP exchange connector against a server implementing the published contract', () => {
  const clock = createManualClock(new Date());
  let exchange: ExchangeTestServer;
  let sleeps: number[];

  before(async () => {
    exchange = await startExchangeServer({
      keys: { [KEY_ID]: SECRET },
      customers: demoSandboxCustomers(clock.now()),
      clock,
    });
  });
  after(() => exchange.close());
  beforeEach(() => {
    exchange.reset();
    sleeps = [];
  });

  function connector(overrides: Partial<HttpConnectorOptions> = {}) {
    return createHttpConnector({
      baseUrl: exchange.url,
      keyId: KEY_ID,
      secret: SECRET,
      timeoutMs: 2000,
      clock,
      // Backoff is recorded, not waited for.
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    });
  }

  test('signed reads reach the exchange, which verifies every signature, and come back validated', async () => {
    const c = connector();
    const account = await c.getAccount('11873402');
    assert.equal(account?.email, 'chen.ling@example.cn');
    assert.equal(account?.status, 'active');
    const [addresses, deposits, withdrawals, logins] = await Promise.all([
      c.listDepositAddresses('28810375'),
      c.listDeposits('28810375', { limit: 2 }),
      c.listWithdrawals('11873402'),
      c.listRecentLogins('11873402', { limit: 1 }),
    ]);
    assert.deepEqual(
      addresses.map((a) => `${a.coin}/${a.network}`),
      ['USDT/TRC20', 'USDT/ERC20', 'USDT/BEP20', 'BTC/BTC', 'ETH/ERC20', 'XRP/XRP'],
    );
    assert.equal(deposits.length, 2);
    assert.equal(deposits[0].status, 'pending');
    assert.deepEqual(
      withdrawals.map((w) => w.state),
      ['under_review', 'broadcast', 'completed'],
    );
    assert.deepEqual(
      logins.map((l) => l.country),
      ['NG'],
    );
    const byTx = await c.findDepositByTxHash('7C2D9A4F1B3E8C6D5A2F9E0B4C7D1A3E6F8B2C5D9E1A4F7B0C3D6E9F2A5B8C1D');
    assert.equal(byTx?.uid, '28810375');
    assert.equal((await c.findAccountByEmail('Maria.Lopez@example.com'))?.uid, '30194422');
    assert.equal((await c.getWithdrawal('30194422', 'W-5571340'))?.reasonCode, 'risk_review_new_address');
    assert.equal(exchange.hits.length, 8);
    assert.ok(exchange.hits.every((h) => h.verified && h.status === 200));
    assert.ok(
      exchange.hits.some((h) => h.path === '/kefu/v1/accounts/28810375/deposits?limit=2'),
      'the query string is part of the signed request target',
    );
    assert.ok(!exchange.hits.some((h) => h.path.includes('@')), 'e-mail addresses never appear in URLs');
  });

  test('what the exchange does not have is null, not an error', async () => {
    const c = connector();
    assert.equal(await c.getAccount('99999999'), null);
    assert.equal(await c.getWithdrawal('30194422', 'W-nope'), null);
    assert.equal(await c.findDepositByTxHash('00'.repeat(32)), null);
    assert.equal(await c.findAccountByEmail('nobody@example.com'), null);
  });

  test('a connector with the wrong secret is refused by the exchange, and the refusal is not retried', async () => {
    const reason = await reasonOf(connector({ secret: 'not-the-shared-secret-at-all' }).getAccount('11873402'));
    assert.equal(reason, 'rejected');
    assert.deepEqual(
      exchange.hits.map((h) => [h.verified, h.status]),
      [[false, 401]],
    );
  });

  test('a request signed with a clock more than five minutes off is refused as stale', async () => {
    const skewed = createManualClock(new Date(clock.now().getTime() - 301_000));
    assert.equal(await reasonOf(connector({ clock: skewed }).getAccount('11873402')), 'rejected');
    const slightlyOff = createManualClock(new Date(clock.now().getTime() - 299_000));
    assert.equal((await connector({ clock: slightlyOff }).getAccount('11873402'))?.uid, '11873402');
  });

  test('an exchange that does not answer within the timeout fails the call as a timeout', async () => {
    exchange.failNext('hang');
    assert.equal(await reasonOf(connector({ timeoutMs: 50, retries: 0 }).getAccount('11873402')), 'timeout');
  });

  test('a read that gets a 5xx is retried after a backoff and succeeds', async () => {
    exchange.failNext('server_error');
    const account = await connector().getAccount('30194422');
    assert.equal(account?.uid, '30194422');
    assert.deepEqual(
      exchange.hits.map((h) => h.status),
      [503, 200],
    );
    assert.deepEqual(sleeps, [100], 'one backoff: half (random 0.5) of the 200 ms first ceiling');
  });

  test('a freeze carrying a request id is retried after a 5xx and freezes the account once', async () => {
    exchange.failNext('server_error_after_acting');
    const c = connector();
    const result = await c.freezeAccount('20455117', { requestId: 'retry-freeze-1', reason: 'test' });
    assert.equal(result.status, 'frozen');
    assert.deepEqual(
      exchange.hits.map((h) => h.status),
      [500, 200],
    );
    assert.equal(exchange.actionsDone.get('freeze:retry-freeze-1'), 1);
    assert.equal((await c.getAccount('20455117'))?.status, 'frozen');
  });

  test('a call that is not idempotent is sent once, even when the exchange answers 5xx', async () => {
    exchange.failNext('server_error');
    const c = connector();
    const reason = await reasonOf(
      c.client.send({ endpoint: 'test', method: 'POST', path: 'v1/accounts/20455117/freeze', body: { reason: 'x' } }),
    );
    assert.equal(reason, 'server_error');
    assert.equal(exchange.hits.length, 1);
    assert.deepEqual(sleeps, []);
  });

  test('retries stop after the configured number and the last failure is reported', async () => {
    exchange.failNext('server_error', 3);
    assert.equal(await reasonOf(connector({ retries: 2 }).getAccount('30194422')), 'server_error');
    assert.equal(exchange.hits.length, 3);
    assert.deepEqual(sleeps, [100, 200]);
  });

  test('malformed JSON, a wrong shape and a bare 404 are malformed responses, never data', async () => {
    const c = connector();
    exchange.failNext('malformed_json');
    assert.equal(await reasonOf(c.getAccount('11873402')), 'malformed_response');
    exchange.failNext('wrong_shape');
    assert.equal(await reasonOf(c.getAccount('11873402')), 'malformed_response');
    exchange.failNext('bare_404');
    assert.equal(await reasonOf(c.getAccount('11873402')), 'malformed_response');
    assert.equal(exchange.hits.length, 3, 'a malformed answer is not retried');
  });

  test('records for another UID than the one asked about are refused', async () => {
    const c = connector();
    exchange.failNext('another_uid');
    assert.equal(await reasonOf(c.listDeposits('11873402')), 'malformed_response');
    exchange.failNext('another_uid');
    assert.equal(await reasonOf(c.getAccount('11873402')), 'malformed_response');
    assert.equal((await c.listDeposits('11873402')).length, 1);
  });

  test('an exchange that refuses connections fails the call as a network error', async () => {
    const closed = await startExchangeServer({ keys: {}, customers: [] });
    await closed.close();
    const reason = await reasonOf(connector({ baseUrl: closed.url, retries: 0 }).getAccount('11873402'));
    assert.equal(reason, 'network');
  });

  test('the circuit opens after the threshold of failures, fails fast without calling, and closes after the cool-down', async () => {
    const c = connector({ retries: 0, breaker: { failureThreshold: 3, coolDownMs: 30_000 } });
    exchange.failNext('server_error', 3);
    for (let i = 0; i < 3; i++) assert.equal(await reasonOf(c.getAccount('30194422')), 'server_error');
    assert.equal(exchange.hits.length, 3);

    assert.equal(await reasonOf(c.getAccount('30194422')), 'circuit_open');
    assert.equal(await reasonOf(c.freezeAccount('30194422', { requestId: 'while-open', reason: 'x' })), 'circuit_open');
    assert.equal(exchange.hits.length, 3, 'an open circuit does not reach the exchange');

    clock.advance(30_000);
    assert.equal((await c.getAccount('30194422'))?.uid, '30194422');
    assert.equal(c.client.breaker.state(), 'closed');
    assert.equal((await c.getAccount('30194422'))?.uid, '30194422');
    assert.equal(exchange.hits.length, 5);
  });

  test('a failed trial call after the cool-down opens the circuit again', async () => {
    const c = connector({ retries: 0, breaker: { failureThreshold: 2, coolDownMs: 10_000 } });
    exchange.failNext('server_error', 3);
    await reasonOf(c.getAccount('30194422'));
    await reasonOf(c.getAccount('30194422'));
    clock.advance(10_000);
    assert.equal(await reasonOf(c.getAccount('30194422')), 'server_error');
    assert.equal(await reasonOf(c.getAccount('30194422')), 'circuit_open');
    assert.equal(exchange.hits.length, 3);
  });

  test('retries stop as soon as the circuit opens', async () => {
    const c = connector({ retries: 5, breaker: { failureThreshold: 2, coolDownMs: 10_000 } });
    exchange.failNext('server_error', 5);
    assert.equal(await reasonOf(c.getAccount('30194422')), 'circuit_open');
    assert.equal(exchange.hits.length, 2);
  });
});
