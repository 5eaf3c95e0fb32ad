-- Victim contacts and webhook secrets are sealed with a key kept outside the
-- database (secrets.rs). This row holds a sealed check value, so a wrong key
-- is refused at start; the first start with a key seals the clear values
-- older versions stored (in Rust: SQL cannot encrypt).
CREATE TABLE secret_key_check (
    id BIGINT PRIMARY KEY,
    sealed TEXT NOT NULL
);
