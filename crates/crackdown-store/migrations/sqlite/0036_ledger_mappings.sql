-- Column mappings of banks' spreadsheet statements (issue 25), saved by name
-- per organisation, so the next production of the same bank is read the
-- same way by whoever on the case team imports it.
CREATE TABLE ledger_mappings (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    profile TEXT NOT NULL,
    saved_by INTEGER REFERENCES users(id),
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)
);
