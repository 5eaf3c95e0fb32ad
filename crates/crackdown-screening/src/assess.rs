//! The assessment: the ILO 2009 combination rules applied to one interview,
//! giving a *recommendation* with every indicator and rule behind it.
//!
//! The software never decides. [`Assessment`] is advice for a trained
//! screener; only [`Decision::record`], which needs a named person and a
//! written justification, turns it into a decision. Three rules protect the
//! person screened (README.md, "Method"):
//!
//! 1. Role signals never turn a presumed victim into a suspect by
//!    themselves (non-punishment principle): victim indicators plus role
//!    signals give *needs further assessment*, with both sides listed.
//! 2. *Suspected perpetrator* needs the role-signal rule met **and** no
//!    strong or medium victim indicator at all.
//! 3. A child, or a person whose age is unknown, is never recommended as a
//!    suspect.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::language::Language;
use crate::person::{AgeBand, AnswerValue, FieldError, Interview, Person};
use crate::questionnaire::{Dimension, Minimum, Questionnaire, Strength, fill};

/// What the rules recommend. A recommendation, never a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// The ILO combination for trafficking is met and nothing points the
    /// other way: refer for assistance as a victim.
    PresumedVictim,
    /// Anything else, including both sides present and nothing recorded.
    NeedsFurtherAssessment,
    /// Role signals without any strong or medium victim indicator.
    SuspectedPerpetrator,
}

impl Recommendation {
    /// Its name in `language`.
    pub fn name(self, questionnaire: &Questionnaire, language: Language) -> &str {
        let names = &questionnaire.recommendations;
        match self {
            Recommendation::PresumedVictim => names.presumed_victim.get(language),
            Recommendation::NeedsFurtherAssessment => names.needs_further_assessment.get(language),
            Recommendation::SuspectedPerpetrator => names.suspected_perpetrator.get(language),
        }
    }
}

/// How one dimension came out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionFinding {
    /// The dimension.
    pub dimension: Dimension,
    /// Distinct strong indicators present.
    pub strong: u32,
    /// Distinct medium indicators present.
    pub medium: u32,
    /// Distinct weak indicators present.
    pub weak: u32,
    /// The first rule met (`None`: not positive). For role signals, the
    /// perpetrator rule.
    pub rule_met: Option<Minimum>,
}

impl DimensionFinding {
    /// Whether the dimension counts as positive.
    pub fn positive(&self) -> bool {
        self.rule_met.is_some()
    }
}

/// One reason behind a recommendation, as data; [`Reason::text`] renders
/// it in any questionnaire language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// A victim indicator the answers recorded.
    Indicator {
        /// The question.
        question: String,
        /// The indicator.
        indicator: String,
        /// Its dimension.
        dimension: Dimension,
        /// Its strength.
        strength: Strength,
        /// The answer.
        value: AnswerValue,
    },
    /// A role signal the answers recorded.
    RoleSignal {
        /// The question.
        question: String,
        /// The signal.
        indicator: String,
        /// Its strength.
        strength: Strength,
        /// The answer.
        value: AnswerValue,
    },
    /// A dimension met a rule.
    DimensionPositive {
        /// The dimension.
        dimension: Dimension,
        /// Counts and the rule met.
        strong: u32,
        /// Medium count.
        medium: u32,
        /// Weak count.
        weak: u32,
        /// The rule, e.g. "1 strong + 1 medium".
        rule: String,
    },
    /// A dimension with indicators met no rule.
    DimensionNotPositive {
        /// The dimension.
        dimension: Dimension,
        /// Strong count.
        strong: u32,
        /// Medium count.
        medium: u32,
        /// Weak count.
        weak: u32,
    },
    /// The trafficking combination is met by these positive dimensions.
    TraffickingMet {
        /// The positive dimensions, in ILO order.
        dimensions: Vec<Dimension>,
    },
    /// The trafficking combination is not met: groups with no positive dimension.
    TraffickingNotMet {
        /// The groups lacking one.
        missing: Vec<Vec<Dimension>>,
    },
    /// Victim indicators and role signals are both present.
    NonPunishment,
    /// The perpetrator rule is met with no strong or medium victim indicator.
    Perpetrator {
        /// The rule met.
        rule: String,
    },
    /// The person is under 18.
    Child,
    /// The person's age is unknown.
    AgeUnknown,
    /// Nothing was recorded.
    NoIndicators,
}

impl Reason {
    /// The reason in plain language, in `language`.
    pub fn text(&self, questionnaire: &Questionnaire, language: Language) -> String {
        let templates = &questionnaire.templates;
        let dimension_name = |dimension: Dimension| questionnaire.dimension_name(dimension, language).to_owned();
        let question_text = |id: &str| {
            questionnaire.question(id).map_or_else(|| id.to_owned(), |question| question.text.get(language).to_owned())
        };
        let answer_word = |value: AnswerValue| -> String {
            let words = &questionnaire.answers;
            match value {
                AnswerValue::Yes => words.yes.get(language).to_owned(),
                AnswerValue::No => words.no.get(language).to_owned(),
                AnswerValue::Unsure => words.unsure.get(language).to_owned(),
                AnswerValue::Declined => words.declined.get(language).to_owned(),
                AnswerValue::Number(number) => number.to_string(),
            }
        };
        let strength_word = |strength: Strength| questionnaire.strengths.get(strength).get(language);
        match self {
            Reason::Indicator { question, dimension, strength, value, .. } => fill(
                templates.indicator.get(language),
                &[
                    ("strength", strength_word(*strength)),
                    ("dimension", &dimension_name(*dimension)),
                    ("question", &question_text(question)),
                    ("answer", &answer_word(*value)),
                ],
            ),
            Reason::RoleSignal { question, strength, value, .. } => fill(
                templates.role_signal.get(language),
                &[
                    ("strength", strength_word(*strength)),
                    ("question", &question_text(question)),
                    ("answer", &answer_word(*value)),
                ],
            ),
            Reason::DimensionPositive { dimension, strong, medium, weak, rule } => fill(
                templates.dimension_positive.get(language),
                &[
                    ("dimension", &dimension_name(*dimension)),
                    ("strong", &strong.to_string()),
                    ("medium", &medium.to_string()),
                    ("weak", &weak.to_string()),
                    ("rule", rule),
                ],
            ),
            Reason::DimensionNotPositive { dimension, strong, medium, weak } => fill(
                templates.dimension_not_positive.get(language),
                &[
                    ("dimension", &dimension_name(*dimension)),
                    ("strong", &strong.to_string()),
                    ("medium", &medium.to_string()),
                    ("weak", &weak.to_string()),
                ],
            ),
            Reason::TraffickingMet { dimensions } => {
                let names: Vec<String> = dimensions.iter().map(|dimension| dimension_name(*dimension)).collect();
                fill(templates.trafficking_met.get(language), &[("dimensions", &names.join(", "))])
            }
            Reason::TraffickingNotMet { missing } => {
                let groups: Vec<String> = missing
                    .iter()
                    .map(|group| {
                        group.iter().map(|dimension| dimension_name(*dimension)).collect::<Vec<_>>().join(" / ")
                    })
                    .collect();
                fill(templates.trafficking_not_met.get(language), &[("missing", &groups.join("; "))])
            }
            Reason::NonPunishment => templates.non_punishment.get(language).to_owned(),
            Reason::Perpetrator { rule } => fill(templates.perpetrator.get(language), &[("rule", rule)]),
            Reason::Child => templates.child.get(language).to_owned(),
            Reason::AgeUnknown => templates.age_unknown.get(language).to_owned(),
            Reason::NoIndicators => templates.no_indicators.get(language).to_owned(),
        }
    }
}

/// The outcome of applying the rules to one interview: advice for the
/// screener, who records a [`Decision`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The person's pseudonym.
    pub person: String,
    /// The interview assessed.
    pub interview: String,
    /// The questionnaire version whose rules were applied.
    pub questionnaire: String,
    /// What the rules recommend. Not a decision.
    pub recommendation: Recommendation,
    /// Whether the ILO combination for trafficking is met.
    pub trafficking_combination_met: bool,
    /// Every dimension (the six ILO ones, then role signals).
    pub dimensions: Vec<DimensionFinding>,
    /// Every indicator and rule that led there, in order.
    pub reasons: Vec<Reason>,
}

impl Assessment {
    /// The finding for `dimension`.
    pub fn dimension(&self, dimension: Dimension) -> Option<&DimensionFinding> {
        self.dimensions.iter().find(|finding| finding.dimension == dimension)
    }

    /// Every reason rendered in `language`.
    pub fn reason_texts(&self, questionnaire: &Questionnaire, language: Language) -> Vec<String> {
        self.reasons.iter().map(|reason| reason.text(questionnaire, language)).collect()
    }
}

/// Why an interview could not be assessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    /// The interview was asked under another questionnaire version.
    #[error("interview {interview} uses questionnaire {used}, these rules are {rules}")]
    VersionMismatch {
        /// The interview.
        interview: String,
        /// Its version.
        used: String,
        /// The rules' version.
        rules: String,
    },
    /// An answer names a question the questionnaire lacks.
    #[error("interview {interview}: answer to unknown question {question:?}")]
    UnknownQuestion {
        /// The interview.
        interview: String,
        /// The question.
        question: String,
    },
    /// The interview is about someone else.
    #[error("interview {interview} is about {interview_person}, not {person}")]
    WrongPerson {
        /// The interview.
        interview: String,
        /// Whom it names.
        interview_person: String,
        /// The person given.
        person: String,
    },
}

/// Applies the questionnaire's rules to `interview` of `person`.
pub fn assess(
    questionnaire: &Questionnaire,
    person: &Person,
    interview: &Interview,
) -> Result<Assessment, AssessError> {
    if interview.questionnaire != questionnaire.version {
        return Err(AssessError::VersionMismatch {
            interview: interview.id.clone(),
            used: interview.questionnaire.clone(),
            rules: questionnaire.version.clone(),
        });
    }
    if interview.person != person.pseudonym {
        return Err(AssessError::WrongPerson {
            interview: interview.id.clone(),
            interview_person: interview.person.clone(),
            person: person.pseudonym.clone(),
        });
    }
    let mut indicator_reasons = Vec::new();
    let mut role_reasons = Vec::new();
    // Distinct indicators present, by dimension: two questions recording
    // one indicator count once, as the ILO counts indicators, not questions.
    let mut present: BTreeMap<Dimension, BTreeMap<&str, Strength>> = BTreeMap::new();
    for question in &questionnaire.questions {
        let Some(answer) = interview.answers.iter().find(|answer| answer.question == question.id) else { continue };
        let Some(indicator) = questionnaire.indicator_of(question) else { continue };
        if !answer.value.records(question.answer) {
            continue;
        }
        present.entry(indicator.dimension).or_default().insert(&indicator.id, indicator.strength);
        if indicator.dimension.is_victim() {
            indicator_reasons.push(Reason::Indicator {
                question: question.id.clone(),
                indicator: indicator.id.clone(),
                dimension: indicator.dimension,
                strength: indicator.strength,
                value: answer.value,
            });
        } else {
            role_reasons.push(Reason::RoleSignal {
                question: question.id.clone(),
                indicator: indicator.id.clone(),
                strength: indicator.strength,
                value: answer.value,
            });
        }
    }
    if let Some(answer) = interview.answers.iter().find(|answer| questionnaire.question(&answer.question).is_none()) {
        return Err(AssessError::UnknownQuestion {
            interview: interview.id.clone(),
            question: answer.question.clone(),
        });
    }

    let mut dimensions = Vec::new();
    let mut dimension_reasons = Vec::new();
    for dimension in Dimension::VICTIM.into_iter().chain([Dimension::RoleSignals]) {
        let (strong, medium, weak) = count(present.get(&dimension));
        let rules = if dimension.is_victim() {
            &questionnaire.rules.dimension_positive
        } else {
            &questionnaire.rules.perpetrator
        };
        let rule_met = rules.iter().copied().find(|rule| rule.met_by(strong, medium, weak));
        if dimension.is_victim() && strong + medium + weak > 0 {
            dimension_reasons.push(match rule_met {
                Some(rule) => Reason::DimensionPositive { dimension, strong, medium, weak, rule: rule.describe() },
                None => Reason::DimensionNotPositive { dimension, strong, medium, weak },
            });
        }
        dimensions.push(DimensionFinding { dimension, strong, medium, weak, rule_met });
    }
    let positive =
        |dimension: Dimension| dimensions.iter().any(|finding| finding.dimension == dimension && finding.positive());
    let missing: Vec<Vec<Dimension>> = questionnaire
        .rules
        .trafficking
        .iter()
        .filter(|group| !group.iter().any(|dimension| positive(*dimension)))
        .cloned()
        .collect();
    let trafficking_combination_met = missing.is_empty();

    let victim_side = dimensions
        .iter()
        .filter(|finding| finding.dimension.is_victim())
        .any(|finding| finding.strong + finding.medium > 0);
    let any_indicator = !indicator_reasons.is_empty();
    let any_role_signal = !role_reasons.is_empty();
    let role_rule = dimensions
        .iter()
        .find(|finding| finding.dimension == Dimension::RoleSignals)
        .and_then(|finding| finding.rule_met);
    let child = person.age_band == AgeBand::Under18;
    let age_unknown = person.age_band == AgeBand::Unknown;
    // Children: the Palermo Protocol (art. 3(c)) needs no means, so the
    // exploitation element alone carries the presumption.
    let victim_combination = trafficking_combination_met || (child && positive(Dimension::ExploitativeConditions));

    let mut outcome_reasons = Vec::new();
    let recommendation = if victim_combination && !any_role_signal {
        Recommendation::PresumedVictim
    } else if let Some(rule) = role_rule.filter(|_| !victim_side && !child && !age_unknown) {
        outcome_reasons.push(Reason::Perpetrator { rule: rule.describe() });
        Recommendation::SuspectedPerpetrator
    } else {
        if any_role_signal && victim_side {
            outcome_reasons.push(Reason::NonPunishment);
        }
        Recommendation::NeedsFurtherAssessment
    };
    if child {
        outcome_reasons.push(Reason::Child);
    } else if age_unknown {
        outcome_reasons.push(Reason::AgeUnknown);
    }
    if !any_indicator && !any_role_signal {
        outcome_reasons.push(Reason::NoIndicators);
    }

    let mut reasons = indicator_reasons;
    reasons.extend(role_reasons);
    reasons.extend(dimension_reasons);
    if any_indicator {
        reasons.push(if trafficking_combination_met {
            let dimensions = Dimension::VICTIM.into_iter().filter(|dimension| positive(*dimension)).collect();
            Reason::TraffickingMet { dimensions }
        } else {
            Reason::TraffickingNotMet { missing }
        });
    }
    reasons.extend(outcome_reasons);
    Ok(Assessment {
        person: person.pseudonym.clone(),
        interview: interview.id.clone(),
        questionnaire: questionnaire.version.clone(),
        recommendation,
        trafficking_combination_met,
        dimensions,
        reasons,
    })
}

fn count(indicators: Option<&BTreeMap<&str, Strength>>) -> (u32, u32, u32) {
    let mut counts = (0, 0, 0);
    for strength in indicators.into_iter().flat_map(|map| map.values()) {
        match strength {
            Strength::Strong => counts.0 += 1,
            Strength::Medium => counts.1 += 1,
            Strength::Weak => counts.2 += 1,
        }
    }
    counts
}

/// The decision a named person records after reading an assessment. This
/// is the only place a screening outcome is decided; it may differ from the
/// recommendation, and always carries who decided and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The person's pseudonym.
    pub person: String,
    /// The interview the assessment was made from.
    pub interview: String,
    /// What the rules recommended.
    pub recommended: Recommendation,
    /// What the screener decided.
    pub outcome: Recommendation,
    /// Who decided (user name or staff reference).
    pub decided_by: String,
    /// Why, in the screener's words.
    pub justification: String,
    /// When.
    pub decided_on: NaiveDate,
}

impl Decision {
    /// Records a decision on `assessment`; refuses an anonymous decision or
    /// one without a justification.
    pub fn record(
        assessment: &Assessment,
        outcome: Recommendation,
        decided_by: &str,
        justification: &str,
        decided_on: NaiveDate,
    ) -> Result<Decision, FieldError> {
        if decided_by.trim().is_empty() {
            return Err(FieldError::new("decided_by", "a decision needs the name of the person who takes it"));
        }
        if justification.trim().is_empty() {
            return Err(FieldError::new("justification", "a decision needs its justification"));
        }
        Ok(Decision {
            person: assessment.person.clone(),
            interview: assessment.interview.clone(),
            recommended: assessment.recommendation,
            outcome,
            decided_by: decided_by.trim().to_owned(),
            justification: justification.trim().to_owned(),
            decided_on,
        })
    }

    /// Whether the screener departed from the recommendation.
    pub fn departs_from_recommendation(&self) -> bool {
        self.outcome != self.recommended
    }
}
