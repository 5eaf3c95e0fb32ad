//! Properties of the assessment over random interviews: the protective
//! rules hold for every combination of answers, not only the worked cases.

mod common;

use common::{interview, person, questionnaire};
use crackdown_screening::{AgeBand, Dimension, Language, Questionnaire, Recommendation, Strength, assess};
use proptest::prelude::*;

/// "yes" three times over, so presumed victims are common enough for the
/// first property to bite (checked by `random_interviews_reach_every_recommendation`).
const VALUES: [&str; 9] = ["yes", "yes", "yes", "no", "unsure", "declined", "8", "12", "16"];
const AGES: [AgeBand; 6] = [
    AgeBand::Under18,
    AgeBand::From18To24,
    AgeBand::From25To34,
    AgeBand::From35To44,
    AgeBand::From45,
    AgeBand::Unknown,
];

/// Random answers: for each question, maybe an answer that fits it.
fn answers(questionnaire: &Questionnaire) -> impl Strategy<Value = Vec<(String, String)>> {
    let questions: Vec<(String, bool)> = questionnaire
        .questions
        .iter()
        .map(|question| {
            (
                question.id.clone(),
                matches!(question.answer, crackdown_screening::questionnaire::AnswerKind::Number { .. }),
            )
        })
        .collect();
    proptest::collection::vec((any::<bool>(), 0..VALUES.len()), questions.len()).prop_map(move |picks| {
        questions
            .iter()
            .zip(picks)
            .filter(|(_, (asked, _))| *asked)
            .map(|((id, number), (_, value))| {
                let value = VALUES[value];
                let value = match (number, value.parse::<u32>().is_ok()) {
                    (true, false) if matches!(value, "yes" | "no") => "unsure",
                    (false, true) => "yes",
                    _ => value,
                };
                (id.clone(), value.to_owned())
            })
            .collect()
    })
}

fn recommend(questionnaire: &Questionnaire, age: AgeBand, answers: &[(String, String)]) -> (Recommendation, bool) {
    let person = person("P-prop", age);
    let pairs: Vec<(&str, &str)> =
        answers.iter().map(|(question, value)| (question.as_str(), value.as_str())).collect();
    let interview = interview(questionnaire, &person, &pairs);
    let assessment = assess(questionnaire, &person, &interview).expect("assessed");
    let victim_side = assessment
        .dimensions
        .iter()
        .any(|finding| finding.dimension.is_victim() && finding.strong + finding.medium > 0);
    (assessment.recommendation, victim_side)
}

/// Questions recording a victim indicator of `strength` (or any role signal).
fn questions_where(questionnaire: &Questionnaire, wanted: impl Fn(Dimension, Strength) -> bool) -> Vec<String> {
    questionnaire
        .questions
        .iter()
        .filter(|question| matches!(question.answer, crackdown_screening::questionnaire::AnswerKind::YesNo))
        .filter(|question| {
            questionnaire
                .indicator_of(question)
                .is_some_and(|indicator| wanted(indicator.dimension, indicator.strength))
        })
        .map(|question| question.id.clone())
        .collect()
}

fn with_answer(answers: &[(String, String)], question: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = answers.iter().filter(|(id, _)| id != question).cloned().collect();
    out.push((question.to_owned(), value.to_owned()));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_strong_indicator_keeps_a_presumed_victim(answers in answers(&questionnaire()), age in 0..AGES.len(), pick in any::<prop::sample::Index>()) {
        let questionnaire = questionnaire();
        let (before, _) = recommend(&questionnaire, AGES[age], &answers);
        let strong = questions_where(&questionnaire, |dimension, strength| dimension.is_victim() && strength == Strength::Strong);
        let added = with_answer(&answers, pick.get::<String>(&strong), "yes");
        let (after, _) = recommend(&questionnaire, AGES[age], &added);
        if before == Recommendation::PresumedVictim {
            prop_assert_eq!(after, Recommendation::PresumedVictim);
        }
        // And adding any victim indicator never moves towards suspicion.
        if before != Recommendation::SuspectedPerpetrator {
            prop_assert_ne!(after, Recommendation::SuspectedPerpetrator);
        }
    }

    #[test]
    fn role_signals_never_make_a_suspect_of_someone_with_victim_indicators(answers in answers(&questionnaire()), age in 0..AGES.len(), pick in any::<prop::sample::Index>()) {
        let questionnaire = questionnaire();
        let roles = questions_where(&questionnaire, |dimension, _| !dimension.is_victim());
        let added = with_answer(&answers, pick.get::<String>(&roles), "yes");
        let (after, victim_side) = recommend(&questionnaire, AGES[age], &added);
        if victim_side {
            prop_assert_ne!(after, Recommendation::SuspectedPerpetrator);
        }
        if matches!(AGES[age], AgeBand::Under18 | AgeBand::Unknown) {
            prop_assert_ne!(after, Recommendation::SuspectedPerpetrator);
        }
        // A role signal always keeps someone out of "presumed victim" for
        // a person to look at both sides.
        prop_assert_ne!(after, Recommendation::PresumedVictim);
    }

    #[test]
    fn every_reason_renders_in_every_language_without_placeholders(answers in answers(&questionnaire()), age in 0..AGES.len()) {
        let questionnaire = questionnaire();
        let person = person("P-prop", AGES[age]);
        let pairs: Vec<(&str, &str)> = answers.iter().map(|(question, value)| (question.as_str(), value.as_str())).collect();
        let assessment = assess(&questionnaire, &person, &interview(&questionnaire, &person, &pairs)).expect("assessed");
        prop_assert!(!assessment.reasons.is_empty());
        for language in Language::ALL {
            for text in assessment.reason_texts(&questionnaire, language) {
                prop_assert!(!text.contains('{') && !text.contains('}'), "{}: {}", language, text);
            }
        }
    }
}

#[test]
fn random_interviews_reach_every_recommendation() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let questionnaire = questionnaire();
    let strategy = answers(&questionnaire);
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..400 {
        let tree = strategy.new_tree(&mut runner).expect("a value");
        let (recommendation, _) = recommend(&questionnaire, AGES[round % 3 + 1], &tree.current());
        seen.insert(format!("{recommendation:?}"));
    }
    assert!(seen.contains("PresumedVictim") && seen.contains("NeedsFurtherAssessment"), "{seen:?}");
}

#[test]
fn every_strong_indicator_added_to_a_presumed_victim_keeps_it() {
    let questionnaire = questionnaire();
    let base: Vec<(String, String)> = [
        ("q_job_different", "yes"),
        ("q_wages_lied", "yes"),
        ("q_hours_per_day", "16"),
        ("q_quota_fines", "yes"),
        ("q_passport_held", "yes"),
        ("q_confined", "yes"),
    ]
    .iter()
    .map(|(question, value)| ((*question).to_owned(), (*value).to_owned()))
    .collect();
    assert_eq!(recommend(&questionnaire, AgeBand::From25To34, &base).0, Recommendation::PresumedVictim);
    for question in questions_where(&questionnaire, |dimension, _| dimension.is_victim()) {
        let added = with_answer(&base, &question, "yes");
        assert_eq!(
            recommend(&questionnaire, AgeBand::From25To34, &added).0,
            Recommendation::PresumedVictim,
            "{question}"
        );
    }
}
