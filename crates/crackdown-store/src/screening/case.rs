//! A screened person's case: the record, interviews with their answers,
//! decisions, referrals and the time line (tasks, notes, status changes).
//!
//! The store keeps the library's records as given (the person record as
//! JSON, answer values as their words): checking them against the
//! questionnaire is the engine's concern, so this crate knows no model.

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;
use serde::Serialize;

use super::teams::member_team;
use super::{PersonRef, audit, find_person, new_data_key, require_reason, require_screener, time_text};
use crate::db::{Conn, Dialect, Value};
use crate::{Store, StoreError, to_ms};

pub(crate) const RECORD_COLUMN: &str = "screening_persons.record";
pub(crate) const NOTE_COLUMN: &str = "screening_answers.note";
pub(crate) const JUSTIFICATION_COLUMN: &str = "screening_decisions.justification";
pub(crate) const ORGANISATION_COLUMN: &str = "screening_referrals.organisation";
pub(crate) const REFERRAL_NOTE_COLUMN: &str = "screening_referrals.note";
pub(crate) const EVENT_COLUMN: &str = "screening_events.text";

/// A person to add: the pseudonym, the library's person record as JSON and,
/// from an offline sheet, the interview held.
#[derive(Clone, Debug)]
pub struct NewScreeningPerson {
    pub pseudonym: String,
    pub record: String,
    pub interview: Option<NewScreeningInterview>,
}

/// An interview to record, its answers already checked against the
/// questionnaire version it names.
#[derive(Clone, Debug)]
pub struct NewScreeningInterview {
    pub reference: String,
    pub questionnaire: String,
    pub language: String,
    pub interviewer: String,
    pub interpreter: bool,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub answers: Vec<NewScreeningAnswer>,
}

/// One answer: in the language given, with the indicator it maps to.
#[derive(Clone, Debug)]
pub struct NewScreeningAnswer {
    pub question: String,
    pub maps_to: String,
    pub value: String,
    pub language: String,
    pub note: Option<String>,
}

/// A person in a list: no record, no narrative.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningPersonSummary {
    pub pseudonym: String,
    pub team: String,
    pub status: String,
    pub interviews: i64,
    /// The latest decision's outcome, if one is recorded.
    pub decision: Option<String>,
    pub created_at: String,
    /// When the case last changed: its latest time-line entry (interview,
    /// decision, referral, status, task, note), or its creation.
    pub last_change: String,
}

/// A listed person with what the engine needs to show the rules'
/// recommendation beside them: the record (the age band decides the child
/// rule) and the latest interview. The engine sends only the
/// recommendation, never these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreeningPersonForList {
    pub summary: ScreeningPersonSummary,
    /// The library's person record, JSON.
    pub record: String,
    pub latest_interview: Option<ScreeningInterview>,
}

/// The person record as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredScreeningPerson {
    pub pseudonym: String,
    pub team: String,
    pub status: String,
    /// The library's person record, JSON.
    pub record: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredScreeningAnswer {
    pub question: String,
    pub maps_to: String,
    pub value: String,
    pub language: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningInterview {
    pub reference: String,
    pub questionnaire: String,
    pub language: String,
    pub interviewer: String,
    pub interpreter: bool,
    pub held_on: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub answers: Vec<StoredScreeningAnswer>,
}

/// A decision: who took it, on which interview, what the rules recommended,
/// what was decided and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningDecision {
    pub id: i64,
    pub interview: String,
    pub recommended: String,
    pub outcome: String,
    pub decided_by: String,
    pub justification: String,
    pub decided_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningReferral {
    pub id: i64,
    pub organisation: String,
    pub kind: String,
    pub status: String,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// One time-line entry: a task (with a due day, done or not), a note, or
/// what happened (interview recorded, decision, referral, status change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningEvent {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub kind: String,
    pub text: String,
    pub due_on: Option<String>,
    pub done_at: Option<String>,
}

/// Everything stored about one person, for the members of their team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScreeningCase {
    pub person: StoredScreeningPerson,
    pub interviews: Vec<ScreeningInterview>,
    pub decisions: Vec<ScreeningDecision>,
    pub referrals: Vec<ScreeningReferral>,
    pub timeline: Vec<ScreeningEvent>,
}

fn insert_person(
    conn: &mut dyn Conn,
    store: &Store,
    viewer: &Viewer,
    team_id: i64,
    person: &NewScreeningPerson,
    now_ms: i64,
) -> Result<PersonRef, StoreError> {
    let inserted = conn.query_one(
        "INSERT INTO screening_persons (team_id, pseudonym, data_key, record, status, created_by, created_at) \
         VALUES ($1, $2, '', '', 'open', $3, $4) ON CONFLICT DO NOTHING RETURNING id",
        &[Value::Int(team_id), Value::from(person.pseudonym.as_str()), Value::Int(viewer.user_id), Value::Int(now_ms)],
    )?;
    let id = inserted
        .ok_or_else(|| StoreError::Conflict(format!("person {:?} is already on this case team", person.pseudonym)))?
        .int(0)?;
    let (key, sealed_key) = new_data_key(&store.key, id)?;
    let record = key.seal(RECORD_COLUMN, Some(id), &person.record)?;
    conn.execute(
        "UPDATE screening_persons SET data_key = $1, record = $2 WHERE id = $3",
        &[Value::from(sealed_key), Value::from(record), Value::Int(id)],
    )?;
    let found = PersonRef { id, team_id, pseudonym: person.pseudonym.clone(), key };
    audit(conn, &store.key, viewer, "person_add", None, Some(&found), None, now_ms)?;
    if let Some(interview) = &person.interview {
        insert_interview(conn, viewer, &found, interview, now_ms)?;
    }
    Ok(found)
}

fn insert_interview(
    conn: &mut dyn Conn,
    viewer: &Viewer,
    person: &PersonRef,
    interview: &NewScreeningInterview,
    now_ms: i64,
) -> Result<(), StoreError> {
    let inserted = conn.query_one(
        "INSERT INTO screening_interviews (person_id, reference, questionnaire, language, interviewer, interpreter, \
         held_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT DO NOTHING RETURNING id",
        &[
            Value::Int(person.id),
            Value::from(interview.reference.as_str()),
            Value::from(interview.questionnaire.as_str()),
            Value::from(interview.language.as_str()),
            Value::from(interview.interviewer.as_str()),
            Value::Bool(interview.interpreter),
            Value::from(interview.held_on.as_str()),
            Value::Int(viewer.user_id),
            Value::Int(now_ms),
        ],
    )?;
    let id = inserted
        .ok_or_else(|| {
            StoreError::Conflict(format!(
                "interview {:?} of {} is already recorded",
                interview.reference, person.pseudonym
            ))
        })?
        .int(0)?;
    for answer in &interview.answers {
        let note = answer.note.as_deref().map(|note| person.key.seal(NOTE_COLUMN, Some(id), note)).transpose()?;
        conn.execute(
            "INSERT INTO screening_answers (interview_id, question, maps_to, value, language, note) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                Value::Int(id),
                Value::from(answer.question.as_str()),
                Value::from(answer.maps_to.as_str()),
                Value::from(answer.value.as_str()),
                Value::from(answer.language.as_str()),
                Value::from(note),
            ],
        )?;
    }
    let text = format!("interview {} recorded ({} answers)", interview.reference, interview.answers.len());
    insert_event(conn, viewer, person, "interview", &text, None, now_ms)?;
    Ok(())
}

fn insert_event(
    conn: &mut dyn Conn,
    viewer: &Viewer,
    person: &PersonRef,
    kind: &str,
    text: &str,
    due_on: Option<&str>,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let sealed = person.key.seal(EVENT_COLUMN, Some(person.id), text)?;
    let row = conn.query_one(
        "INSERT INTO screening_events (person_id, at, user_id, kind, text, due_on) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id",
        &[
            Value::Int(person.id),
            Value::Int(now_ms),
            Value::Int(viewer.user_id),
            Value::from(kind),
            Value::from(sealed),
            Value::from(due_on),
        ],
    )?;
    row.ok_or_else(|| StoreError::Database("an inserted event returned no id".into()))?.int(0)
}

impl Store {
    /// Adds people (with their sheet interviews) to the viewer's case team
    /// `team`, all of them or none: a pseudonym already on the team is a
    /// `Conflict` naming it.
    pub fn add_screening_people(
        &self,
        viewer: &Viewer,
        team: &str,
        people: &[NewScreeningPerson],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.pool.with(|conn| {
            scrubbed(conn, |conn| {
                let team_id = member_team(conn, viewer, team)?;
                for person in people {
                    insert_person(conn, self, viewer, team_id, person, to_ms(now))?;
                }
                Ok(())
            })
        })
    }

    /// Replaces a person's record (consents given or withdrawn, documents
    /// found): the old record is not kept, the change is on the time line.
    pub fn update_screening_person(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        record: &str,
        change: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            let sealed = person.key.seal(RECORD_COLUMN, Some(person.id), record)?;
            conn.execute(
                "UPDATE screening_persons SET record = $1 WHERE id = $2",
                &[Value::from(sealed), Value::Int(person.id)],
            )?;
            insert_event(conn, viewer, person, "record", change, None, to_ms(now))?;
            audit(conn, &self.key, viewer, "person_update", None, Some(person), None, to_ms(now))
        })
    }

    /// Runs `work` in one transaction on a person of the viewer's teams.
    pub(crate) fn with_person<T>(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        mut work: impl FnMut(&mut dyn Conn, &PersonRef) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        require_screener(viewer)?;
        self.pool.with(|conn| {
            scrubbed(conn, |conn| {
                let person = find_person(conn, &self.key, viewer, pseudonym, team)?;
                work(conn, &person)
            })
        })
    }

    /// The people of the viewer's case teams (of `team` when given). A read:
    /// `reason` is required and audited.
    pub fn screening_people(
        &self,
        viewer: &Viewer,
        team: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<ScreeningPersonSummary>, StoreError> {
        let listed = self.list_screening_people(viewer, team, reason, now, false)?;
        Ok(listed.into_iter().map(|person| person.summary).collect())
    }

    /// [`Store::screening_people`] with each person's record and latest
    /// interview opened, for the engine's list with recommendations: the
    /// same one audited read per team listed (the list is what is shown).
    pub fn screening_people_for_list(
        &self,
        viewer: &Viewer,
        team: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<ScreeningPersonForList>, StoreError> {
        self.list_screening_people(viewer, team, reason, now, true)
    }

    fn list_screening_people(
        &self,
        viewer: &Viewer,
        team: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
        open_cases: bool,
    ) -> Result<Vec<ScreeningPersonForList>, StoreError> {
        require_screener(viewer)?;
        let reason = require_reason(reason)?;
        self.pool.with(|conn| {
            conn.transaction(|conn| {
                let team_id = team.map(|team| member_team(conn, viewer, team)).transpose()?;
                let mut sql = String::from(
                    "SELECT p.pseudonym, t.name, p.status, p.created_at, \
                     (SELECT COUNT(*) FROM screening_interviews i WHERE i.person_id = p.id), \
                     (SELECT d.outcome FROM screening_decisions d WHERE d.person_id = p.id ORDER BY d.id DESC LIMIT 1), \
                     COALESCE((SELECT MAX(e.at) FROM screening_events e WHERE e.person_id = p.id), p.created_at), \
                     p.id, p.team_id, p.data_key, p.record \
                     FROM screening_persons p JOIN screening_teams t ON t.id = p.team_id \
                     JOIN screening_team_members m ON m.team_id = t.id AND m.user_id = $1 \
                     WHERE t.org_id = $2",
                );
                let mut params = vec![Value::Int(viewer.user_id), Value::Int(viewer.org_id)];
                if let Some(team_id) = team_id {
                    sql.push_str(" AND t.id = $3");
                    params.push(Value::Int(team_id));
                }
                sql.push_str(" ORDER BY t.name, p.pseudonym");
                let rows = conn.query(&sql, &params)?;
                // One row in the audit of every team whose people were listed.
                let listed = match team_id {
                    Some(team_id) => vec![team_id],
                    None => conn
                        .query(
                            "SELECT m.team_id FROM screening_team_members m JOIN screening_teams t ON t.id = m.team_id \
                             WHERE m.user_id = $1 AND t.org_id = $2",
                            &[Value::Int(viewer.user_id), Value::Int(viewer.org_id)],
                        )?
                        .iter()
                        .map(|row| row.int(0))
                        .collect::<Result<Vec<_>, _>>()?,
                };
                for team_id in listed {
                    audit(conn, &self.key, viewer, "list", Some(team_id), None, Some(reason), to_ms(now))?;
                }
                let mut people = Vec::with_capacity(rows.len());
                for row in &rows {
                    let summary = ScreeningPersonSummary {
                        pseudonym: row.text(0)?,
                        team: row.text(1)?,
                        status: row.text(2)?,
                        created_at: time_text(row.int(3)?)?,
                        interviews: row.int(4)?,
                        decision: row.opt_text(5)?,
                        last_change: time_text(row.int(6)?)?,
                    };
                    let (record, latest_interview) = if open_cases {
                        let id = row.int(7)?;
                        let person = super::PersonRef {
                            id,
                            team_id: row.int(8)?,
                            pseudonym: summary.pseudonym.clone(),
                            key: super::open_data_key(&self.key, id, &row.text(9)?)?,
                        };
                        let record = person.key.open(RECORD_COLUMN, Some(id), &row.text(10)?)?;
                        (record, super::read::read_interviews(conn, &person, true)?.pop())
                    } else {
                        (String::new(), None)
                    };
                    people.push(ScreeningPersonForList { summary, record, latest_interview });
                }
                Ok(people)
            })
        })
    }

    /// Everything about one person of the viewer's teams. A read: `reason`
    /// is required and audited with the person.
    pub fn screening_case(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<ScreeningCase, StoreError> {
        let reason = require_reason(reason)?;
        self.with_person(viewer, pseudonym, team, |conn, person| {
            audit(conn, &self.key, viewer, "read_case", None, Some(person), Some(reason), to_ms(now))?;
            super::read::read_case(conn, person)
        })
    }

    /// Records an interview (answers already checked by the engine).
    pub fn record_screening_interview(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        interview: &NewScreeningInterview,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            insert_interview(conn, viewer, person, interview, to_ms(now))?;
            audit(conn, &self.key, viewer, "interview", None, Some(person), None, to_ms(now))
        })
    }

    /// Records the decision a named user took on interview `interview`,
    /// with the rules' recommendation beside it and the justification.
    #[allow(clippy::too_many_arguments)]
    pub fn record_screening_decision(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        interview: &str,
        recommended: &str,
        outcome: &str,
        justification: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        if justification.trim().is_empty() {
            return Err(StoreError::Invalid("a decision needs its justification".into()));
        }
        self.with_person(viewer, pseudonym, team, |conn, person| {
            let interview_id = conn
                .query_one(
                    "SELECT id FROM screening_interviews WHERE person_id = $1 AND reference = $2",
                    &[Value::Int(person.id), Value::from(interview)],
                )?
                .ok_or_else(|| StoreError::NotFound(format!("interview {interview:?} of {pseudonym}")))?
                .int(0)?;
            let sealed = person.key.seal(JUSTIFICATION_COLUMN, Some(person.id), justification.trim())?;
            let id = conn
                .query_one(
                    "INSERT INTO screening_decisions (person_id, interview_id, recommended, outcome, decided_by, \
                     justification, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[
                        Value::Int(person.id),
                        Value::Int(interview_id),
                        Value::from(recommended),
                        Value::from(outcome),
                        Value::Int(viewer.user_id),
                        Value::from(sealed),
                        Value::Int(to_ms(now)),
                    ],
                )?
                .ok_or_else(|| StoreError::Database("an inserted decision returned no id".into()))?
                .int(0)?;
            let text = format!("decision: {outcome} (recommended: {recommended}) by {}", viewer.user_name);
            insert_event(conn, viewer, person, "decision", &text, None, to_ms(now))?;
            audit(conn, &self.key, viewer, "decide", None, Some(person), None, to_ms(now))?;
            Ok(id)
        })
    }

    /// Writes an action on a person to the audit with what it was — an
    /// export, or a referral or export refused for want of consent — sealed
    /// with the person's key.
    pub fn audit_screening_action(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        action: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            audit(conn, &self.key, viewer, action, None, Some(person), Some(why), to_ms(now))
        })
    }

    /// Records a referral (the engine has checked the consent covering it).
    #[allow(clippy::too_many_arguments)]
    pub fn add_screening_referral(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        organisation: &str,
        kind: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            let sealed_org = person.key.seal(ORGANISATION_COLUMN, Some(person.id), organisation)?;
            let sealed_note =
                note.map(|note| person.key.seal(REFERRAL_NOTE_COLUMN, Some(person.id), note)).transpose()?;
            let id = conn
                .query_one(
                    "INSERT INTO screening_referrals (person_id, organisation, kind, status, note, created_by, \
                     created_at, updated_at) VALUES ($1, $2, $3, 'requested', $4, $5, $6, $6) RETURNING id",
                    &[
                        Value::Int(person.id),
                        Value::from(sealed_org),
                        Value::from(kind),
                        Value::from(sealed_note),
                        Value::Int(viewer.user_id),
                        Value::Int(to_ms(now)),
                    ],
                )?
                .ok_or_else(|| StoreError::Database("an inserted referral returned no id".into()))?
                .int(0)?;
            insert_event(
                conn,
                viewer,
                person,
                "referral",
                &format!("referral {id} ({kind}) to {organisation}"),
                None,
                to_ms(now),
            )?;
            audit(conn, &self.key, viewer, "refer", None, Some(person), None, to_ms(now))?;
            Ok(id)
        })
    }

    /// Moves a referral of the person to `status`.
    #[allow(clippy::too_many_arguments)]
    pub fn set_screening_referral_status(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        referral: i64,
        status: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            let changed = conn.execute(
                "UPDATE screening_referrals SET status = $1, updated_at = $2 WHERE id = $3 AND person_id = $4",
                &[Value::from(status), Value::Int(to_ms(now)), Value::Int(referral), Value::Int(person.id)],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("referral {referral} of {pseudonym}")));
            }
            insert_event(
                conn,
                viewer,
                person,
                "referral",
                &format!("referral {referral}: {status}"),
                None,
                to_ms(now),
            )?;
            audit(conn, &self.key, viewer, "referral_status", None, Some(person), None, to_ms(now))
        })
    }

    /// Sets the person's case status (assistance, shelter, … closed).
    pub fn set_screening_status(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        status: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            conn.execute(
                "UPDATE screening_persons SET status = $1 WHERE id = $2",
                &[Value::from(status), Value::Int(person.id)],
            )?;
            insert_event(conn, viewer, person, "status", &format!("case status: {status}"), None, to_ms(now))?;
            audit(conn, &self.key, viewer, "status", None, Some(person), None, to_ms(now))
        })
    }

    /// Adds a task (with `due_on`) or a note to the person's time line.
    #[allow(clippy::too_many_arguments)]
    pub fn add_screening_event(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        kind: &str,
        text: &str,
        due_on: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        if text.trim().is_empty() {
            return Err(StoreError::Invalid(format!("a {kind} needs a text")));
        }
        self.with_person(viewer, pseudonym, team, |conn, person| {
            let id = insert_event(conn, viewer, person, kind, text.trim(), due_on, to_ms(now))?;
            audit(conn, &self.key, viewer, kind, None, Some(person), None, to_ms(now))?;
            Ok(id)
        })
    }

    /// Marks a task of the person's time line done.
    pub fn complete_screening_task(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        task: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_person(viewer, pseudonym, team, |conn, person| {
            let changed = conn.execute(
                "UPDATE screening_events SET done_at = $1 WHERE id = $2 AND person_id = $3 AND kind = 'task' \
                 AND done_at IS NULL",
                &[Value::Int(to_ms(now)), Value::Int(task), Value::Int(person.id)],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("open task {task} of {pseudonym}")));
            }
            audit(conn, &self.key, viewer, "task_done", None, Some(person), None, to_ms(now))
        })
    }

    /// Erases a person: every row about them and their data key, in one
    /// transaction. The audit keeps its rows (append-only) but their reasons
    /// no longer open, and gains one saying an erasure happened. On SQLite
    /// the deleted content is overwritten (see [`scrubbed`]) and the
    /// write-ahead log is emptied into the database, so the file keeps no
    /// copy of the pseudonym.
    pub fn erase_screening_person(
        &self,
        viewer: &Viewer,
        pseudonym: &str,
        team: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        require_screener(viewer)?;
        self.pool.with(|conn| {
            scrubbed(conn, |conn| {
                let person = find_person(conn, &self.key, viewer, pseudonym, team)?;
                let id = Value::Int(person.id);
                for sql in [
                    "DELETE FROM screening_answers WHERE interview_id IN \
                     (SELECT id FROM screening_interviews WHERE person_id = $1)",
                    "DELETE FROM screening_decisions WHERE person_id = $1",
                    "DELETE FROM screening_interviews WHERE person_id = $1",
                    "DELETE FROM screening_referrals WHERE person_id = $1",
                    "DELETE FROM screening_events WHERE person_id = $1",
                    "DELETE FROM screening_persons WHERE id = $1",
                ] {
                    conn.execute(sql, std::slice::from_ref(&id))?;
                }
                // Only that an erasure happened: no reason, nothing sealed.
                conn.execute(
                    "INSERT INTO screening_audit (at, org_id, user_id, action, team_id, person_id, reason) \
                     VALUES ($1, $2, $3, 'erase', $4, $5, NULL)",
                    &[
                        Value::Int(to_ms(now)),
                        Value::Int(viewer.org_id),
                        Value::Int(viewer.user_id),
                        Value::Int(person.team_id),
                        id.clone(),
                    ],
                )?;
                Ok(())
            })?;
            if conn.dialect() == Dialect::Sqlite {
                // Older copies of the pages live in the write-ahead log until a checkpoint.
                conn.query("PRAGMA wal_checkpoint(TRUNCATE)", &[])?;
            }
            Ok(())
        })
    }
}

/// Runs `work` in one transaction that, on SQLite, overwrites with zeros
/// whatever it frees (`secure_delete`): every write to a person's rows —
/// an update that moves a row, a deletion — would otherwise leave the old
/// bytes (the pseudonym among them) in the file's free space, where an
/// erasure could not reach them. Only screening writes pay for it.
pub(crate) fn scrubbed<T>(
    conn: &mut dyn Conn,
    mut work: impl FnMut(&mut dyn Conn) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    if conn.dialect() != Dialect::Sqlite {
        return conn.transaction(work);
    }
    conn.batch("PRAGMA secure_delete = ON")?;
    let done = conn.transaction(&mut work);
    let restored = conn.batch("PRAGMA secure_delete = OFF");
    let value = done?;
    restored?;
    Ok(value)
}
