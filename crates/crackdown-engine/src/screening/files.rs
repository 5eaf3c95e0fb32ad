//! Screening data in and out: offline sheets imported into a case team,
//! the per-case export for a receiving organisation (under consent),
//! erasure, retention (closed cases erased after the team's period), and
//! the team's audit.

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;
use crackdown_screening::Decision;
use crackdown_screening::export::{CaseExport, ExportError, htcds, html};
use crackdown_screening::sheet::parse_sheet;
use crackdown_store::{NewScreeningPerson, ScreeningAuditEntry, Store, StoreError};
use serde::Serialize;

use super::ScreeningError;
use super::cases::{CaseView, PersonKey, assess_case, checked_interview, parse_recommendation, questionnaire};

/// What an import stored.
#[derive(Clone, Debug, Serialize)]
pub struct ImportedSheet {
    pub team: String,
    pub people: usize,
    pub interviews: usize,
}

/// Imports an offline sheet (`file` names it in errors) into the caller's
/// case team: every row or none. A malformed cell is refused with its line,
/// column and reason; a person already on the team with the line of its row.
pub fn import_sheet(
    store: &Store,
    viewer: &Viewer,
    team: &str,
    data: &[u8],
    file: &str,
    now: DateTime<Utc>,
) -> Result<ImportedSheet, ScreeningError> {
    let questionnaire = questionnaire()?;
    let records = parse_sheet(data, file, &questionnaire)?;
    let mut people = Vec::with_capacity(records.len());
    for record in &records {
        let at_line = |error: ScreeningError| ScreeningError::Assess {
            file: file.to_owned(),
            line: record.line,
            reason: error.to_string(),
        };
        record.person.validate().map_err(|error| at_line(error.into()))?;
        let interview =
            checked_interview(&questionnaire, &record.person.pseudonym, &record.interview).map_err(at_line)?;
        let json = serde_json::to_string(&record.person)
            .map_err(|error| at_line(ScreeningError::Invalid(error.to_string())))?;
        people.push(NewScreeningPerson {
            pseudonym: record.person.pseudonym.clone(),
            record: json,
            interview: Some(interview),
        });
    }
    match store.add_screening_people(viewer, team, &people, now) {
        Ok(()) => Ok(ImportedSheet { team: team.to_owned(), people: people.len(), interviews: people.len() }),
        Err(StoreError::Conflict(message)) => {
            // Name the row of the pseudonym the team already holds.
            let line = records
                .iter()
                .find(|record| message.contains(&format!("{:?}", record.person.pseudonym)))
                .map_or(0, |record| record.line);
            Err(ScreeningError::Assess {
                file: file.to_owned(),
                line,
                reason: format!("column \"pseudonym\": {message}; nothing imported"),
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// The two export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseFormat {
    /// HTCDS-layout JSON.
    Htcds,
    /// A printable, self-contained HTML page.
    Html,
}

/// An export's text and what it is.
#[derive(Clone, Debug)]
pub struct ExportedCase {
    pub media_type: &'static str,
    pub text: String,
}

/// The per-case export for `recipient`, only under the person's consent to
/// a case export to that organisation today. Both the export and a refusal
/// are audited; `reason` (required) is the read's.
#[allow(clippy::too_many_arguments)]
pub fn export_case(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    recipient: &str,
    format: CaseFormat,
    sender: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<ExportedCase, ScreeningError> {
    let questionnaire = questionnaire()?;
    let case = super::cases::show_case(store, viewer, key, reason, now)?;
    let (interview, assessment) = assess_case(&questionnaire, &case, None)?;
    let decision = latest_decision(&case, &interview.id)?;
    let export = CaseExport {
        questionnaire: &questionnaire,
        person: &case.person,
        interview: &interview,
        assessment: &assessment,
        decision: decision.as_ref(),
        sender,
        recipient,
        exported_on: now.date_naive(),
    };
    let written = match format {
        CaseFormat::Htcds => htcds::to_json(&export).and_then(|value| {
            serde_json::to_string_pretty(&value).map_err(|error| ExportError::Mismatch(error.to_string()))
        }),
        CaseFormat::Html => html::to_html(&export),
    };
    match written {
        Ok(text) => {
            let what = format!("case export ({format:?}) to {recipient}");
            store.audit_screening_action(viewer, key.pseudonym, key.team, "export", &what, now)?;
            let media_type = match format {
                CaseFormat::Htcds => "application/json",
                CaseFormat::Html => "text/html; charset=utf-8",
            };
            Ok(ExportedCase { media_type, text })
        }
        Err(ExportError::NoConsent { .. }) => {
            let why = format!("no recorded consent covers a case export to {recipient} on {}", now.date_naive());
            store.audit_screening_action(viewer, key.pseudonym, key.team, "export_refused", &why, now)?;
            Err(ScreeningError::NoConsent(format!(
                "{}: {why}; nothing exported (the refusal is audited)",
                key.pseudonym
            )))
        }
        Err(error) => Err(ScreeningError::Invalid(error.to_string())),
    }
}

/// The latest decision on interview `interview`, in the library's form.
fn latest_decision(case: &CaseView, interview: &str) -> Result<Option<Decision>, ScreeningError> {
    let Some(stored) = case.decisions.iter().rev().find(|decision| decision.interview == interview) else {
        return Ok(None);
    };
    let decided_on = chrono::DateTime::parse_from_rfc3339(&stored.decided_at)
        .map_err(|_| ScreeningError::Invalid(format!("decision {}: bad time", stored.id)))?
        .date_naive();
    Ok(Some(Decision {
        person: case.pseudonym.clone(),
        interview: stored.interview.clone(),
        recommended: parse_recommendation(&stored.recommended)?,
        outcome: parse_recommendation(&stored.outcome)?,
        decided_by: stored.decided_by.clone(),
        justification: stored.justification.clone(),
        decided_on,
    }))
}

/// Erases a person of the caller's teams: every row, sealed text and the
/// person's key. The audit keeps only that an erasure happened.
pub fn erase(store: &Store, viewer: &Viewer, key: PersonKey<'_>, now: DateTime<Utc>) -> Result<(), ScreeningError> {
    store.erase_screening_person(viewer, key.pseudonym, key.team, now)?;
    Ok(())
}

/// What applying a team's retention did.
#[derive(Clone, Debug, Serialize)]
pub struct RetentionApplied {
    pub team: String,
    /// The team's period in days (`None`: no period, nothing erased).
    pub retention_days: Option<i64>,
    /// The closed cases past the period, erased (or, when not applied, due).
    pub erased: Vec<String>,
    /// False for a dry run: `erased` lists what is due.
    pub applied: bool,
}

/// Sets (`Some`) or clears (`None`) the caller's team's retention period.
pub fn set_retention(
    store: &Store,
    viewer: &Viewer,
    team: &str,
    days: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), ScreeningError> {
    Ok(store.set_screening_retention(viewer, team, days, now)?)
}

/// Erases (with `apply`; lists otherwise) every closed case of the caller's
/// team whose last change is older than the team's retention period, each
/// through the same path as [`erase`] (audited as an erasure by the caller).
pub fn apply_retention(
    store: &Store,
    viewer: &Viewer,
    team: &str,
    apply: bool,
    now: DateTime<Utc>,
) -> Result<RetentionApplied, ScreeningError> {
    let (retention_days, due) = store.screening_retention_due(viewer, team, now)?;
    if apply {
        for pseudonym in &due {
            erase(store, viewer, PersonKey { pseudonym, team: Some(team) }, now)?;
        }
    }
    Ok(RetentionApplied { team: team.to_owned(), retention_days, erased: due, applied: apply })
}

/// The audit of the caller's team. A read: `reason` is required and audited.
pub fn team_audit(
    store: &Store,
    viewer: &Viewer,
    team: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ScreeningAuditEntry>, ScreeningError> {
    Ok(store.screening_audit(viewer, team, reason, now)?)
}
