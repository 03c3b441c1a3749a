/**
 * kefu as `npm start` runs it on the embedded database (PGlite in KEFU_DATA_DIR), in a process a test can kill -9:
 * its configuration is the environment; it prints `KEFU_READY <url>` once it listens and closes on SIGTERM.
 */
import { loadConfig } from '../../src/server/config.ts';
import { startServer } from '../../src/server/main.ts';

const server = await startServer(loadConfig(process.env));
process.stdout.write(`KEFU_READY ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
