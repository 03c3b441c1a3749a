import type { SavedView, ViewFilters } from '../../contracts/tools.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { AppError } from '../errors.ts';
import { deleteViewRow, insertView, selectView, selectViewsFor, updateViewRow, type ViewRow } from './views.queries.ts';

/**
 * Saved views: a named set of list filters, personal or shared with the organization. Anyone may keep personal views;
 * only admins and supervisors create, change or delete shared ones.
 */

function toView(row: ViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    filters: row.filters,
    shared: row.owner_id === null,
    ownerId: row.owner_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** A view the agent may see, or view_not_found (someone else's personal view is not found, not forbidden). */
async function findVisibleView(ctx: Ctx, viewId: string): Promise<ViewRow> {
  const actor = requireAgentRole(ctx);
  const row = await selectView(ctx.db, ctx.org.id, viewId);
  if (!row || (row.owner_id !== null && row.owner_id !== actor.id)) throw new AppError('view_not_found');
  return row;
}

async function findEditableView(ctx: Ctx, viewId: string): Promise<ViewRow> {
  const row = await findVisibleView(ctx, viewId);
  if (row.owner_id === null && ctx.actor.kind === 'agent' && ctx.actor.role === 'agent') {
    throw new AppError('forbidden', 'Only admins and supervisors change shared views.');
  }
  return row;
}

export async function listViews(ctx: Ctx): Promise<SavedView[]> {
  const actor = requireAgentRole(ctx);
  return (await selectViewsFor(ctx.db, ctx.org.id, actor.id)).map(toView);
}

export async function createView(
  ctx: Ctx,
  input: { name: string; filters: ViewFilters; shared: boolean },
): Promise<SavedView> {
  const actor = requireAgentRole(ctx);
  if (input.shared && actor.role === 'agent') {
    throw new AppError('forbidden', 'Only admins and supervisors share views with the organization.');
  }
  const row = await insertView(ctx.db, ctx.org.id, {
    ownerId: input.shared ? null : actor.id,
    name: screenFreeText(input.name, 'value'),
    filters: input.filters,
  });
  return toView(row);
}

export async function updateView(
  ctx: Ctx,
  viewId: string,
  input: { name?: string; filters?: ViewFilters },
): Promise<SavedView> {
  await findEditableView(ctx, viewId);
  const row = await updateViewRow(ctx.db, ctx.org.id, viewId, {
    ...input,
    ...(input.name !== undefined ? { name: screenFreeText(input.name, 'value') } : {}),
  });
  if (!row) throw new AppError('view_not_found');
  return toView(row);
}

export async function deleteView(ctx: Ctx, viewId: string): Promise<void> {
  await findEditableView(ctx, viewId);
  await deleteViewRow(ctx.db, ctx.org.id, viewId);
}
