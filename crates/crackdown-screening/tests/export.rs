//! Per-case exports: golden files for both formats, consent enforced,
//! hostile text escaped. `UPDATE_GOLDEN=1 cargo test -p crackdown-screening
//! --test export` rewrites the golden files after an intended change.

mod common;

use std::path::PathBuf;

use common::{day, questionnaire};
use crackdown_screening::export::{CaseExport, ExportError, htcds, html};
use crackdown_screening::person::Consent;
use crackdown_screening::sheet::{SheetRecord, parse_sheet};
use crackdown_screening::{Assessment, ConsentScope, Decision, Questionnaire, Recommendation, assess};

fn record(index: usize) -> SheetRecord {
    let questionnaire = questionnaire();
    let mut records =
        parse_sheet(include_bytes!("data/sheet-ok.csv"), "sheet-ok.csv", &questionnaire).expect("the sample parses");
    records.swap_remove(index)
}

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("golden written");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert!(expected == actual, "{} differs from the export; run with UPDATE_GOLDEN=1 if intended", path.display());
}

fn case<'a>(
    questionnaire: &'a Questionnaire,
    record: &'a SheetRecord,
    assessment: &'a Assessment,
    decision: Option<&'a Decision>,
    recipient: &'a str,
) -> CaseExport<'a> {
    CaseExport {
        questionnaire,
        person: &record.person,
        interview: &record.interview,
        assessment,
        decision,
        sender: "Screening Team North",
        recipient,
        exported_on: day("2026-03-01"),
    }
}

#[test]
fn exports_match_their_golden_files() {
    let questionnaire = questionnaire();
    let record = record(0);
    let assessment = assess(&questionnaire, &record.person, &record.interview).expect("assessed");
    assert_eq!(assessment.recommendation, Recommendation::PresumedVictim);
    let decision = Decision::record(
        &assessment,
        Recommendation::PresumedVictim,
        "screener.anna",
        "Consistent account; passport held by the compound; referred for shelter.",
        day("2026-02-24"),
    )
    .expect("a named decision");
    let export = case(&questionnaire, &record, &assessment, Some(&decision), "Shelter Foundation");
    let json = htcds::to_json(&export).expect("consented");
    let text = serde_json::to_string_pretty(&json).expect("serializes") + "\n";
    golden("case-P-2026-0101.json", &text);
    assert_eq!(json["case"]["cas_ReferredOrganisation"], "Shelter Foundation");
    assert_eq!(json["person"]["prs_Nationality"], "MM");
    assert!(json["perpetrator_context"].is_null(), "no perpetrator context for a presumed victim");
    let control = json["victim_context"]["vic_MethodsOfControl"].to_string();
    for value in ["WithholdsDocuments", "RestrictsMovement", "ExcessiveWorkingHours", "FalsePromises", "TakesEarnings"]
    {
        assert!(control.contains(value), "{value} in {control}");
    }
    assert!(!text.contains("prs_FirstName") && !text.contains("prs_Email"), "no name or contact field");

    let page = html::to_html(&export).expect("consented");
    golden("case-P-2026-0101.html", &page);
    assert!(page.contains("ကုမ္ပဏီရုံးအလုပ်ဟု ပြောသည်"), "the note as given");
    assert!(page.contains("သားကောင်ဟု ယူဆရသူ"), "the recommendation in Burmese");
}

#[test]
fn role_signals_reach_the_perpetrator_context_only_on_such_a_decision() {
    let questionnaire = questionnaire();
    let mut record = record(1);
    record.person.consents.push(Consent {
        scope: ConsentScope::CaseExport,
        organisation: Some("Legal Aid Office".into()),
        given_on: day("2026-02-22"),
        withdrawn_on: None,
    });
    let assessment = assess(&questionnaire, &record.person, &record.interview).expect("assessed");
    assert_eq!(assessment.recommendation, Recommendation::SuspectedPerpetrator);
    let without =
        htcds::to_json(&case(&questionnaire, &record, &assessment, None, "Legal Aid Office")).expect("consented");
    assert!(without["perpetrator_context"].is_null());
    let decision = Decision::record(
        &assessment,
        Recommendation::SuspectedPerpetrator,
        "lead.somchai",
        "Recruited for commission.",
        day("2026-02-25"),
    )
    .expect("named");
    let with = htcds::to_json(&case(&questionnaire, &record, &assessment, Some(&decision), "Legal Aid Office"))
        .expect("consented");
    assert_eq!(
        with["perpetrator_context"]["per_RoleInProcess"],
        serde_json::json!(["RecruiterOrIntermediary", "Exploiter"])
    );
}

#[test]
fn no_export_without_consent_to_that_recipient_on_that_day() {
    let questionnaire = questionnaire();
    let mut record = record(0);
    let assessment = assess(&questionnaire, &record.person, &record.interview).expect("assessed");
    let refused = |export: CaseExport<'_>| {
        let json = htcds::to_json(&export);
        let page = html::to_html(&export);
        assert!(matches!(json, Err(ExportError::NoConsent { .. })), "{json:?}");
        assert!(matches!(page, Err(ExportError::NoConsent { .. })), "{page:?}");
    };
    refused(case(&questionnaire, &record, &assessment, None, "Another NGO"));
    refused(case(&questionnaire, &record, &assessment, None, " "));
    let mut early = case(&questionnaire, &record, &assessment, None, "Shelter Foundation");
    early.exported_on = day("2026-02-20");
    refused(early);
    // The third person consented to screening and referral, not export.
    let third = self::record(2);
    let third_assessment = assess(&questionnaire, &third.person, &third.interview).expect("assessed");
    refused(case(&questionnaire, &third, &third_assessment, None, "Shelter Foundation"));
    // Withdrawn consent.
    for consent in &mut record.person.consents {
        consent.withdrawn_on = Some(day("2026-02-28"));
    }
    refused(case(&questionnaire, &record, &assessment, None, "Shelter Foundation"));
    let message = htcds::to_json(&case(&questionnaire, &record, &assessment, None, "Shelter Foundation"))
        .expect_err("withdrawn")
        .to_string();
    assert_eq!(
        message,
        "P-2026-0101 has not consented to a case export to \"Shelter Foundation\" on 2026-03-01: nothing exported"
    );
}

#[test]
fn pieces_of_different_cases_are_refused() {
    let questionnaire = questionnaire();
    let first = record(0);
    let second = record(1);
    let assessment = assess(&questionnaire, &second.person, &second.interview).expect("assessed");
    let mixed = case(&questionnaire, &first, &assessment, None, "Shelter Foundation");
    assert!(matches!(htcds::to_json(&mixed), Err(ExportError::Mismatch(_))));
}

#[test]
fn hostile_text_is_escaped_and_the_page_has_no_script() {
    let questionnaire = questionnaire();
    let mut record = record(0);
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> & \"quoted\" 'single'";
    record.person.facility = hostile.to_owned();
    if let Some(answer) = record.interview.answers.first_mut() {
        answer.note = Some(hostile.to_owned());
    }
    let assessment = assess(&questionnaire, &record.person, &record.interview).expect("assessed");
    let decision = Decision::record(&assessment, Recommendation::PresumedVictim, hostile, hostile, day("2026-02-24"))
        .expect("named");
    let page = html::to_html(&case(&questionnaire, &record, &assessment, Some(&decision), "Shelter Foundation"))
        .expect("consented");
    let lower = page.to_ascii_lowercase();
    // Only escaped, inert text remains: no element can be opened.
    assert!(!lower.contains("<script") && !lower.contains("<img"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&amp; &quot;quoted&quot; &#39;single&#39;"));
    assert!(page.contains("default-src 'none'"));
    assert!(!lower.contains("http://") && !lower.contains("https://"), "self-contained");
}

#[test]
fn a_decision_needs_a_name_and_a_justification() {
    let questionnaire = questionnaire();
    let record = record(0);
    let assessment = assess(&questionnaire, &record.person, &record.interview).expect("assessed");
    let error = Decision::record(&assessment, Recommendation::PresumedVictim, " ", "why", day("2026-02-24"))
        .expect_err("anonymous");
    assert_eq!(error.field, "decided_by");
    let error = Decision::record(&assessment, Recommendation::PresumedVictim, "anna", "", day("2026-02-24"))
        .expect_err("unjustified");
    assert_eq!(error.field, "justification");
    let departed = Decision::record(
        &assessment,
        Recommendation::NeedsFurtherAssessment,
        "anna",
        "Account inconsistent.",
        day("2026-02-24"),
    )
    .expect("named");
    assert!(departed.departs_from_recommendation());
}
