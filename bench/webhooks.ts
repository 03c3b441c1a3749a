/**
 * Webhook delivery: the exchange's backend posts messages through /api/v1 and a local receiver records each
 * `message.created` webhook; times each from the API's answer to the webhook's arrival, and the delivery rate. The
 * limit it is compared with is a plain HTTP POST of the same size to the same receiver, measured in the same run.
 *
 *   npx node bench/webhooks.ts [--messages 200] [--concurrency 4]
 *
 * PGlite, in memory. The last line printed is one JSON object.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { openPglite } from '../src/server/db/db.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { createTestOrg, loginAgent, request, startTestServer } from '../test/helpers/server.ts';
import { mapLimit, round, summarize } from './lib.ts';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '4' } },
});
const MESSAGES = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);

const arrivals = new Map<string, number>();
const receiver = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => {
    raw += c;
  });
  req.on('end', () => {
    if (req.url === '/hook') {
      const event = JSON.parse(raw) as { type: string; data?: { message?: { id?: string } } };
      const id = event.data?.message?.id;
      if (event.type === 'message.created' && id) arrivals.set(id, performance.now());
    }
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const db = await openPglite();
await migrate(db);
const server = await startTestServer(db, {
  KEFU_WEBHOOK_ALLOW_PRIVATE: 'true',
  KEFU_API_RATE_LIMIT: '1000000',
});
const org = await createTestOrg(db);
const admin = await loginAgent(server, org.agents.admin);
const key = (
  await admin.call('POST', '/api/agent/api-keys', {
    name: 'bench',
    scopes: ['contacts:write', 'conversations:read', 'conversations:write'],
  })
).body.key as string;
await admin.call('POST', '/api/agent/webhooks', { url: `${receiverUrl}/hook`, events: ['message.created'] });
const api = (method: string, path: string, body: unknown) =>
  request(`${server.url}${path}`, { method, body, headers: { authorization: `Bearer ${key}` } });
await api('PUT', '/api/v1/contacts/880001', { name: 'Bench customer' });
const opened = await api('POST', '/api/v1/conversations', {
  exchangeUid: '880001',
  body: 'Your withdrawal is on its way.',
});
const conversationId = opened.body.conversation.id as string;

// The floor: the same receiver, posted to directly.
const floor: number[] = [];
const payload = JSON.stringify({ type: 'message.created', data: { message: { body: 'x'.repeat(400) } } });
await mapLimit(
  Array.from({ length: MESSAGES }, (_, i) => i),
  CONCURRENCY,
  async () => {
    const start = performance.now();
    await fetch(`${receiverUrl}/floor`, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json' },
    });
    floor.push(performance.now() - start);
  },
);

const sent = new Map<string, number>();
const started = performance.now();
await mapLimit(
  Array.from({ length: MESSAGES }, (_, i) => i),
  CONCURRENCY,
  async (i) => {
    const posted = await api('POST', `/api/v1/conversations/${conversationId}/messages`, {
      body: `Withdrawal W-${i} was reviewed and sent.`,
      clientId: `bench-${i}`,
    });
    sent.set(posted.body.message.id as string, performance.now());
  },
);
const deadline = Date.now() + 60_000;
while ([...sent.keys()].some((id) => !arrivals.has(id)) && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 10));
}
const seconds = (performance.now() - started) / 1000;
const latencies = [...sent].flatMap(([id, at]) => (arrivals.has(id) ? [(arrivals.get(id) as number) - at] : []));
const delivered = latencies.length;
const hook = summarize(latencies);
const direct = summarize(floor);

console.log(`PGlite, ${MESSAGES} messages through /api/v1, ${CONCURRENCY} at a time`);
console.log(`direct POST to the receiver (the floor): p50 ${round(direct.p50)} ms, p99 ${round(direct.p99)} ms`);
console.log(
  `API answer → webhook received: p50 ${round(hook.p50)} ms, p99 ${round(hook.p99)} ms; ${delivered}/${MESSAGES} delivered, ${round(delivered / seconds)} webhooks/s`,
);
console.log(
  JSON.stringify({
    bench: 'webhooks',
    messages: MESSAGES,
    delivered,
    deliveredShare: round(delivered / MESSAGES, 3),
    webhooksPerSecond: round(delivered / seconds),
    p50Ms: round(hook.p50),
    p99Ms: round(hook.p99),
    floorP50Ms: round(direct.p50),
    floorP99Ms: round(direct.p99),
  }),
);
await server.close();
await db.close();
receiver.close();
process.exit(0);
