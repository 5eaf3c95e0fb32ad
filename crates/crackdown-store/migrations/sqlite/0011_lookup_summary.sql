-- The public lookup's answer per key, kept as reports arrive, so answering
-- a value named by tens of thousands of reports is one point read. A
-- WhatsApp number is also indexed as a phone, so the phone key holds both
-- and the keys of one query nest (link < host < registrable domain; WhatsApp
-- < phone): the union a query asks about is its broadest key.
-- reports: distinct texts (the first report of each); the dates and scam
-- types are those first reports'.
INSERT INTO lookup_index (kind, value, report_id, text_key, received_at, scam_type)
    SELECT 'phone', value, report_id, text_key, received_at, scam_type FROM lookup_index
    WHERE kind = 'whatsapp' AND value LIKE '+%'
    ON CONFLICT DO NOTHING;
CREATE TABLE lookup_summary (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    reports BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE TABLE lookup_summary_types (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    scam_type TEXT NOT NULL,
    reports BIGINT NOT NULL,
    PRIMARY KEY (kind, value, scam_type)
);
INSERT INTO lookup_summary (kind, value, reports, first_seen, last_seen)
    SELECT h.kind, h.value, COUNT(*), MIN(h.received_at), MAX(h.received_at)
    FROM lookup_index h JOIN (SELECT kind, value, MIN(report_id) AS report_id FROM lookup_index
                              GROUP BY kind, value, text_key) f
      ON f.kind = h.kind AND f.value = h.value AND f.report_id = h.report_id
    GROUP BY h.kind, h.value;
INSERT INTO lookup_summary_types (kind, value, scam_type, reports)
    SELECT h.kind, h.value, h.scam_type, COUNT(*)
    FROM lookup_index h JOIN (SELECT kind, value, MIN(report_id) AS report_id FROM lookup_index
                              GROUP BY kind, value, text_key) f
      ON f.kind = h.kind AND f.value = h.value AND f.report_id = h.report_id
    WHERE h.scam_type IS NOT NULL
    GROUP BY h.kind, h.value, h.scam_type;
