import pino, { type Logger } from 'pino';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { createInProcessBus } from './events/bus.ts';
import { createRedisBus } from './events/redis-bus.ts';
import type { App } from './http/types.ts';
import { type DemoSeedResult, seedDemo } from './seed/demo.ts';

export type RunningServer = {
  app: App;
  url: string;
  demo: DemoSeedResult;
  /** kefu's SMTP listener's port, when it runs one. */
  smtpPort: number | undefined;
  close(): Promise<void>;
};

/** destination: where the lines go (stdout unless given; tests capture them). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password', 'totp'], censor: '[redacted]' },
    serializers: {
      // The widget's WebSocket URL carries the visitor token: keep it out of the logs.
      req: (req: { method: string; url: string }) => ({
        method: req.method,
        url: req.url.replace(/([?&]token=)[^&]+/, '$1[redacted]'),
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Opens the database, migrates, seeds the demo when asked, and listens. */
export async function startServer(config: Config, log = createLogger(config)): Promise<RunningServer> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'migrated the database');
    const events = config.redisUrl ? await createRedisBus({ url: config.redisUrl, log }) : createInProcessBus(log);
    const { app, bot, smtpPort } = await createApp({ config, db, log, events });
    // Seeded after the app is wired, so the demo's conversations show what the bot did with them.
    const demo = await seedDemo({ db, log, events, bot }, config.seedDemo);
    await app.listen({ port: config.port, host: config.host });
    bot.ready().catch((error: unknown) => log.error({ err: error }, 'could not load the bot model'));
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = config.publicUrl ?? `http://${host}:${port}`;
    return {
      app,
      url,
      demo,
      smtpPort,
      async close() {
        await app.close();
        await events.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
