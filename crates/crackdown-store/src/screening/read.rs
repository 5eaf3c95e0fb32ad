//! Reading one person's whole case back, every sealed text opened with the
//! person's key.

use super::case::{
    EVENT_COLUMN, JUSTIFICATION_COLUMN, NOTE_COLUMN, ORGANISATION_COLUMN, RECORD_COLUMN, REFERRAL_NOTE_COLUMN,
    ScreeningCase, ScreeningDecision, ScreeningEvent, ScreeningInterview, ScreeningReferral, StoredScreeningAnswer,
    StoredScreeningPerson,
};
use super::{PersonRef, time_text};
use crate::StoreError;
use crate::db::{Conn, Value};

pub(crate) fn read_case(conn: &mut dyn Conn, person: &PersonRef) -> Result<ScreeningCase, StoreError> {
    let id = Value::Int(person.id);
    let row = conn
        .query_one(
            "SELECT p.pseudonym, t.name, p.status, p.record, u.name, p.created_at FROM screening_persons p \
             JOIN screening_teams t ON t.id = p.team_id JOIN users u ON u.id = p.created_by WHERE p.id = $1",
            std::slice::from_ref(&id),
        )?
        .ok_or_else(|| StoreError::NotFound(format!("person {:?}", person.pseudonym)))?;
    let stored = StoredScreeningPerson {
        pseudonym: row.text(0)?,
        team: row.text(1)?,
        status: row.text(2)?,
        record: person.key.open(RECORD_COLUMN, Some(person.id), &row.text(3)?)?,
        created_by: row.text(4)?,
        created_at: time_text(row.int(5)?)?,
    };
    let interviews = read_interviews(conn, person, false)?;
    let decisions = conn
        .query(
            "SELECT d.id, i.reference, d.recommended, d.outcome, u.name, d.justification, d.decided_at \
             FROM screening_decisions d JOIN screening_interviews i ON i.id = d.interview_id \
             JOIN users u ON u.id = d.decided_by WHERE d.person_id = $1 ORDER BY d.id",
            std::slice::from_ref(&id),
        )?
        .iter()
        .map(|row| {
            Ok(ScreeningDecision {
                id: row.int(0)?,
                interview: row.text(1)?,
                recommended: row.text(2)?,
                outcome: row.text(3)?,
                decided_by: row.text(4)?,
                justification: person.key.open(JUSTIFICATION_COLUMN, Some(person.id), &row.text(5)?)?,
                decided_at: time_text(row.int(6)?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let referrals = conn
        .query(
            "SELECT r.id, r.organisation, r.kind, r.status, r.note, u.name, r.created_at, r.updated_at \
             FROM screening_referrals r JOIN users u ON u.id = r.created_by WHERE r.person_id = $1 ORDER BY r.id",
            std::slice::from_ref(&id),
        )?
        .iter()
        .map(|row| {
            Ok(ScreeningReferral {
                id: row.int(0)?,
                organisation: person.key.open(ORGANISATION_COLUMN, Some(person.id), &row.text(1)?)?,
                kind: row.text(2)?,
                status: row.text(3)?,
                note: row
                    .opt_text(4)?
                    .map(|note| person.key.open(REFERRAL_NOTE_COLUMN, Some(person.id), &note))
                    .transpose()?,
                created_by: row.text(5)?,
                created_at: time_text(row.int(6)?)?,
                updated_at: time_text(row.int(7)?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let timeline = conn
        .query(
            "SELECT e.id, e.at, u.name, e.kind, e.text, e.due_on, e.done_at FROM screening_events e \
             JOIN users u ON u.id = e.user_id WHERE e.person_id = $1 ORDER BY e.id",
            std::slice::from_ref(&id),
        )?
        .iter()
        .map(|row| {
            Ok(ScreeningEvent {
                id: row.int(0)?,
                at: time_text(row.int(1)?)?,
                by: row.text(2)?,
                kind: row.text(3)?,
                text: person.key.open(EVENT_COLUMN, Some(person.id), &row.text(4)?)?,
                due_on: row.opt_text(5)?,
                done_at: row.opt_int(6)?.map(time_text).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(ScreeningCase { person: stored, interviews, decisions, referrals, timeline })
}

/// The person's interviews in the order recorded (only the latest when
/// `latest_only`), answers and their sealed notes opened.
pub(crate) fn read_interviews(
    conn: &mut dyn Conn,
    person: &PersonRef,
    latest_only: bool,
) -> Result<Vec<ScreeningInterview>, StoreError> {
    let order = if latest_only { "ORDER BY i.id DESC LIMIT 1" } else { "ORDER BY i.id" };
    let mut interviews = Vec::new();
    for row in conn.query(
        &format!(
            "SELECT i.id, i.reference, i.questionnaire, i.language, i.interviewer, i.interpreter, i.held_on, u.name, \
             i.recorded_at FROM screening_interviews i JOIN users u ON u.id = i.recorded_by WHERE i.person_id = $1 \
             {order}"
        ),
        &[Value::Int(person.id)],
    )? {
        let interview_id = row.int(0)?;
        let answers = conn
            .query(
                "SELECT question, maps_to, value, language, note FROM screening_answers WHERE interview_id = $1 \
                 ORDER BY question",
                &[Value::Int(interview_id)],
            )?
            .iter()
            .map(|answer| {
                Ok(StoredScreeningAnswer {
                    question: answer.text(0)?,
                    maps_to: answer.text(1)?,
                    value: answer.text(2)?,
                    language: answer.text(3)?,
                    note: answer
                        .opt_text(4)?
                        .map(|note| person.key.open(NOTE_COLUMN, Some(interview_id), &note))
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        interviews.push(ScreeningInterview {
            reference: row.text(1)?,
            questionnaire: row.text(2)?,
            language: row.text(3)?,
            interviewer: row.text(4)?,
            interpreter: row.bool(5)?,
            held_on: row.text(6)?,
            recorded_by: row.text(7)?,
            recorded_at: time_text(row.int(8)?)?,
            answers,
        });
    }
    Ok(interviews)
}
