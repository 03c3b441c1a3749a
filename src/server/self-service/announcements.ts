import type { Locale } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import { type PlatformStatusEntry, noteFor } from '../platform-status/platform-status.ts';
import { reply } from '../text/replies.ts';
import { selectConversationsAwaitingCoin } from './announcements.queries.ts';
import { directionWord } from './self-service.ts';

/**
 * When a coin or network's status is posted, the customers waiting on it hear it at once: open conversations from
 * the last day about deposits or withdrawals of that coin get the announcement in their language.
 */
export async function announcePlatformStatus(ctx: Ctx, entry: PlatformStatusEntry): Promise<number> {
  const rows = await selectConversationsAwaitingCoin(ctx.db, ctx.org.id, entry.coin);
  const stamp = new Date(entry.updatedAt).getTime();
  for (const row of rows) {
    const locale: Locale = row.locale === 'en' || row.locale === 'zh-TW' ? row.locale : 'zh-CN';
    const text = describeEntry(entry, locale);
    await postMessage({ ...ctx, actor: { kind: 'system' } }, row.id, {
      body: text,
      clientId: `status:${entry.coin}:${entry.network}:${stamp}`,
      meta: { announcement: { coin: entry.coin, network: entry.network } },
    }).catch((error: unknown) => ctx.log.warn({ err: error, conversationId: row.id }, 'announcement not delivered'));
  }
  return rows.length;
}

function describeEntry(entry: PlatformStatusEntry, locale: Locale): string {
  const note = noteFor(entry, locale);
  if (entry.deposits === 'enabled' && entry.withdrawals === 'enabled') {
    return locale === 'en'
      ? `Update: ${entry.coin} on ${entry.network} is back to normal. ${note}`.trim()
      : reply('platformAllNormal', locale).split('。')[0] + `（${entry.coin} ${entry.network}）。${note}`;
  }
  const parts: string[] = [];
  for (const direction of ['deposits', 'withdrawals'] as const) {
    const state = entry[direction];
    if (state === 'enabled') continue;
    parts.push(
      state === 'congested'
        ? reply('networkCongested', locale, { coin: entry.coin, network: entry.network, note: '' })
        : reply('networkSuspended', locale, {
            coin: entry.coin,
            network: entry.network,
            direction: directionWord(direction, locale),
            note: '',
          }),
    );
  }
  return `${parts.join('\n')}\n${note}`.trim();
}
