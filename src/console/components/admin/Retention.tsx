import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  type RetentionHeld,
  type RetentionMode,
  type RetentionReport,
  type RetentionSettingsResponse,
} from '../../../contracts/retention.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { AdminTextField, SelectField } from '../fields.tsx';
import { AdminOnly, AdminSection, ErrorAlert, FormActions, StatusNote, useAdminRun } from './admin-forms.tsx';
import { getRetentionSettings, previewRetention, saveRetentionSettings } from './retention-api.ts';
import { adminText } from './strings.ts';

const MODES: RetentionMode[] = ['anonymise', 'delete'];

/** Empty keeps forever; otherwise a whole number of days in range, or undefined when it is not one. */
function parseDays(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const days = Number(trimmed);
  return days >= RETENTION_MIN_DAYS && days <= RETENTION_MAX_DAYS ? days : undefined;
}

/** Admins set how long resolved conversations are kept and what happens then, and preview what a run would remove. */
export function Retention({ canEdit }: { canEdit: boolean }) {
  const { locale } = useI18n();
  const a = (key: Parameters<typeof adminText>[1], vars?: Parameters<typeof adminText>[2]) =>
    adminText(locale, key, vars);
  const [loaded, setLoaded] = useState<RetentionSettingsResponse | null>(null);
  const [days, setDays] = useState('');
  const [mode, setMode] = useState<RetentionMode>('anonymise');
  const [preview, setPreview] = useState<RetentionReport | null>(null);
  const { busy, error, run: runAction, fail } = useAdminRun();
  const [saved, setSaved] = useState(false);

  const show = useCallback((response: RetentionSettingsResponse) => {
    setLoaded(response);
    setDays(response.settings.days === null ? '' : String(response.settings.days));
    setMode(response.settings.mode);
  }, []);
  useEffect(() => {
    if (canEdit) getRetentionSettings().then(show).catch(fail);
  }, [canEdit, show, fail]);

  if (!canEdit) return <AdminOnly testId="admin-retention" title={a('retention')} text={a('retention.adminOnly')} />;

  /** "Saved" stands until the next action. */
  function run(action: () => Promise<void>) {
    setSaved(false);
    return runAction(action);
  }

  const parsedDays = parseDays(days);
  function save(event: FormEvent) {
    event.preventDefault();
    if (parsedDays === undefined) return;
    void run(async () => {
      show(await saveRetentionSettings({ days: parsedDays, mode }));
      setPreview(null);
      setSaved(true);
    });
  }

  const dirty = loaded !== null && (parsedDays !== loaded.settings.days || mode !== loaded.settings.mode);
  const dateOf = (iso: string) => new Date(iso).toLocaleDateString(locale);
  const heldText = (held: RetentionHeld) =>
    (Object.entries(held) as [keyof RetentionHeld, number][])
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => a(`retention.held.${reason}`, { n }))
      .join(', ');
  const describe = (report: RetentionReport, verb: string) => {
    if (report.days === null) return a('retention.off');
    if (!report.oldest || !report.newest) {
      if (report.logs + report.feedbackComments + report.emailEvents === 0) {
        return a('retention.resultNone', { cutoff: dateOf(report.cutoff ?? '') });
      }
      return a('retention.resultLogs', {
        verb,
        logs: report.logs,
        comments: report.feedbackComments,
        mailEvents: report.emailEvents,
      });
    }
    return a('retention.result', {
      verb,
      conversations: report.conversations,
      from: dateOf(report.oldest.lastActivityAt),
      to: dateOf(report.newest.lastActivityAt),
      first: report.oldest.number,
      last: report.newest.number,
      messages: report.messages,
      files: report.files,
      contacts: report.contacts,
      logs: report.logs,
      comments: report.feedbackComments,
      mailEvents: report.emailEvents,
    });
  };

  return (
    <AdminSection testId="admin-retention" title={a('retention')} intro={a('retention.intro')}>
      {loaded === null ? (
        <p className="muted">{a('loading')}</p>
      ) : (
        <form className="admin__form" onSubmit={save}>
          <AdminTextField
            size="short"
            label={a('retention.days')}
            testId="retention-days"
            value={days}
            maxLength={5}
            placeholder="∞"
            onChange={setDays}
          />
          <SelectField
            look="admin"
            label={a('retention.mode')}
            testId="retention-mode"
            value={mode}
            options={MODES.map((m) => ({ value: m, label: a(`retention.mode.${m}`) }))}
            onChange={setMode}
          />
          <FormActions
            busy={busy}
            canSubmit={parsedDays !== undefined && dirty}
            submitLabel={a('save')}
            submitTestId="retention-save"
          >
            <button
              type="button"
              className="button"
              data-testid="retention-preview"
              title={a('retention.previewHint')}
              disabled={busy || dirty}
              onClick={() => void run(async () => setPreview(await previewRetention()))}
            >
              {a('retention.preview')}
            </button>
          </FormActions>
        </form>
      )}
      <p className="muted">
        {parsedDays === undefined ? a('retention.badDays') : a('retention.daysHint')} {a(`retention.modeHint.${mode}`)}
      </p>
      <StatusNote text={saved && a('saved')} />
      <ErrorAlert error={error} />
      {preview && (
        <div className="admin__result" data-testid="retention-preview-result">
          <p>{describe(preview, a('retention.wouldRemove'))}</p>
          {heldText(preview.held) && <p className="muted">{a('retention.held', { list: heldText(preview.held) })}</p>}
        </div>
      )}
      {loaded?.lastRun && loaded.lastRunAt && (
        <p className="muted" data-testid="retention-last-run">
          {describe(loaded.lastRun, a('retention.removed', { at: new Date(loaded.lastRunAt).toLocaleString(locale) }))}
        </p>
      )}
    </AdminSection>
  );
}
