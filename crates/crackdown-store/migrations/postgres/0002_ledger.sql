-- Seized ledgers (issue 7). Every row belongs to the importing organisation;
-- only its admins and analysts read it. Amounts are integer minor units.
CREATE TABLE ledger_imports (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    user_id BIGINT REFERENCES users(id),
    file TEXT NOT NULL,
    format TEXT NOT NULL,
    started_at BIGINT NOT NULL
);
-- id is the arrival order: the ledger orders by time, ties by arrival.
CREATE TABLE ledger_transfers (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL,
    import_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    tx_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    from_account TEXT NOT NULL,
    to_account TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    received_minor BIGINT,
    received_currency TEXT,
    channel TEXT NOT NULL,
    extra TEXT
);
CREATE UNIQUE INDEX ledger_transfers_tx ON ledger_transfers(org_id, tx_id);
CREATE TABLE ledger_accounts (
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    account TEXT NOT NULL,
    country TEXT,
    kind TEXT NOT NULL,
    PRIMARY KEY (org_id, account)
);
