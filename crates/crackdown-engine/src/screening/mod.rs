//! Humanitarian screening as use cases: offline sheets assessed in memory
//! (nothing stored), and stored cases (`cases`: people, interviews checked
//! against the questionnaire, assessments, decisions, referrals under
//! consent, time line; `files`: sheet import, per-case export, erasure and
//! the audit). Access is the store's: only the person's case team, every
//! read with a reason, written to the append-only audit.

mod cases;
mod evidence;
mod files;
mod seized;

pub use cases::*;
pub use evidence::*;
pub use files::*;
pub use seized::*;

use crackdown_screening::sheet::{SheetErrors, parse_sheet};
use crackdown_screening::{Language, Questionnaire, Recommendation, assess};
use serde::Serialize;

/// One person's assessment from a sheet: a recommendation for the screener,
/// never a decision.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SheetAssessment {
    /// The sheet line the person's row starts on.
    pub line: u64,
    pub person: String,
    pub interview: String,
    pub recommendation: Recommendation,
    /// The recommendation in the asked language.
    pub recommendation_text: String,
    pub trafficking_combination_met: bool,
    /// Every indicator and rule behind it, in the asked language.
    pub reasons: Vec<String>,
}

/// Why a screening use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ScreeningError {
    #[error("the questionnaire does not load: {0}")]
    Questionnaire(#[from] crackdown_screening::DefinitionError),
    #[error(transparent)]
    Sheet(#[from] SheetErrors),
    #[error("{file}, line {line}: {reason}")]
    Assess { file: String, line: u64, reason: String },
    /// A field of the caller's input is wrong (names the field).
    #[error("{0}")]
    Invalid(String),
    /// The person's recorded consent does not cover it; the refusal is audited.
    #[error("{0}")]
    NoConsent(String),
    #[error(transparent)]
    Store(#[from] crackdown_store::StoreError),
}

impl From<crackdown_screening::person::FieldError> for ScreeningError {
    fn from(error: crackdown_screening::person::FieldError) -> ScreeningError {
        ScreeningError::Invalid(error.to_string())
    }
}

/// Assesses every person of an offline sheet (`file` names it in errors):
/// the whole sheet or an error naming line, column and reason.
pub fn assess_sheet(data: &[u8], file: &str, language: Language) -> Result<Vec<SheetAssessment>, ScreeningError> {
    let questionnaire = Questionnaire::embedded()?;
    parse_sheet(data, file, &questionnaire)?
        .into_iter()
        .map(|record| {
            let assessment = assess(&questionnaire, &record.person, &record.interview).map_err(|error| {
                ScreeningError::Assess { file: file.to_owned(), line: record.line, reason: error.to_string() }
            })?;
            Ok(SheetAssessment {
                line: record.line,
                person: assessment.person.clone(),
                interview: assessment.interview.clone(),
                recommendation: assessment.recommendation,
                recommendation_text: assessment.recommendation.name(&questionnaire, language).to_owned(),
                trafficking_combination_met: assessment.trafficking_combination_met,
                reasons: assessment.reason_texts(&questionnaire, language),
            })
        })
        .collect()
}
