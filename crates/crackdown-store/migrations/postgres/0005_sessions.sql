-- Web sign-in: passkeys (WebAuthn credentials), browser sessions and
-- one-time sign-in codes. Secrets are stored only as SHA-256 digests.
CREATE TABLE webauthn_users (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    handle TEXT NOT NULL UNIQUE
);
CREATE TABLE passkeys (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    credential_id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys(user_id);
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    secret_sha256 TEXT NOT NULL UNIQUE,
    method TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE TABLE signin_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    code_sha256 TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
