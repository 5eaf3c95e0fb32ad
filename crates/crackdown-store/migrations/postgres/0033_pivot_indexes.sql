-- Search and pivot (issue 26): an account of the ledger is found by the
-- transfers into and out of it without reading the organisation's whole
-- ledger.
CREATE INDEX ledger_transfers_from ON ledger_transfers(org_id, from_account);
CREATE INDEX ledger_transfers_to ON ledger_transfers(org_id, to_account);
