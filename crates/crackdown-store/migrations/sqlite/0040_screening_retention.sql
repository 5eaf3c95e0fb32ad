-- Issue 24: a per-team retention period. A closed case whose last change is
-- older than the team's period is erased through the same path as
-- `crackdown screening erase` when a member applies retention; NULL keeps
-- cases until someone erases them.
ALTER TABLE screening_teams ADD COLUMN retention_days INTEGER;
