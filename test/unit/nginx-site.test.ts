import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { NGINX_SITE_TEMPLATE, renderNginxSite } from '../../bench/cluster.ts';

const template = fs.readFileSync(NGINX_SITE_TEMPLATE, 'utf8');

test('the deploy nginx site gets one upstream server per node and the given listen port, the rest untouched', () => {
  const cases: { ports: number[]; listen: number }[] = [
    { ports: [4001], listen: 5000 },
    { ports: [4001, 4002], listen: 5001 },
    { ports: [4001, 4002, 4003, 4004], listen: 5002 },
  ];
  for (const { ports, listen } of cases) {
    const site = renderNginxSite(template, listen, ports);
    const servers = [...site.matchAll(/^\s*server 127\.0\.0\.1:(\d+) max_fails=3 fail_timeout=10s;$/gm)].map((m) =>
      Number(m[1]),
    );
    assert.deepEqual(servers, ports);
    assert.match(site, new RegExp(`^\\s*listen 127\\.0\\.0\\.1:${listen} reuseport;$`, 'm'));
    assert.doesNotMatch(site, /listen 80\b/);
    // What the deploy file documents survives: the upgrade map, body size, timeouts.
    for (const line of ['client_max_body_size 256k;', 'proxy_read_timeout 120s;', 'least_conn;', 'keepalive 64;']) {
      assert.ok(site.includes(line), line);
    }
  }
});

test('a site file without the expected lines is refused instead of proxying somewhere else', () => {
  assert.throws(() => renderNginxSite('server { listen 80; }', 5000, [4001]), /no `server 127\.0\.0\.1/);
  assert.throws(
    () => renderNginxSite('upstream u {\n  server 127.0.0.1:1;\n}\nserver { listen 8080; }', 5000, [4001]),
    /no `listen 80`/,
  );
});
