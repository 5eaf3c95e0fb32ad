//! Builders shared by the integration tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use crackdown_screening::person::{Consent, ConsentScope, Document, DocumentKind, DocumentStatus};
use crackdown_screening::{AgeBand, AnswerValue, Interview, Language, Person, Questionnaire};

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|error| panic!("{text}: {error}"))
}

pub fn questionnaire() -> Questionnaire {
    Questionnaire::embedded().unwrap_or_else(|error| panic!("the shipped questionnaire loads: {error}"))
}

pub fn person(pseudonym: &str, age_band: AgeBand) -> Person {
    Person {
        pseudonym: pseudonym.to_owned(),
        nationality: Some("MM".to_owned()),
        languages: vec!["my".to_owned(), "th".to_owned()],
        age_band,
        documents: vec![Document { kind: DocumentKind::Passport, status: DocumentStatus::Confiscated }],
        facility: "Mae Sot temporary shelter".to_owned(),
        detained_on: Some(day("2026-02-20")),
        consents: vec![
            Consent {
                scope: ConsentScope::Screening,
                organisation: None,
                given_on: day("2026-02-21"),
                withdrawn_on: None,
            },
            Consent {
                scope: ConsentScope::CaseExport,
                organisation: Some("Shelter Foundation".to_owned()),
                given_on: day("2026-02-21"),
                withdrawn_on: None,
            },
        ],
    }
}

pub fn interview(questionnaire: &Questionnaire, person: &Person, answers: &[(&str, &str)]) -> Interview {
    let mut interview =
        Interview::new("I-1", &person.pseudonym, questionnaire, Language::Burmese, "screener.anna", day("2026-02-22"))
            .unwrap_or_else(|error| panic!("{error}"));
    for (question, value) in answers {
        let value: AnswerValue = value.parse().unwrap_or_else(|error| panic!("{question}: {error}"));
        interview.record(questionnaire, question, value, None).unwrap_or_else(|error| panic!("{error}"));
    }
    interview
}
