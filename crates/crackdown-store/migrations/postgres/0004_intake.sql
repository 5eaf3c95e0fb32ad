CREATE TABLE public_receipts (
    receipt TEXT PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id),
    client_hash TEXT NOT NULL
);
