import { useCallback, useEffect, useState } from 'react';
import { AGENT_PERMISSIONS, type AgentPermission } from '../../../contracts/domain.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { AdminOnly, AdminSection, AdminTable, ErrorAlert, RowButton, useAdminRun } from './admin-forms.tsx';
import { grantedByRole, samePermissions } from './agent-permissions.ts';
import { type AgentEntry, listAgentsWithPermissions, saveAgentPermissions } from './agents-api.ts';
import { adminText } from './strings.ts';

/**
 * Admins grant agents what their role does not allow (edit the knowledge base, read reports, see customers' personal
 * data in full). A row's boxes are a draft until its Save, so one stray click does not hand out personal data; the
 * server audits every change.
 */
export function AgentsAdmin({ canEdit }: { canEdit: boolean }) {
  const { locale } = useI18n();
  const a = (key: Parameters<typeof adminText>[1], values?: Record<string, string | number>) =>
    adminText(locale, key, values);
  const [agents, setAgents] = useState<AgentEntry[] | null>(null);
  const [drafts, setDrafts] = useState<Record<string, AgentPermission[]>>({});
  const { busy, error, run, fail } = useAdminRun();
  const load = useCallback(() => listAgentsWithPermissions().then(setAgents).catch(fail), [fail]);
  useEffect(() => {
    if (canEdit) void load();
  }, [load, canEdit]);

  if (!canEdit) return <AdminOnly testId="admin-agents" title={a('agents')} text={a('agents.adminOnly')} />;

  const draftOf = (agent: AgentEntry) => drafts[agent.id] ?? agent.permissions;
  function toggle(agent: AgentEntry, permission: AgentPermission, on: boolean) {
    const current = draftOf(agent).filter((p) => p !== permission);
    setDrafts((all) => ({ ...all, [agent.id]: on ? [...current, permission] : current }));
  }
  const save = (agent: AgentEntry) =>
    run(async () => {
      const saved = await saveAgentPermissions(agent.id, draftOf(agent));
      setAgents(
        (list) => list?.map((row) => (row.id === saved.id ? { ...row, permissions: saved.permissions } : row)) ?? null,
      );
      setDrafts(({ [agent.id]: _saved, ...rest }) => rest);
    });

  return (
    <AdminSection testId="admin-agents" title={a('agents')} intro={a('agents.intro')}>
      <dl className="admin__legend">
        {AGENT_PERMISSIONS.map((permission) => (
          <div key={permission}>
            <dt>{a(`agents.permission.${permission}`)}</dt>
            <dd>{a(`agents.permission.${permission}.hint`)}</dd>
          </div>
        ))}
      </dl>
      <ErrorAlert error={error} />
      <AdminTable
        items={agents}
        loadingText={a('loading')}
        emptyText={a('agents.none')}
        headings={[
          a('agents.name'),
          a('agents.role'),
          ...AGENT_PERMISSIONS.map((permission) => a(`agents.permission.${permission}`)),
        ]}
        rowTestId="agent-row"
        cells={(agent) => (
          <>
            <td>{agent.name}</td>
            <td>{a(`agents.role.${agent.role}`)}</td>
            {AGENT_PERMISSIONS.map((permission) => {
              const byRole = grantedByRole(agent.role, permission);
              return (
                <td key={permission}>
                  <label className="admin__check" title={byRole ? a('agents.byRole') : undefined}>
                    <input
                      type="checkbox"
                      data-testid={`agent-permission-${permission}`}
                      aria-label={`${a(`agents.permission.${permission}`)}: ${agent.name}`}
                      checked={byRole || draftOf(agent).includes(permission)}
                      disabled={busy || byRole}
                      onChange={(event) => toggle(agent, permission, event.target.checked)}
                    />
                    {byRole && <span className="muted">{a('agents.byRole')}</span>}
                  </label>
                </td>
              );
            })}
          </>
        )}
        actionsLabel={a('save')}
        actions={(agent) => {
          const dirty = !samePermissions(draftOf(agent), agent.permissions);
          return (
            <RowButton
              className="button button--small button--primary"
              testId="agent-save"
              disabled={busy || !dirty}
              onClick={() => void save(agent)}
            >
              {dirty ? a('save') : a('saved')}
            </RowButton>
          );
        }}
      />
    </AdminSection>
  );
}
