import { useEffect, useState } from 'react';
import type { Team } from '../../../contracts/routing.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { fetchTeams } from './routing-api.ts';
import { routingStrings } from './strings.ts';

type Props = { teamId: string | null; onChange: (teamId: string | null) => void };

/** Narrows the list to one team's conversations; hidden while the org has no teams. */
export function TeamFilter({ teamId, onChange }: Props) {
  const { locale } = useI18n();
  const s = routingStrings(locale);
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    fetchTeams()
      .then(setTeams)
      .catch(() => {});
  }, []);
  if (teams.length === 0) return null;
  return (
    <div className="filters">
      <label className="filters__field">
        <span className="filters__label">{s.team}</span>
        <select
          className="select"
          data-testid="filter-team"
          value={teamId ?? ''}
          onChange={(event) => onChange(event.target.value || null)}
        >
          <option value="">{s.anyTeam}</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
