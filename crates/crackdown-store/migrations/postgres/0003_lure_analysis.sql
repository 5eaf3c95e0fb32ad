-- Lure analysis of each report (issue 6): the verdict, and the indicators
-- keyed by (kind, normalized) so linking and lookups join on them.
CREATE TABLE report_analyses (
    report_id BIGINT PRIMARY KEY REFERENCES reports(id),
    label TEXT NOT NULL,
    scam_type TEXT,
    stage TEXT,
    -- Confidence in basis points (0..=10000): integers compare and store exactly on both backends.
    confidence_bp BIGINT NOT NULL,
    -- JSON array of readable reasons.
    reasons TEXT NOT NULL,
    analyzed_at BIGINT NOT NULL
);
CREATE INDEX report_analyses_type ON report_analyses(scam_type, report_id);
CREATE TABLE indicators (
    kind TEXT NOT NULL,
    normalized TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (kind, normalized)
);
CREATE TABLE report_indicators (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,
    normalized TEXT NOT NULL,
    value TEXT NOT NULL,
    valid BOOLEAN NOT NULL,
    span_start BIGINT NOT NULL,
    span_end BIGINT NOT NULL,
    PRIMARY KEY (report_id, span_start, kind),
    FOREIGN KEY (kind, normalized) REFERENCES indicators(kind, normalized)
);
CREATE INDEX report_indicators_key ON report_indicators(kind, normalized, report_id);
