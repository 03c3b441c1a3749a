import type { Locale } from '../../contracts/domain.ts';
import type { KbIndex } from '../kb/search.ts';
import { searchKb } from '../kb/search.ts';
import { extractChannelCandidates } from '../trust/official-channels.ts';
import { isBareFollowUp, readsAsFollowUp, settleIntent } from './cues.ts';
import { type BotState, CLEAR_CONFIDENCE, CONFIDENCE_FLOOR, type Understanding } from './dialogue.ts';
import { extractEntities } from '../text/entities.ts';
import { classifyIntent, type IntentModel, isOutOfScope } from './nlu/classifier.ts';
import type { SecretKind } from '../secrets/secret-guard.ts';
import { analyzeSentiment } from './sentiment.ts';

export type MessageContext = {
  model: IntentModel;
  kb: KbIndex;
  locale: Locale;
  /** What the customer last asked about (`BotState.topic`), for a follow-up with no topic of its own. */
  topic: BotState['topic'];
  redactions: SecretKind[];
  orgName: string;
  verified: boolean;
  canLookUp: boolean;
};

const LOOKUP_TOPICS = new Set(['deposit_missing', 'withdrawal_status']);

function givesTransferId(text: string): boolean {
  const e = extractEntities(text);
  return e.txHashes.length > 0 || e.orderIds.length > 0;
}

/**
 * What the bot understands of one customer message: a pure function of the text, the model, the knowledge base and
 * the conversation's last topic, so whole scripted conversations can be checked without a database.
 */
export function understandMessage(text: string, c: MessageContext): Understanding {
  let result = classifyIntent(c.model, text);
  let outOfScope = isOutOfScope(result);
  // "要多久" alone is about nothing; after "my BTC withdrawal is under review" it asks about that withdrawal.
  let read = text;
  let followUp = false;
  // A bare "现在呢？" is read with the topic even when the classifier is sure of something else (it reads 行情 there).
  // A bare withdrawal id or TxID after a look-up names the transfer the customer meant.
  const unsure = outOfScope || result.confidence < CONFIDENCE_FLOOR;
  const namesTransfer = LOOKUP_TOPICS.has(c.topic?.intent ?? '') && givesTransferId(text);
  const leansOnTopic = isBareFollowUp(text) || (namesTransfer && result.confidence < CLEAR_CONFIDENCE);
  if (c.topic && (readsAsFollowUp(text) || namesTransfer) && (unsure || leansOnTopic)) {
    const together = `${c.topic.text}\n${text}`;
    const again = classifyIntent(c.model, together);
    if (!isOutOfScope(again) && again.intent === c.topic.intent && again.confidence >= CONFIDENCE_FLOOR) {
      [result, outOfScope, read, followUp] = [again, false, together, true];
    }
  }
  const intent = settleIntent(result.intent, read);
  const channels = extractChannelCandidates(text);
  const hit = outOfScope ? undefined : searchKb(c.kb, read, { locale: c.locale, intent, limit: 1 })[0];
  return {
    text,
    locale: c.locale,
    intent,
    confidence: result.confidence,
    outOfScope,
    followUp,
    entities: extractEntities(read),
    sentiment: analyzeSentiment(text),
    redactions: c.redactions,
    kb: hit?.article.intents.includes(intent)
      ? { title: hit.article.title, snippet: hit.snippet, url: hit.article.url }
      : null,
    orgName: c.orgName,
    verified: c.verified,
    canLookUp: c.canLookUp,
    namesChannel: channels.length > 0,
    namesLink: channels.some((channel) => channel.kind === 'url' || channel.kind === 'telegram'),
  };
}
