import { useEffect, useMemo, useState } from 'react';
import { CHANNELS, LOCALES, PRIORITIES } from '../../../contracts/domain.ts';
import { BUILTIN_INTENTS } from '../../../contracts/intents.ts';
import type {
  AgentsReport,
  CsatTrendReport,
  HandoffsReport,
  ReportSummary,
  TeamReportRow,
  VolumeBy,
  VolumeReport,
} from '../../../contracts/reports.ts';
import { callApi, errorCodeOf } from '../../api/client.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { Chart, type ChartOption } from './chart.tsx';
import { formatCount, formatDuration, formatPercent } from './numbers.ts';
import { openInsights } from './page-route.ts';
import { reportsText, type ReportsText } from './strings.ts';
import './reports.css';

type Filters = {
  from: string;
  to: string;
  teamId: string;
  channel: string;
  intent: string;
  language: string;
  priority: string;
};

function isoDay(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

function defaultFilters(): Filters {
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 86_400_000);
  return { from: isoDay(from), to: isoDay(to), teamId: '', channel: '', intent: '', language: '', priority: '' };
}

/** The query string every report takes (empty filters left out). */
export function reportQuery(filters: Filters, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) query.set(key, value);
  return query.toString();
}

type Data = {
  summary: ReportSummary;
  byDay: VolumeReport;
  byHour: VolumeReport;
  byChannel: VolumeReport;
  byIntent: VolumeReport;
  agents: AgentsReport;
  handoffs: HandoffsReport;
  csat: CsatTrendReport;
};

const VOLUMES: VolumeBy[] = ['day', 'hour', 'channel', 'intent'];

async function loadReports(filters: Filters, signal: AbortSignal): Promise<Data> {
  const get = <T,>(path: string, extra: Record<string, string> = {}) =>
    callApi<T>(`/api/agent/reports/${path}?${reportQuery(filters, extra)}`, { signal });
  const [summary, byDay, byHour, byChannel, byIntent, agents, handoffs, csat] = await Promise.all([
    get<ReportSummary>('summary'),
    ...VOLUMES.map((by) => get<VolumeReport>('volume', { by })),
    get<AgentsReport>('agents'),
    get<HandoffsReport>('handoffs'),
    get<CsatTrendReport>('csat-trend'),
  ] as const);
  return {
    summary,
    byDay: byDay as VolumeReport,
    byHour: byHour as VolumeReport,
    byChannel: byChannel as VolumeReport,
    byIntent: byIntent as VolumeReport,
    agents: agents as AgentsReport,
    handoffs: handoffs as HandoffsReport,
    csat: csat as CsatTrendReport,
  };
}

const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** Score and response rate per day as two lines in percent; a day with no survey is a gap, not a zero. */
function csatTrendOption(report: CsatTrendReport, scoreName: string, rateName: string): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 30, bottom: 28 },
    xAxis: { type: 'category', data: report.days.map((d) => d.date) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      { type: 'line', name: scoreName, data: report.days.map((d) => percent(d.score)), connectNulls: false },
      { type: 'line', name: rateName, data: report.days.map((d) => percent(d.responseRate)), connectNulls: false },
    ],
  };
}

function barOption(labels: string[], series: { name: string; values: (number | null)[] }[], horizontal = false) {
  const category = { type: 'category', data: labels };
  const value = { type: 'value' };
  return {
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: horizontal ? 140 : 40, right: 16, top: series.length > 1 ? 30 : 12, bottom: 28 },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values })),
  } satisfies ChartOption;
}

export default function Reports() {
  const { locale } = useI18n();
  const text = (key: ReportsText, vars?: Record<string, string | number>) => reportsText(locale, key, vars);
  const [filters, setFilters] = useState<Filters>(defaultFilters);
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [teams, setTeams] = useState<{ id: string; name: string }[]>([]);

  useEffect(() => {
    callApi<{ teams: { id: string; name: string }[] }>('/api/agent/teams')
      .then((r) => setTeams(r.teams))
      .catch(() => setTeams([]));
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    loadReports(filters, controller.signal)
      .then(setData)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorCodeOf(e));
      });
    return () => controller.abort();
  }, [filters]);

  const charts = useMemo(() => {
    const text = (key: ReportsText) => reportsText(locale, key);
    if (!data) return null;
    const volume = barOption(
      data.byDay.rows.map((r) => r.key),
      [{ name: text('kpi.conversations'), values: data.byDay.rows.map((r) => r.conversations) }],
    );
    const hours = barOption(
      data.byHour.rows.map((r) => r.key),
      [{ name: text('kpi.conversations'), values: data.byHour.rows.map((r) => r.conversations) }],
    );
    const channels = barOption(
      data.byChannel.rows.map((r) => r.key),
      [{ name: text('kpi.conversations'), values: data.byChannel.rows.map((r) => r.conversations) }],
      true,
    );
    const s = data.summary;
    const toMinutes = (v: number | null) => (v === null ? null : Math.round((v / 60) * 10) / 10);
    const durations = barOption(
      [text('kpi.frt'), text('kpi.nrt'), text('kpi.resolution')],
      [
        {
          name: text('median'),
          values: [s.firstResponseSeconds, s.nextResponseSeconds, s.resolutionSeconds].map((d) => toMinutes(d.median)),
        },
        {
          name: text('p90'),
          values: [s.firstResponseSeconds, s.nextResponseSeconds, s.resolutionSeconds].map((d) => toMinutes(d.p90)),
        },
      ],
    );
    const sla = barOption(
      s.slaAttainmentByPriority.map((p) => p.priority),
      [
        {
          name: text('kpi.sla'),
          values: s.slaAttainmentByPriority.map((p) =>
            p.attainment === null ? null : Math.round(p.attainment * 1000) / 10,
          ),
        },
      ],
    );
    const rates = barOption(
      [text('kpi.containment'), text('handoffRate'), text('reopenRate'), text('complaintRate')],
      [
        {
          name: '%',
          values: [s.botContainment, s.handoffRate, s.reopenRate, s.complaintRate].map((v) =>
            v === null ? null : Math.round(v * 1000) / 10,
          ),
        },
      ],
    );
    const byIntent = new Map<string, number>();
    for (const row of data.handoffs.rows) {
      const key = row.intent ?? text('noIntent');
      byIntent.set(key, (byIntent.get(key) ?? 0) + row.handoffs);
    }
    const top = [...byIntent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const handoffs = barOption(
      top.map(([k]) => k),
      [{ name: text('handoffs'), values: top.map(([, v]) => v) }],
      true,
    );
    const intents = barOption(
      data.byIntent.rows.slice(0, 10).map((r) => r.key),
      [{ name: text('kpi.conversations'), values: data.byIntent.rows.slice(0, 10).map((r) => r.conversations) }],
      true,
    );
    const csat = csatTrendOption(data.csat, text('csatScoreSeries'), text('csatRateSeries'));
    return { volume, hours, channels, durations, sla, rates, handoffs, intents, csat };
  }, [data, locale]);

  const set = (key: keyof Filters) => (event: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: event.target.value }));
  const csv = (path: string, extra: Record<string, string> = {}) =>
    `/api/agent/reports/${path}?${reportQuery(filters, { ...extra, format: 'csv' })}`;
  const s = data?.summary;

  const select = (key: keyof Filters, label: ReportsText, options: readonly string[], names?: Map<string, string>) => (
    <label className="reports__filter">
      <span>{text(label)}</span>
      <select value={filters[key]} onChange={set(key)} data-testid={`reports-filter-${key}`}>
        <option value="">{text('any')}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {names?.get(o) ?? o}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="reports" data-testid="reports-page">
      <div className="reports__head">
        <button type="button" className="button button--ghost button--small" onClick={() => openInsights(null)}>
          {text('back')}
        </button>
        <h1 className="reports__title">{text('title')}</h1>
        <span className="muted">{s ? text('range', { from: s.from, to: s.to, timeZone: s.timeZone }) : ''}</span>
      </div>
      <div className="reports__filters">
        <label className="reports__filter">
          <span>{text('from')}</span>
          <input type="date" value={filters.from} max={filters.to} onChange={set('from')} />
        </label>
        <label className="reports__filter">
          <span>{text('to')}</span>
          <input type="date" value={filters.to} min={filters.from} onChange={set('to')} />
        </label>
        {select(
          'teamId',
          'team',
          teams.map((t) => t.id),
          new Map(teams.map((t) => [t.id, t.name])),
        )}
        {select('channel', 'channel', CHANNELS)}
        {select('intent', 'intent', BUILTIN_INTENTS)}
        {select('language', 'language', LOCALES)}
        {select('priority', 'priority', PRIORITIES)}
        <span className="reports__downloads">
          <a className="button button--ghost button--small" href={csv('summary')} download data-testid="csv-summary">
            {text('csv.summary')}
          </a>
          <a className="button button--ghost button--small" href={csv('volume', { by: 'day' })} download>
            {text('csv.volume')}
          </a>
          <a className="button button--ghost button--small" href={csv('agents')} download>
            {text('csv.agents')}
          </a>
          <a className="button button--ghost button--small" href={csv('teams')} download data-testid="csv-teams">
            {text('csv.teams')}
          </a>
          <a className="button button--ghost button--small" href={csv('handoffs')} download>
            {text('csv.handoffs')}
          </a>
          <a className="button button--ghost button--small" href={csv('csat-trend')} download data-testid="csv-csat">
            {text('csv.csat')}
          </a>
        </span>
      </div>
      {error && (
        <p className="reports__error" role="alert">
          {text('error', { code: error })}
        </p>
      )}
      {!data && !error && <p className="muted">{text('loading')}</p>}
      {s && charts && data && (
        <>
          <div className="reports__tiles" data-testid="kpi-tiles">
            <Tile label={text('kpi.conversations')} value={formatCount(s.conversations, locale)} id="conversations" />
            <Tile
              label={text('kpi.frt')}
              value={formatDuration(s.firstResponseSeconds.median, locale)}
              sub={text('p90Value', { value: formatDuration(s.firstResponseSeconds.p90, locale) })}
              id="frt"
            />
            <Tile
              label={text('kpi.resolution')}
              value={formatDuration(s.resolutionSeconds.median, locale)}
              sub={text('p90Value', { value: formatDuration(s.resolutionSeconds.p90, locale) })}
              id="resolution"
            />
            <Tile label={text('kpi.sla')} value={formatPercent(s.slaAttainment, locale)} id="sla" />
            <Tile
              label={text('kpi.csat')}
              value={formatPercent(s.csatScore, locale)}
              sub={text('csatSub', {
                satisfied: formatPercent(s.csatSatisfied, locale),
                responses: formatCount(s.csatResponses, locale),
              })}
              id="csat"
            />
            <Tile label={text('kpi.containment')} value={formatPercent(s.botContainment, locale)} id="containment" />
            <Tile label={text('kpi.backlog')} value={formatCount(s.backlog, locale)} id="backlog" />
          </div>
          <div className="reports__charts">
            <Panel title={text('chart.volume')}>
              <Chart option={charts.volume} testId="chart-volume" />
            </Panel>
            <Panel title={text('chart.hours')}>
              <Chart option={charts.hours} />
            </Panel>
            <Panel title={text('chart.durations')}>
              <Chart option={charts.durations} />
            </Panel>
            <Panel title={text('chart.sla')}>
              <Chart option={charts.sla} />
            </Panel>
            <Panel title={text('chart.rates')}>
              <Chart option={charts.rates} />
            </Panel>
            <Panel title={text('chart.channels')}>
              <Chart option={charts.channels} />
            </Panel>
            <Panel title={text('chart.intents')}>
              <Chart option={charts.intents} />
            </Panel>
            <Panel title={text('chart.handoffs')}>
              <Chart option={charts.handoffs} />
            </Panel>
            <Panel title={text('chart.csat')}>
              <Chart option={charts.csat} testId="chart-csat" />
            </Panel>
          </div>
          <Panel title={text('agents')}>
            <FiguresTable
              testId="agents-table"
              nameHeader={text('agent')}
              rows={data.agents.agents.map((a) => ({ ...a, id: a.agentId }))}
              empty={text('noAgents')}
              text={text}
              locale={locale}
            />
          </Panel>
          <Panel title={text('teams')}>
            <FiguresTable
              testId="teams-table"
              nameHeader={text('teamName')}
              rows={data.agents.teams.map((t) => ({ ...t, id: t.teamId }))}
              empty={text('noTeams')}
              text={text}
              locale={locale}
            />
            <p className="muted reports__note">{text('occupancyHint')}</p>
          </Panel>
        </>
      )}
    </div>
  );
}

type FiguresRow = Omit<TeamReportRow, 'teamId'> & { id: string };

/** The agents' and the teams' tables: the same figures, one row each. */
function FiguresTable(props: {
  testId: string;
  nameHeader: string;
  rows: FiguresRow[];
  empty: string;
  text: (key: ReportsText) => string;
  locale: string;
}) {
  const { text, locale } = props;
  return (
    <table className="reports__table" data-testid={props.testId}>
      <thead>
        <tr>
          <th>{props.nameHeader}</th>
          <th>{text('handled')}</th>
          <th>{text('kpi.frt')}</th>
          <th>{text('kpi.resolution')}</th>
          <th>{text('kpi.csat')}</th>
          <th>{text('responses')}</th>
          <th>{text('onlineTime')}</th>
          <th>{text('occupancy')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.id} data-row-id={r.id}>
            <td>{r.name}</td>
            <td>{formatCount(r.handled, locale)}</td>
            <td>{formatDuration(r.firstResponseMedianSeconds, locale)}</td>
            <td>{formatDuration(r.resolutionMedianSeconds, locale)}</td>
            <td>{formatPercent(r.csatScore, locale)}</td>
            <td>{formatCount(r.csatResponses, locale)}</td>
            <td>{r.onlineSeconds > 0 ? formatDuration(r.onlineSeconds, locale) : '—'}</td>
            <td data-testid="occupancy">{formatPercent(r.occupancy, locale)}</td>
          </tr>
        ))}
        {props.rows.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">
              {props.empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function Tile({ label, value, sub, id }: { label: string; value: string; sub?: string; id: string }) {
  return (
    <div className="kpi" data-testid={`kpi-${id}`}>
      <span className="kpi__label">{label}</span>
      <span className="kpi__value">{value}</span>
      {sub && <span className="kpi__sub">{sub}</span>}
    </div>
  );
}

export function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="reports__panel">
      <h2 className="reports__panel-title">{title}</h2>
      {children}
    </section>
  );
}
