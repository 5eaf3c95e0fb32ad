//! Humanitarian screening's stored half (migration 0037): people screened
//! after a raid, their interviews, decisions, referrals and time line.
//!
//! **Need to know.** Screening data is the most sensitive in the system and
//! is RED by default: only the members of the person's *case team* read or
//! write it. Not the rest of the organisation, not its admins (unless they
//! are members), never another organisation, a partner or the public. A
//! person of another team answers exactly like one that does not exist
//! (`NotFound`), ids included.
//!
//! **Case teams.** An admin or analyst creates a team in their organisation
//! and is its first member; any member adds or removes admins and analysts
//! of the same organisation (never a partner or reporter, never someone of
//! another organisation), and the last member cannot leave, so a team's
//! people are never left without anyone answerable for them. Membership is
//! the only way in: an organisation's admin who is not a member is refused
//! like anyone else.
//!
//! **Audit.** Every read needs a reason and writes a row of the append-only
//! `screening_audit` (who, what, when, why; triggers on both backends refuse
//! UPDATE, DELETE and, on PostgreSQL, TRUNCATE); every change is audited too.
//!
//! **Sealing and erasure.** Each person has a random data key, sealed under
//! the installation key (outside the database). The person record, notes,
//! justifications, referral organisations and notes, time-line texts and the
//! audit's reasons about the person are sealed with it. Erasure deletes the
//! person's rows and the key in one transaction, so the audit rows about the
//! person that stay (append-only: who read, when) no longer open their
//! reasons, and the audit holds nothing about the person but a number and
//! that an erasure happened.

mod audit;
mod case;
mod read;
mod retention;
mod teams;

use crate::db::{Conn, Value};
use crate::secrets::SecretKey;
use crate::{StoreError, from_ms};
use crackdown_model::{Role, Viewer};

pub use audit::ScreeningAuditEntry;
pub use case::{
    NewScreeningAnswer, NewScreeningInterview, NewScreeningPerson, ScreeningCase, ScreeningDecision, ScreeningEvent,
    ScreeningInterview, ScreeningPersonForList, ScreeningPersonSummary, ScreeningReferral, StoredScreeningAnswer,
    StoredScreeningPerson,
};
pub use teams::ScreeningTeam;

/// Associated data of a person's sealed data key.
const DATA_KEY_COLUMN: &str = "screening_persons.data_key";
/// The longest reason a read may give (it is a reason, not a narrative).
const MAX_REASON: usize = 500;

/// Whether a role may belong to a case team: those who work their
/// organisation's cases. Reporters read back only their own reports and
/// partners never see a victim's details, so neither may screen.
pub(crate) fn may_screen(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Analyst)
}

/// Refuses anyone who could never be on a case team, before any query, so
/// their answer is the same whatever exists.
pub(crate) fn require_screener(viewer: &Viewer) -> Result<(), StoreError> {
    if may_screen(viewer.role) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "{} is a {}; screening data is read and written by the members of a case team only",
            viewer.user_name, viewer.role
        )))
    }
}

/// The reason a read must give, trimmed: required, and short.
pub(crate) fn require_reason(reason: &str) -> Result<&str, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "reading screening data needs a reason (why you need to see it); it is written to the audit".into(),
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(StoreError::Invalid(format!("the reason is longer than {MAX_REASON} characters")));
    }
    Ok(reason)
}

/// A person the viewer may reach, with the key that opens their texts.
pub(crate) struct PersonRef {
    pub(crate) id: i64,
    pub(crate) team_id: i64,
    pub(crate) pseudonym: String,
    pub(crate) key: SecretKey,
}

/// Finds `pseudonym` among the people of the viewer's own case teams (of
/// `team` when given). Anyone else's person is `NotFound`, like a person
/// that does not exist.
pub(crate) fn find_person(
    conn: &mut dyn Conn,
    master: &SecretKey,
    viewer: &Viewer,
    pseudonym: &str,
    team: Option<&str>,
) -> Result<PersonRef, StoreError> {
    require_screener(viewer)?;
    let mut sql = String::from(
        "SELECT p.id, p.team_id, p.data_key FROM screening_persons p \
         JOIN screening_teams t ON t.id = p.team_id \
         JOIN screening_team_members m ON m.team_id = t.id AND m.user_id = $1 \
         WHERE t.org_id = $2 AND p.pseudonym = $3",
    );
    let mut params = vec![Value::Int(viewer.user_id), Value::Int(viewer.org_id), Value::from(pseudonym)];
    if let Some(team) = team {
        sql.push_str(" AND t.name = $4");
        params.push(Value::from(team));
    }
    let rows = conn.query(&sql, &params)?;
    let row = match rows.as_slice() {
        [row] => row,
        [] => return Err(StoreError::NotFound(format!("person {pseudonym:?}"))),
        _ => {
            return Err(StoreError::Invalid(format!(
                "{pseudonym:?} is on several of your case teams: name the team (--team)"
            )));
        }
    };
    let id = row.int(0)?;
    let key = open_data_key(master, id, &row.text(2)?)?;
    Ok(PersonRef { id, team_id: row.int(1)?, pseudonym: pseudonym.to_owned(), key })
}

/// A new person's data key: random, returned with its sealed form.
pub(crate) fn new_data_key(master: &SecretKey, person_id: i64) -> Result<(SecretKey, String), StoreError> {
    let bytes = crate::secrets::random::<32>()?;
    let sealed = master.seal(DATA_KEY_COLUMN, Some(person_id), &crackdown_model::hex(&bytes))?;
    Ok((SecretKey::from_bytes(&bytes, format!("data key of screened person {person_id}"))?, sealed))
}

pub(crate) fn open_data_key(master: &SecretKey, person_id: i64, sealed: &str) -> Result<SecretKey, StoreError> {
    let hex = master.open(DATA_KEY_COLUMN, Some(person_id), sealed)?;
    let bytes = crate::secrets::unhex(&hex)
        .filter(|bytes| bytes.len() == 32)
        .ok_or_else(|| StoreError::Schema(format!("the data key of screened person {person_id} is malformed")))?;
    SecretKey::from_bytes(&bytes, format!("data key of screened person {person_id}"))
}

/// Writes one audit row. `reason` is sealed with the person's key when the
/// row is about a person (so erasing the person shreds it), else with the
/// installation key.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit(
    conn: &mut dyn Conn,
    master: &SecretKey,
    viewer: &Viewer,
    action: &str,
    team_id: Option<i64>,
    person: Option<&PersonRef>,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let sealed = match (reason, person) {
        (Some(reason), Some(person)) => Some(person.key.seal(audit::REASON_COLUMN, None, reason)?),
        (Some(reason), None) => Some(master.seal(audit::REASON_COLUMN, None, reason)?),
        (None, _) => None,
    };
    conn.execute(
        "INSERT INTO screening_audit (at, org_id, user_id, action, team_id, person_id, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            Value::Int(now_ms),
            Value::Int(viewer.org_id),
            Value::Int(viewer.user_id),
            Value::from(action),
            Value::from(team_id.or(person.map(|person| person.team_id))),
            Value::from(person.map(|person| person.id)),
            Value::from(sealed),
        ],
    )?;
    Ok(())
}

/// A stored millisecond time as RFC 3339, the form every answer shows.
pub(crate) fn time_text(ms: i64) -> Result<String, StoreError> {
    Ok(from_ms(ms)?.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}
