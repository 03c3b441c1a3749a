-- When the agent's presence last changed, by the event's own time: with consoles on several nodes, a late "offline"
-- from one node must not undo the "still here" another node said after it.
ALTER TABLE agent_routing ADD COLUMN presence_at timestamptz;
