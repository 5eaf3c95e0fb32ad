//! State that several server processes on one database share, so a load
//! balancer may send any request to any of them: per-client allowances
//! (rate-limit buckets) and WebAuthn ceremonies in flight. Sessions and
//! sign-in codes live in `sessions.rs`, webhook leases in `watch.rs`.
//!
//! A client is named here only by a keyed hash of its address
//! ([`Store::client_pseudonym`]): an address is personal data, and these
//! rows need only tell one client from another. The key is an installation
//! secret kept in the database, so every process computes the same name.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::tenancy::secret_digest;
use crate::{Store, StoreError, to_ms};

/// The installation secret keying client pseudonyms.
const CLIENT_KEY: &str = "client-pseudonyms";

/// A per-client allowance: `burst` requests at once, one more every
/// `interval_us` microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketRule {
    pub burst: u32,
    pub interval_us: i64,
}

/// What [`Store::take_rate_tokens`] gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateGrant {
    /// Tokens taken, at most the number asked for; 0 means refused.
    pub granted: u32,
    /// When refused: microseconds until one token is back.
    pub retry_after_us: i64,
}

/// What [`Store::start_ceremony`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CeremonyStart {
    Started,
    /// The client already has its allowance of ceremonies in flight.
    ClientBusy,
    /// The installation has its allowance of ceremonies in flight.
    Full,
}

/// Caps on ceremonies in flight, so anonymous requests cannot grow the
/// table without bound nor one client take every place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CeremonyCaps {
    pub per_client: usize,
    pub total: usize,
    pub lifetime: Duration,
}

/// HMAC-SHA-256 (RFC 2104) of `message` under `key` (at most one block).
/// Written out rather than pulled in: the `hmac` crate the workspace has
/// is built for another `sha2` than this crate's.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut padded = [0_u8; BLOCK];
    if key.len() > BLOCK {
        padded[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        padded[..key.len()].copy_from_slice(key);
    }
    let inner_key: Vec<u8> = padded.iter().map(|byte| byte ^ 0x36).collect();
    let outer_key: Vec<u8> = padded.iter().map(|byte| byte ^ 0x5c).collect();
    let inner = Sha256::new().chain_update(&inner_key).chain_update(message).finalize();
    Sha256::new().chain_update(&outer_key).chain_update(inner).finalize().into()
}

/// The upsert of [`Store::take_rate_tokens`]. Parameters: $1 scope, $2
/// client, $3 now, $4 interval, $5 capacity (burst × interval), $6 tokens
/// wanted, $7 tokens a full bucket grants (the smaller of wanted and burst).
/// The debt is how far `full_at` lies ahead; a bucket holds
/// (capacity − debt) / interval whole tokens. Every SET expression reads
/// the row as it was, so the grant and the new moment agree.
fn take_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let now = "CAST($3 AS BIGINT)";
        let interval = "CAST($4 AS BIGINT)";
        let debt = format!("(CASE WHEN rate_buckets.full_at > {now} THEN rate_buckets.full_at - {now} ELSE 0 END)");
        let available = format!("((CAST($5 AS BIGINT) - {debt}) / {interval})");
        let grant =
            format!("(CASE WHEN {available} < CAST($6 AS BIGINT) THEN {available} ELSE CAST($6 AS BIGINT) END)");
        format!(
            "INSERT INTO rate_buckets (scope, client, full_at, granted) \
             VALUES ($1, $2, {now} + CAST($7 AS BIGINT) * {interval}, CAST($7 AS BIGINT)) \
             ON CONFLICT (scope, client) DO UPDATE SET granted = {grant}, \
             full_at = (CASE WHEN rate_buckets.full_at > {now} THEN rate_buckets.full_at ELSE {now} END) \
             + {grant} * {interval} \
             RETURNING granted, full_at"
        )
    })
}

impl Store {
    /// A keyed hash naming the client at `address` in shared rows: the same
    /// in every process of the installation, useless without the database's
    /// secret to test a guessed address against.
    pub fn client_pseudonym(&self, address: &str) -> Result<String, StoreError> {
        let key = match self.client_key.get() {
            Some(key) => *key,
            None => {
                let key = self.installation_secret(CLIENT_KEY)?;
                *self.client_key.get_or_init(|| key)
            }
        };
        Ok(crackdown_model::hex(&hmac_sha256(&key, address.as_bytes())[..16]))
    }

    /// Takes up to `want` tokens from the bucket `scope` keeps for the
    /// client at `address`, in one atomic statement, so processes sharing the
    /// database share the allowance. `now_us` is microseconds since the
    /// epoch (the caller's clock: processes must keep time, as with NTP).
    pub fn take_rate_tokens(
        &self,
        scope: &str,
        address: &str,
        rule: BucketRule,
        want: u32,
        now_us: i64,
    ) -> Result<RateGrant, StoreError> {
        let client = self.client_pseudonym(address)?;
        let interval = rule.interval_us.max(1);
        let burst = i64::from(rule.burst.max(1));
        let want = i64::from(want.max(1));
        let capacity = burst.saturating_mul(interval);
        let row = self.pool.with(|conn| {
            conn.query_one(
                take_sql(),
                &[
                    scope.into(),
                    client.into(),
                    now_us.into(),
                    interval.into(),
                    capacity.into(),
                    want.into(),
                    want.min(burst).into(),
                ],
            )
        })?;
        let row = row.ok_or_else(|| StoreError::Schema("the rate bucket upsert returned no row".into()))?;
        let (granted, full_at) = (row.int(0)?, row.int(1)?);
        // Refused: one token is back when the debt is down to capacity − interval.
        let retry_after_us = if granted > 0 { 0 } else { (full_at - now_us - capacity + interval).max(1) };
        Ok(RateGrant { granted: u32::try_from(granted.max(0)).unwrap_or(u32::MAX), retry_after_us })
    }

    /// Deletes buckets that are full again (a full bucket and no row mean
    /// the same); returns how many.
    pub fn forget_full_rate_buckets(&self, now_us: i64) -> Result<u64, StoreError> {
        self.pool.with(|conn| conn.execute("DELETE FROM rate_buckets WHERE full_at <= $1", &[now_us.into()]))
    }

    /// Keeps a begun WebAuthn ceremony (`state`, the server's JSON) under
    /// `id` for any process to finish, unless the client at `address` or
    /// the installation already has its cap of ceremonies in flight.
    /// Expired ceremonies are deleted first.
    pub fn start_ceremony(
        &self,
        id: &str,
        address: &str,
        state: &str,
        caps: CeremonyCaps,
        now: DateTime<Utc>,
    ) -> Result<CeremonyStart, StoreError> {
        let client = self.client_pseudonym(address)?;
        let now_ms = to_ms(now);
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                if conn.dialect() == crate::db::Dialect::Postgres {
                    // Starts of one client queue here, so its cap is exact
                    // across processes (SQLite's writers queue anyway).
                    conn.execute("SELECT pg_advisory_xact_lock(7265638, hashtext($1))", &[client.as_str().into()])?;
                }
                conn.execute("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1", &[now_ms.into()])?;
                let count = |conn: &mut dyn crate::db::Conn, sql: &str, params: &[crate::db::Value]| {
                    conn.query_one(sql, params)?.map_or(Ok(0), |row| row.int(0))
                };
                let mine = count(
                    conn,
                    "SELECT COUNT(*) FROM webauthn_ceremonies WHERE client = $1",
                    &[client.as_str().into()],
                )?;
                if mine >= caps.per_client as i64 {
                    return Ok(CeremonyStart::ClientBusy);
                }
                if count(conn, "SELECT COUNT(*) FROM webauthn_ceremonies", &[])? >= caps.total as i64 {
                    return Ok(CeremonyStart::Full);
                }
                conn.execute(
                    "INSERT INTO webauthn_ceremonies (id_sha256, client, state, expires_at) VALUES ($1, $2, $3, $4)",
                    &[
                        secret_digest(id).into(),
                        client.as_str().into(),
                        state.into(),
                        to_ms(now + caps.lifetime).into(),
                    ],
                )?;
                Ok(CeremonyStart::Started)
            })
        })
    }

    /// Takes the ceremony `id` out of the store: its state if it is known
    /// and unexpired, once — a second finish, on any process, gets `None`.
    pub fn finish_ceremony(&self, id: &str, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        self.pool.with(|conn| {
            let row = conn.query_one(
                "DELETE FROM webauthn_ceremonies WHERE id_sha256 = $1 RETURNING state, expires_at",
                &[secret_digest(id).into()],
            )?;
            match row {
                Some(row) if row.int(1)? > to_ms(now) => Ok(Some(row.text(0)?)),
                _ => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(crackdown_model::hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Test case 6: a key longer than a block is hashed first.
        let mac = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(crackdown_model::hex(&mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }
}
