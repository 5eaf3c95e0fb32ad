CREATE TABLE public_receipts (
    receipt TEXT PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id),
    client_hash TEXT NOT NULL
);
CREATE TABLE report_evidence (
    report_id BIGINT PRIMARY KEY REFERENCES reports(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
