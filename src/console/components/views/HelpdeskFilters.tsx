import './views.css';
import { useEffect, useState } from 'react';
import { LOCALES } from '../../../contracts/domain.ts';
import type { Team } from '../../../contracts/routing.ts';
import type { ConversationFilters } from '../../api/client.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { LOCALE_NAMES } from '../../i18n/messages.ts';
import { fetchTeams } from '../routing/routing-api.ts';
import { INTENT_OPTIONS } from './filters.ts';
import { intentLabel, type ViewText, viewText } from './strings.ts';
import { fetchTags } from './views-api.ts';
import { type SelectOption, SelectField } from '../fields.tsx';

/** The filters this row sets; an empty value leaves the filter out. */
type FilterKey = 'tag' | 'intent' | 'language' | 'teamId' | 'slaRisk';

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

  function change(key: FilterKey, value: string) {
    const next = { ...filters };
    if (value) Object.assign(next, { [key]: value });
    else delete next[key];
    onChange(next);
  }

  // A tag from a link or a view may be one nobody uses any more: keep it selectable.
  const tagOptions = filters.tag && !tags.includes(filters.tag) ? [filters.tag, ...tags] : tags;

  const selects: { key: FilterKey; label: ViewText; testId: string; options: SelectOption<string>[] }[] = [
    { key: 'tag', label: 'tag', testId: 'filter-tag', options: tagOptions.map((tag) => ({ value: tag, label: tag })) },
    {
      key: 'intent',
      label: 'intent',
      testId: 'filter-intent',
      options: INTENT_OPTIONS.map((intent) => ({ value: intent, label: intentLabel(locale, intent) })),
    },
    {
      key: 'language',
      label: 'language',
      testId: 'filter-language',
      options: LOCALES.map((language) => ({ value: language, label: LOCALE_NAMES[language] })),
    },
    {
      key: 'teamId',
      label: 'team',
      testId: 'filter-team',
      options: [
        ...(filters.teamId && !teams.some((team) => team.id === filters.teamId)
          ? [{ value: filters.teamId, label: '…' }]
          : []),
        ...teams.map((team) => ({ value: team.id, label: team.name })),
      ],
    },
    {
      key: 'slaRisk',
      label: 'sla',
      testId: 'filter-sla',
      options: [
        { value: 'at_risk', label: s('slaAtRisk') },
        { value: 'breached', label: s('slaBreached') },
      ],
    },
  ];

  // Every filter starts with "any": choosing it drops the filter from the URL.
  return (
    <div className="helpdesk-filters" data-testid="helpdesk-filters">
      {selects.map(({ key, label, testId, options }) => (
        <SelectField
          key={key}
          look="filters"
          label={s(label)}
          testId={testId}
          value={filters[key] ?? ''}
          options={[{ value: '', label: s('any') }, ...options]}
          onChange={(value) => change(key, value)}
        />
      ))}
    </div>
  );
}
