//! Webhook delivery building blocks: signing, verification, delivery ids
//! and the retry schedule. Sending, the outbox and the clock belong to the
//! caller; everything here is a pure function of its inputs.
//!
//! # The signature
//!
//! Every delivery carries the header
//!
//! ```text
//! Crackdown-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//! ```
//!
//! where the HMAC key is the webhook's secret and the signed message is the
//! timestamp in decimal, a full stop, and the raw request body:
//! `HMAC-SHA256(secret, "<t>." + body)`. While a secret is being rotated the
//! header holds one `v1=` per secret. Deliveries also carry
//! `Crackdown-Delivery: <id>`, the same on every retry of one alert to one
//! webhook, so a receiver that remembers ids processes each alert once.
//!
//! # Verifying, as a receiver
//!
//! 1. Read the raw body bytes before any JSON parsing.
//! 2. Split the header on `,`; take `t` and every `v1`.
//! 3. Reject if `t` is more than your tolerance (we suggest 300 s) from
//!    your clock: an old, captured request is not replayed.
//! 4. Compute `HMAC-SHA256(secret, t + "." + body)`, hex, and compare it with
//!    each `v1` in constant time; accept if one is equal.
//! 5. Deduplicate by `Crackdown-Delivery`.
//!
//! A worked example (a test vector; any HMAC library must agree):
//!
//! ```
//! use crackdown_link::webhook::{sign, verify};
//!
//! let secret = b"whsec_test_secret";
//! let body = br#"{"alert":1,"entry":7}"#;
//! // Signed message: 1700000000.{"alert":1,"entry":7}
//! let header = sign(secret, 1_700_000_000, body);
//! assert_eq!(header, "t=1700000000,v1=2c62b5b56690bdfee98bc1d7e007453c4e510f77f9c29d9e07adf9c4a9d70e62");
//! assert!(verify(secret, &header, body, 1_700_000_100, 300).is_ok());
//! assert!(verify(secret, &header, body, 1_700_000_400, 300).is_err()); // too old
//! assert!(verify(b"other", &header, body, 1_700_000_000, 300).is_err());
//! ```

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Crackdown-Signature";
/// The header carrying the delivery id.
pub const DELIVERY_HEADER: &str = "Crackdown-Delivery";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    crackdown_model::hex(bytes)
}

/// The `Crackdown-Signature` header value for a body sent at `timestamp`
/// (unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", hex(&mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Why a signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("signature header is malformed: {0}")]
    Malformed(String),
    #[error("signature timestamp {timestamp} is {age} s from now, beyond the tolerance of {tolerance} s")]
    OutsideTolerance { timestamp: i64, age: i64, tolerance: i64 },
    #[error("no signature in the header matches the body")]
    Mismatch,
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| text.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

/// Checks a `Crackdown-Signature` header against the raw body, with `now`
/// (unix seconds) and a tolerance in seconds either way. The comparison is
/// constant-time.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64, tolerance: i64) -> Result<(), VerifyError> {
    let mut timestamp: Option<i64> = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or_else(|| VerifyError::Malformed(part.to_owned()))?;
        match key {
            "t" => timestamp = Some(value.parse().map_err(|_| VerifyError::Malformed(format!("t={value}")))?),
            "v1" => signatures.push(value),
            // Later schemes are ignored, so receivers keep working.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| VerifyError::Malformed("no t=".to_owned()))?;
    let age = now.saturating_sub(timestamp);
    if age.saturating_abs() > tolerance {
        return Err(VerifyError::OutsideTolerance { timestamp, age, tolerance });
    }
    let expected = mac(secret, timestamp, body);
    let matches = signatures
        .iter()
        .filter_map(|signature| unhex(signature))
        .any(|signature| expected.clone().verify_slice(&signature).is_ok());
    if matches { Ok(()) } else { Err(VerifyError::Mismatch) }
}

/// The delivery id of one alert to one webhook: the same on every retry and
/// after a restart, different for every (webhook, alert) pair, and revealing
/// neither number.
pub fn delivery_id(webhook: i64, alert: i64) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"crackdown-delivery\0");
    hasher.update(webhook.to_be_bytes());
    hasher.update(alert.to_be_bytes());
    format!("dlv_{}", hex(&hasher.finalize()[..16]))
}

/// When to try a failed delivery again: exponential backoff with jitter,
/// a ceiling, and a last attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the second attempt (before jitter).
    pub base: Duration,
    /// No delay exceeds this.
    pub max_delay: Duration,
    /// Attempts in all, the first included; then the delivery is dead.
    pub max_attempts: u32,
    /// Percent of each delay that jitter may take off (0 to 100), so many
    /// deliveries failing at once do not retry at once.
    pub jitter_percent: u8,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min, ... up to 1 h, 12 attempts (about 6 h in all),
    /// up to 20% earlier.
    fn default() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            max_attempts: 12,
            jitter_percent: 20,
        }
    }
}

impl RetryPolicy {
    /// The wait after attempt number `attempt` (1 = the first) failed, or
    /// `None` when it was the last. `random` is a uniform draw the caller
    /// makes (any `u64`); the result lies in `[d - d·jitter%, d]` where
    /// `d = min(base · 2^(attempt-1), max_delay)`.
    pub fn delay_after(&self, attempt: u32, random: u64) -> Option<Duration> {
        if attempt == 0 || attempt >= self.max_attempts {
            return None;
        }
        let exponent = (attempt - 1).min(63);
        let full = self.base.as_millis().saturating_mul(1_u128 << exponent).min(self.max_delay.as_millis());
        let full = u64::try_from(full).unwrap_or(u64::MAX);
        let spread = full / 100 * u64::from(self.jitter_percent.min(100));
        let off = if spread == 0 { 0 } else { random % (spread + 1) };
        Some(Duration::from_millis(full - off))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_tampered_body_or_a_bad_header_is_refused() {
        let header = sign(b"secret", 100, b"body");
        assert_eq!(verify(b"secret", &header, b"bodY", 100, 5), Err(VerifyError::Mismatch));
        assert!(matches!(verify(b"secret", "v1=00", b"body", 100, 5), Err(VerifyError::Malformed(_))));
        assert!(matches!(verify(b"secret", "garbage", b"body", 100, 5), Err(VerifyError::Malformed(_))));
        assert!(matches!(verify(b"secret", "t=x,v1=00", b"body", 100, 5), Err(VerifyError::Malformed(_))));
        assert_eq!(verify(b"secret", "t=100,v1=zz", b"body", 100, 5), Err(VerifyError::Mismatch));
        assert!(matches!(verify(b"secret", &header, b"body", 94, 5), Err(VerifyError::OutsideTolerance { .. })));
    }

    #[test]
    fn during_rotation_either_secret_verifies() {
        let old = sign(b"old", 100, b"body");
        let new = sign(b"new", 100, b"body");
        let both = format!("{new},{}", old.split_once(',').map_or("", |(_, v1)| v1));
        assert_eq!(verify(b"old", &both, b"body", 100, 5), Ok(()));
        assert_eq!(verify(b"new", &both, b"body", 100, 5), Ok(()));
    }

    #[test]
    fn delivery_ids_are_stable_and_distinct() {
        assert_eq!(delivery_id(1, 2), delivery_id(1, 2));
        assert_ne!(delivery_id(1, 2), delivery_id(2, 1));
        assert_eq!(delivery_id(1, 2).len(), 4 + 32);
    }

    #[test]
    fn the_schedule_doubles_to_the_ceiling_and_ends() {
        let policy = RetryPolicy { jitter_percent: 0, ..RetryPolicy::default() };
        let delays: Vec<u64> = (1..=12).filter_map(|a| policy.delay_after(a, 0)).map(|d| d.as_secs()).collect();
        assert_eq!(delays, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]);
        assert_eq!(policy.delay_after(12, 0), None);
        assert_eq!(policy.delay_after(0, 0), None);
    }

    proptest! {
        #[test]
        fn jitter_stays_within_its_bounds(attempt in 1_u32..200, random: u64, jitter in 0_u8..=100) {
            let policy = RetryPolicy { max_attempts: 1000, jitter_percent: jitter, ..RetryPolicy::default() };
            let full = policy.base.as_millis().saturating_mul(1 << (attempt - 1).min(63)).min(policy.max_delay.as_millis()) as u64;
            let delay = policy.delay_after(attempt, random).map(|d| d.as_millis() as u64);
            prop_assert!(delay.is_some_and(|d| d <= full && d >= full - full / 100 * u64::from(jitter)));
        }

        #[test]
        fn what_is_signed_verifies(secret: Vec<u8>, body: Vec<u8>, t in 0_i64..4_000_000_000) {
            prop_assert_eq!(verify(&secret, &sign(&secret, t, &body), &body, t, 0), Ok(()));
        }
    }
}
