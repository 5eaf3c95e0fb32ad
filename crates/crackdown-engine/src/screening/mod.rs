//! Humanitarian screening as use cases. For now the field teams' offline
//! sheets assessed in memory: each person's recommendation under the ILO
//! combination rules, with every reason, in the screener's language.
//! Nothing is stored, so nothing about the people screened can leak from
//! here; keeping cases (RED, per case team, audited, erasable) comes with
//! the screening tables.

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

/// Why a sheet could not be assessed.
#[derive(Debug, thiserror::Error)]
pub enum ScreeningError {
    #[error("the questionnaire does not load: {0}")]
    Questionnaire(#[from] crackdown_screening::DefinitionError),
    #[error(transparent)]
    Sheet(#[from] SheetErrors),
    #[error("{file}, line {line}: {reason}")]
    Assess { file: String, line: u64, reason: String },
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
