-- A duplicate is recognised only against reports the submitter may read
-- (security issue 20, item 4): a reporter who re-submits a text or an
-- external id that a colleague reported under a marking they may not read
-- gets their own copy stored. The store looks for readable originals before
-- inserting (`reports::insert_batch`); what stays unique in the table is one
-- submitter's submissions, so a resubmission by the same person (and a
-- re-import of the same file) is still one report however writers race.
-- Anonymous public reports (no user) are one submitter per organisation.
-- The constraints dropped are those 0001 declared (PostgreSQL's default
-- names); no IF EXISTS, so a database that differs fails here, loudly.
ALTER TABLE reports DROP CONSTRAINT reports_org_id_external_id_key;
ALTER TABLE reports DROP CONSTRAINT reports_org_id_fingerprint_key;
-- Unique per submitter; with the organisation first they also serve the
-- search for readable originals by (organisation, fingerprint) and
-- (organisation, external id).
CREATE UNIQUE INDEX reports_submitter_fingerprint ON reports(org_id, fingerprint, COALESCE(user_id, 0));
CREATE UNIQUE INDEX reports_submitter_external_id ON reports(org_id, external_id, COALESCE(user_id, 0));
