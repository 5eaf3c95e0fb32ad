//! The screening read audit: who read or changed what, when and why.
//! Append-only (triggers refuse UPDATE and DELETE on both backends);
//! reading it is itself a read, audited like the others.

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;
use serde::Serialize;

use super::teams::member_team;
use super::{audit, open_data_key, require_reason, time_text};
use crate::db::Value;
use crate::{Store, StoreError, to_ms};

/// Associated data of the audit's sealed reasons.
pub(crate) const REASON_COLUMN: &str = "screening_audit.reason";

/// One audit row as a team member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningAuditEntry {
    pub id: i64,
    pub at: String,
    pub user: String,
    /// `read_case`, `list`, `audit`, `person_add`, `interview`, `decide`,
    /// `refer`, `refer_refused`, `export`, `export_refused`, `erase`, …
    pub action: String,
    /// The person's pseudonym while the person exists; `None` for team-wide
    /// rows and once the person is erased.
    pub person: Option<String>,
    /// Whether the row is about a person since erased.
    pub erased_person: bool,
    /// The reason given (reads and refusals); `None` for changes, and for
    /// rows about an erased person, whose key is gone.
    pub reason: Option<String>,
}

impl Store {
    /// The audit of the viewer's case team `team`, oldest first. A read:
    /// `reason` is required and audited.
    pub fn screening_audit(
        &self,
        viewer: &Viewer,
        team: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<ScreeningAuditEntry>, StoreError> {
        let reason = require_reason(reason)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let team_id = member_team(conn, viewer, team)?;
                audit(conn, &self.key, viewer, "audit", Some(team_id), None, Some(reason), to_ms(now))?;
                let rows = conn.query(
                    "SELECT a.id, a.at, u.name, a.action, a.person_id, a.reason, p.pseudonym, p.data_key \
                     FROM screening_audit a JOIN users u ON u.id = a.user_id \
                     LEFT JOIN screening_persons p ON p.id = a.person_id \
                     WHERE a.team_id = $1 ORDER BY a.id",
                    &[Value::Int(team_id)],
                )?;
                rows.iter()
                    .map(|row| {
                        let person_id = row.opt_int(4)?;
                        let sealed = row.opt_text(5)?;
                        let pseudonym = row.opt_text(6)?;
                        let reason = match (person_id, sealed, row.opt_text(7)?) {
                            (_, None, _) => None,
                            (None, Some(sealed), _) => Some(self.key.open(REASON_COLUMN, None, &sealed)?),
                            (Some(person), Some(sealed), Some(data_key)) => {
                                Some(open_data_key(&self.key, person, &data_key)?.open(REASON_COLUMN, None, &sealed)?)
                            }
                            (Some(_), Some(_), None) => None,
                        };
                        Ok(ScreeningAuditEntry {
                            id: row.int(0)?,
                            at: time_text(row.int(1)?)?,
                            user: row.text(2)?,
                            action: row.text(3)?,
                            erased_person: person_id.is_some() && pseudonym.is_none(),
                            person: pseudonym,
                            reason,
                        })
                    })
                    .collect()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use crackdown_model::{Role, Viewer};

    use crate::Store;

    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 2, 23, 9, 0, 0).single().expect("date")
    }

    fn screener(store: &Store) -> Viewer {
        let operator = store.operator(now()).expect("operator");
        store.create_user(&operator, "local", "ngo-screener", Role::Analyst, now()).expect("user");
        store.user("ngo-screener").expect("user").viewer()
    }

    /// The audit refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL),
    /// even to whoever holds the database connection; reads are all there
    /// with their reasons, and an erasure leaves only that it happened.
    fn audit_is_append_only(store: &Store) {
        let viewer = screener(store);
        store.create_screening_team(&viewer, "mae-sot", now()).expect("team");
        let person = crate::NewScreeningPerson {
            pseudonym: "P-2026-0101".into(),
            record: r#"{"facility":"Mae Sot IDC"}"#.into(),
            interview: None,
        };
        store.add_screening_people(&viewer, "mae-sot", &[person], now()).expect("add");
        store.screening_case(&viewer, "P-2026-0101", None, "preparing the referral meeting", now()).expect("read");
        assert!(store.screening_case(&viewer, "P-2026-0101", None, "  ", now()).is_err(), "no reason, no read");
        let entries = store.screening_audit(&viewer, "mae-sot", "weekly review", now()).expect("audit");
        let read = entries.iter().find(|entry| entry.action == "read_case").expect("the read is audited");
        assert_eq!(read.reason.as_deref(), Some("preparing the referral meeting"));
        assert_eq!(read.person.as_deref(), Some("P-2026-0101"));
        assert_eq!(entries.iter().filter(|entry| entry.action == "read_case").count(), 1, "the refused read is not");

        for sql in ["UPDATE screening_audit SET reason = NULL", "DELETE FROM screening_audit"] {
            let refused = store.pool.with(|conn| conn.execute(sql, &[]));
            let error = refused.err().map(|error| error.to_string()).unwrap_or_default();
            assert!(error.contains("append-only"), "{sql}: {error}");
        }
        if store.backend() == crate::Backend::Postgres {
            assert!(store.pool.with(|conn| conn.batch("TRUNCATE screening_audit")).is_err());
        }

        store.erase_screening_person(&viewer, "P-2026-0101", None, now()).expect("erase");
        let entries = store.screening_audit(&viewer, "mae-sot", "after erasure", now()).expect("audit");
        assert!(entries.iter().any(|entry| entry.action == "erase"));
        let about = entries.iter().filter(|entry| entry.erased_person).collect::<Vec<_>>();
        assert!(about.iter().all(|entry| entry.reason.is_none() && entry.person.is_none()), "{about:?}");
        assert!(
            !format!("{entries:?}").contains("P-2026-0101") && !format!("{entries:?}").contains("referral meeting")
        );
        let left = store
            .pool
            .with(|conn| conn.query_one("SELECT COUNT(*) FROM screening_persons", &[]))
            .expect("count")
            .expect("row")
            .int(0)
            .expect("int");
        assert_eq!(left, 0);
    }

    #[test]
    fn audit_is_append_only_on_sqlite() {
        let dir = tempfile::tempdir().expect("dir");
        audit_is_append_only(&Store::open_sqlite(dir.path()).expect("open"));
    }

    #[test]
    fn audit_is_append_only_on_postgres() {
        if let Some(url) = crate::testing::fresh_postgres_url() {
            let dir = tempfile::tempdir().expect("dir");
            audit_is_append_only(&Store::open_postgres(&url, &dir.path().join("key")).expect("open"));
        }
    }
}
