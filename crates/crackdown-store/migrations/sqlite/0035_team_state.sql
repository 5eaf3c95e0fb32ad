-- The team deployment (issue 19): what several server processes on one
-- database must agree on, so a load balancer may send any request to any
-- of them.
--
-- Per-client allowances (the public form, the public lookup): one row per
-- allowance and client, the client named by a keyed hash of its address
-- (never the address), holding the moment the client's bucket is full
-- again in microseconds (the generic cell rate algorithm's "theoretical
-- arrival time"). A row whose moment has passed means a full bucket and is
-- deleted by the periodic clean-up.
CREATE TABLE rate_buckets (
    scope TEXT NOT NULL,
    client TEXT NOT NULL,
    full_at BIGINT NOT NULL,
    granted BIGINT NOT NULL,
    PRIMARY KEY (scope, client)
);
CREATE INDEX rate_buckets_full_at ON rate_buckets(full_at);
-- WebAuthn ceremonies in flight: begun by one process, finished by any,
-- used once. The ceremony id is stored as its SHA-256, the client as the
-- same keyed hash as above; the state is the WebAuthn library's JSON.
CREATE TABLE webauthn_ceremonies (
    id_sha256 TEXT PRIMARY KEY,
    client TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_client ON webauthn_ceremonies(client, expires_at);
CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies(expires_at);
