import type { HandoffNote, Message } from '../../contracts/domain.ts';
import { useI18n } from '../i18n/locale.tsx';
import { LOCALE_NAMES, MESSAGES, type MessageKey, type UiLocale } from '../i18n/messages.ts';
import { intentLabel } from './views/strings.ts';

/** Notes written by older versions may lack fields: every one but the reason is optional here. */
type HandoffMeta = Partial<Omit<HandoffNote, 'entities'>> & {
  reason: string;
  entities?: Partial<HandoffNote['entities']>;
};

export function handoffMetaOf(message: Message): HandoffMeta | null {
  const value = message.meta?.handoff as HandoffMeta | undefined;
  return value && typeof value === 'object' && typeof value.reason === 'string' ? value : null;
}

/**
 * The bot's hand-off note as a card in the agent's own language. The stored body (English) stays the text for the
 * API, transcripts and webhooks; the console words the structured summary instead.
 */
export function HandoffSummary({ meta }: { meta: HandoffMeta }) {
  const { t, locale } = useI18n();
  // A reason or label newer than this console build is shown as it is stored.
  const wordOr = (key: string, fallback: string) => (key in MESSAGES.en ? t(key as MessageKey) : fallback);
  const reason = wordOr(`handoff.reason.${meta.reason}`, meta.reason.replace(/_/g, ' '));
  const entities = meta.entities ?? {};
  const found = [
    ...(entities.txHashes ?? []).map((tx) => tx.value),
    ...(entities.addresses ?? []).map((a) => (a.chain ? `${a.value} (${a.chain})` : a.value)),
    ...(entities.amounts ?? []).map((a) => (a.coin ? `${a.value} ${a.coin}` : a.value)),
    ...(entities.orderIds ?? []),
  ];
  const rows: [string, string][] = [];
  if (meta.intent) {
    const confidence = typeof meta.confidence === 'number' ? ` (${Math.round(meta.confidence * 100)}%)` : '';
    rows.push([
      t('handoff.intent'),
      `${intentLabel(locale, meta.intent)}${confidence}${meta.outOfScope ? ` · ${t('handoff.outOfScope')}` : ''}`,
    ]);
  }
  if (meta.sentiment?.label) {
    rows.push([t('handoff.sentiment'), wordOr(`sentiment.${meta.sentiment.label}`, meta.sentiment.label)]);
  }
  if (meta.locale) rows.push([t('handoff.language'), LOCALE_NAMES[meta.locale as UiLocale] ?? meta.locale]);
  if (meta.collected) rows.push([t('handoff.collected'), meta.collected]);
  if (found.length > 0) rows.push([t('handoff.entities'), found.join(', ')]);
  return (
    <div className="handoff" data-testid="handoff-summary" data-reason={meta.reason}>
      <div className="handoff__title">{t('handoff.title', { reason })}</div>
      <dl className="handoff__facts">
        {rows.map(([name, value]) => (
          <div key={name} className="handoff__row">
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {meta.said && meta.said.length > 0 && (
        <>
          <div className="handoff__said-title">{t('handoff.said')}</div>
          <ul className="handoff__said">
            {meta.said.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the lines are a fixed, ordered log.
              <li key={index}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
