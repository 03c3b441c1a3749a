import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/config.ts';
import { DataDirLockedError } from '../server/db/db.ts';
import { startServer } from '../server/main.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm start`: the whole product on one command, with the demo exchange on first run. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    // The demo takes email too: kefu's own SMTP listener on 2525 unless KEFU_SMTP_PORT says otherwise.
    config = loadConfig({ KEFU_SMTP_PORT: '2525', ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  buildClientsIfMissing();
  const started = Date.now();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`kefu: ${error.message}`);
      process.exit(3);
    }
    throw error;
  }
  printBanner(server, server.url, server.demo, config, Date.now() - started);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down…`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function buildClientsIfMissing(): void {
  const built = ['dist/console/index.html', 'dist/widget/widget.js'].every((f) => fs.existsSync(path.join(ROOT, f)));
  if (built) return;
  console.log('Building the console and the widget (first run)…');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) console.error('kefu: the client build failed; the API still runs.');
}

function printBanner(
  server: { smtpPort: number | undefined },
  url: string,
  demo: Awaited<ReturnType<typeof startServer>>['demo'],
  config: ReturnType<typeof loadConfig>,
  ms: number,
): void {
  const lines = [
    '',
    `kefu is running (${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`}, ready in ${ms} ms)`,
    '',
    `  Agent console   ${url}/`,
    `  Demo exchange   ${url}/demo   (the customer chat widget)`,
    `  Help centre     ${url}/help   (the knowledge base in zh-CN, zh-TW and English)`,
    `  API docs        ${url}/api/docs`,
    ...(server.smtpPort
      ? [
          `  Email           send mail to support@lumen.example through SMTP ${config.smtpListener?.host}:${server.smtpPort}`,
          `                  e.g. swaks --server ${config.smtpListener?.host}:${server.smtpPort} --to support@lumen.example --from you@example.com --body '我的充值还没到账'`,
        ]
      : []),
    '',
  ];
  if (demo.logins.length) {
    lines.push('  Demo logins (organization "Lumen Exchange"):');
    for (const login of demo.logins) {
      lines.push(`    ${login.role.padEnd(10)} ${login.email.padEnd(24)} ${login.password}`);
      if (login.totpSecret)
        lines.push(`               2FA enrolled: add TOTP secret ${login.totpSecret} to an authenticator app`);
    }
    lines.push('');
  }
  console.log(lines.join('\n'));
}

await main();
