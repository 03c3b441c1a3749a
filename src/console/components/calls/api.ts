import type { ConversationCallsResponse, LogCallBody, LogCallResponse } from '../../../contracts/callbacks.ts';
import { callApi } from '../../api/client.ts';

const callsPath = (id: string) => `/api/agent/conversations/${encodeURIComponent(id)}/calls`;

export const fetchCalls = (id: string) => callApi<ConversationCallsResponse>(callsPath(id));

export const logCall = (id: string, body: LogCallBody) =>
  callApi<LogCallResponse>(callsPath(id), { method: 'POST', body });
