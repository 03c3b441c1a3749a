-- One customer, one history (issue 13): two contacts merged into one, by an agent or automatically when verifiably
-- the same person. Each merge keeps exactly what moved (identity ids, conversation ids) and both profiles as they
-- were, so an undo puts everything back.
CREATE TABLE contact_merges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  -- The contact that stays and the one whose identities and conversations moved into it.
  survivor_id uuid NOT NULL REFERENCES contacts(id),
  merged_id uuid NOT NULL REFERENCES contacts(id),
  automatic boolean NOT NULL DEFAULT false,
  -- Why an automatic merge happened (e.g. 'verified_email'); null for an agent's.
  reason text,
  agent_id uuid REFERENCES agents(id),
  -- { identityIds: [], conversationIds: [], survivorBefore: {profile}, mergedBefore: {profile} }
  moved jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  undone_at timestamptz,
  undone_by uuid REFERENCES agents(id)
);
CREATE INDEX contact_merges_survivor_idx ON contact_merges (org_id, survivor_id);
CREATE INDEX contact_merges_merged_idx ON contact_merges (org_id, merged_id);

-- A contact merged into another points at it while the merge stands (cleared by the undo).
ALTER TABLE contacts ADD COLUMN merged_into_id uuid REFERENCES contacts(id);
