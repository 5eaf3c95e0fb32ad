//! The pseudonymous person record, the consents they gave, and interviews.
//!
//! The record holds only what screening and referral need (data
//! minimisation): no name, no birth date, no gender, no contact details.
//! The pseudonym is restricted to a reference-like alphabet so a real name
//! with spaces cannot be typed into it by habit. Whoever keeps the link
//! between pseudonym and identity keeps it elsewhere.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::language::Language;
use crate::questionnaire::{AnswerKind, Questionnaire};

/// Age band: enough to apply the child rules and to plan assistance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    /// Under 18: child rules apply.
    #[serde(rename = "under_18")]
    Under18,
    /// 18 to 24.
    #[serde(rename = "18_24")]
    From18To24,
    /// 25 to 34.
    #[serde(rename = "25_34")]
    From25To34,
    /// 35 to 44.
    #[serde(rename = "35_44")]
    From35To44,
    /// 45 and over.
    #[serde(rename = "45_plus")]
    From45,
    /// Not known (and not assumed adult: see `assess`).
    #[serde(rename = "unknown")]
    Unknown,
}

/// A kind of identity or travel document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Passport.
    Passport,
    /// National identity card.
    NationalId,
    /// Work permit.
    WorkPermit,
    /// Visa.
    Visa,
    /// Anything else.
    Other,
}

/// Where a document is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// The person holds it.
    Held,
    /// Someone else took it and keeps it.
    Confiscated,
    /// Lost or destroyed.
    Lost,
    /// The person never had one.
    NeverHad,
}

/// One document and where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Which document.
    pub kind: DocumentKind,
    /// Where it is.
    pub status: DocumentStatus,
}

/// What a consent allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// Recording the screening interview at all.
    Screening,
    /// Referral to an assistance organisation (shelter, medical, legal aid).
    Referral,
    /// Sending the case file (HTCDS JSON, printable page) to an organisation.
    CaseExport,
    /// Sharing with law enforcement, e.g. as a witness.
    LawEnforcement,
    /// Contacting the person's embassy or consulate.
    Embassy,
    /// Contacting the person's family.
    FamilyContact,
}

/// One consent: to what, for whom, when, and whether withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// What it allows.
    pub scope: ConsentScope,
    /// The one organisation it names; `None` means any organisation the
    /// screener explained to the person for this scope.
    pub organisation: Option<String>,
    /// When it was given.
    pub given_on: NaiveDate,
    /// When it was withdrawn, if it was.
    pub withdrawn_on: Option<NaiveDate>,
}

impl Consent {
    /// Whether it allows `scope` towards `organisation` on `day`: given on
    /// or before that day, not withdrawn by then, naming that organisation
    /// (compared ignoring case and surrounding space) or none.
    pub fn covers(&self, scope: ConsentScope, organisation: &str, day: NaiveDate) -> bool {
        self.scope == scope
            && self.given_on <= day
            && self.withdrawn_on.is_none_or(|withdrawn| withdrawn > day)
            && self.organisation.as_deref().is_none_or(|named| named.trim().eq_ignore_ascii_case(organisation.trim()))
    }
}

/// The pseudonymous person record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Case reference such as `P-2026-0042` (letters, digits, `-`, `_`, `.`).
    pub pseudonym: String,
    /// ISO 3166-1 alpha-2 nationality, upper case, if known.
    pub nationality: Option<String>,
    /// Languages the person speaks, as BCP 47 tags (any language, not only
    /// the questionnaire's).
    pub languages: Vec<String>,
    /// Age band.
    pub age_band: AgeBand,
    /// Documents and where they are.
    pub documents: Vec<Document>,
    /// Where the person is held or sheltered.
    pub facility: String,
    /// When the person was detained or rescued.
    pub detained_on: Option<NaiveDate>,
    /// Consents given.
    pub consents: Vec<Consent>,
}

/// Why a field of a person or interview was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    /// The field.
    pub field: String,
    /// Why.
    pub reason: String,
}

impl FieldError {
    pub(crate) fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError { field: field.to_owned(), reason: reason.into() }
    }
}

/// Checks a pseudonym: 1–64 characters of letters, digits, `-`, `_`, `.`.
pub fn check_pseudonym(text: &str) -> Result<(), FieldError> {
    let valid = (1..=64).contains(&text.len())
        && text.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(FieldError::new(
            "pseudonym",
            format!("{text:?} is not a case reference (1-64 letters, digits, '-', '_', '.'; never a name)"),
        ))
    }
}

/// Checks an ISO 3166-1 alpha-2 code's shape and returns it upper-cased.
pub fn normalize_country(text: &str) -> Result<String, FieldError> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(FieldError::new("nationality", format!("{text:?} is not a two-letter ISO 3166 country code")))
    }
}

/// Checks a language tag's shape (`my`, `kar`, `zh-Hant`) and returns it.
pub fn normalize_language_tag(text: &str) -> Result<String, FieldError> {
    let tag = text.trim();
    let valid =
        tag.split('-').all(|part| (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric()))
            && tag.split('-').next().is_some_and(|primary| (2..=3).contains(&primary.len()));
    if valid {
        Ok(tag.to_owned())
    } else {
        Err(FieldError::new("languages", format!("{text:?} is not a language tag")))
    }
}

impl Person {
    /// Checks every field's shape (pseudonym, nationality, language tags).
    pub fn validate(&self) -> Result<(), FieldError> {
        check_pseudonym(&self.pseudonym)?;
        if let Some(nationality) = &self.nationality
            && normalize_country(nationality)? != *nationality
        {
            return Err(FieldError::new("nationality", "must be upper case"));
        }
        for language in &self.languages {
            normalize_language_tag(language)?;
        }
        Ok(())
    }

    /// Whether any consent allows `scope` towards `organisation` on `day`.
    pub fn consents_to(&self, scope: ConsentScope, organisation: &str, day: NaiveDate) -> bool {
        self.consents.iter().any(|consent| consent.covers(scope, organisation, day))
    }

    /// Whether any document is recorded as confiscated.
    pub fn has_confiscated_documents(&self) -> bool {
        self.documents.iter().any(|document| document.status == DocumentStatus::Confiscated)
    }
}

/// One answer's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnswerValue {
    /// Yes.
    Yes,
    /// No.
    No,
    /// The person was not sure.
    Unsure,
    /// The person declined to answer (their right; never held against them).
    Declined,
    /// A number (hours, days, amounts).
    Number(u32),
}

impl AnswerValue {
    /// Whether this value records the indicator of a question of `kind`.
    pub fn records(self, kind: AnswerKind) -> bool {
        match (self, kind) {
            (AnswerValue::Yes, AnswerKind::YesNo) => true,
            (AnswerValue::Number(value), AnswerKind::Number { fires_at_least }) => value >= fires_at_least,
            _ => false,
        }
    }

    /// Whether it fits a question of `kind` (a number question also takes
    /// unsure and declined, a yes/no question no number).
    pub fn fits(self, kind: AnswerKind) -> bool {
        !matches!(
            (self, kind),
            (AnswerValue::Number(_), AnswerKind::YesNo)
                | (AnswerValue::Yes | AnswerValue::No, AnswerKind::Number { .. })
        )
    }
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerValue::Yes => f.write_str("yes"),
            AnswerValue::No => f.write_str("no"),
            AnswerValue::Unsure => f.write_str("unsure"),
            AnswerValue::Declined => f.write_str("declined"),
            AnswerValue::Number(value) => write!(f, "{value}"),
        }
    }
}

impl FromStr for AnswerValue {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "yes" | "y" => Ok(AnswerValue::Yes),
            "no" | "n" => Ok(AnswerValue::No),
            "unsure" | "?" => Ok(AnswerValue::Unsure),
            "declined" => Ok(AnswerValue::Declined),
            _ => trimmed
                .parse::<u32>()
                .map(AnswerValue::Number)
                .map_err(|_| format!("{trimmed:?} is not yes, no, unsure, declined or a whole number")),
        }
    }
}

impl Serialize for AnswerValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AnswerValue::Number(value) => serializer.serialize_u32(*value),
            other => serializer.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Number(u32),
            Word(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Number(value) => Ok(AnswerValue::Number(value)),
            Wire::Word(word) => word.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// One answer, in the language it was given, with the indicator it maps to
/// (copied from the questionnaire so the answer stays readable even if a
/// later version remaps the question).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Question id.
    pub question: String,
    /// Indicator id the question maps to.
    pub maps_to: String,
    /// The value.
    pub value: AnswerValue,
    /// The language the answer was given in.
    pub language: Language,
    /// The person's own words or the screener's note, in that language.
    pub note: Option<String>,
}

/// One screening interview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interview {
    /// Interview reference.
    pub id: String,
    /// The person's pseudonym.
    pub person: String,
    /// Questionnaire version it was asked under.
    pub questionnaire: String,
    /// The language it was held in.
    pub language: Language,
    /// Who interviewed (a user name or staff reference).
    pub interviewer: String,
    /// Whether an interpreter was used.
    pub interpreter: bool,
    /// When it was held.
    pub held_on: NaiveDate,
    /// The answers, one per question asked.
    pub answers: Vec<Answer>,
}

impl Interview {
    /// A new interview with no answers yet.
    pub fn new(
        id: &str,
        person: &str,
        questionnaire: &Questionnaire,
        language: Language,
        interviewer: &str,
        held_on: NaiveDate,
    ) -> Result<Interview, FieldError> {
        check_pseudonym(person)?;
        if id.trim().is_empty() {
            return Err(FieldError::new("interview", "the interview needs a reference"));
        }
        if interviewer.trim().is_empty() {
            return Err(FieldError::new("interviewer", "a named interviewer is required"));
        }
        Ok(Interview {
            id: id.trim().to_owned(),
            person: person.to_owned(),
            questionnaire: questionnaire.version.clone(),
            language,
            interviewer: interviewer.trim().to_owned(),
            interpreter: false,
            held_on,
            answers: Vec::new(),
        })
    }

    /// Records (or replaces) the answer to `question`, in the interview's
    /// language, mapping it to the question's indicator.
    pub fn record(
        &mut self,
        questionnaire: &Questionnaire,
        question: &str,
        value: AnswerValue,
        note: Option<&str>,
    ) -> Result<(), FieldError> {
        if questionnaire.version != self.questionnaire {
            return Err(FieldError::new(
                "questionnaire",
                format!("the interview uses {}, not {}", self.questionnaire, questionnaire.version),
            ));
        }
        let Some(definition) = questionnaire.question(question) else {
            return Err(FieldError::new(question, "no such question in this questionnaire"));
        };
        if !value.fits(definition.answer) {
            return Err(FieldError::new(
                question,
                format!("{value} does not answer a {:?} question", definition.answer),
            ));
        }
        let answer = Answer {
            question: definition.id.clone(),
            maps_to: definition.maps_to.clone(),
            value,
            language: self.language,
            note: note.map(str::trim).filter(|note| !note.is_empty()).map(str::to_owned),
        };
        match self.answers.iter_mut().find(|existing| existing.question == definition.id) {
            Some(existing) => *existing = answer,
            None => self.answers.push(answer),
        }
        Ok(())
    }
}
