import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { probeServices, servicesRequired } from './helpers/services.ts';

/**
 * `npm test`: every test. Probes PostgreSQL, Redis, Chromium, dovecot and nginx once; suites that need a missing one skip with a loud
 * message, except under CI=true, where a missing service fails the run (a suite that silently skips in CI is a
 * failing suite).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const services = await probeServices();
const missing = Object.entries(services)
  .filter(([, available]) => !available)
  .map(([name]) => name);

if (missing.length > 0) {
  const bar = '!'.repeat(78);
  if (servicesRequired()) {
    console.error(
      `${bar}\n  CI=true and these services are missing: ${missing.join(', ')}.\n  .ci/run starts them; refusing to skip their suites.\n${bar}`,
    );
    process.exit(1);
  }
  console.warn(
    `${bar}\n  SKIPPING the suites that need: ${missing.join(', ')}.\n` +
      '  They run (and are required) under CI=true: see .ci/run.\n' +
      `${bar}`,
  );
}

if (services.chromium) {
  // The browser suites drive the built console and widget.
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const patterns = process.argv.slice(2);
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    ...(patterns.length
      ? patterns
      : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/browser/**/*.test.ts']),
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      KEFU_TEST_HAS_POSTGRES: services.postgres ? '1' : '0',
      KEFU_TEST_HAS_REDIS: services.redis ? '1' : '0',
      KEFU_TEST_HAS_CHROMIUM: services.chromium ? '1' : '0',
      KEFU_TEST_HAS_DOVECOT: services.dovecot ? '1' : '0',
      KEFU_TEST_HAS_NGINX: services.nginx ? '1' : '0',
    },
  },
);
process.exit(result.status ?? 1);
