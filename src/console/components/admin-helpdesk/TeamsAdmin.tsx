import { useEffect, useState } from 'react';
import type { AgentsResponse } from '../../../contracts/api.ts';
import type { Team } from '../../../contracts/routing.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { deleteTeam, fetchAgents, fetchTeams, saveTeam, type TeamInput } from './admin-api.ts';
import { adminText } from './strings.ts';
import { AdminRecords, useAdminRecords } from './AdminRecords.tsx';
import { Field, SelectField } from '../fields.tsx';

type Draft = { name: string; skills: string; memberIds: string[]; overflowTeamId: string; overflowAfter: string };

const EMPTY: Draft = { name: '', skills: '', memberIds: [], overflowTeamId: '', overflowAfter: '' };

function draftOf(team: Team): Draft {
  return {
    name: team.name,
    skills: team.skills.join(', '),
    memberIds: team.memberIds,
    overflowTeamId: team.overflowTeamId ?? '',
    overflowAfter: team.overflowAfterSeconds === null ? '' : String(team.overflowAfterSeconds),
  };
}

function inputOf(draft: Draft): TeamInput {
  return {
    name: draft.name,
    skills: draft.skills
      .split(/[,，\s]+/)
      .map((skill) => skill.trim())
      .filter(Boolean),
    memberIds: draft.memberIds,
    overflowTeamId: draft.overflowTeamId || null,
    overflowAfterSeconds: draft.overflowAfter.trim() === '' ? null : Number(draft.overflowAfter),
  };
}

export function TeamsAdmin() {
  const { locale } = useI18n();
  const s = (key: Parameters<typeof adminText>[1]) => adminText(locale, key);
  const [agents, setAgents] = useState<AgentsResponse['agents']>([]);
  const state = useAdminRecords<Team, Draft>({
    fetchAll: fetchTeams,
    save: (id, draft) => saveTeam(id, inputOf(draft)),
    remove: deleteTeam,
    draftOf,
    empty: EMPTY,
  });
  const { records: teams, editing, draft, setDraft } = state;

  useEffect(() => {
    fetchAgents()
      .then(setAgents)
      .catch(() => {});
  }, []);

  function toggleMember(agentId: string, member: boolean) {
    setDraft((current) => ({
      ...current,
      memberIds: member ? [...current.memberIds, agentId] : current.memberIds.filter((id) => id !== agentId),
    }));
  }

  const agentName = (id: string) => agents.find((agent) => agent.id === id)?.name ?? '…';

  return (
    <AdminRecords
      state={state}
      testId="team"
      pageTestId="teams-admin"
      emptyText={s('noTeams')}
      summary={(team) => (
        <>
          {team.memberIds.map(agentName).join(', ') || '—'}
          {team.skills.length > 0 && ` · ${team.skills.join(', ')}`}
        </>
      )}
    >
      <div className="admin-form__row">
        <Field label={s('name')}>
          <input
            type="text"
            data-testid="team-name"
            value={draft.name}
            maxLength={80}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          />
        </Field>
        <Field label={s('skills')}>
          <input
            type="text"
            data-testid="team-skills"
            value={draft.skills}
            placeholder="zh, VIP, security"
            onChange={(event) => setDraft({ ...draft, skills: event.target.value })}
          />
        </Field>
      </div>
      <fieldset>
        <legend>{s('members')}</legend>
        <div className="admin-members">
          {agents.map((agent) => (
            <label key={agent.id} className="admin-check">
              <input
                type="checkbox"
                data-testid="team-member"
                checked={draft.memberIds.includes(agent.id)}
                onChange={(event) => toggleMember(agent.id, event.target.checked)}
              />
              {agent.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="admin-form__row">
        <SelectField
          label={s('overflowTeam')}
          testId="team-overflow"
          value={draft.overflowTeamId}
          options={[
            { value: '', label: s('none') },
            ...(teams ?? [])
              .filter((team) => team.id !== editing)
              .map((team) => ({ value: team.id, label: team.name })),
          ]}
          onChange={(overflowTeamId) => setDraft({ ...draft, overflowTeamId })}
        />
        <Field label={s('overflowAfter')}>
          <input
            type="number"
            data-testid="team-overflow-after"
            min={10}
            max={86400}
            value={draft.overflowAfter}
            onChange={(event) => setDraft({ ...draft, overflowAfter: event.target.value })}
          />
        </Field>
      </div>
    </AdminRecords>
  );
}
