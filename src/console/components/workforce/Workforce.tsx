import { type FormEvent, useEffect, useMemo, useState } from 'react';
import type { SessionResponse } from '../../../contracts/api.ts';
import { ApiError, callApi, errorCodeOf } from '../../api/client.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { Chart, type ChartOption } from '../reports/chart.tsx';
import { formatCount, formatIntervalStart, formatPercent } from '../reports/numbers.ts';
import { openInsights } from '../reports/page-route.ts';
import { Panel } from '../reports/Reports.tsx';
import '../reports/reports.css';
import { ShiftRulesForm } from './ShiftRulesForm.tsx';
import { type WorkforceText, workforceText } from './strings.ts';

/** The shapes of src/server/workforce/workforce.routes.ts (not in src/contracts yet). */
type Staffing = {
  startAt: string;
  intervalMinutes: number;
  ahtSeconds: number;
  ahtFromHistory: boolean;
  concurrency: number;
  serviceLevelTarget: number;
  targets: { offPeakSeconds: number; peakSeconds: number };
  forecast: { method: string; mape: number | null; insufficientHistory: boolean };
  intervals: { start: string; forecast: number; peak: boolean; agents: number; serviceLevel: number }[];
};
type Forecast = {
  startAt: string;
  method: string;
  values: number[];
  mape: number | null;
  insufficientHistory: boolean;
};
type PlanInterval = { index: number; start: string; required: number; scheduled: number };
type Uncovered = { index: number; start: string; skill: string | null; required: number; scheduled: number };
type ShiftPlan = {
  status: 'covered' | 'uncovered';
  staffHours: number;
  shifts: { agentId: string; start: string; end: string }[];
  intervals: PlanInterval[];
  uncovered: Uncovered[];
};
type ErlangResult = {
  agents: number;
  serviceLevel: number;
  probabilityOfWaiting: number;
  averageSpeedOfAnswerSeconds: number | null;
  occupancy: number;
};

const DAYS = 7;
const SLOT_MS = 30 * 60_000;

function download(filename: string, rows: (string | number)[][]): void {
  const body = rows
    .map((r) => r.map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(','))
    .join('\r\n');
  const url = URL.createObjectURL(new Blob([`\uFEFF${body}\r\n`], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function Workforce() {
  const { locale } = useI18n();
  const text = (key: WorkforceText, vars?: Record<string, string | number>) => workforceText(locale, key, vars);
  const [staffing, setStaffing] = useState<Staffing | null>(null);
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const [plan, setPlan] = useState<ShiftPlan | null>(null);
  const [planning, setPlanning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      callApi<Staffing>(`/api/agent/workforce/staffing?days=${DAYS}`, { signal: controller.signal }),
      callApi<Forecast>(`/api/agent/workforce/forecast?days=${DAYS}`, { signal: controller.signal }),
    ])
      .then(([s, f]) => {
        setStaffing(s);
        setForecast(f);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorCodeOf(e));
      });
    return () => controller.abort();
  }, []);

  async function planShifts() {
    setPlanning(true);
    setError(null);
    try {
      setPlan(await requestShiftPlan());
    } catch (e) {
      setError(errorCodeOf(e));
    } finally {
      setPlanning(false);
    }
  }

  const charts = useMemo(() => {
    const text = (key: WorkforceText) => workforceText(locale, key);
    if (!staffing || !forecast) return null;
    const labels = staffing.intervals.map((i) => formatIntervalStart(i.start, locale));
    const scheduled = new Map<number, number>();
    if (plan) for (const i of plan.intervals) scheduled.set(Date.parse(i.start), i.scheduled);
    const required: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 30, bottom: 28 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value' },
      series: [
        { type: 'bar', name: text('required'), data: staffing.intervals.map((i) => i.agents) },
        {
          type: 'line',
          step: 'middle',
          name: text('scheduled'),
          symbol: 'none',
          data: staffing.intervals.map((i) => scheduled.get(Date.parse(i.start)) ?? null),
        },
      ],
    };
    const start = Date.parse(forecast.startAt);
    const forecastChart: ChartOption = {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 12, bottom: 28 },
      xAxis: {
        type: 'category',
        data: forecast.values.map((_, i) => formatIntervalStart(new Date(start + i * SLOT_MS).toISOString(), locale)),
      },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'line',
          name: text('forecast'),
          symbol: 'none',
          areaStyle: {},
          data: forecast.values.map((v) => Math.round(v * 10) / 10),
        },
      ],
    };
    return { required, forecast: forecastChart };
  }, [staffing, forecast, plan, locale]);

  function exportCsv() {
    if (!staffing) return;
    const scheduled = new Map<number, number>();
    if (plan) for (const i of plan.intervals) scheduled.set(Date.parse(i.start), i.scheduled);
    download('staffing.csv', [
      ['start', 'forecast', 'required_agents', 'scheduled_agents', 'peak'],
      ...staffing.intervals.map((i) => [
        i.start,
        Math.round(i.forecast * 100) / 100,
        i.agents,
        scheduled.get(Date.parse(i.start)) ?? '',
        i.peak ? 'yes' : 'no',
      ]),
    ]);
  }

  return (
    <div className="reports" data-testid="workforce-page">
      <div className="reports__head">
        <button type="button" className="button button--ghost button--small" onClick={() => openInsights(null)}>
          {text('back')}
        </button>
        <h1 className="reports__title">{text('title')}</h1>
        <span className="reports__downloads">
          <button
            type="button"
            className="button button--small"
            onClick={planShifts}
            disabled={planning || !staffing}
            data-testid="plan-shifts"
          >
            {planning ? text('planning') : text('plan')}
          </button>
          <button type="button" className="button button--ghost button--small" onClick={exportCsv} disabled={!staffing}>
            {text('csv')}
          </button>
        </span>
      </div>
      {error && (
        <p className="reports__error" role="alert">
          {text('error', { code: error })}
        </p>
      )}
      {!staffing && !error && <p className="muted">{text('loading')}</p>}
      {staffing && forecast && charts && (
        <>
          <div className="reports__tiles">
            <div className="kpi">
              <span className="kpi__label">{text('aht')}</span>
              <span className="kpi__value">{text('seconds', { value: formatCount(staffing.ahtSeconds, locale) })}</span>
              <span className="kpi__sub">{staffing.ahtFromHistory ? text('fromHistory') : text('defaultAht')}</span>
            </div>
            <div className="kpi">
              <span className="kpi__label">{text('mape')}</span>
              <span className="kpi__value" data-testid="mape">
                {formatPercent(forecast.mape, locale)}
              </span>
              <span className="kpi__sub">
                {forecast.insufficientHistory ? text('insufficientHistory') : forecast.method}
              </span>
            </div>
            <div className="kpi">
              <span className="kpi__label">{text('serviceTarget')}</span>
              <span className="kpi__value">{formatPercent(staffing.serviceLevelTarget, locale)}</span>
              <span className="kpi__sub">
                {text('targetSeconds', {
                  offPeak: formatCount(staffing.targets.offPeakSeconds, locale),
                  peak: formatCount(staffing.targets.peakSeconds, locale),
                })}
              </span>
            </div>
            <div className="kpi">
              <span className="kpi__label">{text('concurrency')}</span>
              <span className="kpi__value">{formatCount(staffing.concurrency, locale)}</span>
            </div>
            {plan && (
              <div className="kpi" data-testid="plan-status">
                <span className="kpi__label">{text('planStatus')}</span>
                <span className="kpi__value">{plan.status === 'covered' ? text('covered') : text('uncovered')}</span>
                <span className="kpi__sub">
                  {text('staffHours', {
                    hours: formatCount(plan.staffHours, locale),
                    shifts: formatCount(plan.shifts.length, locale),
                  })}
                </span>
              </div>
            )}
          </div>
          <Panel title={text('chart.required')}>
            <Chart option={charts.required} testId="chart-staffing" />
            {!plan && <p className="muted reports__note">{text('planHint')}</p>}
          </Panel>
          <Panel title={text('chart.forecast')}>
            <Chart option={charts.forecast} testId="chart-forecast" />
          </Panel>
          {plan && plan.uncovered.length > 0 && (
            <Panel title={text('uncoveredTitle', { count: plan.uncovered.length })}>
              <table className="reports__table" data-testid="uncovered">
                <thead>
                  <tr>
                    <th>{text('interval')}</th>
                    <th>{text('skill')}</th>
                    <th>{text('required')}</th>
                    <th>{text('scheduled')}</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.uncovered.map((u) => (
                    <tr key={`${u.index}-${u.skill ?? ''}`}>
                      <td>{formatIntervalStart(u.start, locale)}</td>
                      <td>{u.skill ?? text('anySkill')}</td>
                      <td>{formatCount(u.required, locale)}</td>
                      <td>{formatCount(u.scheduled, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Panel>
          )}
        </>
      )}
      <ShiftRulesForm text={text} />
      <ErlangCalculator text={text} locale={locale} />
    </div>
  );
}

/**
 * POST /shift-plan answers 422 `workforce_uncovered` with the best plan there is and the intervals it cannot cover:
 * the body matters on that error, so this one call reads the response itself (callApi keeps only the error code).
 */
async function requestShiftPlan(): Promise<ShiftPlan> {
  const { csrfToken } = await callApi<SessionResponse>('/api/agent/auth/session');
  const response = await fetch('/api/agent/workforce/shift-plan', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken },
    credentials: 'same-origin',
    body: JSON.stringify({ days: DAYS }),
  });
  const payload = (await response.json().catch(() => null)) as
    | (ShiftPlan & { error?: undefined })
    | { error?: { code: string; message: string }; plan?: ShiftPlan }
    | null;
  if (response.ok && payload) return payload as ShiftPlan;
  if (payload && 'plan' in payload && payload.plan) return payload.plan;
  throw new ApiError(payload?.error?.code ?? 'internal_error', payload?.error?.message ?? '', response.status);
}

function ErlangCalculator({
  text,
  locale,
}: {
  text: (key: WorkforceText, vars?: Record<string, string | number>) => string;
  locale: string;
}) {
  const [form, setForm] = useState({
    arrivals: '100',
    intervalSeconds: '1800',
    ahtSeconds: '300',
    targetSeconds: '60',
    serviceLevel: '80',
  });
  const [result, setResult] = useState<ErlangResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      setResult(
        await callApi<ErlangResult>('/api/agent/workforce/erlang-c', {
          method: 'POST',
          body: {
            arrivals: Number(form.arrivals),
            intervalSeconds: Number(form.intervalSeconds),
            ahtSeconds: Number(form.ahtSeconds),
            targetSeconds: Number(form.targetSeconds),
            serviceLevel: Number(form.serviceLevel) / 100,
          },
        }),
      );
    } catch (e) {
      setResult(null);
      setError(errorCodeOf(e));
    }
  }

  const field = (key: keyof typeof form, label: WorkforceText) => (
    <label className="reports__filter">
      <span>{text(label)}</span>
      <input
        type="number"
        min="0"
        step="any"
        value={form[key]}
        onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
        data-testid={`erlang-${key}`}
      />
    </label>
  );

  return (
    <Panel title={text('erlang.title')}>
      <form className="reports__form" onSubmit={submit}>
        {field('arrivals', 'erlang.arrivals')}
        {field('intervalSeconds', 'erlang.interval')}
        {field('ahtSeconds', 'erlang.aht')}
        {field('targetSeconds', 'erlang.target')}
        {field('serviceLevel', 'erlang.serviceLevel')}
        <button type="submit" className="button button--small" data-testid="erlang-submit">
          {text('erlang.calculate')}
        </button>
      </form>
      {error && <p className="reports__error">{text('error', { code: error })}</p>}
      {result && (
        <div className="reports__result" data-testid="erlang-result">
          <span>
            {text('erlang.agents')}: <strong>{formatCount(result.agents, locale)}</strong>
          </span>
          <span>
            {text('erlang.achieved')}: <strong>{formatPercent(result.serviceLevel, locale)}</strong>
          </span>
          <span>
            {text('erlang.pWait')}: <strong>{formatPercent(result.probabilityOfWaiting, locale)}</strong>
          </span>
          <span>
            {text('erlang.occupancy')}: <strong>{formatPercent(result.occupancy, locale)}</strong>
          </span>
        </div>
      )}
    </Panel>
  );
}
