-- Where a transfer read from a bank statement or explorer export came from
-- (issue 25): the file, the statement's own id and the entry number, so an
-- investigator can put the ledger row next to the page the bank sent.
-- Several sources (both banks' views of one transfer) are joined by " | ".
-- Null for rows of native and AMLworld ledgers.
ALTER TABLE ledger_transfers ADD COLUMN source_file TEXT;
ALTER TABLE ledger_transfers ADD COLUMN source_statement TEXT;
ALTER TABLE ledger_transfers ADD COLUMN source_entry TEXT;
