import './views.css';
import { useEffect, useState } from 'react';
import { LOCALES } from '../../../contracts/domain.ts';
import type { Team } from '../../../contracts/routing.ts';
import type { ConversationFilters } from '../../api/client.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { LOCALE_NAMES } from '../../i18n/messages.ts';
import { fetchTeams } from '../routing/routing-api.ts';
import { INTENT_OPTIONS } from './filters.ts';
import { intentLabel, viewText } from './strings.ts';
import { fetchTags } from './views-api.ts';

type Props = { filters: ConversationFilters; onChange: (filters: ConversationFilters) => void };

/** Tag, intent, language, team and SLA-risk filters; each is kept in the URL with the others. */
export function HelpdeskFilters({ filters, onChange }: Props) {
  const { locale } = useI18n();
  const s = (key: Parameters<typeof viewText>[1]) => viewText(locale, key);
  const [tags, setTags] = useState<string[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);

  useEffect(() => {
    // Both lists only make the dropdowns richer: without them the filters still work from the URL.
    fetchTags()
      .then(setTags)
      .catch(() => {});
    fetchTeams()
      .then(setTeams)
      .catch(() => {});
  }, []);

  function change<K extends 'tag' | 'intent' | 'language' | 'teamId' | 'slaRisk'>(key: K, value: string) {
    const next = { ...filters };
    if (value) Object.assign(next, { [key]: value });
    else delete next[key];
    onChange(next);
  }

  // A tag from a link or a view may be one nobody uses any more: keep it selectable.
  const tagOptions = filters.tag && !tags.includes(filters.tag) ? [filters.tag, ...tags] : tags;

  return (
    <div className="helpdesk-filters" data-testid="helpdesk-filters">
      <label className="filters__field">
        <span className="filters__label">{s('tag')}</span>
        <select
          className="select"
          data-testid="filter-tag"
          value={filters.tag ?? ''}
          onChange={(event) => change('tag', event.target.value)}
        >
          <option value="">{s('any')}</option>
          {tagOptions.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">{s('intent')}</span>
        <select
          className="select"
          data-testid="filter-intent"
          value={filters.intent ?? ''}
          onChange={(event) => change('intent', event.target.value)}
        >
          <option value="">{s('any')}</option>
          {INTENT_OPTIONS.map((intent) => (
            <option key={intent} value={intent}>
              {intentLabel(locale, intent)}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">{s('language')}</span>
        <select
          className="select"
          data-testid="filter-language"
          value={filters.language ?? ''}
          onChange={(event) => change('language', event.target.value)}
        >
          <option value="">{s('any')}</option>
          {LOCALES.map((language) => (
            <option key={language} value={language}>
              {LOCALE_NAMES[language]}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">{s('team')}</span>
        <select
          className="select"
          data-testid="filter-team"
          value={filters.teamId ?? ''}
          onChange={(event) => change('teamId', event.target.value)}
        >
          <option value="">{s('any')}</option>
          {filters.teamId && !teams.some((team) => team.id === filters.teamId) && (
            <option value={filters.teamId}>…</option>
          )}
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">{s('sla')}</span>
        <select
          className="select"
          data-testid="filter-sla"
          value={filters.slaRisk ?? ''}
          onChange={(event) => change('slaRisk', event.target.value)}
        >
          <option value="">{s('any')}</option>
          <option value="at_risk">{s('slaAtRisk')}</option>
          <option value="breached">{s('slaBreached')}</option>
        </select>
      </label>
    </div>
  );
}
