import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createManualClock } from '../../src/server/clock.ts';
import { createCircuitBreaker } from '../../src/server/exchange/circuit-breaker.ts';
import { backoffDelay, isIdempotent, signExchangeRequest } from '../../src/server/exchange/http-connector.ts';

describe('signing requests to the exchange', () => {
  test('the signature matches the example published in the contract', () => {
    const signature = signExchangeRequest('test-secret-0123456789', {
      timestamp: '1767578400',
      method: 'GET',
      path: '/kefu/v1/accounts/28810375',
      body: '',
    });
    assert.equal(signature, '3b4cd9ce3aff89d1ff175ad296884eb64fdaf76e850d757c675659450ec6ccf0');
  });

  test('every signed part changes the signature', () => {
    const base = { timestamp: '1767578400', method: 'POST', path: '/v1/accounts/1/freeze', body: '{"requestId":"a"}' };
    const signature = signExchangeRequest('s'.repeat(20), base);
    for (const change of [
      { timestamp: '1767578401' },
      { method: 'GET' },
      { path: '/v1/accounts/2/freeze' },
      { body: '{"requestId":"b"}' },
    ]) {
      assert.notEqual(signExchangeRequest('s'.repeat(20), { ...base, ...change }), signature, JSON.stringify(change));
    }
    assert.notEqual(signExchangeRequest('t'.repeat(20), base), signature);
  });
});

describe('which calls may be retried', () => {
  const cases = [
    { request: { method: 'GET' }, retried: true },
    { request: { method: 'POST', body: { requestId: 'r-1', reason: 'stolen' } }, retried: true },
    { request: { method: 'POST', body: { reason: 'stolen' } }, retried: false },
    { request: { method: 'POST', body: { requestId: '' } }, retried: false },
    { request: { method: 'POST', body: { email: 'a@b.c' }, idempotent: true }, retried: true },
    { request: { method: 'GET', idempotent: false }, retried: false },
  ];
  for (const c of cases) {
    test(`${c.request.method} ${JSON.stringify(c.request.body ?? {})}${'idempotent' in c.request ? ` (idempotent: ${c.request.idempotent})` : ''} is ${c.retried ? '' : 'not '}retried`, () => {
      assert.equal(isIdempotent(c.request), c.retried);
    });
  }
});

describe('backoff between retries', () => {
  const options = { baseMs: 200, maxMs: 2000 };
  const cases = [
    { attempt: 0, random: 0.999, max: 200 },
    { attempt: 1, random: 0.999, max: 400 },
    { attempt: 3, random: 0.999, max: 1600 },
    { attempt: 4, random: 0.999, max: 2000 },
    { attempt: 10, random: 0.999, max: 2000 },
  ];
  for (const c of cases) {
    test(`attempt ${c.attempt} waits at most ${c.max} ms`, () => {
      const delay = backoffDelay(c.attempt, options, () => c.random);
      assert.ok(delay <= c.max && delay >= c.max * 0.99, `${delay}`);
    });
  }
  test('the jitter spreads the delay from zero up to the ceiling', () => {
    assert.equal(
      backoffDelay(2, options, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(2, options, () => 0.5),
      400,
    );
  });
});

describe('the circuit breaker', () => {
  test('opens after the threshold of consecutive failures and refuses calls until the cool-down', () => {
    const clock = createManualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 3, coolDownMs: 30_000, clock });
    for (let i = 0; i < 2; i++) {
      assert.equal(breaker.tryAcquire(), true);
      breaker.recordFailure();
    }
    assert.equal(breaker.state(), 'closed');
    assert.equal(breaker.tryAcquire(), true);
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
    assert.equal(breaker.tryAcquire(), false);
    clock.advance(29_999);
    assert.equal(breaker.tryAcquire(), false);
  });

  test('a success in between resets the count of consecutive failures', () => {
    const breaker = createCircuitBreaker({ failureThreshold: 2, clock: createManualClock() });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    assert.equal(breaker.state(), 'closed');
  });

  test('after the cool-down lets one trial through; its success closes the circuit', () => {
    const clock = createManualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 1, coolDownMs: 1000, clock });
    breaker.recordFailure();
    clock.advance(1000);
    assert.equal(breaker.tryAcquire(), true);
    assert.equal(breaker.state(), 'half_open');
    assert.equal(breaker.tryAcquire(), false, 'only one trial at a time');
    breaker.recordSuccess();
    assert.equal(breaker.state(), 'closed');
    assert.equal(breaker.tryAcquire(), true);
  });

  test('a failed trial opens the circuit for another full cool-down', () => {
    const clock = createManualClock();
    const breaker = createCircuitBreaker({ failureThreshold: 5, coolDownMs: 1000, clock });
    for (let i = 0; i < 5; i++) breaker.recordFailure();
    clock.advance(1000);
    assert.equal(breaker.tryAcquire(), true);
    breaker.recordFailure();
    assert.equal(breaker.state(), 'open');
    clock.advance(999);
    assert.equal(breaker.tryAcquire(), false);
    clock.advance(1);
    assert.equal(breaker.tryAcquire(), true);
  });
});
