import pino from 'pino';
import { createApp } from '../../src/server/app.ts';
import type { Clock } from '../../src/server/clock.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { Db } from '../../src/server/db/db.ts';
import { createInProcessBus } from '../../src/server/events/bus.ts';
import type { SocketClient, TestServer } from './server.ts';

/** Like startTestServer, with the clock the test controls and a job queue that polls twice a second. */
export async function startClockedServer(db: Db, clock: Clock): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const log = pino({ level: 'silent' });
  const events = createInProcessBus(log);
  const { app } = await createApp({
    config,
    db,
    log,
    events,
    clock,
    jobQueue: { pollingIntervalSeconds: 0.5, slaSweepSeconds: 3600 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    db,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}

type UpdatedConversation = Extract<SocketClient['events'][number], { type: 'conversation.updated' }>['conversation'];

/** The next conversation.updated for one conversation that satisfies `check` (earlier events count too). */
export async function waitForConversation(
  socket: SocketClient,
  conversationId: string,
  check: (c: UpdatedConversation) => boolean,
  timeoutMs = 8000,
): Promise<UpdatedConversation> {
  const event = await socket.waitFor(
    (e) => e.type === 'conversation.updated' && e.conversation.id === conversationId && check(e.conversation),
    timeoutMs,
  );
  if (event.type !== 'conversation.updated') throw new Error('unexpected event');
  return event.conversation;
}
