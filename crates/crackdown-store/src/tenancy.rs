//! Organisations, users, sharing communities and API tokens.
//!
//! The operator organisation is the one that runs the installation; its
//! admins create other organisations and communities. Every other admin
//! manages only their own organisation's users and tokens. Token secrets are
//! random, shown once and stored only as a SHA-256 digest.

use chrono::{DateTime, Utc};
use crackdown_model::{Keyword, Role, Viewer, hex};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Conn, Row, Value};
use crate::{Store, StoreError, from_ms, require_admin, to_ms};

/// The organisation and user the local CLI acts as when none is named.
const OPERATOR_ORG: &str = "local";
const OPERATOR_USER: &str = "operator";
/// Prefix of every token secret, so secret scanners can recognise a leak.
const TOKEN_PREFIX: &str = "cdk_";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: i64,
    pub name: String,
    pub operator: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org: String,
    pub role: Role,
}

impl User {
    pub fn viewer(&self) -> Viewer {
        Viewer { user_id: self.id, org_id: self.org_id, role: self.role, user_name: self.name.clone() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Community {
    pub id: i64,
    pub name: String,
    pub members: Vec<String>,
}

/// A token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A freshly created token; the only time its secret exists in clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreatedToken {
    pub id: i64,
    pub user: String,
    pub secret: String,
}

pub(crate) fn secret_digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.name, u.org_id, o.name, u.role";

pub(crate) fn read_user(row: &Row) -> Result<User, StoreError> {
    let role = row.text(4)?;
    Ok(User {
        id: row.int(0)?,
        name: row.text(1)?,
        org_id: row.int(2)?,
        org: row.text(3)?,
        role: Role::parse_keyword(&role).ok_or_else(|| StoreError::Schema(format!("unknown role {role:?}")))?,
    })
}

fn find_org(conn: &mut dyn Conn, name: &str) -> Result<Option<Org>, StoreError> {
    conn.query_one("SELECT id, name, operator FROM orgs WHERE name = $1", &[name.into()])?
        .map(|row| Ok(Org { id: row.int(0)?, name: row.text(1)?, operator: row.bool(2)? }))
        .transpose()
}

pub(crate) fn find_user(conn: &mut dyn Conn, name: &str) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.name = $1");
    conn.query_one(&sql, &[name.into()])?.map(|row| read_user(&row)).transpose()
}

fn insert_org(conn: &mut dyn Conn, name: &str, operator: bool, now: DateTime<Utc>) -> Result<Org, StoreError> {
    let row = conn
        .query_one(
            "INSERT INTO orgs (name, operator, created_at) VALUES ($1, $2, $3) RETURNING id",
            &[name.into(), operator.into(), to_ms(now).into()],
        )?
        .ok_or_else(|| StoreError::Schema("INSERT RETURNING gave no row".into()))?;
    Ok(Org { id: row.int(0)?, name: name.to_owned(), operator })
}

fn insert_user(conn: &mut dyn Conn, org: &Org, name: &str, role: Role, now: DateTime<Utc>) -> Result<User, StoreError> {
    let row = conn
        .query_one(
            "INSERT INTO users (org_id, name, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            &[org.id.into(), name.into(), role.as_str().into(), to_ms(now).into()],
        )?
        .ok_or_else(|| StoreError::Schema("INSERT RETURNING gave no row".into()))?;
    Ok(User { id: row.int(0)?, name: name.to_owned(), org_id: org.id, org: org.name.clone(), role })
}

/// Names must be printable and short, as they appear in logs and URLs.
fn check_name(kind: &str, name: &str) -> Result<(), StoreError> {
    let valid = !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if valid {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("{kind} name {name:?} must be 1-100 letters, digits, '-', '_', '.' or '@'")))
    }
}

impl Store {
    /// The installation's operator (an admin of the operator organisation),
    /// created on first use so a fresh data directory needs no set-up.
    pub fn operator(&self, now: DateTime<Utc>) -> Result<Viewer, StoreError> {
        self.pool.with(|conn| {
            if let Some(user) = find_user(conn, OPERATOR_USER)? {
                return Ok(user.viewer());
            }
            conn.transaction(|conn| {
                let org = match find_org(conn, OPERATOR_ORG)? {
                    Some(org) => org,
                    None => insert_org(conn, OPERATOR_ORG, true, now)?,
                };
                Ok(insert_user(conn, &org, OPERATOR_USER, Role::Admin, now)?.viewer())
            })
        })
    }

    pub(crate) fn require_operator_admin(&self, viewer: &Viewer) -> Result<(), StoreError> {
        require_admin(viewer)?;
        let is_operator = self.pool.with(|conn| {
            let row = conn.query_one("SELECT operator FROM orgs WHERE id = $1", &[viewer.org_id.into()])?;
            row.map(|row| row.bool(0)).transpose()
        })?;
        if is_operator == Some(true) {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!("{} is not an admin of the operator organisation", viewer.user_name)))
        }
    }

    pub fn create_org(&self, viewer: &Viewer, name: &str, now: DateTime<Utc>) -> Result<Org, StoreError> {
        self.require_operator_admin(viewer)?;
        check_name("organisation", name)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let org = insert_org(conn, name, false, now)?;
                audit(conn, viewer, now, "org.create", None, &serde_json::json!({"org": name}))?;
                Ok(org)
            })
        })
    }

    /// The name of the viewer's own organisation (any role may know it).
    pub fn own_org_name(&self, viewer: &Viewer) -> Result<String, StoreError> {
        self.pool.with(|conn| {
            conn.query_one("SELECT name FROM orgs WHERE id = $1", &[viewer.org_id.into()])?
                .ok_or_else(|| StoreError::NotFound(format!("organisation of {}", viewer.user_name)))?
                .text(0)
        })
    }

    pub fn orgs(&self, viewer: &Viewer) -> Result<Vec<Org>, StoreError> {
        require_admin(viewer)?;
        self.pool.with(|conn| {
            conn.query("SELECT id, name, operator FROM orgs ORDER BY id", &[])?
                .iter()
                .map(|row| Ok(Org { id: row.int(0)?, name: row.text(1)?, operator: row.bool(2)? }))
                .collect()
        })
    }

    /// Adds a user to `org` (the viewer's own unless they are an operator admin).
    pub fn create_user(
        &self,
        viewer: &Viewer,
        org_name: &str,
        name: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        require_admin(viewer)?;
        check_name("user", name)?;
        // Another organisation's name is refused alike whether it exists or
        // not, so only an operator admin learns which organisations exist.
        let org = self.pool.with(|conn| find_org(conn, org_name))?;
        if org.as_ref().is_none_or(|org| org.id != viewer.org_id) {
            self.require_operator_admin(viewer)?;
        }
        let org = org.ok_or_else(|| StoreError::NotFound(format!("organisation {org_name:?}")))?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let user = insert_user(conn, &org, name, role, now)?;
                audit(
                    conn,
                    viewer,
                    now,
                    "user.create",
                    None,
                    &serde_json::json!({"user": name, "org": org_name, "role": role}),
                )?;
                Ok(user)
            })
        })
    }

    /// Looks a user up by name, for `--as USER`; any admin may, as users are
    /// named in audit trails and recipient lists.
    pub fn user(&self, name: &str) -> Result<User, StoreError> {
        self.pool.with(|conn| find_user(conn, name))?.ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))
    }

    pub fn users(&self, viewer: &Viewer) -> Result<Vec<User>, StoreError> {
        require_admin(viewer)?;
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id \
             WHERE u.org_id = $1 OR (SELECT operator FROM orgs WHERE id = $1) ORDER BY u.id"
        );
        self.pool.with(|conn| conn.query(&sql, &[viewer.org_id.into()])?.iter().map(read_user).collect())
    }

    pub fn create_community(&self, viewer: &Viewer, name: &str, now: DateTime<Utc>) -> Result<Community, StoreError> {
        self.require_operator_admin(viewer)?;
        check_name("community", name)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let row = conn
                    .query_one(
                        "INSERT INTO communities (name, created_at) VALUES ($1, $2) RETURNING id",
                        &[name.into(), to_ms(now).into()],
                    )?
                    .ok_or_else(|| StoreError::Schema("INSERT RETURNING gave no row".into()))?;
                audit(conn, viewer, now, "community.create", None, &serde_json::json!({"community": name}))?;
                Ok(Community { id: row.int(0)?, name: name.to_owned(), members: Vec::new() })
            })
        })
    }

    pub fn join_community(
        &self,
        viewer: &Viewer,
        community: &str,
        org: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.require_operator_admin(viewer)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let changed = conn.execute(
                    "INSERT INTO community_members (community_id, org_id) \
                     SELECT c.id, o.id FROM communities c, orgs o WHERE c.name = $1 AND o.name = $2 \
                     ON CONFLICT DO NOTHING",
                    &[community.into(), org.into()],
                )?;
                if changed == 0 && community_id(conn, community)?.is_none() {
                    return Err(StoreError::NotFound(format!("community {community:?}")));
                }
                if changed == 0 && find_org(conn, org)?.is_none() {
                    return Err(StoreError::NotFound(format!("organisation {org:?}")));
                }
                audit(
                    conn,
                    viewer,
                    now,
                    "community.join",
                    None,
                    &serde_json::json!({"community": community, "org": org}),
                )
            })
        })
    }

    /// Communities with their member organisations; anyone may list those
    /// their own organisation belongs to, operator admins all of them.
    pub fn communities(&self, viewer: &Viewer) -> Result<Vec<Community>, StoreError> {
        let all = self.require_operator_admin(viewer).is_ok();
        self.pool.with(|conn| {
            let rows = conn.query(
                "SELECT c.id, c.name, o.name FROM communities c \
                 LEFT JOIN community_members m ON m.community_id = c.id LEFT JOIN orgs o ON o.id = m.org_id \
                 WHERE $1 OR c.id IN (SELECT community_id FROM community_members WHERE org_id = $2) \
                 ORDER BY c.id, o.name",
                &[all.into(), viewer.org_id.into()],
            )?;
            let mut communities: Vec<Community> = Vec::new();
            for row in rows {
                let id = row.int(0)?;
                if communities.last().is_none_or(|last| last.id != id) {
                    communities.push(Community { id, name: row.text(1)?, members: Vec::new() });
                }
                if let (Some(member), Some(community)) = (row.opt_text(2)?, communities.last_mut()) {
                    community.members.push(member);
                }
            }
            Ok(communities)
        })
    }

    /// Creates an API token for `user_name` (oneself, or as an admin for a
    /// user of one's organisation). The secret is returned once.
    pub fn create_token(
        &self,
        viewer: &Viewer,
        user_name: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<CreatedToken, StoreError> {
        let user = self.credential_subject(viewer, user_name)?;
        let secret = random_secret(TOKEN_PREFIX)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let row = conn
                    .query_one(
                        "INSERT INTO tokens (user_id, secret_sha256, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                        &[user.id.into(), secret_digest(&secret).into(), label.into(), to_ms(now).into()],
                    )?
                    .ok_or_else(|| StoreError::Schema("INSERT RETURNING gave no row".into()))?;
                let id = row.int(0)?;
                audit(conn, viewer, now, "token.create", None, &serde_json::json!({"token": id, "user": user.name}))?;
                Ok(CreatedToken { id, user: user.name.clone(), secret: secret.clone() })
            })
        })
    }

    /// The user `viewer` names to issue a credential for, checked with
    /// [`Store::require_credential_issuer`]. A user of another organisation
    /// is "not found" exactly like a name nobody has, unless the viewer is an
    /// operator admin: a 403 for one and a 404 for the other would let any
    /// admin list every organisation's users by trying names.
    pub(crate) fn credential_subject(&self, viewer: &Viewer, user_name: &str) -> Result<User, StoreError> {
        let not_found = || StoreError::NotFound(format!("user {user_name:?} in your organisation"));
        let user = self.pool.with(|conn| find_user(conn, user_name))?.ok_or_else(not_found)?;
        if user.org_id != viewer.org_id && self.require_operator_admin(viewer).is_err() {
            return Err(not_found());
        }
        self.require_credential_issuer(viewer, &user)?;
        Ok(user)
    }

    /// Who may issue credentials (tokens, sign-in codes) for `user`: the user
    /// themself, an admin of their organisation, or an operator admin.
    pub(crate) fn require_credential_issuer(&self, viewer: &Viewer, user: &User) -> Result<(), StoreError> {
        if user.id != viewer.user_id {
            require_admin(viewer)?;
            if user.org_id != viewer.org_id {
                self.require_operator_admin(viewer)?;
            }
        }
        Ok(())
    }

    /// Revokes a token: its owner may, and admins of the owner's organisation.
    pub fn revoke_token(&self, viewer: &Viewer, token_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let row = conn
                    .query_one(
                        "SELECT t.user_id, u.org_id FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1",
                        &[token_id.into()],
                    )?
                    .ok_or_else(|| StoreError::NotFound(format!("token {token_id}")))?;
                let (owner, org) = (row.int(0)?, row.int(1)?);
                let own_org_admin = viewer.role == Role::Admin && viewer.org_id == org;
                if owner != viewer.user_id && !own_org_admin {
                    return Err(StoreError::NotFound(format!("token {token_id}")));
                }
                conn.execute(
                    "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                    &[to_ms(now).into(), token_id.into()],
                )?;
                audit(conn, viewer, now, "token.revoke", None, &serde_json::json!({"token": token_id}))
            })
        })
    }

    /// Tokens of the viewer (all of their organisation's for an admin).
    pub fn tokens(&self, viewer: &Viewer) -> Result<Vec<TokenInfo>, StoreError> {
        self.pool.with(|conn| {
            conn.query(
                "SELECT t.id, u.name, t.label, t.created_at, t.revoked_at FROM tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.user_id = $1 OR ($2 AND u.org_id = $3) ORDER BY t.id",
                &[viewer.user_id.into(), (viewer.role == Role::Admin).into(), viewer.org_id.into()],
            )?
            .iter()
            .map(|row| {
                Ok(TokenInfo {
                    id: row.int(0)?,
                    user: row.text(1)?,
                    label: row.text(2)?,
                    created_at: from_ms(row.int(3)?)?,
                    revoked_at: row.opt_int(4)?.map(from_ms).transpose()?,
                })
            })
            .collect()
        })
    }

    /// The user a bearer token belongs to, if it is known and not revoked.
    pub fn authenticate(&self, secret: &str) -> Result<Option<Viewer>, StoreError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM tokens t JOIN users u ON u.id = t.user_id JOIN orgs o ON o.id = u.org_id \
             WHERE t.secret_sha256 = $1 AND t.revoked_at IS NULL"
        );
        self.pool.with(|conn| {
            conn.query_one(&sql, &[secret_digest(secret).into()])?.map(|row| Ok(read_user(&row)?.viewer())).transpose()
        })
    }
}

/// 32 random bytes in hex after `prefix`: a secret nobody can guess.
pub(crate) fn random_secret(prefix: &str) -> Result<String, StoreError> {
    let mut random = [0_u8; 32];
    getrandom::fill(&mut random)
        .map_err(|error| StoreError::Database(format!("no randomness for a secret: {error}")))?;
    Ok(format!("{prefix}{}", hex(&random)))
}

pub(crate) fn community_id(conn: &mut dyn Conn, name: &str) -> Result<Option<i64>, StoreError> {
    conn.query_one("SELECT id FROM communities WHERE name = $1", &[name.into()])?.map(|row| row.int(0)).transpose()
}

/// Appends to the audit trail; there is no update or delete of it anywhere.
pub(crate) fn audit(
    conn: &mut dyn Conn,
    viewer: &Viewer,
    now: DateTime<Utc>,
    action: &str,
    report_id: Option<i64>,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit (at, org_id, user_id, action, report_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            to_ms(now).into(),
            viewer.org_id.into(),
            viewer.user_id.into(),
            action.into(),
            Value::from(report_id),
            detail.to_string().into(),
        ],
    )?;
    Ok(())
}
