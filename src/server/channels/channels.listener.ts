import type { Channel, Conversation, Message } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { findConversationRow, findMessage, toConversation } from '../conversations/conversations.service.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { findInbox, findInboxOfKind, type InboxRow } from '../orgs/orgs.service.ts';
import { insertDelivery, insertMessageRef, markDeliveryAttempt, selectDelivery } from './channels.queries.ts';

/**
 * Agents' and the bot's public messages leave on the conversation's channel (email, Telegram…; the widget has its
 * socket). Each message becomes one delivery row and one job; a failed send is retried with backoff and its errors
 * kept on the row, so nothing is sent twice and nothing is dropped silently.
 */

export type OutboundMessage = { orgId: string; conversation: Conversation; message: Message; inbox: InboxRow };

export type ChannelSender = {
  channel: Channel;
  /** Sends one message; returns its id in the channel (threads the customer's reply), or throws to be retried. */
  send(outbound: OutboundMessage): Promise<{ externalId: string | null }>;
};

export const DELIVER_JOB = 'channels.deliver';
/** After the first try: 30 s, 2 min, 10 min, 30 min, 2 h; then the delivery is failed for good. */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 7200];

type Deps = Pick<Ctx, 'db' | 'log' | 'events'> & {
  jobs: JobQueue;
  senders: ChannelSender[];
  retryDelaysSeconds?: number[];
};

export async function startChannelDelivery(deps: Deps): Promise<() => void> {
  // Read when used: the app registers its channels' senders as it wires them.
  const senderOf = (channel: Channel) => deps.senders.find((sender) => sender.channel === channel);
  const delays = deps.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS;
  const inboxKinds = new Map<string, Channel>();

  await deps.jobs.handle<{ orgId: string; deliveryId: string }>(DELIVER_JOB, async ({ orgId, deliveryId }) => {
    const scope = { db: deps.db, org: { id: orgId } };
    const delivery = await selectDelivery(deps.db, orgId, deliveryId);
    if (delivery?.status !== 'pending') return;
    const sender = senderOf(delivery.channel as Channel);
    const [row, message] = await Promise.all([
      findConversationRow(scope, delivery.conversation_id),
      findMessage(scope, delivery.conversation_id, delivery.message_id),
    ]);
    let inbox = row ? await findInbox(scope, row.inbox_id) : undefined;
    // Sent on another channel than the conversation's (meta.deliverVia): that channel's inbox sends it.
    if (inbox && inbox.kind !== delivery.channel) inbox = await findInboxOfKind(scope, delivery.channel as Channel);
    if (!sender || !row || !message || !inbox) {
      await markDeliveryAttempt(deps.db, orgId, deliveryId, {
        delivered: false,
        error: 'nothing to send it with',
        final: true,
      });
      return;
    }
    try {
      const sent = await sender.send({ orgId, conversation: toConversation(row), message, inbox });
      await markDeliveryAttempt(deps.db, orgId, deliveryId, { delivered: true, externalId: sent.externalId });
      if (sent.externalId) {
        await insertMessageRef(deps.db, orgId, {
          channel: delivery.channel,
          externalId: sent.externalId,
          conversationId: row.id,
          messageId: message.id,
        });
      }
    } catch (error) {
      // Some failures will not change by waiting (no mail server configured, no address): no retry for those.
      const permanent = (error as { permanent?: boolean }).permanent === true;
      const final = permanent || delivery.attempts >= delays.length;
      const reason = error instanceof Error ? error.message : String(error);
      await markDeliveryAttempt(deps.db, orgId, deliveryId, { delivered: false, error: reason, final });
      deps.log.warn(
        { deliveryId, channel: delivery.channel, attempt: delivery.attempts + 1, final, reason },
        'channel delivery failed',
      );
      if (!final) {
        const delay = delays[delivery.attempts] as number;
        await deps.jobs.schedule(DELIVER_JOB, { orgId, deliveryId }, { runAt: new Date(Date.now() + delay * 1000) });
      }
    }
  });

  return deps.events.subscribe(async (event) => {
    if (event.type !== 'message.created') return;
    const { message } = event;
    if (message.private || message.authorKind === 'customer') return;
    let channel = inboxKinds.get(event.inboxId);
    if (!channel) {
      const inbox = await findInbox({ db: deps.db, org: { id: event.orgId } }, event.inboxId);
      if (!inbox) return;
      channel = inbox.kind as Channel;
      inboxKinds.set(event.inboxId, channel);
    }
    // An agent may answer on another of the customer's channels (replyChannelMeta in channels.service.ts).
    const via = message.meta.deliverVia as Channel | undefined;
    if (via && senderOf(via)) channel = via;
    if (!senderOf(channel)) return;
    const deliveryId = await insertDelivery(deps.db, event.orgId, {
      conversationId: event.conversationId,
      messageId: message.id,
      channel,
    });
    if (deliveryId) await deps.jobs.schedule(DELIVER_JOB, { orgId: event.orgId, deliveryId });
  });
}
