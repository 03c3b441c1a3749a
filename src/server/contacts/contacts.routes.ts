import {
  type ContactMergeResponse,
  type ContactMergesResponse,
  contactMergeParamsSchema,
  contactParamsSchema,
  mergeContactsBodySchema,
  type RevealContactResponse,
  revealContactBodySchema,
  revealContactParamsSchema,
} from '../../contracts/contacts.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { contactRevealWait } from '../rate-limit/rate-limit.service.ts';
import { listContactMerges, mergeContacts, undoContactMerge } from './contacts.merge.ts';
import { revealContact } from './contacts.reveal.ts';

/** Contacts in the agent console: merging two contacts of one customer, undoing a merge, an audited reveal. */
export function registerContactRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: contacts'];

  app.post(
    '/api/agent/contacts/:contactId/merge',
    { schema: { tags, params: contactParamsSchema, body: mergeContactsBodySchema }, preHandler },
    async (request, reply): Promise<ContactMergeResponse> => {
      const merge = await mergeContacts(request.ctx, request.params.contactId, request.body.otherContactId);
      reply.status(201);
      return { merge };
    },
  );

  app.get(
    '/api/agent/contacts/:contactId/merges',
    { schema: { tags, params: contactParamsSchema }, preHandler },
    async (request): Promise<ContactMergesResponse> => ({
      merges: await listContactMerges(request.ctx, request.params.contactId),
    }),
  );

  app.post(
    '/api/agent/contact-merges/:mergeId/undo',
    { schema: { tags, params: contactMergeParamsSchema }, preHandler },
    async (request): Promise<ContactMergeResponse> => ({
      merge: await undoContactMerge(request.ctx, request.params.mergeId),
    }),
  );

  app.post(
    '/api/agent/conversations/:conversationId/contact/reveal',
    { schema: { tags, params: revealContactParamsSchema, body: revealContactBodySchema }, preHandler },
    async (request): Promise<RevealContactResponse> => ({
      contact: await revealContact(request.ctx, request.params.conversationId, request.body.reason, (agentId) =>
        contactRevealWait(deps, agentId),
      ),
    }),
  );
}
