import { z } from 'zod';

/**
 * A client for any OpenAI-compatible chat-completions endpoint (self-hosted or not): one request, a hard deadline,
 * and nothing but text back. Every failure (timeout, HTTP error, malformed body) is `undefined`: the caller answers
 * the way it would without a model.
 */
export type LlmConfig = { url: string; model: string; apiKey?: string; timeoutMs: number };

export type LlmClient = {
  model: string;
  complete(messages: { role: 'system' | 'user'; content: string }[]): Promise<string | undefined>;
};

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** `KEFU_LLM_URL` is the endpoint's base (…/v1) or the full …/chat/completions URL. */
export function completionsUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/chat/completions') ? trimmed : `${trimmed}/chat/completions`;
}

export function createLlmClient(config: LlmConfig, log: { warn(obj: object, msg: string): void }): LlmClient {
  const endpoint = completionsUrl(config.url);
  return {
    model: config.model,
    async complete(messages) {
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
          },
          body: JSON.stringify({ model: config.model, messages, temperature: 0, max_tokens: 400 }),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        if (!response.ok) {
          log.warn({ status: response.status }, 'the language model answered with an error');
          return undefined;
        }
        const parsed = completionSchema.safeParse(await response.json());
        if (!parsed.success) {
          log.warn({}, 'the language model answered in an unexpected shape');
          return undefined;
        }
        return parsed.data.choices[0]?.message.content ?? undefined;
      } catch (error) {
        log.warn({ err: (error as Error).name }, 'the language model did not answer in time');
        return undefined;
      }
    },
  };
}
