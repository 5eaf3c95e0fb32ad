//! `crackdown screening assess`: an offline sheet's recommendations with
//! their reasons in the screener's language, nothing stored, and a broken
//! sheet refused whole with line, column and reason.

use std::path::Path;

use crate::support::Backend;

const SHEET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crackdown-screening/tests/data/sheet-ok.csv");

#[test]
fn sheets_are_assessed_with_reasons_and_never_stored() {
    let backend = Backend::sqlite();
    let assessed = backend.json(&["screening", "assess", SHEET, "--json"]);
    let people = assessed.as_array().expect("one assessment per row");
    assert_eq!(people.len(), 3, "{assessed}");
    let of = |pseudonym: &str| people.iter().find(|person| person["person"] == pseudonym).expect("person");
    // Deceived, fined, passport confiscated, confined: the ILO combination is met.
    assert_eq!(of("P-2026-0101")["recommendation"], "presumed_victim", "{assessed}");
    assert_eq!(of("P-2026-0101")["trafficking_combination_met"], true);
    // Only role signals (team leader, recruiting for commission), no victim indicator: a suspect to
    // assess further, never decided by the software.
    assert_eq!(of("P-2026-0102")["recommendation"], "suspected_perpetrator", "{assessed}");
    for person in people {
        assert!(person["reasons"].as_array().is_some_and(|reasons| !reasons.is_empty()), "{person}");
    }
    // In the screener's language.
    let thai = backend.json(&["screening", "assess", SHEET, "--lang", "th", "--json"]);
    assert_ne!(thai[0]["recommendation_text"], people[0]["recommendation_text"]);
    assert!(
        thai[0]["reasons"][0].as_str().is_some_and(|text| text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)))
    );
    // Nothing of it reached the data directory.
    let stored = backend.json(&["reports", "list", "--json"]);
    assert!(!stored.to_string().contains("P-2026-0101"));

    // A broken sheet is refused whole, naming line, column and reason.
    let broken = backend.path().join("broken.csv");
    let text = std::fs::read_to_string(Path::new(SHEET)).expect("sheet");
    std::fs::write(&broken, text.replacen("2026-02-22", "22/02/2026", 1)).expect("write");
    let output = backend.cmd().args(["screening", "assess", &broken.to_string_lossy()]).output().expect("run");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("line 2") && error.contains("held_on"), "{error}");
    assert!(output.stdout.is_empty(), "nothing printed for a refused sheet");
}
