-- Watchlists, alerts and the webhook outbox (issue 8, part 2).
-- Entries and webhooks are removed by stamping removed_at: alerts and
-- deliveries keep pointing at what they were made from.
CREATE TABLE watch_entries (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    -- exact | prefix | domain_suffix | regex | campaign | scam_type
    kind TEXT NOT NULL,
    -- The indicator type of an exact or regex entry, or what a prefix applies to (iban, card_bin, phone).
    qualifier TEXT,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX watch_entries_org ON watch_entries(org_id, id);
CREATE TABLE webhooks (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    url TEXT NOT NULL,
    -- Kept in clear: HMAC signing needs the key itself.
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(org_id, id);
CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    entry_id BIGINT NOT NULL REFERENCES watch_entries(id),
    report_id BIGINT NOT NULL REFERENCES reports(id),
    matched TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (entry_id, report_id)
);
CREATE INDEX alerts_org ON alerts(org_id, id);
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    delivery_id TEXT NOT NULL UNIQUE,
    alert_id BIGINT NOT NULL REFERENCES alerts(id),
    webhook_id BIGINT NOT NULL REFERENCES webhooks(id),
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    -- pending | delivered | failed (gave up) | cancelled (webhook removed)
    status TEXT NOT NULL,
    last_error TEXT,
    delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
