-- Issue 14: a team's occupancy over a past range must count the agents who were its members then, and team_members
-- keeps only who is a member now (a member who left would vanish from last month's report, one who joined today
-- would appear in it). An append-only log of every join and leave, per team, and when.
--
-- Written by a trigger on team_members, as the presence log is (migration 034): every path that changes a team's
-- members (the teams API replacing them as a set, deleting a team, the seeds) goes through that table, in the same
-- transaction, so a change that commits always has its entry and one that rolls back never has one. The time is the
-- transaction's now(): team_members has no time column of its own. Replacing the members as a set (delete all,
-- insert the new ones) logs a leave and a join at the same moment for those who stay, which reads as no gap.

CREATE TABLE team_membership_log (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  team_id uuid NOT NULL,
  agent_id uuid NOT NULL,
  change text NOT NULL CHECK (change IN ('joined', 'left')),
  at timestamptz NOT NULL,
  -- Rows reconstructed from the members when this table was created.
  backfilled boolean NOT NULL DEFAULT false
);
-- Team occupancy reads one organization's entries up to the end of a range.
CREATE INDEX team_membership_log_org_at_idx ON team_membership_log (org_id, at);

CREATE FUNCTION team_membership_log_on_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO team_membership_log (org_id, team_id, agent_id, change, at)
    VALUES (OLD.org_id, OLD.team_id, OLD.agent_id, 'left', now());
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO team_membership_log (org_id, team_id, agent_id, change, at)
    VALUES (NEW.org_id, NEW.team_id, NEW.agent_id, 'joined', now());
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER team_membership_log_on_members AFTER INSERT OR UPDATE OR DELETE ON team_members
  FOR EACH ROW EXECUTE FUNCTION team_membership_log_on_members();

-- Back-fill, as far as the past can be known: each current member since the later of the team's and the agent's
-- creation (nobody was a member before both existed, and past leaves were not recorded anywhere).
INSERT INTO team_membership_log (org_id, team_id, agent_id, change, at, backfilled)
SELECT tm.org_id, tm.team_id, tm.agent_id, 'joined', GREATEST(t.created_at, a.created_at), true
FROM team_members tm
JOIN teams t ON t.id = tm.team_id AND t.org_id = tm.org_id
JOIN agents a ON a.id = tm.agent_id AND a.org_id = tm.org_id;
