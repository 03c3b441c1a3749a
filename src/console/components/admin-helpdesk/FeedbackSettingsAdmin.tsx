import { type FormEvent, useEffect, useState } from 'react';
import { FEEDBACK_SETTINGS_LIMITS, type FeedbackSettings } from '../../../contracts/feedback.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { fetchFeedbackSettings, saveFeedbackSettings } from './admin-api.ts';
import { FormFooter, FormMessage, useFormSave } from './FormMessage.tsx';
import { type AdminText, adminText } from './strings.ts';
import { Field } from '../fields.tsx';

type Setting = keyof FeedbackSettings;
/** What the inputs hold: text as typed (the CSAT delay in seconds, the rest in hours), numbers only on save. */
type Draft = Record<Setting, string>;

const FIELDS: Record<Setting, { label: AdminText; hint: AdminText; step: string; testId: string }> = {
  csatDelaySeconds: { label: 'csatDelay', hint: 'csatDelayHint', step: '1', testId: 'feedback-csat-delay' },
  complaintTargetHours: {
    label: 'complaintTarget',
    hint: 'complaintTargetHint',
    step: 'any',
    testId: 'feedback-complaint-target',
  },
  followUpAfterHours: {
    label: 'followUpAfter',
    hint: 'followUpAfterHint',
    step: 'any',
    testId: 'feedback-followup-after',
  },
  followUpDueHours: { label: 'followUpDue', hint: 'followUpDueHint', step: 'any', testId: 'feedback-followup-due' },
};
const SECTIONS: { legend: AdminText; fields: Setting[] }[] = [
  { legend: 'csatSection', fields: ['csatDelaySeconds'] },
  { legend: 'complaintSection', fields: ['complaintTargetHours', 'followUpAfterHours', 'followUpDueHours'] },
];

const draftOf = (settings: FeedbackSettings): Draft => ({
  csatDelaySeconds: String(settings.csatDelaySeconds),
  complaintTargetHours: String(settings.complaintTargetHours),
  followUpAfterHours: String(settings.followUpAfterHours),
  followUpDueHours: String(settings.followUpDueHours),
});

/** The organization's CSAT and complaint timing. Bounds are the server's to enforce; its message is shown as is. */
export function FeedbackSettingsAdmin() {
  const { locale } = useI18n();
  const s = (key: AdminText, vars?: Record<string, string | number>) => adminText(locale, key, vars);
  const [draft, setDraft] = useState<Draft | null>(null);
  const { busy, message, save, fail, failWith } = useFormSave();

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once; the failure text is worded when it happens.
  useEffect(() => {
    fetchFeedbackSettings()
      .then((response) => setDraft(draftOf(response.settings)))
      .catch(failWith);
  }, []);

  if (!draft) {
    return (
      <div className="admin-card" data-testid="feedback-admin">
        {message ? <FormMessage message={message} /> : <p className="muted">{s('loading')}</p>}
      </div>
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const settings = {} as FeedbackSettings;
    for (const field of Object.keys(FIELDS) as Setting[]) {
      const text = draft[field].trim();
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) {
        fail(s('numberNeeded', { field: s(FIELDS[field].label) }));
        return;
      }
      settings[field] = value;
    }
    await save(async () => setDraft(draftOf((await saveFeedbackSettings(settings)).settings)), s('saved'));
  }

  return (
    <form
      className="admin-card admin-form"
      style={{ maxWidth: 900 }}
      noValidate
      onSubmit={submit}
      data-testid="feedback-admin"
    >
      <p className="muted">{s('feedbackApplies')}</p>
      {SECTIONS.map(({ legend, fields }) => (
        <fieldset key={legend}>
          <legend>{s(legend)}</legend>
          <div className="admin-form__row">
            {fields.map((field) => {
              const { label, hint, step, testId } = FIELDS[field];
              const { min, max } = FEEDBACK_SETTINGS_LIMITS[field];
              return (
                <Field key={field} label={s(label)} hint={s(hint, { min, max })}>
                  <input
                    type="number"
                    inputMode={step === '1' ? 'numeric' : 'decimal'}
                    min={min}
                    max={max}
                    step={step}
                    data-testid={testId}
                    value={draft[field]}
                    onChange={(event) => setDraft({ ...draft, [field]: event.target.value })}
                  />
                </Field>
              );
            })}
          </div>
        </fieldset>
      ))}
      <FormFooter message={message} busy={busy} testId="feedback" saveLabel={s('save')} />
    </form>
  );
}
