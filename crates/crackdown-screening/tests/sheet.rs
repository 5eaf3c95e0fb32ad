//! Offline screening sheets: a good sheet gives people, interviews and
//! answers in the language given; any bad cell refuses the whole sheet with
//! line, column and reason.

mod common;

use common::{day, questionnaire};
use crackdown_screening::person::{ConsentScope, DocumentStatus};
use crackdown_screening::sheet::{MAX_ERRORS, parse_sheet};
use crackdown_screening::{AgeBand, AnswerValue, Language, Recommendation, assess};

const GOOD: &str = include_str!("data/sheet-ok.csv");

#[test]
fn a_good_sheet_gives_every_person_with_answers_in_the_language_given() {
    let questionnaire = questionnaire();
    let records =
        parse_sheet(GOOD.as_bytes(), "sheet-ok.csv", &questionnaire).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(records.len(), 3);
    let first = &records[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.person.pseudonym, "P-2026-0101");
    assert_eq!(first.person.languages, ["my", "th"]);
    assert_eq!(first.person.documents[0].status, DocumentStatus::Confiscated);
    assert!(first.person.consents_to(ConsentScope::CaseExport, "shelter foundation", day("2026-03-01")));
    assert!(!first.person.consents_to(ConsentScope::CaseExport, "Other NGO", day("2026-03-01")));
    assert!(first.interview.interpreter);
    let job = first.interview.answers.iter().find(|answer| answer.question == "q_job_different").expect("answered");
    assert_eq!(
        (job.value, job.language, job.maps_to.as_str()),
        (AnswerValue::Yes, Language::Burmese, "dr_nature_of_job")
    );
    assert_eq!(job.note.as_deref(), Some("ကုမ္ပဏီရုံးအလုပ်ဟု ပြောသည်"));
    let hours = first.interview.answers.iter().find(|answer| answer.question == "q_hours_per_day").expect("answered");
    assert_eq!(hours.value, AnswerValue::Number(16));

    let third = &records[2];
    assert_eq!((third.interview.language, third.person.age_band), (Language::Tagalog, AgeBand::Unknown));
    assert_eq!(third.person.nationality.as_deref(), Some("PH"));
    assert!(
        third.interview.answers.iter().all(|answer| answer.question != "q_wages_lied"),
        "a blank cell is a question not asked"
    );

    let recommendations: Vec<Recommendation> = records
        .iter()
        .map(|record| assess(&questionnaire, &record.person, &record.interview).expect("assessed").recommendation)
        .collect();
    assert_eq!(
        recommendations,
        [Recommendation::PresumedVictim, Recommendation::SuspectedPerpetrator, Recommendation::NeedsFurtherAssessment]
    );
}

fn errors_of(text: &str) -> Vec<String> {
    match parse_sheet(text.as_bytes(), "bad.csv", &questionnaire()) {
        Ok(records) => panic!("a bad sheet gave {} records", records.len()),
        Err(errors) => {
            assert!(errors.to_string().starts_with("bad.csv: "), "{errors}");
            errors.errors.iter().map(ToString::to_string).collect()
        }
    }
}

#[test]
fn one_bad_cell_refuses_the_whole_sheet_naming_line_column_and_reason() {
    let bad = GOOD.replacen("16,yes,yes,yes", "sixteen,yes,yes,yes", 1).replacen(",35_44,", ",middle,", 1);
    let errors = errors_of(&bad);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("line 2, column \"q_hours_per_day\": \"sixteen\" is not"), "{errors:?}");
    assert!(errors[1].starts_with("line 3, column \"age_band\": \"middle\" is not one of under_18"), "{errors:?}");
}

#[test]
fn header_problems_are_reported_on_line_one() {
    let errors = errors_of(&GOOD.replacen("q_confined,", "q_confinded,", 1).replacen("interviewer,", "", 1));
    assert!(
        errors.iter().any(|error| error.starts_with("line 1, column \"q_confinded\": unknown column")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|error| error == "line 1, column \"interviewer\": required column is missing"),
        "{errors:?}"
    );
    let errors = errors_of("");
    assert!(errors[0].contains("the sheet is empty"), "{errors:?}");
    let errors = errors_of("person,person\n");
    assert!(errors.iter().any(|error| error.contains("appears twice")), "{errors:?}");
}

#[test]
fn answers_must_fit_their_question() {
    let bad = GOOD.replacen("yes,yes,16,yes", "12,yes,yes,yes", 1);
    let errors = errors_of(&bad);
    assert!(
        errors.iter().any(|error| error.starts_with("line 2, column \"q_job_different\": 12 does not answer")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|error| error.starts_with("line 2, column \"q_hours_per_day\": yes does not answer")),
        "{errors:?}"
    );
}

#[test]
fn rows_with_wrong_cell_counts_duplicates_and_bad_fields_are_named() {
    let mut bad = GOOD.to_owned();
    bad.push_str("v1,P-2026-0101,MS-0199,2026-02-24,th,screener.anna,no,18_24,TH,th,,Shelter,,screening,,,,,,,,,\n");
    bad.push_str("v1,short,row\n");
    bad.push_str(
        "v2,Nok Saetang,MS-0200,24/02/2026,fr,,maybe,18_24,Thailand,th,passport,Shelter,,screening@,,,,,,,,,\n",
    );
    let errors = errors_of(&bad);
    let has = |prefix: &str| errors.iter().any(|error| error.starts_with(prefix));
    assert!(has("line 5, column \"person\": \"P-2026-0101\" appears twice"), "{errors:?}");
    assert!(has("line 6, column \"-\": 3 cells, the header has 23"), "{errors:?}");
    for column in ["questionnaire", "person", "held_on", "language", "nationality", "documents", "interpreter"] {
        assert!(has(&format!("line 7, column \"{column}\"")), "{column}: {errors:?}");
    }
}

#[test]
fn hostile_bytes_are_errors_not_panics() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("Mae Sot").expect("present");
    bytes[at] = 0xff;
    let errors = match parse_sheet(&bytes, "bad.csv", &questionnaire()) {
        Err(errors) => errors,
        Ok(_) => panic!("invalid UTF-8 accepted"),
    };
    assert!(errors.errors[0].reason.contains("UTF-8"), "{errors}");
    let huge = format!("{}\n{}", GOOD.lines().next().unwrap_or(""), "x,".repeat(5000));
    assert!(parse_sheet(huge.as_bytes(), "huge.csv", &questionnaire()).is_err());
    let bom = format!("\u{feff}{GOOD}");
    assert_eq!(parse_sheet(bom.as_bytes(), "bom.csv", &questionnaire()).map(|records| records.len()), Ok(3));
}

#[test]
fn errors_are_capped_and_counted() {
    let header = GOOD.lines().next().unwrap_or("");
    let mut bad = header.to_owned();
    for row in 0..(MAX_ERRORS + 20) {
        bad.push_str(&format!("\nv9,P-{row},I-{row},2026-02-22,my,anna,no,18_24,MM,my,,Shelter,,,,,,,,,,,"));
    }
    let errors = parse_sheet(bad.as_bytes(), "many.csv", &questionnaire()).expect_err("refused");
    assert_eq!(errors.errors.len(), MAX_ERRORS);
    assert_eq!(errors.total, MAX_ERRORS + 20);
}
