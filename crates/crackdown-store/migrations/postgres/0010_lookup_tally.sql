-- Covers the public lookup's tally (kind, value → text, report, day, scam
-- type) so a value named by thousands of reports is counted from the index
-- alone, without visiting the table.
CREATE INDEX lookup_index_tally ON lookup_index(kind, value, text_key, report_id, received_at, scam_type);
