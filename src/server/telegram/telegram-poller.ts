import crypto from 'node:crypto';
import { Api } from 'grammy';
import { findInboxForWebhook } from '../orgs/orgs.service.ts';
import {
  claimTelegramLease,
  releaseTelegramLease,
  selectPolledTelegramInboxes,
  updateTelegramOffset,
} from './telegram-poller.queries.ts';
import { handleTelegramUpdate, type WebhookTarget } from './telegram.service.ts';
import { telegramSettingsOf } from './telegram.updates.ts';

/**
 * Telegram updates by long polling, for a kefu Telegram cannot reach (no public URL): per Telegram inbox in polling
 * mode, one node (the holder of the bot's lease in telegram_cursors) calls getUpdates from the update after the last
 * one it handled, hands each update to the same handler the webhook route uses, and records its id before the next,
 * so a restart neither handles an update twice nor skips one (and a customer message that is handled twice anyway is
 * stored once: the channels core keys it by its Telegram id). Telegram refuses a second concurrent getUpdates with 409
 * Conflict, hence the lease (the same pattern as imap_cursors: an upsert that works on PGlite and PostgreSQL, renewed
 * with every poll and offset write, let go on a clean stop, running out after a crash).
 */

type Deps = Parameters<typeof handleTelegramUpdate>[0];

export type TelegramPollers = { stop(): Promise<void> };

export type TelegramPollerOptions = {
  /** How long one getUpdates waits on Telegram's side for something to happen (seconds). */
  longPollSeconds?: number;
  /** How often the inboxes are listed again without an `inbox.changed` event (seconds). */
  rescanSeconds?: number;
};

const LONG_POLL_SECONDS = 25;
const RESCAN_SECONDS = 60;
const LEASE_RETRY_SECONDS = 3;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Starts a poller for every Telegram inbox in polling mode, and looks again when inboxes change. */
export async function startTelegramPollers(deps: Deps, options: TelegramPollerOptions = {}): Promise<TelegramPollers> {
  const owner = crypto.randomUUID();
  const longPollSeconds = options.longPollSeconds ?? LONG_POLL_SECONDS;
  const running = new Map<string, { key: string; poller: BotPoller }>();
  let stopped = false;
  let scanning: Promise<void> = Promise.resolve();

  const scan = async () => {
    let rows: { id: string }[];
    try {
      rows = await selectPolledTelegramInboxes(deps.db);
    } catch (error) {
      deps.log.warn({ err: error }, 'telegram polling: could not list the inboxes');
      return;
    }
    const seen = new Set<string>();
    for (const row of rows) {
      if (stopped) return;
      let target: WebhookTarget | undefined;
      try {
        const inbox = await findInboxForWebhook(deps, row.id);
        const settings = inbox && telegramSettingsOf(inbox.settings);
        if (inbox && settings) target = { inbox, settings };
      } catch (error) {
        // A token sealed under another key: logged once, not polled.
        if (!running.has(row.id)) {
          deps.log.warn({ inboxId: row.id, reason: (error as Error).message }, 'telegram polling: unusable settings');
        }
        continue;
      }
      if (!target) continue;
      seen.add(row.id);
      const key = JSON.stringify(target.inbox.settings);
      const current = running.get(row.id);
      if (current?.key === key) continue;
      if (current) await current.poller.stop();
      running.set(row.id, { key, poller: startBotPoller(deps, target, owner, longPollSeconds) });
    }
    for (const [id, current] of running) {
      if (seen.has(id)) continue;
      running.delete(id);
      await current.poller.stop();
    }
  };
  // One scan at a time: an event during a scan queues one more after it.
  const rescan = () => {
    scanning = scanning.then(scan);
    return scanning;
  };

  await rescan();
  const unsubscribe = deps.events.subscribe(
    (event) => {
      if (event.type === 'inbox.changed' && event.kind === 'telegram' && !stopped) void rescan();
    },
    { scope: 'cluster' },
  );
  const timer = setInterval(() => void rescan(), (options.rescanSeconds ?? RESCAN_SECONDS) * 1000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await scanning;
      await Promise.all([...running.values()].map((r) => r.poller.stop()));
      running.clear();
    },
  };
}

type BotPoller = { stop(): Promise<void> };

class LeaseLost extends Error {}

/** One bot's loop: hold the lease, getUpdates from the offset, handle each update and record it, again. */
function startBotPoller(deps: Deps, target: WebhookTarget, owner: string, longPollSeconds: number): BotPoller {
  const { inbox, settings } = target;
  const log = deps.log.child({ telegram: { inboxId: inbox.id, bot: settings.username } });
  // The client's own timeout must outlast the long poll it asks Telegram for.
  const api = new Api(settings.token, { apiRoot: deps.config.telegramApiRoot, timeoutSeconds: longPollSeconds + 15 });
  const leaseSeconds = Math.max(60, longPollSeconds * 3);
  let stopped = false;
  let abort = new AbortController();
  let backoff = BACKOFF_FIRST_MS;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const pollOnce = async () => {
    const lease = await claimTelegramLease(deps.db, inbox.org_id, inbox.id, owner, leaseSeconds);
    if (!lease) {
      // Another node polls this bot; ask again soon, so a node that stops is replaced within seconds.
      await pause(Math.min(longPollSeconds, LEASE_RETRY_SECONDS) * 1000);
      return;
    }
    let last = lease.lastUpdateId;
    abort = new AbortController();
    const updates = await api.getUpdates(
      { offset: last === null ? undefined : last + 1, timeout: longPollSeconds, allowed_updates: [...ALLOWED_UPDATES] },
      // grammY types the signal with the abort-controller polyfill's type; Node's own works the same.
      abort.signal as unknown as Parameters<Api['getUpdates']>[1],
    );
    backoff = BACKOFF_FIRST_MS;
    for (const update of updates.sort((a, b) => a.update_id - b.update_id)) {
      if (stopped) return;
      // Telegram never repeats an update below the offset; a misbehaving proxy might.
      if (last !== null && update.update_id <= last) continue;
      await handleTelegramUpdate(deps, target, update);
      if (!(await updateTelegramOffset(deps.db, inbox.org_id, inbox.id, owner, leaseSeconds, update.update_id))) {
        throw new LeaseLost();
      }
      last = update.update_id;
    }
  };

  const loop = async () => {
    log.info('telegram: polling for updates');
    while (!stopped) {
      try {
        await pollOnce();
      } catch (error) {
        if (stopped) break;
        if (error instanceof LeaseLost) {
          log.warn('telegram: another node took this bot over');
          continue;
        }
        log.warn(
          { reason: redact(errorText(error), settings.token), retryInMs: backoff },
          'telegram: getUpdates failed',
        );
        await pause(backoff * (0.75 + Math.random() / 2));
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
    await releaseTelegramLease(deps.db, inbox.org_id, inbox.id, owner).catch((error: unknown) =>
      log.warn({ reason: errorText(error) }, 'telegram: could not let go of the lease'),
    );
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      abort.abort();
      wake?.();
      await running;
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The token is in every Bot API URL, so it can be in a network error's message. */
function redact(text: string, token: string): string {
  return text.split(token).join('[token]');
}
