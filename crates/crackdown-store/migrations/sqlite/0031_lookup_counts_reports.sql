-- The public lookup counts reports, not texts: two victims who paste the
-- same lure are two victims reporting the value (a reporter's exact
-- resubmission is a duplicate the store never keeps, so it is not here).
-- The answers kept since 0011 counted each text once; recount them from
-- the index, every publishable report under each key, with the dates and
-- scam types of all of them.
DELETE FROM lookup_summary;
DELETE FROM lookup_summary_types;
INSERT INTO lookup_summary (kind, value, reports, first_seen, last_seen)
    SELECT kind, value, COUNT(*), MIN(received_at), MAX(received_at)
    FROM lookup_index
    GROUP BY kind, value;
INSERT INTO lookup_summary_types (kind, value, scam_type, reports)
    SELECT kind, value, scam_type, COUNT(*)
    FROM lookup_index
    WHERE scam_type IS NOT NULL
    GROUP BY kind, value, scam_type;
-- Nothing reads lookup_index by text any more (intake asked it whether a
-- text was new under a key): its index only slowed every insert.
DROP INDEX IF EXISTS lookup_index_tally;
