CREATE TABLE orgs (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    operator BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE TABLE communities (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE community_members (
    community_id BIGINT NOT NULL REFERENCES communities(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (community_id, org_id)
);
CREATE INDEX community_members_org ON community_members(org_id);
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    secret_sha256 TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE artefacts (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL
);
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    user_id BIGINT REFERENCES users(id),
    external_id TEXT,
    fingerprint TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    reported_at BIGINT,
    channel TEXT NOT NULL,
    language TEXT,
    text TEXT NOT NULL,
    loss_minor BIGINT,
    loss_currency TEXT,
    tlp TEXT NOT NULL,
    reporter TEXT,
    consent_share BOOLEAN NOT NULL,
    consent_publish BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    original_sha256 TEXT REFERENCES artefacts(sha256),
    UNIQUE (org_id, external_id),
    UNIQUE (org_id, fingerprint)
);
CREATE INDEX reports_status ON reports(status, id);
CREATE TABLE victim_contacts (
    report_id BIGINT PRIMARY KEY REFERENCES reports(id),
    contact TEXT NOT NULL
);
CREATE TABLE report_shares (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    community_id BIGINT NOT NULL REFERENCES communities(id),
    PRIMARY KEY (report_id, community_id)
);
CREATE TABLE report_recipients (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (report_id, user_id)
);
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    org_id BIGINT,
    user_id BIGINT,
    action TEXT NOT NULL,
    report_id BIGINT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_report ON audit(report_id, id);
