import { type FormEvent, useEffect, useState } from 'react';
import type { WorkforceRules } from '../../../contracts/workforce.ts';
import { callApi, errorCodeOf } from '../../api/client.ts';
import { Panel } from '../reports/Reports.tsx';
import type { WorkforceText } from './strings.ts';

type Form = {
  lengths: string;
  startEveryMinutes: string;
  breakOverHours: string;
  breakIntervals: string;
  maxConsecutiveDays: string;
  minRestHours: string;
  coverage: string;
};

/** One cover rule a line: "skill minAgents from-to", e.g. "en 1 10-18" (hours of the organization's wall clock). */
export function parseCoverage(text: string): WorkforceRules['coverage'] | null {
  const rules: WorkforceRules['coverage'] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    const m = /^(\S+)\s+(\d+)(?:\s+(\d{1,2})-(\d{1,2}))?$/.exec(line);
    if (!m) return null;
    rules.push({
      skill: m[1] as string,
      minAgents: Number(m[2]),
      fromHour: m[3] === undefined ? 0 : Number(m[3]),
      toHour: m[4] === undefined ? 24 : Number(m[4]),
    });
  }
  return rules;
}

const toForm = (r: WorkforceRules): Form => ({
  lengths: r.shift.shiftLengthsHours.join(', '),
  startEveryMinutes: String(r.shift.startEveryMinutes),
  breakOverHours: String(r.shift.breakOverHours),
  breakIntervals: String(r.shift.breakIntervals),
  maxConsecutiveDays: String(r.shift.maxConsecutiveDays),
  minRestHours: String(r.shift.minRestHours),
  coverage: r.coverage.map((c) => `${c.skill} ${c.minAgents} ${c.fromHour}-${c.toHour}`).join('\n'),
});

/**
 * The organization's shift rules (admins save; the server refuses anyone else). The agents' languages and skills
 * in the stored record are kept as they are: this form edits the shift rules and the cover rules.
 */
export function ShiftRulesForm({
  text,
}: {
  text: (key: WorkforceText, vars?: Record<string, string | number>) => string;
}) {
  const [rules, setRules] = useState<WorkforceRules | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [status, setStatus] = useState<{ kind: 'saved' } | { kind: 'error'; code: string } | null>(null);

  useEffect(() => {
    callApi<{ rules: WorkforceRules }>('/api/agent/workforce/rules')
      .then((r) => {
        setRules(r.rules);
        setForm(toForm(r.rules));
      })
      .catch((e: unknown) => setStatus({ kind: 'error', code: errorCodeOf(e) }));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form || !rules) return;
    const coverage = parseCoverage(form.coverage);
    if (!coverage) {
      setStatus({ kind: 'error', code: 'validation_failed' });
      return;
    }
    const body: WorkforceRules = {
      shift: {
        shiftLengthsHours: form.lengths
          .split(/[,\s]+/)
          .filter(Boolean)
          .map(Number),
        startEveryMinutes: form.startEveryMinutes === '30' ? 30 : 60,
        breakOverHours: Number(form.breakOverHours),
        breakIntervals: Number(form.breakIntervals),
        maxConsecutiveDays: Number(form.maxConsecutiveDays),
        minRestHours: Number(form.minRestHours),
      },
      agents: rules.agents,
      coverage,
    };
    try {
      const saved = await callApi<{ rules: WorkforceRules }>('/api/agent/workforce/rules', { method: 'PUT', body });
      setRules(saved.rules);
      setForm(toForm(saved.rules));
      setStatus({ kind: 'saved' });
    } catch (e) {
      setStatus({ kind: 'error', code: errorCodeOf(e) });
    }
  }

  const field = (key: Exclude<keyof Form, 'coverage'>, label: WorkforceText, type = 'number') => (
    <label className="reports__filter">
      <span>{text(label)}</span>
      <input
        type={type}
        min="0"
        step="any"
        value={form?.[key] ?? ''}
        onChange={(e) => setForm((f) => (f ? { ...f, [key]: e.target.value } : f))}
        data-testid={`rules-${key}`}
      />
    </label>
  );

  return (
    <Panel title={text('rules.title')}>
      {form && (
        <form className="reports__form" onSubmit={submit} data-testid="rules-form">
          {field('lengths', 'rules.lengths', 'text')}
          <label className="reports__filter">
            <span>{text('rules.startEvery')}</span>
            <select
              value={form.startEveryMinutes}
              onChange={(e) => setForm({ ...form, startEveryMinutes: e.target.value })}
              data-testid="rules-startEveryMinutes"
            >
              <option value="30">30</option>
              <option value="60">60</option>
            </select>
          </label>
          {field('breakOverHours', 'rules.breakOver')}
          {field('breakIntervals', 'rules.breakIntervals')}
          {field('maxConsecutiveDays', 'rules.maxDays')}
          {field('minRestHours', 'rules.minRest')}
          <label className="reports__filter">
            <span>{text('rules.coverage')}</span>
            <textarea
              rows={3}
              value={form.coverage}
              placeholder="en 1 10-18"
              onChange={(e) => setForm({ ...form, coverage: e.target.value })}
              data-testid="rules-coverage"
            />
          </label>
          <button type="submit" className="button button--small" data-testid="rules-save">
            {text('rules.save')}
          </button>
        </form>
      )}
      {rules && <p className="muted">{text('rules.agents', { count: rules.agents.length })}</p>}
      {status?.kind === 'saved' && (
        <p className="muted" data-testid="rules-saved">
          {text('rules.saved')}
        </p>
      )}
      {status?.kind === 'error' && <p className="reports__error">{text('error', { code: status.code })}</p>}
    </Panel>
  );
}
