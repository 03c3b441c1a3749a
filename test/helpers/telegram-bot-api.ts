import http from 'node:http';

/**
 * A local stand-in for the Telegram Bot API, for the polling, secrets, inbox and media suites: the methods kefu calls,
 * answering `{ ok: true, result }` as Telegram documents, recording every call (a multipart upload's files too), and
 * serving the files a test gives it (getFile, then `/file/bot<token>/<path>`). getUpdates behaves like Telegram's: it answers
 * the queued updates from `offset` on (an offset confirms, and forgets, every update below it), holds the request up
 * to `timeout` seconds while there are none, answers 409 Conflict while a webhook is set, and a second getUpdates
 * while one is open gets 409 too ("terminated by other getUpdates request").
 */
export type BotApiCall = {
  method: string;
  token: string;
  params: Record<string, any>;
  /** The files of a multipart call (sendPhoto, sendDocument with an uploaded InputFile), by parameter name. */
  files: Record<string, { name: string; type: string; data: Buffer }>;
};
/** A file the stub's bot "received": getFile answers its path, `/file/bot<token>/<path>` serves its bytes. */
export type StubFile = { path: string; data: Buffer };
export type BotApiStub = {
  url: string;
  calls: BotApiCall[];
  /** Queues an update (with the next update_id) for getUpdates, waking a waiting request. */
  push(update: Record<string, unknown>): number;
  /** 409s answered to a getUpdates (two pollers at once, or a webhook still set). */
  conflicts: number;
  /** Files by file_id, for getFile and the download; a test adds what its customers send. */
  files: Map<string, StubFile>;
  /** The file paths downloaded, in order. */
  downloads: string[];
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
    files: new Map(),
    downloads: [],
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
  const sent = (chatId: unknown, extra: Record<string, unknown>) => ({
    ok: true,
    result: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(chatId), type: 'private' },
      from: STUB_BOT,
      ...extra,
    },
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (download) {
        stub.downloads.push(download[2] as string);
        const file = [...stub.files.values()].find((f) => f.path === download[2]);
        if (!file || download[1] !== token) return void res.writeHead(404).end();
        return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.data);
      }
      const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
      const answer = (status: number, body: unknown) => {
        open.delete(res);
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (!call) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, callToken, method] = call as unknown as [string, string, string];
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      let params: Record<string, any> = Object.fromEntries(url.searchParams);
      const files: BotApiCall['files'] = {};
      if (contentType.startsWith('multipart/form-data')) {
        // grammY uploads an InputFile as multipart: the other fields are strings (objects JSON-encoded).
        const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
        params = {};
        for (const [field, value] of form.entries()) {
          if (typeof value === 'string') params[field] = value;
          else files[field] = { name: value.name, type: value.type, data: Buffer.from(await value.arrayBuffer()) };
        }
        // grammY names an upload's part at random and points the parameter at it (photo=attach://<part>).
        for (const [field, value] of Object.entries(params)) {
          const part = typeof value === 'string' && value.startsWith('attach://') ? files[value.slice(9)] : undefined;
          if (part) files[field] = part;
        }
      } else if (raw.length) params = JSON.parse(raw.toString('utf8'));
      calls.push({ method, token: callToken, params, files });
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
          return answer(200, sent(params.chat_id, { text: params.text }));
        case 'sendPhoto':
        case 'sendDocument':
          return answer(200, sent(params.chat_id, params.caption ? { caption: params.caption } : {}));
        case 'answerCallbackQuery':
          return answer(200, { ok: true, result: true });
        case 'getFile': {
          const file = stub.files.get(String(params.file_id));
          if (!file) return answer(400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
          return answer(200, {
            ok: true,
            result: {
              file_id: params.file_id,
              file_unique_id: `u-${params.file_id}`,
              file_size: file.data.length,
              file_path: file.path,
            },
          });
        }
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
