/**
 * Email in → conversation: sends mails over real SMTP into kefu's listener (on PGlite, or PostgreSQL with --postgres)
 * and times each from the end of the SMTP transaction's start to the moment its conversation exists in the database.
 * The limit it is compared with is the same mails sent over SMTP into a bare smtp-server sink that only reads them:
 * what SMTP itself costs on this machine, measured in the same run.
 *
 *   npx node bench/email.ts [--mails 100] [--concurrency 4] [--postgres]
 *
 * The last line printed is one JSON object.
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { openPglite, openPostgres } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createInProcessBus } from '../src/server/events/bus.ts';
import { insertInbox, insertOrg } from '../src/server/orgs/orgs.queries.ts';
import { mapLimit, round, summarize } from './lib.ts';

const { values } = parseArgs({
  options: {
    mails: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    postgres: { type: 'boolean', default: false },
  },
});
const MAILS = Number(values.mails);
const CONCURRENCY = Number(values.concurrency);
const log = pino({ level: 'silent' });

const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
const db = values.postgres
  ? await openPostgres({
      url: process.env.KEFU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      schema,
      max: 8,
    })
  : await openPglite();
await migrate(db);
const orgId = await insertOrg(db, {
  slug: `mail-${crypto.randomBytes(3).toString('hex')}`,
  name: 'Bench',
  requireTotp: false,
});
const address = `support-${orgId.slice(0, 8)}@bench.example`;
await insertInbox(db, { orgId, kind: 'email', name: 'Email', identitySecret: null, settings: { email: { address } } });

const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', KEFU_SMTP_PORT: '0', KEFU_SEED_DEMO: 'never' });
const events = createInProcessBus(log);
const { app, smtpPort } = await createApp({ config, db, log, events });

const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => callback());
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
const sinkPort = ((sink as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;

const mail = (i: number) => ({
  from: `customer${i}@example.com`,
  to: address,
  subject: `USDT 充值没到账 ${i}`,
  text: `我昨天充值的 ${i} USDT 还没到账，TxID 0x${crypto.randomBytes(32).toString('hex')}，请帮忙查一下。\n\n在 2026年12月6日，Support 写道：\n> 之前的回复`,
});

async function time(port: number, waitFor: ((i: number) => Promise<void>) | null): Promise<number[]> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONCURRENCY,
  });
  const samples: number[] = [];
  await mapLimit(
    Array.from({ length: MAILS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const start = performance.now();
      await transport.sendMail(mail(i));
      if (waitFor) await waitFor(i);
      samples.push(performance.now() - start);
    },
  );
  transport.close();
  return samples;
}

const conversationExists = async (i: number) => {
  for (;;) {
    const rows = await db.query(
      `SELECT 1 FROM contact_identities WHERE org_id = $1 AND kind = 'email' AND value = $2 LIMIT 1`,
      [orgId, `customer${i}@example.com`],
    );
    if (rows.length) {
      const conv = await db.query(
        `SELECT 1 FROM conversations c JOIN contact_identities ci ON ci.contact_id = c.contact_id
          WHERE ci.org_id = $1 AND ci.value = $2 LIMIT 1`,
        [orgId, `customer${i}@example.com`],
      );
      if (conv.length) return;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
};

await time(sinkPort, null); // warm-up
const floor = summarize(await time(sinkPort, null));
const started = performance.now();
const kefu = summarize(await time(smtpPort as number, conversationExists));
const seconds = (performance.now() - started) / 1000;

console.log(`${values.postgres ? 'PostgreSQL' : 'PGlite'}, ${MAILS} mails, ${CONCURRENCY} at a time`);
console.log(`SMTP sink (the floor): p50 ${round(floor.p50)} ms, p99 ${round(floor.p99)} ms`);
console.log(
  `mail in → conversation: p50 ${round(kefu.p50)} ms, p99 ${round(kefu.p99)} ms, ${round(MAILS / seconds)} mails/s`,
);
console.log(`ratio to the floor: p50 ${round(kefu.p50 / floor.p50, 1)}×`);
console.log(
  JSON.stringify({
    bench: 'email-in',
    database: values.postgres ? 'postgres' : 'pglite',
    mails: MAILS,
    p50Ms: round(kefu.p50),
    p99Ms: round(kefu.p99),
    mailsPerSecond: round(MAILS / seconds),
    floorP50Ms: round(floor.p50),
    floorP99Ms: round(floor.p99),
    ratioToFloorP50: round(kefu.p50 / floor.p50, 2),
  }),
);
await app.close();
await events.close();
sink.close();
if (values.postgres) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await db.close();
process.exit(0);
