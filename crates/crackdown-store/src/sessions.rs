//! Web sign-in state: passkeys, browser sessions and one-time sign-in codes.
//!
//! The store keeps a WebAuthn credential as opaque JSON: the server crate
//! runs the ceremonies, so only it knows WebAuthn. Session secrets and
//! sign-in codes are random, handed out once and stored only as SHA-256
//! digests, like API tokens, so a copy of the database signs nobody in.
//! A sign-in code is redeemed at most once, inside the transaction that
//! opens the session, so two browsers racing with the same link cannot
//! both get in.

use chrono::{DateTime, Duration, Utc};
use crackdown_model::Viewer;
use serde::Serialize;

use crate::db::{Conn, Value};
use crate::tenancy::{USER_COLUMNS, User, audit, find_user, random_secret, read_user, secret_digest};
use crate::{Store, StoreError, from_ms, to_ms};

/// Prefix of session secrets, so a leaked cookie is recognisable.
const SESSION_PREFIX: &str = "cds_";
/// Prefix of one-time sign-in codes.
const CODE_PREFIX: &str = "cdl_";

/// A freshly made one-time sign-in code; the only time it exists in clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SigninCode {
    pub user: String,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// A freshly opened browser session; its secret goes into the cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedSession {
    pub user: User,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// A passkey as its owner sees it listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PasskeyInfo {
    pub id: i64,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A passkey with its credential, for a sign-in ceremony.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: i64,
    pub credential_id: String,
    /// The WebAuthn library's own JSON form of the credential.
    pub passkey: String,
}

fn user_by_id(conn: &mut dyn Conn, id: i64) -> Result<User, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1");
    conn.query_one(&sql, &[id.into()])?
        .map(|row| read_user(&row))
        .transpose()?
        .ok_or_else(|| StoreError::Schema(format!("user {id} vanished")))
}

/// Opens a session for `user` inside the caller's transaction.
fn open_session(
    conn: &mut dyn Conn,
    user: User,
    method: &str,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<CreatedSession, StoreError> {
    let secret = random_secret(SESSION_PREFIX)?;
    let expires_at = now + lifetime;
    conn.execute(
        "INSERT INTO sessions (user_id, secret_sha256, method, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[user.id.into(), secret_digest(&secret).into(), method.into(), to_ms(now).into(), to_ms(expires_at).into()],
    )?;
    audit(conn, &user.viewer(), now, "session.start", None, &serde_json::json!({ "method": method }))?;
    Ok(CreatedSession { user, secret, expires_at })
}

impl Store {
    /// Makes a single-use sign-in code for `user_name`, valid for `lifetime`.
    /// The same people who may make API tokens for a user may make these.
    pub fn create_signin_code(
        &self,
        viewer: &Viewer,
        user_name: &str,
        lifetime: Duration,
        now: DateTime<Utc>,
    ) -> Result<SigninCode, StoreError> {
        let user = self.credential_subject(viewer, user_name)?;
        let code = random_secret(CODE_PREFIX)?;
        let expires_at = now + lifetime;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                conn.execute(
                    "INSERT INTO signin_codes (user_id, code_sha256, created_by, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[
                        user.id.into(),
                        secret_digest(&code).into(),
                        viewer.user_id.into(),
                        to_ms(now).into(),
                        to_ms(expires_at).into(),
                    ],
                )?;
                audit(conn, viewer, now, "signin_code.create", None, &serde_json::json!({ "user": user.name }))
            })
        })?;
        Ok(SigninCode { user: user.name, code, expires_at })
    }

    /// Redeems a sign-in code and opens a session in one transaction.
    /// `None` when the code is unknown, already used or expired: the caller
    /// cannot tell which, and neither can someone guessing codes.
    pub fn signin_with_code(
        &self,
        code: &str,
        lifetime: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<CreatedSession>, StoreError> {
        if !code.starts_with(CODE_PREFIX) {
            return Ok(None);
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let row = conn.query_one(
                    "UPDATE signin_codes SET used_at = $1 \
                     WHERE code_sha256 = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                    &[to_ms(now).into(), secret_digest(code).into()],
                )?;
                let Some(row) = row else { return Ok(None) };
                let user = user_by_id(conn, row.int(0)?)?;
                open_session(conn, user, "link", lifetime, now).map(Some)
            })
        })
    }

    /// Opens a session for the owner of a passkey that has just passed a
    /// WebAuthn assertion, storing its updated credential (sign counter,
    /// backup state) when the ceremony changed it.
    pub fn signin_with_passkey(
        &self,
        passkey_id: i64,
        updated: Option<&str>,
        lifetime: Duration,
        now: DateTime<Utc>,
    ) -> Result<CreatedSession, StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let row = conn
                    .query_one(
                        "UPDATE passkeys SET last_used_at = $1, passkey = COALESCE($2, passkey) WHERE id = $3 \
                         RETURNING user_id",
                        &[to_ms(now).into(), Value::from(updated), passkey_id.into()],
                    )?
                    .ok_or_else(|| StoreError::NotFound(format!("passkey {passkey_id}")))?;
                let user = user_by_id(conn, row.int(0)?)?;
                open_session(conn, user, "passkey", lifetime, now)
            })
        })
    }

    /// The user a session secret belongs to, if the session is open.
    pub fn session(&self, secret: &str, now: DateTime<Utc>) -> Result<Option<Viewer>, StoreError> {
        if !secret.starts_with(SESSION_PREFIX) {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id \
             WHERE s.secret_sha256 = $1 AND s.ended_at IS NULL AND s.expires_at > $2"
        );
        self.pool.with(|conn| {
            conn.query_one(&sql, &[secret_digest(secret).into(), to_ms(now).into()])?
                .map(|row| Ok(read_user(&row)?.viewer()))
                .transpose()
        })
    }

    /// Ends a session (sign-out); ending an unknown or ended one does nothing.
    pub fn end_session(&self, secret: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.execute(
                "UPDATE sessions SET ended_at = $1 WHERE secret_sha256 = $2 AND ended_at IS NULL",
                &[to_ms(now).into(), secret_digest(secret).into()],
            )?;
            Ok(())
        })
    }

    /// The viewer's WebAuthn user handle, set to `fresh` on first use. A
    /// random handle rather than the user id, so an authenticator learns
    /// nothing about the installation's users.
    pub fn webauthn_handle(&self, viewer: &Viewer, fresh: &str) -> Result<String, StoreError> {
        self.pool.with(|conn| {
            conn.execute(
                "INSERT INTO webauthn_users (user_id, handle) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[viewer.user_id.into(), fresh.into()],
            )?;
            conn.query_one("SELECT handle FROM webauthn_users WHERE user_id = $1", &[viewer.user_id.into()])?
                .ok_or_else(|| StoreError::Schema("webauthn handle vanished".into()))?
                .text(0)
        })
    }

    /// A user's passkeys, for the start of a sign-in ceremony (before anyone
    /// is signed in). An unknown user has none.
    pub fn passkeys_for_signin(&self, user_name: &str) -> Result<Vec<StoredPasskey>, StoreError> {
        self.pool.with(|conn| {
            let Some(user) = find_user(conn, user_name)? else { return Ok(Vec::new()) };
            conn.query(
                "SELECT id, credential_id, passkey FROM passkeys WHERE user_id = $1 ORDER BY id",
                &[user.id.into()],
            )?
            .iter()
            .map(|row| Ok(StoredPasskey { id: row.int(0)?, credential_id: row.text(1)?, passkey: row.text(2)? }))
            .collect()
        })
    }

    /// The credential ids of the viewer's passkeys, so registration can
    /// refuse an authenticator that already holds one.
    pub fn passkey_credential_ids(&self, viewer: &Viewer) -> Result<Vec<String>, StoreError> {
        self.pool.with(|conn| {
            conn.query("SELECT credential_id FROM passkeys WHERE user_id = $1 ORDER BY id", &[viewer.user_id.into()])?
                .iter()
                .map(|row| row.text(0))
                .collect()
        })
    }

    /// Registers a passkey for the viewer. A credential id is globally
    /// unique: one registered to anyone already is a conflict.
    pub fn add_passkey(
        &self,
        viewer: &Viewer,
        credential_id: &str,
        label: &str,
        passkey: &str,
        now: DateTime<Utc>,
    ) -> Result<PasskeyInfo, StoreError> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(StoreError::Invalid("passkey label must be 1-100 characters".into()));
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let row = conn
                    .query_one(
                        "INSERT INTO passkeys (user_id, credential_id, label, passkey, created_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
                        &[viewer.user_id.into(), credential_id.into(), label.into(), passkey.into(), to_ms(now).into()],
                    )?
                    .ok_or_else(|| StoreError::Conflict("this passkey is already registered".into()))?;
                let id = row.int(0)?;
                audit(conn, viewer, now, "passkey.add", None, &serde_json::json!({ "passkey": id, "label": label }))?;
                Ok(PasskeyInfo { id, label: label.to_owned(), created_at: now, last_used_at: None })
            })
        })
    }

    /// The viewer's own passkeys, never their key material.
    pub fn passkeys(&self, viewer: &Viewer) -> Result<Vec<PasskeyInfo>, StoreError> {
        self.pool.with(|conn| {
            conn.query(
                "SELECT id, label, created_at, last_used_at FROM passkeys WHERE user_id = $1 ORDER BY id",
                &[viewer.user_id.into()],
            )?
            .iter()
            .map(|row| {
                Ok(PasskeyInfo {
                    id: row.int(0)?,
                    label: row.text(1)?,
                    created_at: from_ms(row.int(2)?)?,
                    last_used_at: row.opt_int(3)?.map(from_ms).transpose()?,
                })
            })
            .collect()
        })
    }

    /// Removes one of the viewer's own passkeys.
    pub fn remove_passkey(&self, viewer: &Viewer, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let removed = conn.execute(
                    "DELETE FROM passkeys WHERE id = $1 AND user_id = $2",
                    &[id.into(), viewer.user_id.into()],
                )?;
                if removed == 0 {
                    return Err(StoreError::NotFound(format!("passkey {id}")));
                }
                audit(conn, viewer, now, "passkey.remove", None, &serde_json::json!({ "passkey": id }))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use crackdown_model::Role;

    use super::*;

    fn store_with_user() -> (tempfile::TempDir, Store, Viewer, Viewer) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_sqlite(dir.path()).expect("open");
        let now = Utc::now();
        let operator = store.operator(now).expect("operator");
        store.create_org(&operator, "bank", now).expect("org");
        let alice = store.create_user(&operator, "bank", "alice", Role::Analyst, now).expect("alice").viewer();
        let bob = store.create_user(&operator, "bank", "bob", Role::Analyst, now).expect("bob").viewer();
        (dir, store, alice, bob)
    }

    #[test]
    fn a_signin_code_works_once_and_only_before_it_expires() {
        let (_dir, store, alice, _) = store_with_user();
        let now = Utc::now();
        let code = store.create_signin_code(&alice, "alice", Duration::minutes(15), now).expect("code");
        assert!(code.code.starts_with(CODE_PREFIX));
        let late = store.create_signin_code(&alice, "alice", Duration::minutes(15), now).expect("code");

        let session = store.signin_with_code(&code.code, Duration::hours(1), now).expect("redeem").expect("valid");
        assert_eq!(session.user.name, "alice");
        assert_eq!(store.session(&session.secret, now).expect("session").map(|v| v.user_name), Some("alice".into()));
        assert_eq!(store.signin_with_code(&code.code, Duration::hours(1), now).expect("again"), None);

        let after = now + Duration::minutes(16);
        assert_eq!(store.signin_with_code(&late.code, Duration::hours(1), after).expect("expired"), None);
        assert_eq!(store.signin_with_code("cdl_nonsense", Duration::hours(1), now).expect("unknown"), None);
        assert_eq!(store.signin_with_code("", Duration::hours(1), now).expect("empty"), None);
    }

    #[test]
    fn only_admins_make_codes_for_others() {
        let (_dir, store, alice, _) = store_with_user();
        let error = store.create_signin_code(&alice, "bob", Duration::minutes(15), Utc::now()).expect_err("refused");
        assert!(matches!(error, StoreError::Forbidden(_)), "{error}");
    }

    #[test]
    fn sessions_expire_and_end() {
        let (_dir, store, alice, _) = store_with_user();
        let now = Utc::now();
        let code = store.create_signin_code(&alice, "alice", Duration::minutes(15), now).expect("code");
        let session = store.signin_with_code(&code.code, Duration::hours(1), now).expect("redeem").expect("valid");
        assert!(store.session(&session.secret, now + Duration::minutes(61)).expect("read").is_none());
        store.end_session(&session.secret, now).expect("end");
        assert!(store.session(&session.secret, now).expect("read").is_none());
        assert!(store.session("cdk_not_a_session", now).expect("read").is_none());
    }

    #[test]
    fn passkeys_belong_to_their_owner() {
        let (_dir, store, alice, bob) = store_with_user();
        let now = Utc::now();
        assert!(store.passkeys_for_signin("alice").expect("none").is_empty());
        assert!(store.passkeys_for_signin("nobody").expect("none").is_empty());
        let handle = store.webauthn_handle(&alice, "h1").expect("handle");
        assert_eq!(store.webauthn_handle(&alice, "h2").expect("same handle"), handle);

        let key = store.add_passkey(&alice, "cred-1", "laptop", "{}", now).expect("add");
        let clash = store.add_passkey(&bob, "cred-1", "stolen", "{}", now).expect_err("duplicate credential");
        assert!(matches!(clash, StoreError::Conflict(_)), "{clash}");
        assert!(store.add_passkey(&alice, "cred-2", "  ", "{}", now).is_err());

        let stored = store.passkeys_for_signin("alice").expect("passkeys");
        assert_eq!(stored.len(), 1);
        assert_eq!(store.passkey_credential_ids(&alice).expect("ids"), vec!["cred-1".to_owned()]);
        let session = store.signin_with_passkey(stored[0].id, Some(r#"{"n":1}"#), Duration::hours(1), now).expect("in");
        assert_eq!(session.user.name, "alice");
        assert_eq!(store.passkeys_for_signin("alice").expect("passkeys")[0].passkey, r#"{"n":1}"#);
        assert!(store.passkeys(&alice).expect("list")[0].last_used_at.is_some());

        assert!(matches!(store.remove_passkey(&bob, key.id, now), Err(StoreError::NotFound(_))));
        store.remove_passkey(&alice, key.id, now).expect("remove");
        assert!(store.passkeys(&alice).expect("list").is_empty());
    }
}
