//! Retention: a case team may set how long its closed cases are kept. A
//! case is due when its status is `closed` and its last change (the latest
//! time-line entry, or its creation) is older than the period; applying
//! retention erases every due case through [`Store::erase_screening_person`],
//! the same path as `crackdown screening erase`, so the audit keeps only
//! that each erasure happened.
//!
//! Why closed cases only and why by a member: a person still in care must
//! never disappear on a timer, and erasure is an act of the team (the audit
//! names who applied it). It runs when a member runs it — by hand or from
//! the team's scheduler (`crackdown --as USER screening retention apply`).

use chrono::{DateTime, Duration, Utc};
use crackdown_model::Viewer;

use super::audit;
use super::teams::member_team;
use crate::db::Value;
use crate::{Store, StoreError, to_ms};

/// Longest period accepted (about 30 years): anything longer is a typo.
const MAX_RETENTION_DAYS: i64 = 11_000;

impl Store {
    /// Sets (or with `None` clears) the retention period of the viewer's
    /// team `team`, in days; audited.
    pub fn set_screening_retention(
        &self,
        viewer: &Viewer,
        team: &str,
        days: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if let Some(days) = days
            && !(0..=MAX_RETENTION_DAYS).contains(&days)
        {
            return Err(StoreError::Invalid(format!(
                "retention: {days} days is not between 0 and {MAX_RETENTION_DAYS}"
            )));
        }
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let team_id = member_team(conn, viewer, team)?;
                conn.execute(
                    "UPDATE screening_teams SET retention_days = $1 WHERE id = $2",
                    &[Value::from(days), Value::Int(team_id)],
                )?;
                let what = days.map_or_else(|| "retention: none".to_owned(), |days| format!("retention: {days} days"));
                audit(conn, &self.key, viewer, "retention_set", Some(team_id), None, Some(&what), to_ms(now))
            })
        })
    }

    /// The team's retention period and the pseudonyms of its closed cases
    /// past it at `now` (none without a period).
    pub fn screening_retention_due(
        &self,
        viewer: &Viewer,
        team: &str,
        now: DateTime<Utc>,
    ) -> Result<(Option<i64>, Vec<String>), StoreError> {
        self.pool.with(|conn| {
            let team_id = member_team(conn, viewer, team)?;
            let days = conn
                .query_one("SELECT retention_days FROM screening_teams WHERE id = $1", &[Value::Int(team_id)])?
                .map(|row| row.opt_int(0))
                .transpose()?
                .flatten();
            let Some(days) = days else { return Ok((None, Vec::new())) };
            let cutoff = to_ms(now - Duration::days(days));
            let due = conn
                .query(
                    "SELECT p.pseudonym FROM screening_persons p WHERE p.team_id = $1 AND p.status = 'closed' \
                     AND COALESCE((SELECT MAX(e.at) FROM screening_events e WHERE e.person_id = p.id), p.created_at) \
                     <= $2 ORDER BY p.pseudonym",
                    &[Value::Int(team_id), Value::Int(cutoff)],
                )?
                .iter()
                .map(|row| row.text(0))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((Some(days), due))
        })
    }
}
