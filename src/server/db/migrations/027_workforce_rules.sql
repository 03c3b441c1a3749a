-- Issue 14: the shift rules an admin sets for the organization's shift plans (shift lengths, breaks, consecutive
-- days, rest, each agent's languages and skills, the language/skill cover an interval needs). One row per
-- organization, the whole record as JSON validated by the API's zod schema (src/contracts/workforce.ts): the
-- planner reads it whole and it changes rarely, so columns would only add migrations.
CREATE TABLE workforce_rules (
  org_id uuid PRIMARY KEY REFERENCES organizations(id),
  rules jsonb NOT NULL,
  updated_by uuid REFERENCES agents(id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
