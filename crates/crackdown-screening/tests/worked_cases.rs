//! A table of worked cases, written by hand from the ILO 2009 rule text
//! (when a dimension is positive, which dimensions make trafficking) and
//! the project's protective rules — no generator, so each row can be read
//! and checked against the README by a person. These are not cases the ILO
//! published; they exercise each rule once, including its edges.

mod common;

use common::{interview, person, questionnaire};
use crackdown_screening::{AgeBand, Dimension, Reason, Recommendation, assess};

use AgeBand::*;
use Dimension::*;
use Recommendation::*;

struct Case {
    name: &'static str,
    age: AgeBand,
    answers: &'static [(&'static str, &'static str)],
    expected: Recommendation,
    positive: &'static [Dimension],
}

/// Deceived (1 strong + 1 medium), exploited (1 strong + 1 medium),
/// coerced at destination (2 strong): the textbook scam-compound account.
const DECEIVED_EXPLOITED_COERCED: &[(&str, &str)] = &[
    ("q_job_different", "yes"),
    ("q_wages_lied", "yes"),
    ("q_hours_per_day", "16"),
    ("q_quota_fines", "yes"),
    ("q_passport_held", "yes"),
    ("q_confined", "yes"),
];

const CASES: &[Case] = &[
    Case {
        name: "deceptive recruitment + exploitation + coercion at destination",
        age: From25To34,
        answers: DECEIVED_EXPLOITED_COERCED,
        expected: PresumedVictim,
        positive: &[DeceptiveRecruitment, ExploitativeConditions, CoercionAtDestination],
    },
    Case {
        name: "abuse of vulnerability at destination stands in for coercion (2 medium + 1 weak)",
        age: From18To24,
        answers: &[
            ("q_job_different", "yes"),
            ("q_visa_lied", "yes"),
            ("q_hours_per_day", "14"),
            ("q_living_conditions", "yes"),
            ("q_depended_on_compound", "yes"),
            ("q_did_not_know_where", "yes"),
            ("q_language_barrier", "yes"),
        ],
        expected: PresumedVictim,
        positive: &[DeceptiveRecruitment, ExploitativeConditions, AbuseOfVulnerabilityAtDestination],
    },
    Case {
        name: "coercive recruitment: sold between compounds and hurt in transit",
        age: From35To44,
        answers: &[
            ("q_sold", "yes"),
            ("q_hurt_in_transit", "yes"),
            ("q_no_days_off", "yes"),
            ("q_little_or_no_pay", "yes"),
            ("q_punished_violently", "yes"),
            ("q_transport_debt", "yes"),
        ],
        expected: PresumedVictim,
        positive: &[CoerciveRecruitment, ExploitativeConditions, CoercionAtDestination],
    },
    Case {
        name: "recruitment by abuse of vulnerability: three medium indicators",
        age: From18To24,
        answers: &[
            ("q_needed_money", "yes"),
            ("q_could_not_check", "yes"),
            ("q_trusted_recruiter", "yes"),
            ("q_hours_per_day", "12"),
            ("q_living_conditions", "yes"),
            ("q_ransom", "yes"),
            ("q_threatened", "yes"),
        ],
        expected: PresumedVictim,
        positive: &[RecruitmentAbuseOfVulnerability, ExploitativeConditions, CoercionAtDestination],
    },
    Case {
        name: "no recruitment element: exploitation and coercion alone do not complete the combination",
        age: From25To34,
        answers: &[
            ("q_hours_per_day", "16"),
            ("q_quota_fines", "yes"),
            ("q_passport_held", "yes"),
            ("q_confined", "yes"),
        ],
        expected: NeedsFurtherAssessment,
        positive: &[ExploitativeConditions, CoercionAtDestination],
    },
    Case {
        name: "one strong indicator alone does not make a dimension positive",
        age: From25To34,
        answers: &[("q_job_different", "yes"), ("q_hours_per_day", "15"), ("q_passport_held", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "two questions recording one indicator count once",
        age: From25To34,
        answers: &[("q_confined", "yes"), ("q_phone_controlled", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "hours below the threshold record nothing",
        age: From25To34,
        answers: &[("q_hours_per_day", "10"), ("q_quota_fines", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "organiser: a strong and a medium role signal, no victim indicator",
        age: From35To44,
        answers: &[("q_recruit_commission", "yes"), ("q_team_leader", "yes"), ("q_passport_held", "no")],
        expected: SuspectedPerpetrator,
        positive: &[],
    },
    Case {
        name: "organiser with only a weak victim indicator is still suspected",
        age: From35To44,
        answers: &[("q_team_leader", "yes"), ("q_handled_money", "yes"), ("q_language_barrier", "yes")],
        expected: SuspectedPerpetrator,
        positive: &[],
    },
    Case {
        name: "one medium role signal alone meets no rule",
        age: From35To44,
        answers: &[("q_returned_voluntarily", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "forced criminality: full victim combination plus role signals needs further assessment",
        age: From25To34,
        answers: &[
            ("q_job_different", "yes"),
            ("q_wages_lied", "yes"),
            ("q_hours_per_day", "16"),
            ("q_quota_fines", "yes"),
            ("q_passport_held", "yes"),
            ("q_confined", "yes"),
            ("q_team_leader", "yes"),
            ("q_recruit_commission", "yes"),
            ("q_forced_against_peers", "yes"),
        ],
        expected: NeedsFurtherAssessment,
        positive: &[DeceptiveRecruitment, ExploitativeConditions, CoercionAtDestination],
    },
    Case {
        name: "role signals and one medium victim indicator: never a suspect",
        age: From25To34,
        answers: &[("q_recruit_commission", "yes"), ("q_share_of_proceeds", "yes"), ("q_little_or_no_pay", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "child: exploitation alone carries the presumption",
        age: Under18,
        answers: &[("q_hours_per_day", "14"), ("q_little_or_no_pay", "yes")],
        expected: PresumedVictim,
        positive: &[ExploitativeConditions],
    },
    Case {
        name: "child with role signals only is never a suspect",
        age: Under18,
        answers: &[("q_recruit_commission", "yes"), ("q_decided_punishments", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "unknown age with role signals only is never a suspect",
        age: Unknown,
        answers: &[("q_recruit_commission", "yes"), ("q_decided_punishments", "yes")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
    Case {
        name: "nothing recorded: all no, unsure or declined",
        age: From18To24,
        answers: &[("q_job_different", "no"), ("q_passport_held", "unsure"), ("q_punished_violently", "declined")],
        expected: NeedsFurtherAssessment,
        positive: &[],
    },
];

#[test]
fn worked_cases_give_the_expected_recommendation_and_dimensions() {
    let questionnaire = questionnaire();
    for case in CASES {
        let person = person("P-2026-0001", case.age);
        let interview = interview(&questionnaire, &person, case.answers);
        let assessment =
            assess(&questionnaire, &person, &interview).unwrap_or_else(|error| panic!("{}: {error}", case.name));
        assert_eq!(assessment.recommendation, case.expected, "{}: {:#?}", case.name, assessment.reasons);
        let positive: Vec<Dimension> = assessment
            .dimensions
            .iter()
            .filter(|finding| finding.positive() && finding.dimension.is_victim())
            .map(|finding| finding.dimension)
            .collect();
        assert_eq!(positive, case.positive, "{}", case.name);
    }
}

#[test]
fn reasons_list_both_sides_under_non_punishment() {
    let questionnaire = questionnaire();
    let case = CASES.iter().find(|case| case.name.starts_with("forced criminality")).expect("the case exists");
    let person = person("P-2026-0002", case.age);
    let assessment =
        assess(&questionnaire, &person, &interview(&questionnaire, &person, case.answers)).expect("assessed");
    let has = |wanted: fn(&Reason) -> bool| assessment.reasons.iter().any(wanted);
    assert!(has(|reason| matches!(reason, Reason::NonPunishment)));
    assert!(has(|reason| matches!(reason, Reason::TraffickingMet { .. })));
    assert!(has(
        |reason| matches!(reason, Reason::RoleSignal { indicator, .. } if indicator == "rs_recruit_commission")
    ));
    assert!(has(|reason| matches!(reason, Reason::Indicator { indicator, .. } if indicator == "cd_against_peers")));
    let english = assessment.reason_texts(&questionnaire, crackdown_screening::Language::English).join("\n");
    assert!(english.contains("non-punishment principle"), "{english}");
    assert!(english.contains("Role signal (strong): Were you paid a commission"), "{english}");
    assert!(english.contains("Coercion at destination is positive: 2 strong, 1 medium and 0 weak"), "{english}");
}
