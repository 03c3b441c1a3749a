import type { Locale } from '../../contracts/domain.ts';
import { searchKb, type KbIndex } from '../kb/search.ts';
import { buildGroundedPrompt, judgeAnswer, maskForModel, type Passage, type Verdict } from './grounded-answer.ts';
import type { LlmClient } from './llm-client.ts';

/**
 * A knowledge question the bot cannot place with confidence, answered by a language model from the organization's
 * own published articles (off unless KEFU_LLM_URL and KEFU_LLM_MODEL are set). Undefined whenever the answer may not
 * be sent (no passage found, no valid citation, a guardrail, a timeout): the bot then does what it does without one.
 */
export type GroundedAnswer = { text: string; sources: { slug: string; title: string; url: string }[]; model: string };

export async function answerFromKnowledgeBase(
  llm: LlmClient,
  index: KbIndex,
  question: { text: string; locale: Locale; orgName: string },
  onRefused: (reason: Exclude<Verdict, { ok: true }>['reason']) => void = () => {},
): Promise<GroundedAnswer | undefined> {
  const passages: Passage[] = searchKb(index, question.text, { locale: question.locale, limit: 3 }).map((hit) => ({
    slug: hit.article.slug,
    title: hit.article.title,
    url: hit.article.url,
    text: hit.article.body,
  }));
  if (passages.length === 0) return undefined;
  const prompt = buildGroundedPrompt(maskForModel(question.text), passages, question.locale, question.orgName);
  const output = await llm.complete([
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ]);
  if (output === undefined) return undefined;
  const verdict = judgeAnswer(output, passages.length);
  if (!verdict.ok) {
    onRefused(verdict.reason);
    return undefined;
  }
  return {
    text: verdict.text,
    sources: verdict.cited.map((n) => {
      const p = passages[n - 1] as Passage;
      return { slug: p.slug, title: p.title, url: p.url };
    }),
    model: llm.model,
  };
}
