import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config.ts';
import { addressBucket } from '../../src/server/rate-limit/rate-limit.service.ts';
import { DEFAULT_WIDGET_RATE_LIMITS } from '../../src/server/rate-limit/widget-limits.ts';

test('an IPv4 client is counted by its address, written either way', () => {
  assert.equal(addressBucket('203.0.113.7'), '203.0.113.7');
  assert.equal(addressBucket('::ffff:203.0.113.7'), '203.0.113.7');
});

test('an IPv6 client is counted by its /64, however the address is written', () => {
  const bucket = '2001:db8:aa:1::/64';
  for (const address of [
    '2001:db8:aa:1::1',
    '2001:db8:aa:1:ffff:ffff:ffff:ffff',
    '2001:0db8:00aa:0001:0000:0000:0000:0002',
    '2001:DB8:AA:1::abcd',
  ]) {
    assert.equal(addressBucket(address), bucket, address);
  }
  assert.notEqual(addressBucket('2001:db8:aa:2::1'), bucket);
  assert.equal(addressBucket('::1'), '0:0:0:0::/64');
  assert.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressBucket('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
});

test('KEFU_WIDGET_RATE_LIMITS overrides the named limits and keeps the others', () => {
  const config = loadConfig({ KEFU_WIDGET_RATE_LIMITS: 'message.ip=30000/60,visitor.ip=5/600' });
  assert.deepEqual(config.widgetRateLimits['message.ip'], { limit: 30000, windowSeconds: 60 });
  assert.deepEqual(config.widgetRateLimits['visitor.ip'], { limit: 5, windowSeconds: 600 });
  assert.deepEqual(config.widgetRateLimits['message.visitor'], DEFAULT_WIDGET_RATE_LIMITS['message.visitor']);
  assert.deepEqual(loadConfig({}).widgetRateLimits, DEFAULT_WIDGET_RATE_LIMITS);
});

test('a mistyped KEFU_WIDGET_RATE_LIMITS stops the start with a message that names it', () => {
  for (const value of ['messages.ip=5/60', 'message.ip=0/60', 'message.ip=5', 'message.ip=5/60,', 'off']) {
    assert.throws(
      () => loadConfig({ KEFU_WIDGET_RATE_LIMITS: value }),
      (error: unknown) => {
        return error instanceof ConfigError && /KEFU_WIDGET_RATE_LIMITS/.test(error.message);
      },
    );
  }
});

test('KEFU_CONTACT_REVEAL_LIMIT is 30 an hour unless set, and a mistyped one stops the start naming it', () => {
  const cases: [string | undefined, { limit: number; windowSeconds: number } | 'refused'][] = [
    [undefined, { limit: 30, windowSeconds: 3600 }],
    ['', { limit: 30, windowSeconds: 3600 }],
    ['5/600', { limit: 5, windowSeconds: 600 }],
    ['100/86400', { limit: 100, windowSeconds: 86400 }],
    ['0/3600', 'refused'],
    ['30/0', 'refused'],
    ['30', 'refused'],
    ['30/3600,', 'refused'],
    ['-1/60', 'refused'],
    ['off', 'refused'],
  ];
  for (const [value, expected] of cases) {
    const env = value === undefined ? {} : { KEFU_CONTACT_REVEAL_LIMIT: value };
    if (expected === 'refused') {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && /KEFU_CONTACT_REVEAL_LIMIT/.test(error.message),
        String(value),
      );
    } else assert.deepEqual(loadConfig(env).contactRevealLimit, expected, String(value));
  }
});

test('KEFU_TRUST_PROXY is off by default and takes true or the proxies’ addresses', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ KEFU_TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({ KEFU_TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy, '10.0.0.0/8,127.0.0.1');
  assert.throws(() => loadConfig({ KEFU_TRUST_PROXY: '10.0.0.1; rm' }), ConfigError);
});
