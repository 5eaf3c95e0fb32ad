CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    operator INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE community_members (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (community_id, org_id)
);
CREATE INDEX community_members_org ON community_members(org_id);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    secret_sha256 TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE TABLE artefacts (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER REFERENCES users(id),
    external_id TEXT,
    fingerprint TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    reported_at INTEGER,
    channel TEXT NOT NULL,
    language TEXT,
    text TEXT NOT NULL,
    loss_minor INTEGER,
    loss_currency TEXT,
    tlp TEXT NOT NULL,
    reporter TEXT,
    consent_share INTEGER NOT NULL,
    consent_publish INTEGER NOT NULL,
    status TEXT NOT NULL,
    original_sha256 TEXT REFERENCES artefacts(sha256),
    UNIQUE (org_id, external_id),
    UNIQUE (org_id, fingerprint)
);
CREATE INDEX reports_status ON reports(status, id);
CREATE TABLE victim_contacts (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    contact TEXT NOT NULL
);
CREATE TABLE report_shares (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    PRIMARY KEY (report_id, community_id)
);
CREATE TABLE report_recipients (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (report_id, user_id)
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    org_id INTEGER,
    user_id INTEGER,
    action TEXT NOT NULL,
    report_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX audit_report ON audit(report_id, id);
