-- Surge mode (issue 14): per organization, whether the queue is under a crowd, why, and a supervisor's override.
CREATE TABLE surge_state (
  org_id uuid PRIMARY KEY REFERENCES organizations(id),
  active boolean NOT NULL DEFAULT false,
  -- When it last entered (active) or left (inactive).
  since timestamptz,
  reason text CHECK (reason IN ('arrivals', 'queue', 'manual')),
  -- A supervisor's override, in force until set back to auto (null).
  manual text CHECK (manual IN ('on', 'off')),
  -- While active: since when both signals have stayed under their exit thresholds (hysteresis).
  calm_since timestamptz,
  current_surge_id uuid,
  -- The detector's last measurement.
  arrivals_per_minute real,
  unassigned_open integer,
  measured_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every surge, for the report: the window it covered and how it started.
CREATE TABLE surges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations(id),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  reason text NOT NULL CHECK (reason IN ('arrivals', 'queue', 'manual')),
  started_by uuid REFERENCES agents(id),
  ended_by uuid REFERENCES agents(id)
);
CREATE INDEX surges_org_idx ON surges (org_id, started_at DESC);

-- Agents who want to hear of a surge while off duty (set by the agent themself).
ALTER TABLE agents ADD COLUMN surge_opt_in boolean NOT NULL DEFAULT false;

-- The alerts those agents were given, one per surge and agent: the console shows it on the next load.
CREATE TABLE surge_alerts (
  surge_id uuid NOT NULL REFERENCES surges(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  org_id uuid NOT NULL REFERENCES organizations(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (surge_id, agent_id)
);
