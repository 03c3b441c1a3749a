import fs from 'node:fs';
import net from 'node:net';

/**
 * Which real services this machine offers to the tests. test/run.ts probes once and passes the answer down in the
 * environment; under CI=true a missing service fails the run instead of skipping.
 */
export const TEST_POSTGRES_URL = process.env.KEFU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.KEFU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CHROMIUM_PATH = process.env.KEFU_TEST_CHROMIUM ?? '/usr/bin/chromium';
/** Debian's dovecot-imapd; the IMAP suite starts its own instance from a temporary config (no system service). */
export const DOVECOT_PATH = process.env.KEFU_TEST_DOVECOT ?? '/usr/sbin/dovecot';
/** Debian's nginx; the multi-node suites run it as their own child process on the deploy config (bench/cluster.ts). */
export const NGINX_PATH = process.env.KEFU_NGINX ?? '/usr/sbin/nginx';

export function servicesRequired(): boolean {
  return process.env.CI === 'true' || process.env.KEFU_REQUIRE_SERVICES === '1';
}

function canConnect(url: string, timeoutMs = 1500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function probeServices(): Promise<{
  postgres: boolean;
  redis: boolean;
  chromium: boolean;
  dovecot: boolean;
  nginx: boolean;
}> {
  const [postgres, redis] = await Promise.all([canConnect(TEST_POSTGRES_URL), canConnect(TEST_REDIS_URL)]);
  return {
    postgres,
    redis,
    chromium: fs.existsSync(CHROMIUM_PATH),
    dovecot: fs.existsSync(DOVECOT_PATH),
    nginx: fs.existsSync(NGINX_PATH),
  };
}

/** Set by test/run.ts; a file run on its own probes for itself. */
export async function isAvailable(service: 'postgres' | 'redis' | 'chromium' | 'dovecot' | 'nginx'): Promise<boolean> {
  const fromRunner = process.env[`KEFU_TEST_HAS_${service.toUpperCase()}`];
  if (fromRunner !== undefined) return fromRunner === '1';
  return (await probeServices())[service];
}
