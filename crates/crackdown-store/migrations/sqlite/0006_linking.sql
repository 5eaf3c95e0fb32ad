-- Campaigns and the public lookup (issue 8).
-- The installation-wide partition of reports into campaigns, kept current
-- as reports arrive: each report in at most one campaign, whose id is the
-- smallest report id in it. Viewers see it re-partitioned over the reports
-- they may read, never as stored.
CREATE TABLE campaign_members (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    campaign_id INTEGER NOT NULL,
    linked_at INTEGER NOT NULL
);
CREATE INDEX campaign_members_campaign ON campaign_members(campaign_id, report_id);
-- What links reports: each report's link features (normalized indicator
-- values and the registrable domains of its links and addresses).
CREATE TABLE link_features (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (kind, value, report_id)
);
CREATE INDEX link_features_report ON link_features(report_id);
-- Near-duplicate text: each report's MinHash signature (hex) and LSH band keys.
CREATE TABLE link_texts (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    signature TEXT NOT NULL
);
CREATE TABLE link_bands (
    band_key INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (band_key, report_id)
);
-- The public lookup's index: one row per key a publishable report names
-- (CLEAR, or consent to publish with GREEN or AMBER). text_key is the hash
-- of the normalized text, so an exact resubmission counts once.
CREATE TABLE lookup_index (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    text_key INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    scam_type TEXT,
    PRIMARY KEY (kind, value, report_id)
);
CREATE INDEX lookup_index_report ON lookup_index(report_id);
-- Values an organisation vouches for (its real hotline, the police's, its
-- own domains): the lookup answers known_legitimate and linking treats them
-- as hubs.
CREATE TABLE known_legitimate (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (kind, value, org_id)
);
