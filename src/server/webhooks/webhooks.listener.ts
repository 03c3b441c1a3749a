import type { Ctx } from '../context.ts';
import { findContact } from '../contacts/contacts.service.ts';
import type { JobQueue } from '../jobs/jobs.types.ts';
import { toApiConversation, toApiMessage } from '../public-api/public-view.ts';
import {
  attemptDelivery,
  DELIVER_JOB,
  enqueueWebhookEvent,
  wantsEvent,
  type WebhookSettings,
} from './webhooks.service.ts';

/**
 * Turns domain events into webhook deliveries (on the node where the event happened) and runs their tries from the
 * durable job queue (on whichever node takes the job). Only what the exchange may see leaves: a private note is never
 * sent, conversations go out in their public form (public-api/public-view.ts), bodies as stored (already redacted).
 */
export async function startWebhooks(
  deps: Pick<Ctx, 'db' | 'log' | 'events'> & { jobs: JobQueue; settings: WebhookSettings },
): Promise<() => void> {
  const { db, log, jobs, settings } = deps;
  const deliveryDeps = { db, log, jobs, settings };

  await jobs.handle<{ orgId: string; deliveryId: string; retry?: number }>(DELIVER_JOB, async (job) => {
    await attemptDelivery(deliveryDeps, job.orgId, job.deliveryId, { replay: false, retry: job.retry ?? 0 });
  });

  return deps.events.subscribe(async (event) => {
    try {
      if (event.type === 'conversation.created') {
        await enqueueWebhookEvent(deliveryDeps, event.orgId, event.type, {
          conversation: toApiConversation(event.conversation),
        });
      } else if (event.type === 'conversation.updated') {
        await enqueueWebhookEvent(deliveryDeps, event.orgId, event.type, {
          conversation: toApiConversation(event.conversation),
          changes: event.changes,
        });
      } else if (event.type === 'message.created') {
        const message = toApiMessage(event.message);
        if (!message || !(await wantsEvent(db, event.orgId, event.type))) return;
        const contact = await findContact({ db, org: { id: event.orgId } }, event.contactId);
        await enqueueWebhookEvent(deliveryDeps, event.orgId, event.type, {
          conversationId: event.conversationId,
          exchangeUid: contact?.exchange_uid ?? null,
          message,
        });
      }
    } catch (error) {
      log.error({ err: error, event: event.type }, 'webhook fan-out failed');
    }
  });
}
