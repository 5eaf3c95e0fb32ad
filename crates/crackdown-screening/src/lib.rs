//! Humanitarian screening of detained workers after a raid on a scam
//! compound: telling trafficking victims — many forced to commit the scams
//! ("forced criminality") — from organisers, without ever letting the
//! software decide.
//!
//! - [`questionnaire`]: the questionnaire as versioned data (ILO/EC 2009
//!   indicators, scam-compound signs mapped onto them, role signals), in seven
//!   languages, validated on load.
//! - [`person`]: the pseudonymous person record, consents, interviews and
//!   answers (kept in the language given, with the indicator each maps to).
//! - [`assess`]: the ILO combination rules giving a *recommendation* with
//!   every reason; a named person records the [`assess::Decision`].
//! - [`sheet`]: offline screening sheets (CSV), all or nothing.
//! - [`export`]: the per-case export for a receiving organisation (HTCDS
//!   JSON and a printable HTML page), only under the person's consent.
//!
//! No storage, no network, no clock: callers pass dates in, so results are
//! reproducible and the crate can be tested as a library.

pub mod assess;
pub mod export;
pub mod language;
pub mod person;
pub mod questionnaire;
pub mod sheet;

pub use assess::{Assessment, Decision, Reason, Recommendation, assess};
pub use language::{Language, Texts};
pub use person::{
    AgeBand, Answer, AnswerValue, Consent, ConsentScope, DocumentKind, DocumentStatus, Interview, Person,
};
pub use questionnaire::{DefinitionError, Dimension, Indicator, Question, Questionnaire, Strength};
