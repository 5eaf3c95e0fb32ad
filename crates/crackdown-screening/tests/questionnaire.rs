//! The shipped questionnaire loads, carries the ILO list as published, and
//! the loader refuses broken definitions naming line and field.

use std::collections::BTreeMap;

use crackdown_screening::questionnaire::{EMBEDDED_V1, Origin};
use crackdown_screening::{Dimension, Language, Questionnaire, Strength};

fn embedded() -> Questionnaire {
    Questionnaire::embedded().unwrap_or_else(|error| panic!("the shipped questionnaire loads: {error}"))
}

#[test]
fn every_question_has_all_seven_languages() {
    let questionnaire = embedded();
    assert!(questionnaire.questions.len() >= 40, "{}", questionnaire.questions.len());
    for question in &questionnaire.questions {
        for language in Language::ALL {
            let text = question.text.get(language);
            assert!(!text.trim().is_empty(), "{} has no {} text", question.id, language.english_name());
        }
        // A translation left in English is a missing translation.
        for language in Language::ALL.into_iter().filter(|language| *language != Language::English) {
            assert_ne!(question.text.get(language), question.text.en, "{} {language} is the English text", question.id);
        }
    }
}

#[test]
fn the_ilo_list_has_the_published_counts_and_strengths() {
    let questionnaire = embedded();
    let mut counts: BTreeMap<Dimension, usize> = BTreeMap::new();
    for indicator in questionnaire.indicators.values() {
        *counts.entry(indicator.dimension).or_default() += 1;
    }
    // ILO 2009, adults, labour exploitation: 10, 10, 16, 9, 15, 7.
    let published = [10, 10, 16, 9, 15, 7];
    for (dimension, expected) in Dimension::VICTIM.into_iter().zip(published) {
        assert_eq!(counts.get(&dimension), Some(&expected), "{dimension:?}");
    }
    let strength = |id: &str| questionnaire.indicators.get(id).map(|indicator| indicator.strength);
    // The four strong indicators of coercion at destination.
    for id in ["cd_documents", "cd_debt", "cd_isolation", "cd_violence"] {
        assert_eq!(strength(id), Some(Strength::Strong), "{id}");
    }
    assert_eq!(strength("ex_excessive_hours"), Some(Strength::Strong));
    assert_eq!(strength("dr_nature_of_job"), Some(Strength::Strong));
    assert_eq!(strength("cd_illicit"), Some(Strength::Medium), "forced criminality is medium in the ILO list");
}

#[test]
fn every_origin_and_the_scam_compound_signs_are_covered() {
    let questionnaire = embedded();
    for origin in [Origin::Ilo, Origin::ScamCompound, Origin::UnodcIom, Origin::Role] {
        assert!(questionnaire.questions.iter().any(|question| question.origin == origin), "{origin:?}");
    }
    let maps = |id: &str| questionnaire.question(id).map(|question| question.maps_to.as_str());
    assert_eq!(maps("q_passport_held"), Some("cd_documents"));
    assert_eq!(maps("q_transport_debt"), Some("cd_debt"));
    assert_eq!(maps("q_sold"), Some("cr_abduction"));
    assert_eq!(maps("q_scripts"), Some("cd_illicit"));
    assert_eq!(maps("q_quota_fines"), Some("ex_wage_manipulation"));
    // Role questions map to role signals and only they do.
    for question in &questionnaire.questions {
        let dimension = questionnaire.indicator_of(question).map(|indicator| indicator.dimension);
        assert_eq!(question.origin == Origin::Role, dimension == Some(Dimension::RoleSignals), "{}", question.id);
    }
}

fn refused(edit: impl Fn(&str) -> String) -> String {
    let text = edit(EMBEDDED_V1);
    assert_ne!(text, EMBEDDED_V1, "the edit changed nothing");
    match Questionnaire::parse(&text, "edited.toml") {
        Ok(_) => panic!("an edited definition was accepted"),
        Err(error) => error.to_string(),
    }
}

fn line_of(needle: &str) -> usize {
    let offset = EMBEDDED_V1.find(needle).unwrap_or_else(|| panic!("{needle:?} in the file"));
    EMBEDDED_V1[..offset].matches('\n').count() + 1
}

#[test]
fn a_missing_translation_is_refused_with_its_line() {
    let needle = "text.tl = \"Kinuha ba ang iyong pasaporte";
    let error = refused(|text| {
        let start = text.find(needle).unwrap_or(0);
        let end = start + text[start..].find('\n').unwrap_or(0) + 1;
        format!("{}{}", &text[..start], &text[end..])
    });
    assert!(error.starts_with("edited.toml:"), "{error}");
    assert!(error.contains("tl"), "{error}");
    let line: usize = error.split(':').nth(1).and_then(|line| line.parse().ok()).unwrap_or(0);
    assert!(line > 300 && line < line_of(needle) + 2, "{error}");
}

#[test]
fn a_blank_translation_names_question_and_language() {
    let error =
        refused(|text| text.replacen("text.th = \"ค่าจ้างของคุณถูกกักไว้เพื่อไม่ให้คุณออกไปได้หรือไม่\"", "text.th = \" \"", 1));
    assert!(error.contains("q_wages_withheld.text.th: translation is blank"), "{error}");
}

#[test]
fn an_unknown_indicator_and_a_duplicate_id_are_refused() {
    let error = refused(|text| text.replacen("maps_to = \"cd_wages\"", "maps_to = \"cd_wage\"", 1));
    let line = line_of("maps_to = \"cd_wages\"");
    assert!(
        error.contains(&format!("edited.toml:{line}: q_wages_withheld.maps_to: no indicator \"cd_wage\"")),
        "{error}"
    );
    let error = refused(|text| text.replacen("id = \"q_drugs\"", "id = \"q_scripts\"", 1));
    assert!(error.contains("\"q_scripts\" is used twice"), "{error}");
}

#[test]
fn a_template_that_loses_a_placeholder_is_refused() {
    let error = refused(|text| {
        text.replacen(
            "vi = \"Dấu hiệu vai trò ({strength}): {question} — {answer}\"",
            "vi = \"Dấu hiệu vai trò: {question}\"",
            1,
        )
    });
    assert!(error.contains("templates.role_signal.vi"), "{error}");
}

#[test]
fn rules_that_always_fire_or_name_role_signals_are_refused() {
    let error = refused(|text| text.replacen("{ strong = 2 },", "{ },", 1));
    assert!(error.contains("rules.dimension_positive: a rule of all zeros"), "{error}");
    let error = refused(|text| text.replacen("[\"exploitative_conditions\"],", "[\"role_signals\"],", 1));
    assert!(error.contains("role signals are not an element"), "{error}");
}

#[test]
fn syntax_errors_and_unknown_fields_name_the_line() {
    let error = refused(|text| text.replacen("version = \"v1\"", "version = v1", 1));
    assert!(error.starts_with(&format!("edited.toml:{}: toml:", line_of("version = \"v1\""))), "{error}");
    let error = refused(|text| text.replacen("origin = \"role\"", "origin = \"role\"\nweight = 3", 1));
    assert!(error.contains("weight"), "{error}");
}

#[test]
fn loads_from_a_path_and_names_a_missing_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questionnaire/v1.toml");
    assert_eq!(Questionnaire::from_path(&path), Questionnaire::embedded());
    let error = Questionnaire::from_path(&path.with_file_name("v0.toml")).expect_err("no such file");
    assert!(error.to_string().contains("v0.toml"), "{error}");
}
