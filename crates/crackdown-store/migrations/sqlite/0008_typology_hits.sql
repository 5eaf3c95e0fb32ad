-- Typology hits (issue 7), each with the transfers that form it. Hits belong
-- to the organisation whose ledger they were found in; storing a new run
-- replaces the organisation's previous hits. accounts is a JSON array of
-- account names (the centre first); windows are milliseconds.
CREATE TABLE typology_hits (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    account TEXT NOT NULL,
    accounts TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    window_end INTEGER NOT NULL,
    detected_at INTEGER NOT NULL
);
CREATE INDEX typology_hits_org ON typology_hits(org_id, kind, id);
CREATE TABLE typology_hit_transfers (
    hit_id INTEGER NOT NULL REFERENCES typology_hits(id),
    ordinal INTEGER NOT NULL,
    tx_id TEXT NOT NULL,
    PRIMARY KEY (hit_id, ordinal)
);
