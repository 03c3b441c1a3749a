import pino from 'pino';
import { createApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/db.ts';
import { createInProcessBus, type EventBus } from '../../src/server/events/bus.ts';
import type { TestServer } from './server.ts';

/**
 * Like startTestServer, and also hands back the server's event bus: a test that calls a service directly (as the bot,
 * or as the snooze job) publishes on the same bus, so the server's sockets see what it did.
 */
export async function startTestServerWithBus(db: Db): Promise<TestServer & { events: EventBus }> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const events = createInProcessBus(log);
  const { app } = await createApp({ config, db, log, events });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    db,
    events,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}
