-- Seized ledgers (issue 7). Every row belongs to the importing organisation;
-- only its admins and analysts read it. Amounts are integer minor units.
CREATE TABLE ledger_imports (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER REFERENCES users(id),
    file TEXT NOT NULL,
    format TEXT NOT NULL,
    started_at INTEGER NOT NULL
);
-- id is the arrival order: the ledger orders by time, ties by arrival.
CREATE TABLE ledger_transfers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    import_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    tx_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    from_account TEXT NOT NULL,
    to_account TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    received_minor INTEGER,
    received_currency TEXT,
    channel TEXT NOT NULL,
    extra TEXT
);
CREATE UNIQUE INDEX ledger_transfers_tx ON ledger_transfers(org_id, tx_id);
CREATE TABLE ledger_accounts (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    account TEXT NOT NULL,
    country TEXT,
    kind TEXT NOT NULL,
    PRIMARY KEY (org_id, account)
);
