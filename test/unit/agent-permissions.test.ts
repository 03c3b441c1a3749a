import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantedByRole, samePermissions } from '../../src/console/components/admin/agent-permissions.ts';
import { AGENT_PERMISSIONS, type AgentPermission, type AgentRole } from '../../src/contracts/domain.ts';
import { canEditKb } from '../../src/server/kb/kb.service.ts';
import { seesPii } from '../../src/server/privacy/pii-policy.ts';
import { canReadReports } from '../../src/server/reports/reports.service.ts';

/** The server's own check of each permission, for an agent of a role holding no extra permissions. */
const SERVER_CHECKS: Record<AgentPermission, (role: AgentRole) => boolean> = {
  kb_editor: (role) => canEditKb({ actor: actorOf(role) }),
  reports_read: (role) => canReadReports({ actor: actorOf(role) }),
  pii_read: (role) => seesPii(actorOf(role)),
};

function actorOf(role: AgentRole) {
  return { kind: 'agent' as const, id: 'a', name: 'A', role, locale: 'en' as const, permissions: [] };
}

// The Agents page ticks and fixes a box its role already grants: it must say what the server does.
for (const role of ['admin', 'supervisor', 'agent'] as const) {
  for (const permission of AGENT_PERMISSIONS) {
    test(`grantedByRole(${role}, ${permission}) agrees with the server`, () => {
      assert.equal(grantedByRole(role, permission), SERVER_CHECKS[permission](role));
    });
  }
}

test('samePermissions ignores order and sees a change', () => {
  const cases: [AgentPermission[], AgentPermission[], boolean][] = [
    [[], [], true],
    [['pii_read', 'kb_editor'], ['kb_editor', 'pii_read'], true],
    [['pii_read'], [], false],
    [[], ['reports_read'], false],
    [['pii_read'], ['kb_editor'], false],
  ];
  for (const [a, b, same] of cases) assert.equal(samePermissions(a, b), same, `${a} vs ${b}`);
});
