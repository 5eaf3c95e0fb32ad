//! The allow-list: values an organisation vouches for — its real hotline,
//! the police hotline victims quote, its own domains. The public lookup and
//! the pre-payment check answer `known_legitimate` for them instead of
//! counting reports that merely quote them, and the linker treats them as
//! hubs that never join two reports into one campaign.
//!
//! An organisation's entries shape its own views (its pre-payment check)
//! only. The public lookup and the installation-wide linking follow the
//! entries of organisations the installation trusts to vouch publicly
//! (`org add NAME --vouches-publicly`, and the operator's own): otherwise any
//! organisation's admin could turn a reported scam number into "known
//! legitimate, 0 reports" for every member of the public who checks it.
//! Each organisation lists and removes only its own entries.

use chrono::{DateTime, Utc};
use crackdown_model::{Role, Viewer};
use serde::Serialize;

use crate::linking::pairs_condition;
use crate::reports::Query;
use crate::{Store, StoreError, from_ms, require_admin, to_ms};

/// The organisations whose entries answer the public: those trusted to
/// vouch publicly, and the operator's own.
const TRUSTED_ORGS: &str = "SELECT id FROM orgs WHERE vouches_publicly OR operator";

/// One value on an organisation's allow-list, normalized like an indicator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllowlistEntry {
    /// The indicator type (`phone`, `domain`, `url`, `iban`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub added_at: DateTime<Utc>,
}

impl Store {
    /// Whether an organisation trusted to vouch publicly vouches for one of
    /// `keys` (kind, normalized): the public lookup's answer.
    pub fn known_legitimate(&self, keys: &[(String, String)]) -> Result<bool, StoreError> {
        self.vouched(keys, None)
    }

    /// Whether the viewer's own organisation, or one trusted to vouch
    /// publicly, vouches for one of `keys`: the organisation's own views.
    pub fn known_legitimate_for(&self, viewer: &Viewer, keys: &[(String, String)]) -> Result<bool, StoreError> {
        self.vouched(keys, Some(viewer.org_id))
    }

    fn vouched(&self, keys: &[(String, String)], own_org: Option<i64>) -> Result<bool, StoreError> {
        if keys.is_empty() {
            return Ok(false);
        }
        let mut query = Query::new("SELECT 1 FROM known_legitimate WHERE ");
        let pairs = pairs_condition(&mut query, "kind", "value", keys);
        query.push(&pairs);
        let own = match own_org {
            Some(org) => format!("org_id = {} OR ", query.param(org)),
            None => String::new(),
        };
        query.push(&format!(" AND ({own}org_id IN ({TRUSTED_ORGS})) LIMIT 1"));
        self.pool.with(|conn| Ok(conn.query_one(&query.sql, &query.params)?.is_some()))
    }

    /// Every value a publicly trusted organisation vouches for (kind,
    /// value), for the linker's hub lists (linking is installation-wide).
    pub fn known_legitimate_values(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.pool.with(|conn| {
            conn.query(
                &format!(
                    "SELECT DISTINCT kind, value FROM known_legitimate WHERE org_id IN ({TRUSTED_ORGS}) ORDER BY kind, value"
                ),
                &[],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.text(1)?)))
            .collect()
        })
    }

    /// Trusts (or stops trusting) organisation `name` to vouch for values
    /// publicly; operator admins only, recorded in the audit trail.
    pub fn set_org_vouches_publicly(
        &self,
        viewer: &Viewer,
        name: &str,
        vouches: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.require_operator_admin(viewer)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let changed = conn
                    .execute("UPDATE orgs SET vouches_publicly = $1 WHERE name = $2", &[vouches.into(), name.into()])?;
                if changed == 0 {
                    return Err(StoreError::NotFound(format!("organisation {name:?}")));
                }
                crate::tenancy::audit(
                    conn,
                    viewer,
                    now,
                    "org.vouches_publicly",
                    None,
                    &serde_json::json!({"org": name, "vouches_publicly": vouches}),
                )
            })
        })
    }

    /// Whether organisation `name` is trusted to vouch publicly.
    pub fn org_vouches_publicly(&self, name: &str) -> Result<bool, StoreError> {
        let row = self.pool.with(|conn| {
            conn.query_one("SELECT vouches_publicly OR operator FROM orgs WHERE name = $1", &[name.into()])
        })?;
        row.map(|row| row.bool(0)).transpose()?.ok_or_else(|| StoreError::NotFound(format!("organisation {name:?}")))
    }

    /// Adds a value the viewer's organisation vouches for (admins only).
    /// Adding it again changes nothing.
    pub fn add_known_legitimate(
        &self,
        viewer: &Viewer,
        kind: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<AllowlistEntry, StoreError> {
        require_admin(viewer)?;
        self.pool.with(|conn| {
            conn.execute(
                "INSERT INTO known_legitimate (kind, value, org_id, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[kind.into(), value.into(), viewer.org_id.into(), to_ms(now).into()],
            )?;
            let row = conn
                .query_one(
                    "SELECT added_at FROM known_legitimate WHERE kind = $1 AND value = $2 AND org_id = $3",
                    &[kind.into(), value.into(), viewer.org_id.into()],
                )?
                .ok_or_else(|| StoreError::NotFound(format!("allow-list entry {kind} {value}")))?;
            Ok(AllowlistEntry { kind: kind.to_owned(), value: value.to_owned(), added_at: from_ms(row.int(0)?)? })
        })
    }

    /// The viewer's organisation's allow-list (admins and analysts).
    pub fn allowlist(&self, viewer: &Viewer) -> Result<Vec<AllowlistEntry>, StoreError> {
        if !matches!(viewer.role, Role::Admin | Role::Analyst) {
            return Err(StoreError::Forbidden(format!(
                "{} is a {} and cannot read the allow-list",
                viewer.user_name, viewer.role
            )));
        }
        self.pool.with(|conn| {
            conn.query(
                "SELECT kind, value, added_at FROM known_legitimate WHERE org_id = $1 ORDER BY kind, value",
                &[viewer.org_id.into()],
            )?
            .iter()
            .map(|row| Ok(AllowlistEntry { kind: row.text(0)?, value: row.text(1)?, added_at: from_ms(row.int(2)?)? }))
            .collect()
        })
    }

    /// Removes a value from the viewer's organisation's allow-list (admins
    /// only); another organisation's entry for the same value stays.
    pub fn remove_known_legitimate(&self, viewer: &Viewer, kind: &str, value: &str) -> Result<(), StoreError> {
        require_admin(viewer)?;
        let removed = self.pool.with(|conn| {
            conn.execute(
                "DELETE FROM known_legitimate WHERE kind = $1 AND value = $2 AND org_id = $3",
                &[kind.into(), value.into(), viewer.org_id.into()],
            )
        })?;
        if removed == 0 {
            return Err(StoreError::NotFound(format!("{kind} {value} is not on your organisation's allow-list")));
        }
        Ok(())
    }
}
