import http from 'node:http';

/**
 * A local stand-in for the Telegram Bot API, for the polling and secrets suites: the methods kefu calls, answering
 * `{ ok: true, result }` as Telegram documents, recording every call. getUpdates behaves like Telegram's: it answers
 * the queued updates from `offset` on (an offset confirms, and forgets, every update below it), holds the request up
 * to `timeout` seconds while there are none, answers 409 Conflict while a webhook is set, and a second getUpdates
 * while one is open gets 409 too ("terminated by other getUpdates request").
 */
export type BotApiCall = { method: string; token: string; params: Record<string, any> };
export type BotApiStub = {
  url: string;
  calls: BotApiCall[];
  /** Queues an update (with the next update_id) for getUpdates, waking a waiting request. */
  push(update: Record<string, unknown>): number;
  /** 409s answered to a getUpdates (two pollers at once, or a webhook still set). */
  conflicts: number;
  close(): Promise<void>;
};

export const STUB_BOT = { id: 7000000002, is_bot: true, first_name: 'Lumen 客服', username: 'lumen_poll_bot' };

export async function startBotApiStub(token: string): Promise<BotApiStub> {
  const calls: BotApiCall[] = [];
  let queue: Record<string, unknown>[] = [];
  let nextUpdateId = 500;
  let nextMessageId = 9000;
  let webhookSet = false;
  let openPoll: { wake(): void } | undefined;
  const open = new Set<http.ServerResponse>();
  const stub: BotApiStub = {
    url: '',
    calls,
    conflicts: 0,
    push(update) {
      const id = nextUpdateId++;
      queue.push({ update_id: id, ...update });
      openPoll?.wake();
      return id;
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
      const answer = (status: number, body: unknown) => {
        open.delete(res);
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (!call) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, callToken, method] = call as unknown as [string, string, string];
      const text = Buffer.concat(chunks).toString('utf8');
      const params = text ? JSON.parse(text) : Object.fromEntries(url.searchParams);
      calls.push({ method, token: callToken, params });
      if (callToken !== token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      switch (method) {
        case 'getMe':
          return answer(200, { ok: true, result: { ...STUB_BOT, can_join_groups: true } });
        case 'setWebhook':
          webhookSet = true;
          return answer(200, { ok: true, result: true });
        case 'deleteWebhook':
          webhookSet = false;
          return answer(200, { ok: true, result: true });
        case 'sendMessage':
          return answer(200, {
            ok: true,
            result: {
              message_id: nextMessageId++,
              date: Math.floor(Date.now() / 1000),
              chat: { id: Number(params.chat_id), type: 'private' },
              from: STUB_BOT,
              text: params.text,
            },
          });
        case 'getUpdates': {
          const conflict = (description: string) => {
            stub.conflicts++;
            answer(409, { ok: false, error_code: 409, description });
          };
          if (webhookSet) return conflict("Conflict: can't use getUpdates method while webhook is active");
          if (openPoll) return conflict('Conflict: terminated by other getUpdates request');
          const offset = params.offset === undefined ? undefined : Number(params.offset);
          if (offset !== undefined) queue = queue.filter((u) => (u.update_id as number) >= offset);
          let timer: NodeJS.Timeout | undefined;
          const respond = () => {
            openPoll = undefined;
            clearTimeout(timer);
            answer(200, { ok: true, result: queue });
          };
          if (queue.length) return respond();
          open.add(res);
          timer = setTimeout(respond, Math.min(Number(params.timeout ?? 0), 30) * 1000);
          openPoll = { wake: respond };
          // A poller that gives up (a stopping node) frees the slot.
          res.on('close', () => {
            if (openPoll?.wake === respond) {
              openPoll = undefined;
              clearTimeout(timer);
            }
          });
          return;
        }
        default:
          return answer(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  stub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return stub;
}
