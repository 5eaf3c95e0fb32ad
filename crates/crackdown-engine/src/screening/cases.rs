//! Stored screening cases: adding people, recording interviews checked
//! against the questionnaire, the rules' recommendation with its reasons,
//! decisions by a named user, referrals refused without consent, case
//! status, tasks and the time line.
//!
//! Every read goes through the store with the caller's reason (audited);
//! every use case that needs the person record to decide (assess, decide,
//! refer, export) reads it that way too, so the audit shows it.

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::Viewer;
use crackdown_screening::{
    Answer, Assessment, ConsentScope, Decision, Interview, Language, Person, Questionnaire, Recommendation, assess,
};
use crackdown_store::{
    NewScreeningAnswer, NewScreeningInterview, NewScreeningPerson, ScreeningCase, ScreeningDecision, ScreeningEvent,
    ScreeningInterview, ScreeningPersonForList, ScreeningPersonSummary, ScreeningReferral, Store,
};
use serde::Serialize;

use super::ScreeningError;

/// Which person: the pseudonym, and the case team when the caller is on
/// several teams that use it.
#[derive(Clone, Copy, Debug)]
pub struct PersonKey<'a> {
    pub pseudonym: &'a str,
    pub team: Option<&'a str>,
}

/// A stored case as the team reads it: the person record parsed back.
#[derive(Clone, Debug, Serialize)]
pub struct CaseView {
    pub pseudonym: String,
    pub team: String,
    pub status: String,
    pub person: Person,
    pub created_by: String,
    pub created_at: String,
    pub interviews: Vec<ScreeningInterview>,
    pub decisions: Vec<ScreeningDecision>,
    pub referrals: Vec<ScreeningReferral>,
    pub timeline: Vec<ScreeningEvent>,
}

/// The rules' recommendation on a stored interview, with its reasons in
/// the asked language. Advice: only [`decide`] records an outcome.
#[derive(Clone, Debug, Serialize)]
pub struct StoredAssessment {
    pub person: String,
    pub interview: String,
    pub recommendation: Recommendation,
    pub recommendation_text: String,
    pub trafficking_combination_met: bool,
    pub reasons: Vec<String>,
}

/// Case statuses, from the referral path.
pub const CASE_STATUSES: [&str; 10] = [
    "open",
    "assistance",
    "shelter",
    "medical",
    "legal_aid",
    "embassy_contacted",
    "repatriation_scheduled",
    "repatriation_done",
    "prosecution",
    "closed",
];

/// Referral kinds and the consent each needs.
pub const REFERRAL_KINDS: [(&str, ConsentScope); 8] = [
    ("assistance", ConsentScope::Referral),
    ("shelter", ConsentScope::Referral),
    ("medical", ConsentScope::Referral),
    ("legal_aid", ConsentScope::Referral),
    ("repatriation", ConsentScope::Referral),
    ("embassy", ConsentScope::Embassy),
    ("prosecution", ConsentScope::LawEnforcement),
    ("family", ConsentScope::FamilyContact),
];

/// Where a referral stands.
pub const REFERRAL_STATUSES: [&str; 6] = ["requested", "accepted", "in_progress", "done", "declined", "withdrawn"];

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ScreeningError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ScreeningError::Invalid(format!("{field}: {value:?} is not one of {}", allowed.join(", "))))
    }
}

/// The questionnaire stored interviews are checked against: the one this
/// build ships (its version is recorded with every interview).
pub fn questionnaire() -> Result<Questionnaire, ScreeningError> {
    Ok(Questionnaire::embedded()?)
}

/// Adds a person to the caller's case team `team`.
pub fn add_person(
    store: &Store,
    viewer: &Viewer,
    team: &str,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<(), ScreeningError> {
    person.validate()?;
    let record = serde_json::to_string(person).map_err(|error| ScreeningError::Invalid(error.to_string()))?;
    let new = NewScreeningPerson { pseudonym: person.pseudonym.clone(), record, interview: None };
    store.add_screening_people(viewer, team, &[new], now)?;
    Ok(())
}

/// Replaces the record of a person (consents given or withdrawn, documents
/// found); `change` says what changed, for the time line.
pub fn update_person(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    person: &Person,
    change: &str,
    now: DateTime<Utc>,
) -> Result<(), ScreeningError> {
    person.validate()?;
    if person.pseudonym != key.pseudonym {
        return Err(ScreeningError::Invalid("pseudonym: a record cannot be moved to another pseudonym".into()));
    }
    let record = serde_json::to_string(person).map_err(|error| ScreeningError::Invalid(error.to_string()))?;
    store.update_screening_person(viewer, key.pseudonym, key.team, &record, change, now)?;
    Ok(())
}

/// A person in the case list: the store's summary and the rules'
/// recommendation on their latest interview (`None` before any interview,
/// or when a stored interview no longer reads against the questionnaire).
#[derive(Clone, Debug, Serialize)]
pub struct PersonListing {
    #[serde(flatten)]
    pub summary: ScreeningPersonSummary,
    pub recommendation: Option<Recommendation>,
}

/// The people of the caller's case teams (of `team` when given) with the
/// recommendation each latest interview gives — the screener's work list.
/// A read: `reason` is required and audited once per team listed.
pub fn list_people(
    store: &Store,
    viewer: &Viewer,
    team: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<PersonListing>, ScreeningError> {
    let questionnaire = questionnaire()?;
    let people = store.screening_people_for_list(viewer, team, reason, now)?;
    Ok(people.into_iter().map(|listed| listing(&questionnaire, listed)).collect())
}

fn listing(questionnaire: &Questionnaire, listed: ScreeningPersonForList) -> PersonListing {
    let pseudonym = listed.summary.pseudonym.as_str();
    let recommendation = listed.latest_interview.as_ref().and_then(|stored| {
        let person: Person = serde_json::from_str(&listed.record).ok()?;
        let interview = library_interview(pseudonym, stored).ok()?;
        assess(questionnaire, &person, &interview).ok().map(|assessment| assessment.recommendation)
    });
    PersonListing { summary: listed.summary, recommendation }
}

/// One person's whole case. A read: `reason` is required and audited.
pub fn show_case(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<CaseView, ScreeningError> {
    let case = store.screening_case(viewer, key.pseudonym, key.team, reason, now)?;
    case_view(case)
}

fn case_view(case: ScreeningCase) -> Result<CaseView, ScreeningError> {
    let person: Person = serde_json::from_str(&case.person.record)
        .map_err(|error| ScreeningError::Invalid(format!("the stored record does not read back: {error}")))?;
    Ok(CaseView {
        pseudonym: case.person.pseudonym,
        team: case.person.team,
        status: case.person.status,
        person,
        created_by: case.person.created_by,
        created_at: case.person.created_at,
        interviews: case.interviews,
        decisions: case.decisions,
        referrals: case.referrals,
        timeline: case.timeline,
    })
}

/// The store's form of an interview, checked against the questionnaire:
/// its version, every question, every value's kind, and the indicator each
/// maps to (taken from the questionnaire, never from the caller).
pub fn checked_interview(
    questionnaire: &Questionnaire,
    pseudonym: &str,
    interview: &Interview,
) -> Result<NewScreeningInterview, ScreeningError> {
    if interview.person != pseudonym {
        return Err(ScreeningError::Invalid(format!(
            "person: interview {} is about {}, not {pseudonym}",
            interview.id, interview.person
        )));
    }
    if interview.questionnaire != questionnaire.version {
        return Err(ScreeningError::Invalid(format!(
            "questionnaire: interview {} uses {:?}; this crackdown checks answers against {:?}",
            interview.id, interview.questionnaire, questionnaire.version
        )));
    }
    let mut checked = Interview::new(
        &interview.id,
        pseudonym,
        questionnaire,
        interview.language,
        &interview.interviewer,
        interview.held_on,
    )?;
    for answer in &interview.answers {
        checked.record(questionnaire, &answer.question, answer.value, answer.note.as_deref())?;
    }
    Ok(NewScreeningInterview {
        reference: checked.id,
        questionnaire: checked.questionnaire,
        language: checked.language.tag().to_owned(),
        interviewer: checked.interviewer,
        interpreter: interview.interpreter,
        held_on: checked.held_on.to_string(),
        answers: checked
            .answers
            .into_iter()
            .zip(&interview.answers)
            .map(|(answer, given)| NewScreeningAnswer {
                question: answer.question,
                maps_to: answer.maps_to,
                value: answer.value.to_string(),
                // Kept in the language it was given in.
                language: given.language.tag().to_owned(),
                note: answer.note,
            })
            .collect(),
    })
}

/// Records an interview of a person of the caller's teams.
pub fn record_interview(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    interview: &Interview,
    now: DateTime<Utc>,
) -> Result<(), ScreeningError> {
    let checked = checked_interview(&questionnaire()?, key.pseudonym, interview)?;
    store.record_screening_interview(viewer, key.pseudonym, key.team, &checked, now)?;
    Ok(())
}

/// The library's interview from its stored form.
pub(crate) fn library_interview(pseudonym: &str, stored: &ScreeningInterview) -> Result<Interview, ScreeningError> {
    let schema = |what: &str| ScreeningError::Invalid(format!("stored interview {}: {what}", stored.reference));
    let language = |tag: &str| tag.parse::<Language>().map_err(|_| schema("unknown language"));
    Ok(Interview {
        id: stored.reference.clone(),
        person: pseudonym.to_owned(),
        questionnaire: stored.questionnaire.clone(),
        language: language(&stored.language)?,
        interviewer: stored.interviewer.clone(),
        interpreter: stored.interpreter,
        held_on: stored.held_on.parse::<NaiveDate>().map_err(|_| schema("bad date"))?,
        answers: stored
            .answers
            .iter()
            .map(|answer| {
                Ok(Answer {
                    question: answer.question.clone(),
                    maps_to: answer.maps_to.clone(),
                    value: answer.value.parse().map_err(|_| schema("bad answer value"))?,
                    language: language(&answer.language)?,
                    note: answer.note.clone(),
                })
            })
            .collect::<Result<_, ScreeningError>>()?,
    })
}

/// The interview `reference`, or the latest one.
pub(crate) fn pick_interview<'a>(
    case: &'a CaseView,
    reference: Option<&str>,
) -> Result<&'a ScreeningInterview, ScreeningError> {
    let found = match reference {
        Some(reference) => case.interviews.iter().find(|interview| interview.reference == reference),
        None => case.interviews.last(),
    };
    found.ok_or_else(|| {
        ScreeningError::Store(crackdown_store::StoreError::NotFound(match reference {
            Some(reference) => format!("interview {reference:?} of {}", case.pseudonym),
            None => format!("an interview of {} (record one first)", case.pseudonym),
        }))
    })
}

pub(crate) fn assess_case(
    questionnaire: &Questionnaire,
    case: &CaseView,
    reference: Option<&str>,
) -> Result<(Interview, Assessment), ScreeningError> {
    let interview = library_interview(&case.pseudonym, pick_interview(case, reference)?)?;
    let assessment =
        assess(questionnaire, &case.person, &interview).map_err(|error| ScreeningError::Invalid(error.to_string()))?;
    Ok((interview, assessment))
}

/// The rules' recommendation on a stored interview (the latest unless
/// named). A read: `reason` is required and audited.
#[allow(clippy::too_many_arguments)]
pub fn assess_stored(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    interview: Option<&str>,
    language: Language,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<StoredAssessment, ScreeningError> {
    let questionnaire = questionnaire()?;
    let case = show_case(store, viewer, key, reason, now)?;
    let (_, assessment) = assess_case(&questionnaire, &case, interview)?;
    Ok(StoredAssessment {
        person: assessment.person.clone(),
        interview: assessment.interview.clone(),
        recommendation: assessment.recommendation,
        recommendation_text: assessment.recommendation.name(&questionnaire, language).to_owned(),
        trafficking_combination_met: assessment.trafficking_combination_met,
        reasons: assessment.reason_texts(&questionnaire, language),
    })
}

/// What [`decide`] recorded.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedDecision {
    pub id: i64,
    pub decision: Decision,
    pub departs_from_recommendation: bool,
}

/// Records the caller's decision on an interview (the latest unless named),
/// with the rules' recommendation beside it and the justification. The
/// caller is the named user; the decision is audited.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    interview: Option<&str>,
    outcome: Recommendation,
    justification: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RecordedDecision, ScreeningError> {
    let questionnaire = questionnaire()?;
    let case = show_case(store, viewer, key, reason, now)?;
    let (_, assessment) = assess_case(&questionnaire, &case, interview)?;
    let decision = Decision::record(&assessment, outcome, &viewer.user_name, justification, now.date_naive())?;
    let id = store.record_screening_decision(
        viewer,
        key.pseudonym,
        key.team,
        &decision.interview,
        recommendation_key(decision.recommended),
        recommendation_key(decision.outcome),
        &decision.justification,
        now,
    )?;
    let departs = decision.departs_from_recommendation();
    Ok(RecordedDecision { id, decision, departs_from_recommendation: departs })
}

/// A recommendation's stored word (its serde name).
pub fn recommendation_key(recommendation: Recommendation) -> &'static str {
    match recommendation {
        Recommendation::PresumedVictim => "presumed_victim",
        Recommendation::NeedsFurtherAssessment => "needs_further_assessment",
        Recommendation::SuspectedPerpetrator => "suspected_perpetrator",
    }
}

/// Reads a stored recommendation word back.
pub fn parse_recommendation(text: &str) -> Result<Recommendation, ScreeningError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned())).map_err(|_| {
        ScreeningError::Invalid(format!(
            "outcome: {text:?} is not presumed_victim, needs_further_assessment or suspected_perpetrator"
        ))
    })
}

/// A referral request.
#[derive(Clone, Copy, Debug)]
pub struct ReferralRequest<'a> {
    pub organisation: &'a str,
    pub kind: &'a str,
    pub note: Option<&'a str>,
}

/// Refers a person to an organisation, only when the person's recorded
/// consent covers this kind of referral to that organisation today; a
/// refusal is written to the audit before it is returned.
pub fn refer(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    request: ReferralRequest<'_>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, ScreeningError> {
    let organisation = request.organisation.trim();
    if organisation.is_empty() {
        return Err(ScreeningError::Invalid("to: a referral names the receiving organisation".into()));
    }
    let Some((kind, scope)) = REFERRAL_KINDS.iter().find(|(kind, _)| *kind == request.kind) else {
        let kinds = REFERRAL_KINDS.iter().map(|(kind, _)| *kind).collect::<Vec<_>>();
        return Err(ScreeningError::Invalid(format!("kind: {:?} is not one of {}", request.kind, kinds.join(", "))));
    };
    let case = show_case(store, viewer, key, reason, now)?;
    if !case.person.consents_to(*scope, organisation, now.date_naive()) {
        let why = format!("no recorded consent covers a {kind} referral to {organisation} on {}", now.date_naive());
        store.audit_screening_action(viewer, key.pseudonym, key.team, "refer_refused", &why, now)?;
        return Err(ScreeningError::NoConsent(format!(
            "{}: {why}; nothing was sent (the refusal is audited)",
            key.pseudonym
        )));
    }
    let note = request.note.map(str::trim).filter(|note| !note.is_empty());
    Ok(store.add_screening_referral(viewer, key.pseudonym, key.team, organisation, kind, note, now)?)
}

/// Moves a referral to `status`.
pub fn set_referral_status(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    referral: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), ScreeningError> {
    one_of("status", status, &REFERRAL_STATUSES)?;
    store.set_screening_referral_status(viewer, key.pseudonym, key.team, referral, status, now)?;
    Ok(())
}

/// Sets the case status.
pub fn set_case_status(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), ScreeningError> {
    one_of("status", status, &CASE_STATUSES)?;
    store.set_screening_status(viewer, key.pseudonym, key.team, status, now)?;
    Ok(())
}

/// Adds a task (due on a day) to the time line.
pub fn add_task(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    text: &str,
    due_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<i64, ScreeningError> {
    let due = due_on.map(|day| day.to_string());
    Ok(store.add_screening_event(viewer, key.pseudonym, key.team, "task", text, due.as_deref(), now)?)
}

/// Adds a note to the time line.
pub fn add_note(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<i64, ScreeningError> {
    Ok(store.add_screening_event(viewer, key.pseudonym, key.team, "note", text, None, now)?)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use crackdown_screening::{AnswerValue, Interview, Language};

    use super::{checked_interview, questionnaire};

    fn interview() -> Interview {
        let questionnaire = questionnaire().expect("questionnaire");
        let day = NaiveDate::from_ymd_opt(2026, 2, 22).expect("date");
        let mut interview =
            Interview::new("MS-1", "P-1", &questionnaire, Language::Thai, "anna", day).expect("interview");
        interview.record(&questionnaire, "q_confined", AnswerValue::Yes, Some("locked in")).expect("answer");
        interview
    }

    /// The indicator an answer maps to comes from the questionnaire, never
    /// from the caller; the language given is kept; the version, the
    /// person and every question are checked.
    #[test]
    fn interviews_are_checked_against_the_questionnaire() {
        let questionnaire = questionnaire().expect("questionnaire");
        let mut forged = interview();
        let genuine = forged.answers[0].maps_to.clone();
        forged.answers[0].maps_to = "role_recruits_others".into();
        forged.answers[0].language = Language::Burmese;
        let checked = checked_interview(&questionnaire, "P-1", &forged).expect("checked");
        assert_eq!(checked.answers[0].maps_to, genuine);
        assert_eq!(checked.answers[0].language, "my");
        assert_eq!(checked.answers[0].note.as_deref(), Some("locked in"));

        assert!(checked_interview(&questionnaire, "P-2", &interview()).is_err(), "another person's interview");
        let mut old = interview();
        old.questionnaire = "v0".into();
        assert!(checked_interview(&questionnaire, "P-1", &old).is_err(), "another questionnaire version");
        let mut unknown = interview();
        unknown.answers[0].question = "q_unknown".into();
        let error = checked_interview(&questionnaire, "P-1", &unknown).expect_err("unknown question");
        assert!(error.to_string().contains("q_unknown"), "{error}");
        let mut misfit = interview();
        misfit.answers[0].value = AnswerValue::Number(3);
        assert!(checked_interview(&questionnaire, "P-1", &misfit).is_err(), "a number for a yes/no question");
    }
}
