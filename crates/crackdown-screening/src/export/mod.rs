//! The per-case export for a receiving organisation (shelter, legal aid,
//! embassy): JSON in the HTCDS layout ([`htcds`]) and a printable,
//! self-contained HTML page ([`html`]).
//!
//! Both are produced only when the person's recorded consent covers a case
//! export to that organisation on that day; otherwise [`ExportError::NoConsent`].
//! The check is here, in the one function both formats go through, so no
//! caller can forget it.

pub mod htcds;
pub mod html;

use chrono::NaiveDate;

use crate::assess::{Assessment, Decision};
use crate::person::{ConsentScope, Interview, Person};
use crate::questionnaire::Questionnaire;

/// Everything one case export shows, and to whom it goes.
#[derive(Clone, Copy, Debug)]
pub struct CaseExport<'a> {
    /// The questionnaire the interview was asked under.
    pub questionnaire: &'a Questionnaire,
    /// The person.
    pub person: &'a Person,
    /// The interview.
    pub interview: &'a Interview,
    /// The assessment of that interview.
    pub assessment: &'a Assessment,
    /// The screener's decision, if one is recorded.
    pub decision: Option<&'a Decision>,
    /// The organisation sending the case.
    pub sender: &'a str,
    /// The receiving organisation, as named in the consent.
    pub recipient: &'a str,
    /// The day of the export (consent is checked on it).
    pub exported_on: NaiveDate,
}

/// Why a case was not exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// No consent covers this export.
    #[error("{person} has not consented to a case export to {recipient:?} on {day}: nothing exported")]
    NoConsent {
        /// The pseudonym.
        person: String,
        /// The organisation.
        recipient: String,
        /// The day.
        day: NaiveDate,
    },
    /// The pieces do not belong to one case.
    #[error("the export mixes cases: {0}")]
    Mismatch(String),
}

impl CaseExport<'_> {
    /// Checks consent and that interview, assessment and decision are all
    /// about this person.
    pub(crate) fn check(&self) -> Result<(), ExportError> {
        let pseudonym = &self.person.pseudonym;
        if self.interview.person != *pseudonym || self.assessment.person != *pseudonym {
            return Err(ExportError::Mismatch(format!("interview or assessment is not about {pseudonym}")));
        }
        if self.assessment.interview != self.interview.id {
            return Err(ExportError::Mismatch(format!("the assessment is of interview {}", self.assessment.interview)));
        }
        if let Some(decision) = self.decision
            && (decision.person != *pseudonym || decision.interview != self.interview.id)
        {
            return Err(ExportError::Mismatch(format!(
                "the decision is about {} / {}",
                decision.person, decision.interview
            )));
        }
        if self.recipient.trim().is_empty()
            || !self.person.consents_to(ConsentScope::CaseExport, self.recipient, self.exported_on)
        {
            return Err(ExportError::NoConsent {
                person: pseudonym.clone(),
                recipient: self.recipient.to_owned(),
                day: self.exported_on,
            });
        }
        Ok(())
    }
}
