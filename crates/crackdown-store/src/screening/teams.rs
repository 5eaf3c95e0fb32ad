//! Case teams: who may read and write a screened person's data.

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;
use serde::Serialize;

use super::{audit, may_screen, require_screener, time_text};
use crate::db::{Conn, Value};
use crate::{Store, StoreError, to_ms};

/// A case team as its members see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningTeam {
    pub name: String,
    /// Member user names, sorted.
    pub members: Vec<String>,
    pub created_at: String,
    /// Days a closed case is kept before retention erases it (`None`: until erased by hand).
    pub retention_days: Option<i64>,
}

/// The id of the viewer's own team called `name`; anyone else's team is
/// `NotFound`, like one that does not exist.
pub(crate) fn member_team(conn: &mut dyn Conn, viewer: &Viewer, name: &str) -> Result<i64, StoreError> {
    require_screener(viewer)?;
    conn.query_one(
        "SELECT t.id FROM screening_teams t JOIN screening_team_members m ON m.team_id = t.id AND m.user_id = $1 \
         WHERE t.org_id = $2 AND t.name = $3",
        &[Value::Int(viewer.user_id), Value::Int(viewer.org_id), Value::from(name)],
    )?
    .map(|row| row.int(0))
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("case team {name:?}")))
}

fn check_team_name(name: &str) -> Result<(), StoreError> {
    let valid = (1..=64).contains(&name.len())
        && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("case team name {name:?}: 1-64 letters, digits, '-', '_', '.'")))
    }
}

impl Store {
    /// Creates a case team in the viewer's organisation with the viewer as
    /// its first member.
    pub fn create_screening_team(&self, viewer: &Viewer, name: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        require_screener(viewer)?;
        check_team_name(name)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let created = conn.query_one(
                    "INSERT INTO screening_teams (org_id, name, created_by, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING RETURNING id",
                    &[Value::Int(viewer.org_id), Value::from(name), Value::Int(viewer.user_id), Value::Int(to_ms(now))],
                )?;
                let team = created
                    .ok_or_else(|| StoreError::Conflict(format!("a case team {name:?} exists in your organisation")))?
                    .int(0)?;
                conn.execute(
                    "INSERT INTO screening_team_members (team_id, user_id, added_by, added_at) VALUES ($1, $2, $2, $3)",
                    &[Value::Int(team), Value::Int(viewer.user_id), Value::Int(to_ms(now))],
                )?;
                audit(conn, &self.key, viewer, "team_create", Some(team), None, None, to_ms(now))
            })
        })
    }

    /// Adds `user` (an admin or analyst of the viewer's organisation) to the
    /// viewer's team `team`.
    pub fn add_screening_member(
        &self,
        viewer: &Viewer,
        team: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let team_id = member_team(conn, viewer, team)?;
                let found = conn.query_one(
                    "SELECT id, role FROM users WHERE name = $1 AND org_id = $2",
                    &[Value::from(user), Value::Int(viewer.org_id)],
                )?;
                // Users of other organisations are "not found", as everywhere.
                let row = found.ok_or_else(|| StoreError::NotFound(format!("user {user:?}")))?;
                let role: crackdown_model::Role = row
                    .text(1)?
                    .parse()
                    .map_err(|_| StoreError::Schema(format!("user {user:?} has an unknown role")))?;
                if !may_screen(role) {
                    return Err(StoreError::Forbidden(format!(
                        "{user} is a {role}; only admins and analysts may join a case team"
                    )));
                }
                conn.execute(
                    "INSERT INTO screening_team_members (team_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING",
                    &[Value::Int(team_id), Value::Int(row.int(0)?), Value::Int(viewer.user_id), Value::Int(to_ms(now))],
                )?;
                audit(conn, &self.key, viewer, "member_add", Some(team_id), None, None, to_ms(now))
            })
        })
    }

    /// Removes `user` from the viewer's team `team`; the last member stays.
    pub fn remove_screening_member(
        &self,
        viewer: &Viewer,
        team: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let team_id = member_team(conn, viewer, team)?;
                let members = conn.query(
                    "SELECT u.name FROM screening_team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = $1",
                    &[Value::Int(team_id)],
                )?;
                let names = members.iter().map(|row| row.text(0)).collect::<Result<Vec<_>, _>>()?;
                if !names.iter().any(|name| name == user) {
                    return Err(StoreError::NotFound(format!("member {user:?} of case team {team:?}")));
                }
                if names.len() == 1 {
                    return Err(StoreError::Forbidden(format!(
                        "{user} is the last member of {team}; add someone before leaving, so its people stay in care"
                    )));
                }
                conn.execute(
                    "DELETE FROM screening_team_members WHERE team_id = $1 \
                     AND user_id = (SELECT id FROM users WHERE name = $2)",
                    &[Value::Int(team_id), Value::from(user)],
                )?;
                audit(conn, &self.key, viewer, "member_remove", Some(team_id), None, None, to_ms(now))
            })
        })
    }

    /// The case teams the viewer belongs to, with their members.
    pub fn screening_teams(&self, viewer: &Viewer) -> Result<Vec<ScreeningTeam>, StoreError> {
        require_screener(viewer)?;
        self.pool.with(|conn| {
            let rows = conn.query(
                "SELECT t.name, t.created_at, u.name, t.retention_days FROM screening_teams t \
                 JOIN screening_team_members mine ON mine.team_id = t.id AND mine.user_id = $1 \
                 JOIN screening_team_members m ON m.team_id = t.id JOIN users u ON u.id = m.user_id \
                 WHERE t.org_id = $2 ORDER BY t.name, u.name",
                &[Value::Int(viewer.user_id), Value::Int(viewer.org_id)],
            )?;
            let mut teams: Vec<ScreeningTeam> = Vec::new();
            for row in rows {
                let (name, member) = (row.text(0)?, row.text(2)?);
                match teams.last_mut() {
                    Some(team) if team.name == name => team.members.push(member),
                    _ => teams.push(ScreeningTeam {
                        name,
                        members: vec![member],
                        created_at: time_text(row.int(1)?)?,
                        retention_days: row.opt_int(3)?,
                    }),
                }
            }
            Ok(teams)
        })
    }
}
