import type { Queryable } from '../db/db.ts';
import type { CHANNEL_KINDS } from '../../contracts/self-service.ts';

/** The official-channel registry (src/server/trust/official-channels.ts says what a channel is and how it is spelt). */
type ChannelKind = (typeof CHANNEL_KINDS)[number];
export type OfficialChannelRow = {
  id: string;
  kind: ChannelKind;
  value: string;
  label: string;
  created_at: Date;
};

export async function selectOfficialChannels(db: Queryable, orgId: string): Promise<OfficialChannelRow[]> {
  return db.query<OfficialChannelRow>(
    'SELECT id, kind, value, label, created_at FROM official_channels WHERE org_id = $1 ORDER BY kind, value',
    [orgId],
  );
}

/** `value` already in the registry's one spelling (normalizeChannel). */
export async function upsertOfficialChannel(
  db: Queryable,
  orgId: string,
  c: { kind: ChannelKind; value: string; label: string },
): Promise<OfficialChannelRow> {
  const rows = await db.query<OfficialChannelRow>(
    `INSERT INTO official_channels (org_id, kind, value, label) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, kind, value) DO UPDATE SET label = EXCLUDED.label
     RETURNING id, kind, value, label, created_at`,
    [orgId, c.kind, c.value, c.label],
  );
  return rows[0];
}

export async function deleteOfficialChannel(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM official_channels WHERE org_id = $1 AND id = $2 RETURNING id', [orgId, id]);
  return rows.length === 1;
}

/** The registered channels among these (kind, value) pairs. */
export async function selectOfficialChannelsAmong(
  db: Queryable,
  orgId: string,
  candidates: { kind: ChannelKind; value: string }[],
): Promise<{ kind: ChannelKind; value: string; label: string }[]> {
  return db.query<{ kind: ChannelKind; value: string; label: string }>(
    `SELECT kind, value, label FROM official_channels
      WHERE org_id = $1 AND (kind, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [orgId, candidates.map((c) => c.kind), candidates.map((c) => c.value)],
  );
}
