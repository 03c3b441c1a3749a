import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config.ts';

const cases: { name: string; env: Record<string, string>; expect: Partial<ReturnType<typeof loadConfig>> | RegExp }[] =
  [
    {
      name: 'defaults need no configuration',
      env: {},
      expect: { port: 3000, host: '127.0.0.1', databaseUrl: undefined },
    },
    {
      name: 'an empty variable counts as unset',
      env: { PORT: '', DATABASE_URL: '' },
      expect: { port: 3000, databaseUrl: undefined },
    },
    {
      name: 'a PostgreSQL URL is taken',
      env: { DATABASE_URL: 'postgres://u@h:5432/db' },
      expect: { databaseUrl: 'postgres://u@h:5432/db' },
    },
    { name: 'a non-numeric port is refused by name', env: { PORT: 'abc' }, expect: /PORT/ },
    { name: 'a MySQL URL is refused', env: { DATABASE_URL: 'mysql://x' }, expect: /DATABASE_URL: must be a postgres/ },
    { name: 'a bad Redis URL is refused', env: { REDIS_URL: 'http://x' }, expect: /REDIS_URL/ },
    { name: 'an unknown log level is refused', env: { LOG_LEVEL: 'loud' }, expect: /LOG_LEVEL/ },
    { name: 'no metrics token by default (loopback only)', env: {}, expect: { metricsToken: undefined } },
    {
      name: 'a metrics token is taken',
      env: { KEFU_METRICS_TOKEN: 'metrics-token-0123456789' },
      expect: { metricsToken: 'metrics-token-0123456789' },
    },
    {
      name: 'a guessable metrics token is refused',
      env: { KEFU_METRICS_TOKEN: 'short' },
      expect: /KEFU_METRICS_TOKEN/,
    },
  ];

for (const c of cases) {
  test(`config: ${c.name}`, () => {
    if (c.expect instanceof RegExp) {
      assert.throws(
        () => loadConfig(c.env),
        (error: unknown) => error instanceof ConfigError && (c.expect as RegExp).test(error.message),
      );
    } else {
      const config = loadConfig(c.env);
      for (const [key, value] of Object.entries(c.expect))
        assert.deepEqual(config[key as keyof typeof config], value, key);
    }
  });
}

test('the default embedded database lives in a folder git ignores, apart from the shipped data/', async () => {
  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const root = path.resolve(import.meta.dirname, '../..');
  const dataDir = loadConfig({}).dataDir;
  assert.ok(!dataDir.startsWith(path.join(root, 'data') + path.sep), 'not inside the shipped data/ folder');
  const ignored = spawnSync(
    'git',
    ['check-ignore', '-q', path.join(path.relative(root, dataDir), 'pg', 'PG_VERSION')],
    {
      cwd: root,
    },
  );
  assert.equal(ignored.status, 0, `${dataDir} is ignored by git`);
});
