import { type FormEvent, useEffect, useState } from 'react';
import { PRIORITIES, type Priority } from '../../../contracts/domain.ts';
import type { SlaPolicy } from '../../../contracts/sla.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { fetchSlaPolicy, saveSlaPolicy } from './admin-api.ts';
import { draftOfPolicy, policyOfDraft, type SlaDraft, type TargetDraft } from './sla-form.ts';
import { adminText } from './strings.ts';
import { FormFooter, useFormSave } from './FormMessage.tsx';
import { Field } from '../fields.tsx';

const TARGET_FIELDS = ['first', 'next', 'resolution', 'peakFirst', 'peakNext'] as const;
const FIELD_LABELS = {
  first: 'firstResponse',
  next: 'nextResponse',
  resolution: 'resolution',
  peakFirst: 'peakFirst',
  peakNext: 'peakNext',
} as const;

export function SlaPolicyAdmin() {
  const { locale, t } = useI18n();
  const s = (key: Parameters<typeof adminText>[1], vars?: Record<string, string | number>) =>
    adminText(locale, key, vars);
  const [loaded, setLoaded] = useState<{ policy: SlaPolicy; updatedAt: string | null } | null>(null);
  const [draft, setDraft] = useState<SlaDraft | null>(null);
  const { busy, message, save, fail, failWith } = useFormSave();

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once; the failure text is worded when it happens.
  useEffect(() => {
    fetchSlaPolicy()
      .then((response) => {
        setLoaded(response);
        setDraft(draftOfPolicy(response.policy));
      })
      .catch(failWith);
  }, []);

  if (!draft || !loaded) {
    return (
      <div className="admin-card" data-testid="sla-admin">
        {message ? (
          <div className="alert alert--error" role="alert" data-testid="admin-message">
            {message.text}
          </div>
        ) : (
          <p className="muted">{s('loading')}</p>
        )}
      </div>
    );
  }

  const change = (patch: Partial<SlaDraft>) => setDraft({ ...draft, ...patch });
  const changeTarget = (priority: Priority, field: keyof TargetDraft, value: string) =>
    change({ targets: { ...draft.targets, [priority]: { ...draft.targets[priority], [field]: value } } });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft || !loaded) return;
    const result = policyOfDraft(draft, loaded.policy);
    if (!result.ok) {
      fail(s('badLine', { line: result.badLine }));
      return;
    }
    await save(async () => {
      const saved = await saveSlaPolicy(result.policy);
      setLoaded(saved);
      setDraft(draftOfPolicy(saved.policy));
    }, s('saved'));
  }

  return (
    <form
      className="admin-card admin-form"
      style={{ maxWidth: 900 }}
      noValidate
      onSubmit={submit}
      data-testid="sla-admin"
    >
      <label className="admin-check">
        <input
          type="checkbox"
          data-testid="sla-enabled"
          checked={draft.enabled}
          onChange={(event) => change({ enabled: event.target.checked })}
        />
        {s('enabled')}
        {loaded.updatedAt && <span className="muted"> · {formatDateTime(loaded.updatedAt, locale)}</span>}
      </label>
      <fieldset>
        <legend>{s('minutesHint')}</legend>
        <table className="admin-table">
          <thead>
            <tr>
              <th>{s('priority')}</th>
              {TARGET_FIELDS.map((field) => (
                <th key={field}>{s(FIELD_LABELS[field])}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PRIORITIES.map((priority) => (
              <tr key={priority}>
                <td>{t(`priority.${priority}`)}</td>
                {TARGET_FIELDS.map((field) => (
                  <td key={field}>
                    {/* Funds at risk keep their target under surge: no peak for urgent. */}
                    {priority === 'urgent' && field.startsWith('peak') ? (
                      <span className="muted">—</span>
                    ) : (
                      <input
                        type="number"
                        min={1}
                        data-testid={`sla-${priority}-${field}`}
                        aria-label={`${t(`priority.${priority}`)} ${s(FIELD_LABELS[field])}`}
                        value={draft.targets[priority][field]}
                        onChange={(event) => changeTarget(priority, field, event.target.value)}
                      />
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <fieldset>
        <legend>{s('calendar')}</legend>
        <div className="admin-form__row">
          <Field label={s('calendar')}>
            <select
              className="select"
              data-testid="sla-calendar"
              value={draft.calendarKind}
              onChange={(event) => change({ calendarKind: event.target.value as SlaDraft['calendarKind'] })}
            >
              <option value="24/7">{s('allDay')}</option>
              <option value="business_hours">{s('businessHours')}</option>
            </select>
          </Field>
          {draft.calendarKind === 'business_hours' && (
            <Field label={s('timeZone')}>
              <input
                type="text"
                data-testid="sla-timezone"
                value={draft.timeZone}
                onChange={(event) => change({ timeZone: event.target.value })}
              />
            </Field>
          )}
        </div>
        {draft.calendarKind === 'business_hours' && (
          <div className="admin-form__row">
            <Field label={s('hours')} hint={s('hoursHint')}>
              <textarea
                data-testid="sla-hours"
                value={draft.hours}
                onChange={(event) => change({ hours: event.target.value })}
              />
            </Field>
            <Field label={s('holidays')} hint={s('holidaysHint')}>
              <textarea
                data-testid="sla-holidays"
                value={draft.holidays}
                onChange={(event) => change({ holidays: event.target.value })}
              />
            </Field>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>{s('surge')}</legend>
        <div className="admin-form__row">
          <Field label={s('surgeUnassigned')}>
            <input
              type="number"
              min={1}
              data-testid="sla-surge-unassigned"
              value={draft.surgeUnassigned}
              placeholder={s('off')}
              onChange={(event) => change({ surgeUnassigned: event.target.value })}
            />
          </Field>
          <Field label={s('surgeArrivals')}>
            <input
              type="number"
              min={1}
              data-testid="sla-surge-arrivals"
              value={draft.surgeArrivals}
              placeholder={s('off')}
              onChange={(event) => change({ surgeArrivals: event.target.value })}
            />
          </Field>
          <Field label={s('warnAt')}>
            <input
              type="number"
              min={1}
              max={99}
              data-testid="sla-warn"
              value={draft.warnAtPercent}
              onChange={(event) => change({ warnAtPercent: event.target.value })}
            />
          </Field>
        </div>
      </fieldset>
      <FormFooter message={message} busy={busy} testId="sla" saveLabel={s('save')} />
    </form>
  );
}
