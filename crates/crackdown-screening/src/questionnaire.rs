//! The questionnaire definition: indicators, questions, combination rules
//! and every text shown to the interviewee or in reasons, read from a
//! versioned TOML file (`questionnaire/v1.toml` is embedded).
//!
//! The file is data so that screening practitioners can review and correct
//! indicators, thresholds and translations without reading Rust; the loader
//! therefore checks everything a typo could break — unknown indicators,
//! duplicate question ids, blank or missing translations, templates that lost
//! a placeholder, rules that can never or always fire — and names the line.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::language::{Language, Texts};

/// The questionnaire shipped with crackdown.
pub const EMBEDDED_V1: &str = include_str!("../questionnaire/v1.toml");

/// An element of the trafficking definition the ILO indicators are grouped
/// by, plus the project's role signals (which are not an ILO dimension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Deception during recruitment, transfer and transportation.
    DeceptiveRecruitment,
    /// Coercion during recruitment, transfer and transportation.
    CoerciveRecruitment,
    /// Recruitment by abuse of vulnerability.
    RecruitmentAbuseOfVulnerability,
    /// Exploitative conditions of work.
    ExploitativeConditions,
    /// Coercion at destination.
    CoercionAtDestination,
    /// Abuse of vulnerability at destination.
    AbuseOfVulnerabilityAtDestination,
    /// Signs that the person organised or profited (the project's list).
    RoleSignals,
}

impl Dimension {
    /// The six ILO dimensions, in the ILO's order.
    pub const VICTIM: [Dimension; 6] = [
        Dimension::DeceptiveRecruitment,
        Dimension::CoerciveRecruitment,
        Dimension::RecruitmentAbuseOfVulnerability,
        Dimension::ExploitativeConditions,
        Dimension::CoercionAtDestination,
        Dimension::AbuseOfVulnerabilityAtDestination,
    ];

    /// The spelling used in files.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::DeceptiveRecruitment => "deceptive_recruitment",
            Dimension::CoerciveRecruitment => "coercive_recruitment",
            Dimension::RecruitmentAbuseOfVulnerability => "recruitment_abuse_of_vulnerability",
            Dimension::ExploitativeConditions => "exploitative_conditions",
            Dimension::CoercionAtDestination => "coercion_at_destination",
            Dimension::AbuseOfVulnerabilityAtDestination => "abuse_of_vulnerability_at_destination",
            Dimension::RoleSignals => "role_signals",
        }
    }

    /// Whether this is one of the ILO's victim dimensions.
    pub fn is_victim(self) -> bool {
        self != Dimension::RoleSignals
    }
}

/// How strongly the ILO's experts judged an indicator to point to
/// trafficking (or, for role signals, the project's judgement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Strong.
    Strong,
    /// Medium.
    Medium,
    /// Weak.
    Weak,
}

impl Strength {
    /// The spelling used in files.
    pub fn key(self) -> &'static str {
        match self {
            Strength::Strong => "strong",
            Strength::Medium => "medium",
            Strength::Weak => "weak",
        }
    }
}

/// Where a question comes from, so reviewers can tell ILO wording from the
/// project's scam-compound and role additions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// An ILO 2009 indicator asked directly.
    Ilo,
    /// A scam-compound sign mapped onto an ILO indicator.
    ScamCompound,
    /// UNODC/IOM screening practice.
    UnodcIom,
    /// A role signal (the project's list).
    Role,
}

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AnswerKind {
    /// yes / no / unsure / declined; "yes" records the indicator.
    YesNo,
    /// A whole number; at or above `fires_at_least` records the indicator.
    Number {
        /// The smallest value that records the indicator.
        fires_at_least: u32,
    },
}

/// One indicator of the ILO list (or one role signal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// Stable id, recorded with every answer.
    pub id: String,
    /// The dimension it belongs to.
    pub dimension: Dimension,
    /// Its strength.
    pub strength: Strength,
    /// Its name in English (ILO wording for ILO indicators).
    pub name: String,
}

/// One question of the questionnaire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable id, used as the CSV column and in answers.
    pub id: String,
    /// The indicator a positive answer records.
    pub maps_to: String,
    /// The answer it takes.
    pub answer: AnswerKind,
    /// Where it comes from.
    pub origin: Origin,
    /// Its text in every language.
    pub text: Texts,
}

/// Minimum counts of present indicators by strength; a rule is met when
/// every count is reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minimum {
    /// Strong indicators needed.
    #[serde(default)]
    pub strong: u32,
    /// Medium indicators needed.
    #[serde(default)]
    pub medium: u32,
    /// Weak indicators needed.
    #[serde(default)]
    pub weak: u32,
}

impl Minimum {
    /// Whether `strong`, `medium` and `weak` present indicators meet it.
    pub fn met_by(self, strong: u32, medium: u32, weak: u32) -> bool {
        strong >= self.strong && medium >= self.medium && weak >= self.weak
    }

    /// "1 strong + 1 medium", for reasons (in the file's English keys, as
    /// rules are cited, not translated).
    pub fn describe(self) -> String {
        let parts: Vec<String> = [(self.strong, "strong"), (self.medium, "medium"), (self.weak, "weak")]
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, word)| format!("{count} {word}"))
            .collect();
        parts.join(" + ")
    }
}

/// The combination rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// A victim dimension is positive when any of these is met.
    pub dimension_positive: Vec<Minimum>,
    /// Trafficking: every group needs one positive dimension.
    pub trafficking: Vec<Vec<Dimension>>,
    /// Role signals meeting any of these (without strong or medium victim
    /// indicators) suggest a suspected perpetrator.
    pub perpetrator: Vec<Minimum>,
}

/// Names of the three recommendations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationNames {
    /// Presumed victim.
    pub presumed_victim: Texts,
    /// Needs further assessment.
    pub needs_further_assessment: Texts,
    /// Suspected perpetrator.
    pub suspected_perpetrator: Texts,
}

/// Answer words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerWords {
    /// Yes.
    pub yes: Texts,
    /// No.
    pub no: Texts,
    /// Unsure.
    pub unsure: Texts,
    /// Declined to answer.
    pub declined: Texts,
}

/// Strength words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthWords {
    /// Strong.
    pub strong: Texts,
    /// Medium.
    pub medium: Texts,
    /// Weak.
    pub weak: Texts,
}

impl StrengthWords {
    /// The word for `strength`.
    pub fn get(&self, strength: Strength) -> &Texts {
        match strength {
            Strength::Strong => &self.strong,
            Strength::Medium => &self.medium,
            Strength::Weak => &self.weak,
        }
    }
}

/// Reason templates, with `{placeholders}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// A victim indicator recorded.
    pub indicator: Texts,
    /// A dimension is positive.
    pub dimension_positive: Texts,
    /// A dimension with indicators is not positive.
    pub dimension_not_positive: Texts,
    /// The trafficking combination is met.
    pub trafficking_met: Texts,
    /// The trafficking combination is not met.
    pub trafficking_not_met: Texts,
    /// A role signal recorded.
    pub role_signal: Texts,
    /// Both sides present: non-punishment.
    pub non_punishment: Texts,
    /// The perpetrator rule is met.
    pub perpetrator: Texts,
    /// The person is a child.
    pub child: Texts,
    /// Nothing recorded.
    pub no_indicators: Texts,
    /// The age is unknown.
    pub age_unknown: Texts,
}

/// A loaded, validated questionnaire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Questionnaire {
    /// Version, recorded with every interview (`v1`).
    pub version: String,
    /// Title.
    pub title: String,
    /// Combination rules.
    pub rules: Rules,
    /// Dimension names.
    pub dimensions: BTreeMap<Dimension, Texts>,
    /// Recommendation names.
    pub recommendations: RecommendationNames,
    /// Answer words.
    pub answers: AnswerWords,
    /// Strength words.
    pub strengths: StrengthWords,
    /// Reason templates.
    pub templates: Templates,
    /// Indicators by id.
    pub indicators: BTreeMap<String, Indicator>,
    /// Questions in asking order.
    pub questions: Vec<Question>,
}

/// Why a definition file was refused: the file, the line, the field, why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {field}: {reason}")]
pub struct DefinitionError {
    /// The file (or `embedded v1`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The field or key at fault.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Spanned<String>,
    title: String,
    rules: RawRules,
    dimensions: BTreeMap<Dimension, Spanned<Texts>>,
    recommendations: Spanned<RecommendationNames>,
    answers: Spanned<AnswerWords>,
    strengths: Spanned<StrengthWords>,
    templates: Spanned<Templates>,
    indicators: BTreeMap<Spanned<String>, Spanned<RawIndicator>>,
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    dimension_positive: Vec<Spanned<Minimum>>,
    trafficking: Spanned<Vec<Vec<Dimension>>>,
    perpetrator: Vec<Spanned<Minimum>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    dimension: Dimension,
    strength: Strength,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    maps_to: Spanned<String>,
    origin: Origin,
    #[serde(default)]
    answer: Option<Spanned<String>>,
    #[serde(default)]
    fires_at_least: Option<Spanned<u32>>,
    text: Spanned<Texts>,
}

/// Tracks where the loader is, to turn byte offsets into line numbers.
struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&byte| byte == b'\n').count() + 1
    }

    fn error(&self, span: &Range<usize>, field: impl Into<String>, reason: impl Into<String>) -> DefinitionError {
        DefinitionError {
            file: self.file.to_owned(),
            line: self.line(span),
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl Questionnaire {
    /// The embedded version 1.
    pub fn embedded() -> Result<Questionnaire, DefinitionError> {
        Questionnaire::parse(EMBEDDED_V1, "embedded questionnaire/v1.toml")
    }

    /// Reads and validates a definition file.
    pub fn from_path(path: &Path) -> Result<Questionnaire, DefinitionError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| DefinitionError {
            file: name.clone(),
            line: 0,
            field: "file".into(),
            reason: error.to_string(),
        })?;
        Questionnaire::parse(&text, &name)
    }

    /// Parses and validates definition text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Questionnaire, DefinitionError> {
        let source = Source { file, text };
        let raw: RawFile = toml::from_str(text).map_err(|error| {
            let span = error.span().unwrap_or(0..0);
            source.error(&span, "toml", error.message().trim().to_owned())
        })?;
        let version = raw.version.get_ref().trim().to_owned();
        if version.is_empty() {
            return Err(source.error(&raw.version.span(), "version", "must not be blank"));
        }
        let rules = validate_rules(&source, raw.rules)?;

        let mut dimensions = BTreeMap::new();
        for (dimension, texts) in raw.dimensions {
            check_texts(&source, &texts, &format!("dimensions.{}", dimension.key()))?;
            dimensions.insert(dimension, texts.into_inner());
        }
        let all_dimensions = Dimension::VICTIM.into_iter().chain([Dimension::RoleSignals]);
        if let Some(missing) = all_dimensions.clone().find(|dimension| !dimensions.contains_key(dimension)) {
            return Err(source.error(&(0..0), format!("dimensions.{}", missing.key()), "has no names"));
        }
        for (field, texts) in [
            ("recommendations.presumed_victim", &raw.recommendations.get_ref().presumed_victim),
            ("recommendations.needs_further_assessment", &raw.recommendations.get_ref().needs_further_assessment),
            ("recommendations.suspected_perpetrator", &raw.recommendations.get_ref().suspected_perpetrator),
        ] {
            check_blank(&source, &raw.recommendations.span(), field, texts)?;
        }
        let words = raw.answers.get_ref();
        for (field, texts) in
            [("yes", &words.yes), ("no", &words.no), ("unsure", &words.unsure), ("declined", &words.declined)]
        {
            check_blank(&source, &raw.answers.span(), &format!("answers.{field}"), texts)?;
        }
        let strengths = raw.strengths.get_ref();
        for strength in [Strength::Strong, Strength::Medium, Strength::Weak] {
            check_blank(
                &source,
                &raw.strengths.span(),
                &format!("strengths.{}", strength.key()),
                strengths.get(strength),
            )?;
        }
        validate_templates(&source, &raw.templates)?;

        let mut indicators = BTreeMap::new();
        for (id, indicator) in raw.indicators {
            let key = id.get_ref().clone();
            if !is_identifier(&key) {
                return Err(source.error(
                    &id.span(),
                    format!("indicators.{key}"),
                    "ids are lower-case letters, digits and _",
                ));
            }
            let span = indicator.span();
            let RawIndicator { dimension, strength, name } = indicator.into_inner();
            if name.trim().is_empty() {
                return Err(source.error(&span, format!("indicators.{key}.name"), "must not be blank"));
            }
            indicators.insert(key.clone(), Indicator { id: key, dimension, strength, name });
        }
        for dimension in all_dimensions {
            if !indicators.values().any(|indicator| indicator.dimension == dimension) {
                return Err(source.error(
                    &(0..0),
                    "indicators",
                    format!("no indicator of dimension {}", dimension.key()),
                ));
            }
        }

        let mut questions = Vec::new();
        let mut seen = BTreeSet::new();
        for question in raw.questions {
            questions.push(validate_question(&source, question, &indicators, &mut seen)?);
        }
        if questions.is_empty() {
            return Err(source.error(&(0..0), "questions", "the questionnaire has no question"));
        }
        Ok(Questionnaire {
            version,
            title: raw.title,
            rules,
            dimensions,
            recommendations: raw.recommendations.into_inner(),
            answers: raw.answers.into_inner(),
            strengths: raw.strengths.into_inner(),
            templates: raw.templates.into_inner(),
            indicators,
            questions,
        })
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|question| question.id == id)
    }

    /// The indicator a question records (always found in a validated
    /// questionnaire; `None` only for a question from another one).
    pub fn indicator_of(&self, question: &Question) -> Option<&Indicator> {
        self.indicators.get(&question.maps_to)
    }

    /// The name of `dimension` in `language`.
    pub fn dimension_name(&self, dimension: Dimension, language: Language) -> &str {
        self.dimensions.get(&dimension).map_or(dimension.key(), |texts| texts.get(language))
    }
}

fn validate_rules(source: &Source<'_>, raw: RawRules) -> Result<Rules, DefinitionError> {
    let minimums = |list: Vec<Spanned<Minimum>>, field: &str| -> Result<Vec<Minimum>, DefinitionError> {
        if list.is_empty() {
            return Err(source.error(&(0..0), field, "needs at least one rule"));
        }
        list.into_iter()
            .map(|rule| {
                if rule.get_ref().describe().is_empty() {
                    Err(source.error(&rule.span(), field, "a rule of all zeros would always be met"))
                } else {
                    Ok(rule.into_inner())
                }
            })
            .collect()
    };
    let dimension_positive = minimums(raw.dimension_positive, "rules.dimension_positive")?;
    let perpetrator = minimums(raw.perpetrator, "rules.perpetrator")?;
    let span = raw.trafficking.span();
    let trafficking = raw.trafficking.into_inner();
    if trafficking.is_empty() || trafficking.iter().any(Vec::is_empty) {
        return Err(source.error(&span, "rules.trafficking", "needs non-empty groups of dimensions"));
    }
    if trafficking.iter().flatten().any(|dimension| !dimension.is_victim()) {
        return Err(source.error(&span, "rules.trafficking", "role signals are not an element of trafficking"));
    }
    Ok(Rules { dimension_positive, trafficking, perpetrator })
}

fn validate_question(
    source: &Source<'_>,
    question: Spanned<RawQuestion>,
    indicators: &BTreeMap<String, Indicator>,
    seen: &mut BTreeSet<String>,
) -> Result<Question, DefinitionError> {
    let raw = question.into_inner();
    let id = raw.id.get_ref().clone();
    if !is_identifier(&id) {
        return Err(source.error(
            &raw.id.span(),
            "questions.id",
            format!("{id:?}: ids are lower-case letters, digits and _"),
        ));
    }
    if !seen.insert(id.clone()) {
        return Err(source.error(&raw.id.span(), "questions.id", format!("{id:?} is used twice")));
    }
    let maps_to = raw.maps_to.get_ref().clone();
    if !indicators.contains_key(&maps_to) {
        return Err(source.error(&raw.maps_to.span(), format!("{id}.maps_to"), format!("no indicator {maps_to:?}")));
    }
    let answer = match (raw.answer.as_ref().map(|answer| answer.get_ref().as_str()), &raw.fires_at_least) {
        (None | Some("yes_no"), None) => AnswerKind::YesNo,
        (Some("number"), Some(threshold)) => AnswerKind::Number { fires_at_least: *threshold.get_ref() },
        (Some("number"), None) => {
            return Err(source.error(&raw.id.span(), format!("{id}.fires_at_least"), "a number question needs one"));
        }
        (None | Some("yes_no"), Some(threshold)) => {
            return Err(source.error(
                &threshold.span(),
                format!("{id}.fires_at_least"),
                "only number questions have one",
            ));
        }
        (Some(other), _) => {
            let span = raw.answer.as_ref().map_or(raw.id.span(), Spanned::span);
            return Err(source.error(&span, format!("{id}.answer"), format!("{other:?} is not yes_no or number")));
        }
    };
    check_texts(source, &raw.text, &format!("{id}.text"))?;
    Ok(Question { id, maps_to, answer, origin: raw.origin, text: raw.text.into_inner() })
}

fn validate_templates(source: &Source<'_>, templates: &Spanned<Templates>) -> Result<(), DefinitionError> {
    let span = templates.span();
    let all = templates.get_ref();
    for (name, texts) in [
        ("indicator", &all.indicator),
        ("dimension_positive", &all.dimension_positive),
        ("dimension_not_positive", &all.dimension_not_positive),
        ("trafficking_met", &all.trafficking_met),
        ("trafficking_not_met", &all.trafficking_not_met),
        ("role_signal", &all.role_signal),
        ("non_punishment", &all.non_punishment),
        ("perpetrator", &all.perpetrator),
        ("child", &all.child),
        ("no_indicators", &all.no_indicators),
        ("age_unknown", &all.age_unknown),
    ] {
        let field = format!("templates.{name}");
        check_blank(source, &span, &field, texts)?;
        let expected = placeholders(&texts.en);
        for language in Language::ALL {
            let found = placeholders(texts.get(language));
            if found != expected {
                return Err(source.error(
                    &span,
                    format!("{field}.{}", language.tag()),
                    format!("placeholders {found:?} differ from the English {expected:?}"),
                ));
            }
        }
    }
    Ok(())
}

fn check_texts(source: &Source<'_>, texts: &Spanned<Texts>, field: &str) -> Result<(), DefinitionError> {
    check_blank(source, &texts.span(), field, texts.get_ref())
}

fn check_blank(source: &Source<'_>, span: &Range<usize>, field: &str, texts: &Texts) -> Result<(), DefinitionError> {
    match texts.first_blank() {
        Some(language) => Err(source.error(span, format!("{field}.{}", language.tag()), "translation is blank")),
        None => Ok(()),
    }
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
}

/// The `{name}` placeholders of a template, as a set.
pub(crate) fn placeholders(template: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                found.insert(after[..close].to_owned());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    found
}

/// Fills `{name}` placeholders in one pass, so a value containing braces
/// (a note, a question text) is never expanded again.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = &after[..close];
        match values.iter().find(|(name, _)| *name == key) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}
