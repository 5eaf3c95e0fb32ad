//! Loading the labelled sets, training the shipped model, and measuring:
//! precision/recall/F1 of the binary label (scam ∪ spam vs ham) with k-fold
//! cross-validation on every set the model trains on, macro-F1 and a
//! confusion matrix for `scam_type` where a set labels it, and indicator
//! recall on indicator lists (`address.json`, `domains.json`).
//!
//! Folds are assigned by a hash of the normalized text, so copies of one
//! message never sit on both sides. E-mail (.eml) evaluation is left to the
//! e-mail crate.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::analyze::Analyzer;
use crate::extract::{Context, Indicator, IndicatorKind, extract};
use crate::lexicon::{Label, ScamType};
use crate::model::{Model, SHARED, Sample, TrainOptions, train};

/// The sets whose licence lets the shipped model train on them.
pub const TRAINING_SETS: [&str; 2] = ["uci-sms-spam", "ph-sms-scams"];

/// Errors that stop an evaluation or training run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: no usable messages")]
    Empty { path: PathBuf },
    #[error("writing the report: {0}")]
    Report(#[from] std::io::Error),
}

#[derive(Deserialize)]
struct MessageLine {
    id: Option<String>,
    text: String,
    label: String,
    scam_type: Option<String>,
    lang: Option<String>,
    country: Option<String>,
}

/// Reads `messages.jsonl` (`{"text","label","scam_type"?,"lang"?,"country"?}`).
/// Bad lines are skipped and described in the returned list of problems.
pub fn load_messages(path: &Path) -> Result<(Vec<Sample>, Vec<String>), EvalError> {
    let io_error = |source| EvalError::Io { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut samples = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(io_error)?;
        let line = String::from_utf8_lossy(&line);
        if line.trim().is_empty() {
            continue;
        }
        let parsed: MessageLine = match serde_json::from_str(&line) {
            Ok(parsed) => parsed,
            Err(error) => {
                problems.push(format!("{}:{}: {error}", path.display(), index + 1));
                continue;
            }
        };
        if is_placeholder(&parsed.text) {
            problems.push(format!("{}:{}: no text of its own ({:?})", path.display(), index + 1, parsed.text.trim()));
            continue;
        }
        let Some(label) = Label::parse(&parsed.label) else {
            problems.push(format!(
                "{}:{}: label {:?} is not scam, spam or ham",
                path.display(),
                index + 1,
                parsed.label
            ));
            continue;
        };
        samples.push(Sample {
            id: parsed.id.unwrap_or_else(|| format!("line {}", index + 1)),
            text: parsed.text,
            label,
            scam_type: parsed.scam_type.as_deref().and_then(ScamType::parse),
            context: Context { country: parsed.country, language: parsed.lang },
            group: 0,
        });
    }
    Ok((samples, problems))
}

/// Whether a message's text only says it is missing: empty, or a bracketed
/// marker such as `<BLANK>`, `<REDACTED>` or a chat export's `<Media omitted>`.
/// Such rows carry no evidence either way (one set labels the same `<BLANK>`
/// spam and ham), so they are neither learned from nor scored.
fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    let marker = text.strip_prefix('<').and_then(|rest| rest.strip_suffix('>'));
    text.is_empty()
        || marker.is_some_and(|inner| {
            inner.len() <= 40 && !inner.is_empty() && inner.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '_')
        })
}

/// Trains on the `messages.jsonl` of each directory, and on the reports of
/// each generated case (a directory written by `crackdown generate`) as
/// scams every expert learns from.
pub fn train_on_dirs(dirs: &[PathBuf], options: &TrainOptions) -> Result<Model, EvalError> {
    let mut all = Vec::new();
    let mut group = 0;
    for dir in dirs {
        let path = dir.join("messages.jsonl");
        if !path.is_file()
            && let Some(case) = load_case(dir)?
        {
            all.extend(case);
            continue;
        }
        let (samples, _) = load_messages(&path)?;
        if samples.is_empty() {
            return Err(EvalError::Empty { path });
        }
        all.extend(samples.into_iter().map(|sample| Sample { group, ..sample }));
        group += 1;
    }
    Ok(train(all.into_iter(), options))
}

/// Report id → (scam type, stage, language) of a generated case.
type CaseTruth = BTreeMap<String, (String, String, String)>;

/// The truth of a generated case from its `truth/campaigns.csv`; `None`
/// when `case` has no such file.
fn case_truth(case: &Path) -> Result<Option<CaseTruth>, EvalError> {
    let path = case.join("truth").join("campaigns.csv");
    if !path.is_file() || !case.join("reports.jsonl").is_file() {
        return Ok(None);
    }
    let mut truth = BTreeMap::new();
    for line in read_case_file(&path)?.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if let [id, _, _, scam_type, stage, language, ..] = fields[..] {
            truth.insert(id.to_owned(), (scam_type.to_owned(), stage.to_owned(), language.to_owned()));
        }
    }
    Ok(Some(truth))
}

#[derive(Deserialize)]
struct CaseReport {
    id: String,
    text: String,
    language: Option<String>,
}

/// The reports of a generated case as scam samples of the [`SHARED`]
/// group, with their scam type; `None` when `case` is not a generated case.
pub fn load_case(case: &Path) -> Result<Option<Vec<Sample>>, EvalError> {
    let Some(truth) = case_truth(case)? else {
        return Ok(None);
    };
    let mut samples = Vec::new();
    for line in read_case_file(&case.join("reports.jsonl"))?.lines() {
        let Ok(report) = serde_json::from_str::<CaseReport>(line) else {
            continue;
        };
        if let Some((scam_type, _, language)) = truth.get(&report.id) {
            samples.push(Sample {
                id: report.id,
                text: report.text,
                label: Label::Scam,
                scam_type: ScamType::parse(scam_type),
                context: Context { country: None, language: report.language.or_else(|| Some(language.clone())) },
                group: SHARED,
            });
        }
    }
    if samples.is_empty() {
        return Err(EvalError::Empty { path: case.join("reports.jsonl") });
    }
    Ok(Some(samples))
}

/// Evaluation settings.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    pub folds: usize,
    pub train: TrainOptions,
    /// Cross-validate each set with a model trained on that set's other
    /// folds only, instead of with the other training sets added.
    pub own_set_only: bool,
    /// Samples added to the training data of every fold and never scored
    /// there (the generated lure corpus), so they cannot inflate a figure.
    pub extra_training: Vec<Sample>,
    /// Where to write one JSON line per cross-validated message (its set,
    /// id, fold, truth, predicted label and score), for reading the misses
    /// and for scoring a peer on exactly the same folds.
    pub predictions: Option<PathBuf>,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions {
            folds: 5,
            train: TrainOptions::default(),
            own_set_only: false,
            extra_training: Vec::new(),
            predictions: None,
        }
    }
}

/// One line of [`EvalOptions::predictions`].
#[derive(serde::Serialize)]
struct Prediction<'a> {
    set: &'a str,
    id: &'a str,
    /// The fold that scored it; `None` on a set the shipped model scores.
    fold: Option<usize>,
    truth: Label,
    label: Label,
    /// How likely the analyzer judged the message unwanted (its ranking
    /// score: the model's probability, raised where scam cues decide).
    unwanted: f64,
    text: &'a str,
}

/// Binary counts with scam ∪ spam as the positive class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
    pub true_negative: usize,
}

impl Counts {
    /// Counts one message: its true label against the predicted one.
    pub fn add(&mut self, truth: Label, predicted: Label) {
        match (truth != Label::Ham, predicted != Label::Ham) {
            (true, true) => self.true_positive += 1,
            (false, true) => self.false_positive += 1,
            (true, false) => self.false_negative += 1,
            (false, false) => self.true_negative += 1,
        }
    }

    pub fn precision(&self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_positive)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_negative)
    }

    /// `n=… precision=… recall=… F1=… (tp=… fp=… fn=… tn=…)`, the line every evaluation prints.
    pub fn summary(&self) -> String {
        format!(
            "n={} precision={:.4} recall={:.4} F1={:.4} (tp={} fp={} fn={} tn={})",
            self.true_positive + self.false_positive + self.false_negative + self.true_negative,
            self.precision(),
            self.recall(),
            self.f1(),
            self.true_positive,
            self.false_positive,
            self.false_negative,
            self.true_negative
        )
    }

    pub fn f1(&self) -> f64 {
        let (precision, recall) = (self.precision(), self.recall());
        if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) }
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 { 0.0 } else { numerator as f64 / denominator as f64 }
}

/// The scores of one set.
#[derive(Clone, Debug, PartialEq)]
pub struct SetScore {
    pub set: String,
    /// "5-fold cross-validation", "shipped model" or "indicator recall".
    pub method: String,
    pub counts: Counts,
    /// Macro-F1 over scam types, where the set labels them.
    pub scam_type_macro_f1: Option<f64>,
}

fn fold_of(text: &str, folds: usize) -> usize {
    let normalized = crackdown_model::normalize_text(text);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in normalized.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % folds as u64) as usize
}

/// Scam-type confusion: truth → predicted (None = not typed) → count.
type Confusion = BTreeMap<String, BTreeMap<String, usize>>;

/// Scores one message into the counts and confusion; returns the predicted
/// label and how likely the analyzer judged it unwanted.
fn record(counts: &mut Counts, confusion: &mut Confusion, sample: &Sample, analyzer: &Analyzer) -> (Label, f64) {
    let analysis = analyzer.analyze(&sample.text, &sample.context);
    counts.add(sample.label, analysis.label);
    if let Some(truth) = sample.scam_type {
        let predicted = analysis.scam_type.map_or("none", ScamType::as_str);
        *confusion.entry(truth.to_string()).or_default().entry(predicted.to_owned()).or_default() += 1;
    }
    let unwanted = if analysis.label == Label::Ham { 1.0 - analysis.confidence } else { analysis.confidence };
    (analysis.label, unwanted)
}

fn macro_f1(confusion: &Confusion) -> Option<f64> {
    if confusion.is_empty() {
        return None;
    }
    let scores: Vec<f64> = confusion
        .keys()
        .map(|class| {
            let true_positive = confusion[class].get(class).copied().unwrap_or(0);
            let actual: usize = confusion[class].values().sum();
            let predicted: usize = confusion.values().filter_map(|row| row.get(class)).sum();
            let (p, r) = (ratio(true_positive, predicted), ratio(true_positive, actual));
            if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
        })
        .collect();
    Some(scores.iter().sum::<f64>() / scores.len() as f64)
}

fn write_prediction(
    file: &mut impl Write,
    path: &Path,
    set: &str,
    sample: &Sample,
    fold: Option<usize>,
    (label, unwanted): (Label, f64),
) -> Result<(), EvalError> {
    let line = Prediction { set, id: &sample.id, fold, truth: sample.label, label, unwanted, text: &sample.text };
    serde_json::to_writer(&mut *file, &line)
        .map_err(std::io::Error::from)
        .and_then(|()| file.write_all(b"\n"))
        .map_err(|source| EvalError::Io { path: path.to_owned(), source })
}

/// Evaluates on every set under `data_dir` and prints a report to `out`.
pub fn evaluate(data_dir: &Path, options: &EvalOptions, out: &mut impl Write) -> Result<Vec<SetScore>, EvalError> {
    let io_error = |source| EvalError::Io { path: data_dir.to_owned(), source };
    let mut sets: Vec<PathBuf> = std::fs::read_dir(data_dir)
        .map_err(io_error)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    sets.sort();
    let mut loaded = BTreeMap::new();
    for set in &sets {
        let messages = set.join("messages.jsonl");
        if messages.is_file() {
            let (samples, problems) = load_messages(&messages)?;
            for problem in problems {
                writeln!(out, "skipped {problem}")?;
            }
            loaded.insert(set.clone(), samples);
        }
    }
    let name = |path: &Path| path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut predictions = match &options.predictions {
        Some(path) => Some((
            std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|source| EvalError::Io { path: path.clone(), source })?,
            ),
            path,
        )),
        None => None,
    };
    let shipped = Analyzer::default();
    let mut scores = Vec::new();
    for (set, samples) in &loaded {
        let set_name = name(set);
        let mut counts = Counts::default();
        let mut confusion = Confusion::new();
        let method = if TRAINING_SETS.contains(&set_name.as_str()) {
            for fold in 0..options.folds {
                let training = loaded
                    .iter()
                    .filter(|(other, _)| {
                        TRAINING_SETS.contains(&name(other).as_str()) && (!options.own_set_only || other == &set)
                    })
                    .enumerate()
                    .flat_map(|(group, (other, samples))| {
                        samples
                            .iter()
                            .filter(move |s| other != set || fold_of(&s.text, options.folds) != fold)
                            .map(move |s| Sample { group, ..s.clone() })
                    })
                    .chain(options.extra_training.iter().cloned());
                let analyzer = Analyzer::new(train(training, &options.train));
                for sample in samples.iter().filter(|s| fold_of(&s.text, options.folds) == fold) {
                    let scored = record(&mut counts, &mut confusion, sample, &analyzer);
                    if let Some((file, path)) = &mut predictions {
                        write_prediction(file, path, &set_name, sample, Some(fold), scored)?;
                    }
                }
            }
            format!(
                "{}-fold cross-validation ({}{})",
                options.folds,
                if options.own_set_only {
                    "trained on this set's other folds only"
                } else {
                    "other training sets in every fold"
                },
                if options.extra_training.is_empty() {
                    String::new()
                } else {
                    format!(", plus {} generated reports in every fold, never scored", options.extra_training.len())
                }
            )
        } else {
            for sample in samples {
                let scored = record(&mut counts, &mut confusion, sample, &shipped);
                if let Some((file, path)) = &mut predictions {
                    write_prediction(file, path, &set_name, sample, None, scored)?;
                }
            }
            if set.join("email").is_dir() {
                "shipped model on the subject and body text of messages.jsonl, never trained on this set".to_owned()
            } else {
                "shipped model, never trained on this set".to_owned()
            }
        };
        writeln!(out, "{set_name}: {method}\n  {}", counts.summary())?;
        let scam_type_macro_f1 = macro_f1(&confusion);
        match scam_type_macro_f1 {
            Some(f1) => {
                writeln!(out, "  scam_type macro-F1={f1:.4}; confusion (truth -> predicted: count):")?;
                for (truth, row) in &confusion {
                    let cells: Vec<String> = row.iter().map(|(p, c)| format!("{p}:{c}")).collect();
                    writeln!(out, "    {truth} -> {}", cells.join(" "))?;
                }
            }
            None => writeln!(out, "  scam_type: not labelled in this set")?,
        }
        scores.push(SetScore { set: set_name, method, counts, scam_type_macro_f1 });
    }
    if let Some((mut file, path)) = predictions {
        file.flush().map_err(|source| EvalError::Io { path: path.clone(), source })?;
    }
    for set in &sets {
        if let Some(score) = indicator_recall(set, out)? {
            scores.push(score);
        }
    }
    for case in std::iter::once(data_dir).chain(sets.iter().map(PathBuf::as_path)) {
        if let Some(score) = evaluate_case(case, &shipped, out)? {
            scores.push(score);
        }
    }
    Ok(scores)
}

/// Reads a file of a generated case, naming it in the error.
fn read_case_file(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io { path: path.to_owned(), source })
}

fn write_confusion(out: &mut impl Write, name: &str, confusion: &Confusion) -> Result<(), EvalError> {
    if let Some(f1) = macro_f1(confusion) {
        writeln!(out, "  {name} macro-F1={f1:.4}; confusion (truth -> predicted: count):")?;
        for (truth, row) in confusion {
            let cells: Vec<String> = row.iter().map(|(p, c)| format!("{p}:{c}")).collect();
            writeln!(out, "    {truth} -> {}", cells.join(" "))?;
        }
    }
    Ok(())
}

/// Scores the shipped analyzer on a case written by `crackdown generate`
/// (`reports.jsonl` with `truth/campaigns.csv` and `truth/indicators.csv`):
/// every report is a scam of a known type (and stage), with known
/// indicators. `None` when `case` is not such a directory. The lexicon is
/// not tuned to these texts, so this measures transfer, not fit.
fn evaluate_case(case: &Path, analyzer: &Analyzer, out: &mut impl Write) -> Result<Option<SetScore>, EvalError> {
    let Some(truth) = case_truth(case)? else {
        return Ok(None);
    };
    // report id -> expected (type, surface, normalized) indicators
    let mut expected: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let indicators_path = case.join("truth").join("indicators.csv");
    if indicators_path.is_file() {
        for line in read_case_file(&indicators_path)?.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            if let [id, kind, surface, normalized, ..] = fields[..] {
                expected.entry(id.to_owned()).or_default().push((
                    kind.to_owned(),
                    surface.to_owned(),
                    normalized.to_owned(),
                ));
            }
        }
    }
    let mut counts = Counts::default();
    let mut types = Confusion::new();
    let mut stages = Confusion::new();
    let (mut found, mut wanted, mut extracted) = (0usize, 0usize, 0usize);
    let reports_path = case.join("reports.jsonl");
    for (index, line) in read_case_file(&reports_path)?.lines().enumerate() {
        let Ok(report) = serde_json::from_str::<CaseReport>(line) else {
            writeln!(out, "skipped {}:{}: not a report", reports_path.display(), index + 1)?;
            continue;
        };
        let Some((scam_type, stage, _)) = truth.get(&report.id) else {
            continue;
        };
        let analysis = analyzer.analyze(&report.text, &Context { country: None, language: report.language });
        counts.add(Label::Scam, analysis.label);
        let predicted = analysis.scam_type.map_or("none", ScamType::as_str);
        *types.entry(scam_type.clone()).or_default().entry(predicted.to_owned()).or_default() += 1;
        if !stage.is_empty() {
            let predicted = analysis.stage.map_or("none", |stage| stage.as_str());
            *stages.entry(stage.clone()).or_default().entry(predicted.to_owned()).or_default() += 1;
        }
        if let Some(wanted_here) = expected.get(&report.id) {
            wanted += wanted_here.len();
            extracted += analysis.indicators.len();
            found += wanted_here
                .iter()
                .filter(|(kind, surface, normalized)| {
                    analysis.indicators.iter().any(|found| finds(found, kind, surface, normalized))
                })
                .count();
        }
    }
    let set_name = case.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    writeln!(
        out,
        "{set_name}: generated case, shipped model\n  n={} detected as scam or spam: recall={:.4}",
        counts.true_positive + counts.false_negative,
        counts.recall()
    )?;
    if wanted > 0 {
        writeln!(
            out,
            "  indicators: recall={:.4} ({found} of {wanted} written into reports found), {extracted} extracted",
            ratio(found, wanted)
        )?;
    }
    write_confusion(out, "scam_type", &types)?;
    write_confusion(out, "stage", &stages)?;
    Ok(Some(SetScore {
        set: set_name,
        method: "generated case, shipped model".to_owned(),
        counts,
        scam_type_macro_f1: macro_f1(&types),
    }))
}

/// Whether an extracted indicator is the one a generated case wrote. A URL
/// is its host and path: a scheme the victim left out is the extractor's
/// guess and `www.` the same site, a messenger link may come out as the
/// handle's link, and a victim who wrote only the host named a domain.
fn finds(found: &Indicator, kind: &str, surface: &str, normalized: &str) -> bool {
    if kind != "url" {
        return found.kind.as_str() == kind && found.normalized == normalized;
    }
    let site = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        rest.strip_prefix("www.").unwrap_or(rest).trim_end_matches('/').to_ascii_lowercase()
    };
    let written_host_only = !surface.contains('/');
    match found.kind {
        IndicatorKind::Domain => written_host_only && site(normalized).split('/').next() == Some(&found.normalized),
        IndicatorKind::Url | IndicatorKind::Telegram | IndicatorKind::Whatsapp | IndicatorKind::Line => {
            site(&found.normalized) == site(normalized)
        }
        _ => false,
    }
}

/// Recall of the extractor on `address.json` (EVM addresses) and
/// `domains.json` lists, each item embedded in a sentence.
fn indicator_recall(set: &Path, out: &mut impl Write) -> Result<Option<SetScore>, EvalError> {
    let mut counts = Counts::default();
    for (file, kind, template) in [
        ("address.json", IndicatorKind::Eth, "send the USDT to {} today"),
        ("domains.json", IndicatorKind::Domain, "claim your airdrop at {} now"),
    ] {
        let path = set.join(file);
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Io { path: path.clone(), source })?;
        let Ok(items) = serde_json::from_str::<Vec<String>>(&text) else {
            writeln!(out, "skipped {}: not a JSON list of strings", path.display())?;
            continue;
        };
        for item in items {
            let message = template.replace("{}", &item);
            let expected = item.trim().to_ascii_lowercase();
            let found = extract(&message, &Context::none()).iter().any(|i| {
                i.kind == kind && i.normalized.trim_start_matches("www.") == expected.trim_start_matches("www.")
            });
            counts.add(Label::Scam, if found { Label::Scam } else { Label::Ham });
        }
    }
    if counts == Counts::default() {
        return Ok(None);
    }
    let set_name = set.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    writeln!(
        out,
        "{set_name}: indicator recall={:.4} ({} of {})",
        counts.recall(),
        counts.true_positive,
        counts.true_positive + counts.false_negative
    )?;
    Ok(Some(SetScore { set: set_name, method: "indicator recall".to_owned(), counts, scam_type_macro_f1: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_without_text_of_their_own_are_skipped_and_said() {
        let path = std::env::temp_dir().join(format!("crackdown-lure-blank-{}.jsonl", std::process::id()));
        std::fs::write(
            &path,
            "{\"text\":\"<BLANK>\",\"label\":\"spam\"}\n{\"text\":\" \",\"label\":\"ham\"}\n\
             {\"text\":\"<Media omitted>\",\"label\":\"ham\"}\n{\"text\":\"<#> code 1234 <b>\",\"label\":\"ham\"}\n",
        )
        .expect("written");
        let (samples, problems) = load_messages(&path).expect("loads");
        let _ = std::fs::remove_file(&path);
        assert_eq!(samples.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["<#> code 1234 <b>"]);
        assert_eq!(problems.len(), 3);
        assert!(problems[0].ends_with(":1: no text of its own (\"<BLANK>\")"), "{}", problems[0]);
    }

    #[test]
    fn a_generated_case_loads_as_shared_scams_with_their_type() {
        let case = std::env::temp_dir().join(format!("crackdown-lure-case-{}", std::process::id()));
        std::fs::create_dir_all(case.join("truth")).expect("temp dir");
        std::fs::write(
            case.join("truth/campaigns.csv"),
            "report_id,campaign_id,compound_id,scam_type,stage,language,ledger_victim_account,duplicate_of\n\
             R1,C1,K1,task_job,,en,,\nR2,C1,K1,romance,grooming,th,,\n",
        )
        .expect("truth");
        std::fs::write(
            case.join("reports.jsonl"),
            "{\"id\":\"R1\",\"text\":\"pay deposit to unlock tasks\",\"language\":\"en\"}\nnot json\n\
             {\"id\":\"R2\",\"text\":\"ที่รัก\"}\n{\"id\":\"R9\",\"text\":\"no truth\"}\n",
        )
        .expect("reports");
        let samples = load_case(&case).expect("readable").expect("a case");
        std::fs::remove_dir_all(&case).expect("cleanup");
        let seen: Vec<(Option<ScamType>, Option<&str>, usize, Label)> =
            samples.iter().map(|s| (s.scam_type, s.context.language.as_deref(), s.group, s.label)).collect();
        assert_eq!(
            seen,
            [
                (Some(ScamType::TaskJob), Some("en"), SHARED, Label::Scam),
                (Some(ScamType::Romance), Some("th"), SHARED, Label::Scam)
            ]
        );
        assert!(load_case(Path::new("/nonexistent")).expect("no error").is_none());
    }
}
