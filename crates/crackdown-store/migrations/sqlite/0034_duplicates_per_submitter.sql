-- A duplicate is recognised only against reports the submitter may read
-- (security issue 20, item 4): a reporter who re-submits a text or an
-- external id that a colleague reported under a marking they may not read
-- gets their own copy stored. The store looks for readable originals before
-- inserting (`reports::insert_batch`); what stays unique in the table is one
-- submitter's submissions, so a resubmission by the same person (and a
-- re-import of the same file) is still one report however writers race.
-- Anonymous public reports (no user) are one submitter per organisation.
--
-- SQLite cannot drop a UNIQUE constraint declared inside CREATE TABLE, so
-- `reports` is rebuilt by SQLite's documented 12-step procedure: the
-- migration runner turns foreign-key enforcement off around migrations,
-- restores the table's other indexes and triggers after this file, and runs
-- `PRAGMA foreign_key_check` before committing (`migrations::REBUILDS`).
-- The rebuild keeps every id, so the tables referring to reports stay whole.
CREATE TABLE reports_rebuilt (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER REFERENCES users(id),
    external_id TEXT,
    fingerprint TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    reported_at INTEGER,
    channel TEXT NOT NULL,
    language TEXT,
    text TEXT NOT NULL,
    loss_minor INTEGER,
    loss_currency TEXT,
    tlp TEXT NOT NULL,
    reporter TEXT,
    consent_share INTEGER NOT NULL,
    consent_publish INTEGER NOT NULL,
    status TEXT NOT NULL,
    original_sha256 TEXT REFERENCES artefacts(sha256),
    country TEXT
);
INSERT INTO reports_rebuilt (id, org_id, user_id, external_id, fingerprint, received_at, reported_at, channel,
    language, text, loss_minor, loss_currency, tlp, reporter, consent_share, consent_publish, status,
    original_sha256, country)
SELECT id, org_id, user_id, external_id, fingerprint, received_at, reported_at, channel,
    language, text, loss_minor, loss_currency, tlp, reporter, consent_share, consent_publish, status,
    original_sha256, country
FROM reports;
DROP TABLE reports;
ALTER TABLE reports_rebuilt RENAME TO reports;
-- Unique per submitter; with the organisation first they also serve the
-- search for readable originals by (organisation, fingerprint) and
-- (organisation, external id).
CREATE UNIQUE INDEX reports_submitter_fingerprint ON reports(org_id, fingerprint, COALESCE(user_id, 0));
CREATE UNIQUE INDEX reports_submitter_external_id ON reports(org_id, external_id, COALESCE(user_id, 0));
