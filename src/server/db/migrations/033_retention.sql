-- Data retention (issue 15): per organization, how long resolved and closed conversations are kept, and whether the
-- retention job (src/server/retention/) then deletes them or anonymises them. No row, or days NULL, keeps everything.
CREATE TABLE retention_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations(id),
  -- Days since a conversation's last activity; at least 30 so a slip of the finger cannot wipe last week.
  days integer CHECK (days IS NULL OR days >= 30),
  mode text NOT NULL DEFAULT 'anonymise' CHECK (mode IN ('delete', 'anonymise')),
  updated_by uuid REFERENCES agents(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- What the last real run removed (the API shows it beside the setting; the audit log keeps every run).
  last_run_at timestamptz,
  last_run jsonb
);

-- An anonymised conversation keeps its row (reports' dimensions, the event log) but not its words: marked so the
-- job passes it by afterwards. A contact whose every conversation is gone or anonymised loses its identity.
ALTER TABLE conversations ADD COLUMN anonymised_at timestamptz;
ALTER TABLE contacts ADD COLUMN anonymised_at timestamptz;
