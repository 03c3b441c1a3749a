import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { AgentsResponse } from '../../../contracts/api.ts';
import type { Team } from '../../../contracts/routing.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { deleteTeam, fetchAgents, fetchTeams, saveTeam, type TeamInput } from './admin-api.ts';
import { adminText } from './strings.ts';
import { FormFooter, useFormSave } from './FormMessage.tsx';
import { Field } from '../fields.tsx';

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
  const s = (key: Parameters<typeof adminText>[1], vars?: Record<string, string>) => adminText(locale, key, vars);
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [agents, setAgents] = useState<AgentsResponse['agents']>([]);
  const [editing, setEditing] = useState<string | 'new'>('new');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const { busy, message, save, failWith, clear } = useFormSave();

  const load = useCallback(() => {
    fetchTeams().then(setTeams).catch(failWith);
  }, [failWith]);
  useEffect(() => {
    load();
    fetchAgents()
      .then(setAgents)
      .catch(() => {});
  }, [load]);

  function pick(team: Team | null) {
    setEditing(team ? team.id : 'new');
    setDraft(team ? draftOf(team) : EMPTY);
    clear();
  }

  function toggleMember(agentId: string, member: boolean) {
    setDraft((current) => ({
      ...current,
      memberIds: member ? [...current.memberIds, agentId] : current.memberIds.filter((id) => id !== agentId),
    }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    await save(async () => {
      const saved = await saveTeam(editing === 'new' ? null : editing, inputOf(draft));
      setEditing(saved.id);
      setDraft(draftOf(saved));
      load();
    }, s('saved'));
  }

  async function remove() {
    if (editing === 'new' || !window.confirm(s('confirmDelete', { name: draft.name }))) return;
    try {
      await deleteTeam(editing);
      pick(null);
      load();
    } catch (failure) {
      failWith(failure);
    }
  }

  const agentName = (id: string) => agents.find((agent) => agent.id === id)?.name ?? '…';

  return (
    <div className="admin-split" data-testid="teams-admin">
      <section className="admin-card">
        <button type="button" className="button button--small button--primary" onClick={() => pick(null)}>
          + {s('new')}
        </button>
        {teams === null && <p className="muted">{s('loading')}</p>}
        {teams?.length === 0 && <p className="muted">{s('noTeams')}</p>}
        <ul className="admin-list">
          {teams?.map((team) => (
            <li key={team.id}>
              <button
                type="button"
                className="admin-list__item"
                data-testid="team-row"
                aria-current={editing === team.id}
                onClick={() => pick(team)}
              >
                <span>{team.name}</span>
                <span className="admin-list__sub">
                  {team.memberIds.map(agentName).join(', ') || '—'}
                  {team.skills.length > 0 && ` · ${team.skills.join(', ')}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <form className="admin-card admin-form" noValidate onSubmit={submit}>
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
          <Field label={s('overflowTeam')}>
            <select
              className="select"
              data-testid="team-overflow"
              value={draft.overflowTeamId}
              onChange={(event) => setDraft({ ...draft, overflowTeamId: event.target.value })}
            >
              <option value="">{s('none')}</option>
              {teams
                ?.filter((team) => team.id !== editing)
                .map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
            </select>
          </Field>
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
        <FormFooter
          message={message}
          busy={busy}
          testId="team"
          saveLabel={s('save')}
          onDelete={editing === 'new' ? undefined : () => void remove()}
          deleteLabel={s('delete')}
        />
      </form>
    </div>
  );
}
