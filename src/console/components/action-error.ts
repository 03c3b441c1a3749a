/** An action that failed in the workspace (assign, status, priority…), shown above the conversation. */
export type ActionError = { code: string; message: string };
