import type { AgentPermission, AgentRole } from '../../../contracts/domain.ts';

/**
 * What a role already allows without the permission, mirroring the server's checks (kb.service canEditKb,
 * reports.service, privacy/pii-policy): the page shows those boxes ticked and fixed, so an admin does not think that
 * clearing one takes it away.
 */
export function grantedByRole(role: AgentRole, permission: AgentPermission): boolean {
  if (role === 'admin') return true;
  if (role === 'supervisor') return permission === 'reports_read' || permission === 'pii_read';
  return false;
}

/** The same set whatever the order: whether a row has unsaved changes. */
export function samePermissions(a: readonly AgentPermission[], b: readonly AgentPermission[]): boolean {
  return a.length === b.length && a.every((permission) => b.includes(permission));
}
