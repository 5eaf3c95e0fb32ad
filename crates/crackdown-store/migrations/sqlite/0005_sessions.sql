-- Web sign-in: passkeys (WebAuthn credentials), browser sessions and
-- one-time sign-in codes. Secrets are stored only as SHA-256 digests.
CREATE TABLE webauthn_users (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    handle TEXT NOT NULL UNIQUE
);
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    credential_id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX passkeys_user ON passkeys(user_id);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    secret_sha256 TEXT NOT NULL UNIQUE,
    method TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE TABLE signin_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    code_sha256 TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
