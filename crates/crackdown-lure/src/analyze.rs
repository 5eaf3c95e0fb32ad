//! The verdict on one message (label, scam type, stage, confidence, reasons)
//! and the `crackdown analyze` JSONL contract built on it.
//!
//! The model decides whether a message is unwanted; the cue lexicon names the
//! scam type and stage and turns "unwanted" into "scam" when a scam type is
//! named or a payment indicator is present. E-mail authentication is not
//! here (see `crackdown-evidence`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Write};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::extract::{Context, Indicator, IndicatorKind, extract};
use crate::lexicon::{CueTarget, Label, Lexicon, ScamType, Stage};
use crate::model::{Model, featurize, sigmoid};

/// Cue weight for one scam type that names it.
const TYPE_THRESHOLD: f32 = 2.0;
/// Cue weight for one scam type that makes a message a scam even when the
/// model (trained on English and Tagalog SMS) has never seen its language.
const CUE_OVERRIDE: f32 = 4.0;

/// The analysis of one message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analysis {
    pub label: Label,
    pub scam_type: Option<ScamType>,
    pub stage: Option<Stage>,
    pub confidence: f64,
    pub indicators: Vec<Indicator>,
    pub reasons: Vec<String>,
}

/// A model and a lexicon, shared by all threads.
pub struct Analyzer {
    model: Model,
    lexicon: &'static Lexicon,
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new(Model::builtin())
    }
}

/// Indicators that carry money or credentials away.
fn is_payment_indicator(kind: IndicatorKind) -> bool {
    matches!(
        kind,
        IndicatorKind::Btc
            | IndicatorKind::Eth
            | IndicatorKind::Tron
            | IndicatorKind::Sol
            | IndicatorKind::Ltc
            | IndicatorKind::Iban
            | IndicatorKind::BankAccount
    )
}

impl Analyzer {
    /// An analyzer with the given model and the shipped lexicon.
    pub fn new(model: Model) -> Analyzer {
        Analyzer { model, lexicon: Lexicon::builtin() }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Analyzes one message.
    pub fn analyze(&self, text: &str, context: &Context) -> Analysis {
        self.analyze_after(text, 0, context)
    }

    /// Analyzes a message whose first `judged_from` bytes name who sent it
    /// (an e-mail's sender headers): they give indicators, with spans into
    /// `text`, but the verdict comes from the words after them. Every
    /// e-mail names a sender address and a connecting server, so those say
    /// nothing about whether this one is a lure; fed to the model, they
    /// read as the addresses lures ask victims to write to.
    pub fn analyze_after(&self, text: &str, judged_from: usize, context: &Context) -> Analysis {
        let judged = text.get(judged_from..).unwrap_or(text);
        let (features, mut observed) = featurize(judged, context, self.lexicon, self.model.bits());
        if judged.len() < text.len() {
            observed.indicators = extract(text, context);
        }
        let probability = sigmoid(self.model.score(&features));
        let mut reasons =
            vec![format!("model: {:.0}% likely unwanted (hashed character n-grams, words, cues)", probability * 100.0)];

        let mut type_scores: HashMap<ScamType, (f32, Vec<&str>)> = HashMap::new();
        let mut stage_scores: HashMap<Stage, (f32, Vec<&str>)> = HashMap::new();
        for cue in &observed.cues {
            match cue.target {
                CueTarget::Type(scam_type) => {
                    let entry = type_scores.entry(scam_type).or_default();
                    entry.0 += cue.weight;
                    entry.1.push(&cue.phrase);
                }
                CueTarget::Stage(stage) => {
                    let entry = stage_scores.entry(stage).or_default();
                    entry.0 += cue.weight;
                    entry.1.push(&cue.phrase);
                }
                CueTarget::Spam => reasons.push(format!("marketing cue \"{}\"", cue.phrase)),
            }
        }
        let best_type = type_scores
            .iter()
            .max_by(|a, b| a.1.0.total_cmp(&b.1.0).then(b.0.cmp(a.0)))
            .map(|(scam_type, (score, phrases))| (*scam_type, *score, phrases.clone()));
        let best_type = best_type.map(|best| prefer_story_type(best, &type_scores));

        let payment = observed.indicators.iter().find(|i| is_payment_indicator(i.kind));
        for indicator in &observed.indicators {
            if indicator.lookalike {
                reasons.push(format!("look-alike host mixing scripts: {}", indicator.value));
            }
            if !indicator.valid {
                reasons.push(format!("{} {:?} fails its checksum or format check", indicator.kind, indicator.value));
            }
        }

        let cue_override = best_type.as_ref().is_some_and(|(_, score, _)| *score >= CUE_OVERRIDE);
        let unwanted = probability >= self.model.threshold() || cue_override;
        if cue_override && probability < self.model.threshold() {
            reasons.push("scam cues outweigh the model".to_owned());
        }
        let named_type = best_type.filter(|(_, score, _)| *score >= TYPE_THRESHOLD);
        let (label, scam_type) = match (&named_type, unwanted) {
            (_, false) => (Label::Ham, None),
            (Some((scam_type, _, phrases)), true) => {
                let quoted: Vec<String> = phrases.iter().map(|p| format!("\"{p}\"")).collect();
                reasons.push(format!("{scam_type} cues: {}", quoted.join(", ")));
                (Label::Scam, Some(*scam_type))
            }
            (None, true) => match payment {
                Some(indicator) => {
                    reasons.push(format!("asks for payment to a {} ({})", indicator.kind, indicator.value));
                    (Label::Scam, Some(ScamType::Other))
                }
                None => (Label::Spam, None),
            },
        };

        let stage = match scam_type {
            Some(ScamType::Romance | ScamType::Investment) => {
                // Victims tell the story in order, up to where it stands now:
                // the latest stage named is the stage of the case.
                let stage = stage_scores.iter().max_by_key(|(stage, _)| **stage).map(|(stage, (_, phrases))| {
                    reasons.push(format!("stage {stage}: \"{}\"", phrases.join("\", \"")));
                    *stage
                });
                Some(stage.unwrap_or(Stage::Contact))
            }
            _ => None,
        };

        let confidence = if unwanted {
            let cue_strength = named_type.as_ref().map_or(0.0, |(_, score, _)| (score / 8.0).min(0.45));
            probability.max(0.5 + cue_strength)
        } else {
            1.0 - probability
        };
        Analysis {
            label,
            scam_type,
            stage,
            confidence: (f64::from(confidence) * 1e4).round() / 1e4,
            indicators: observed.indicators,
            reasons,
        }
    }
}

/// A type cue sum and the phrases behind it.
type Scored<'a> = (ScamType, f32, Vec<&'a str>);

/// The scam type of a story that names several: a relationship that leads
/// to an investment is a romance scam (romance baiting), and a paid
/// "recovery" after a romance or investment scam is that scam's recovery
/// stage, not a scam of its own.
fn prefer_story_type<'a>(best: Scored<'a>, scores: &HashMap<ScamType, (f32, Vec<&'a str>)>) -> Scored<'a> {
    let named = |scam_type: ScamType| {
        scores
            .get(&scam_type)
            .filter(|(score, _)| *score >= TYPE_THRESHOLD)
            .map(|(score, phrases)| (scam_type, *score, phrases.clone()))
    };
    match best.0 {
        ScamType::Investment => named(ScamType::Romance).unwrap_or(best),
        ScamType::Recovery => named(ScamType::Romance).or_else(|| named(ScamType::Investment)).unwrap_or(best),
        _ => best,
    }
}

/// One input line of `crackdown analyze`; borrowed from the line unless
/// JSON escapes force a copy.
#[derive(Deserialize)]
struct InputLine<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    lang: Option<String>,
    country: Option<String>,
}

#[derive(Serialize)]
struct OutputLine<'a> {
    id: &'a str,
    #[serde(flatten)]
    analysis: &'a Analysis,
}

/// One output line of `crackdown analyze --indicators-only`.
#[derive(Serialize)]
struct IndicatorsLine<'a> {
    id: &'a str,
    indicators: &'a [Indicator],
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    error: String,
}

/// What `analyze_jsonl` processed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalyzeSummary {
    pub lines: usize,
    pub errors: usize,
    /// Lines that were not valid UTF-8 and were decoded lossily.
    pub lossy_lines: usize,
    pub scam: usize,
    pub spam: usize,
    pub ham: usize,
}

impl AnalyzeSummary {
    fn add(&mut self, other: &AnalyzeSummary) {
        self.lines += other.lines;
        self.errors += other.errors;
        self.lossy_lines += other.lossy_lines;
        self.scam += other.scam;
        self.spam += other.spam;
        self.ham += other.ham;
    }
}

/// Lines read before they are analyzed in parallel; bounds memory on any input size.
const BATCH_LINES: usize = 4096;
/// Lines one worker analyzes into one output buffer: large enough that
/// scheduling and buffer handling vanish, small enough to balance two cores.
const CHUNK_LINES: usize = 256;

/// What `crackdown analyze` writes per message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The full contract: indicators, label, scam type, stage, confidence, reasons.
    Full,
    /// `{"id", "indicators"}` only, for pipelines that need no classification.
    IndicatorsOnly,
}

/// Analyzes one JSON line and appends its output line (with `\n`) to `out`;
/// counts it in `summary`.
fn analyze_line(
    number: usize,
    raw: &[u8],
    analyzer: &Analyzer,
    mode: Mode,
    out: &mut Vec<u8>,
    summary: &mut AnalyzeSummary,
) {
    let decoded = String::from_utf8_lossy(raw);
    let lossy = matches!(decoded, Cow::Owned(_));
    summary.lines += 1;
    summary.lossy_lines += usize::from(lossy);
    let line = decoded.trim_end_matches(['\n', '\r']);
    let line_start = out.len();
    let mut error_line = |out: &mut Vec<u8>, id: Option<&str>, error: String| {
        summary.errors += 1;
        out.truncate(line_start);
        if serde_json::to_writer(&mut *out, &ErrorLine { id, error }).is_err() {
            out.truncate(line_start);
            out.extend_from_slice(b"{\"error\":\"unprintable\"}");
        }
        out.push(b'\n');
    };
    let input: InputLine = match serde_json::from_str(line) {
        Ok(input) => input,
        Err(error) => {
            let id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|value| value.get("id").and_then(|id| id.as_str()).map(str::to_owned));
            return error_line(out, id.as_deref(), format!("line {number}: {error}"));
        }
    };
    let context = Context { country: input.country, language: input.lang };
    let written = match mode {
        Mode::IndicatorsOnly => {
            let indicators = crate::extract::extract(&input.text, &context);
            serde_json::to_writer(&mut *out, &IndicatorsLine { id: &input.id, indicators: &indicators })
        }
        Mode::Full => {
            let mut analysis = analyzer.analyze(&input.text, &context);
            if lossy {
                analysis.reasons.push(format!("line {number}: not valid UTF-8; decoded lossily"));
            }
            match analysis.label {
                Label::Scam => summary.scam += 1,
                Label::Spam => summary.spam += 1,
                Label::Ham => summary.ham += 1,
            }
            serde_json::to_writer(&mut *out, &OutputLine { id: &input.id, analysis: &analysis })
        }
    };
    match written {
        Ok(()) => out.push(b'\n'),
        Err(error) => error_line(out, Some(&input.id), format!("line {number}: {error}")),
    }
}

/// Reads JSONL `{"id","text","lang"?,"country"?}` and writes one JSON line
/// per input line, in order. A bad line yields `{"id"?, "error"}` and the
/// run goes on; only I/O errors stop it.
pub fn analyze_jsonl(input: impl BufRead, output: impl Write, analyzer: &Analyzer) -> std::io::Result<AnalyzeSummary> {
    process_jsonl(input, output, analyzer, Mode::Full)
}

/// `analyze_jsonl` in either mode. Lines are read into one buffer per batch,
/// analyzed in parallel chunks that each serialize into one buffer, and the
/// buffers are written in input order: one write per chunk.
pub fn process_jsonl(
    mut input: impl BufRead,
    mut output: impl Write,
    analyzer: &Analyzer,
    mode: Mode,
) -> std::io::Result<AnalyzeSummary> {
    let mut summary = AnalyzeSummary::default();
    let mut data: Vec<u8> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(BATCH_LINES);
    let mut buffers: Vec<(Vec<u8>, AnalyzeSummary)> = Vec::new();
    let mut finished = false;
    while !finished {
        data.clear();
        ends.clear();
        while ends.len() < BATCH_LINES {
            if input.read_until(b'\n', &mut data)? == 0 {
                finished = true;
                break;
            }
            ends.push(data.len());
        }
        let chunks = ends.len().div_ceil(CHUNK_LINES);
        buffers.resize_with(chunks.max(buffers.len()), Default::default);
        let first_number = summary.lines + 1;
        buffers[..chunks].par_iter_mut().enumerate().for_each(|(chunk, (out, counts))| {
            out.clear();
            *counts = AnalyzeSummary::default();
            let first = chunk * CHUNK_LINES;
            for index in first..(first + CHUNK_LINES).min(ends.len()) {
                let start = if index == 0 { 0 } else { ends[index - 1] };
                analyze_line(first_number + index, &data[start..ends[index]], analyzer, mode, out, counts);
            }
        });
        for (out, counts) in &buffers[..chunks] {
            summary.add(counts);
            output.write_all(out)?;
        }
    }
    output.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Analyzes with the shipped model and compares label, type and stage.
    fn check(text: &str, language: &str, expected: (Label, Option<ScamType>, Option<Stage>)) {
        let analyzer = Analyzer::default();
        let context = Context { country: None, language: Some(language.to_owned()) };
        let analysis = analyzer.analyze(text, &context);
        assert_eq!((analysis.label, analysis.scam_type, analysis.stage), expected, "{text:?}: {:?}", analysis.reasons);
        assert!((0.0..=1.0).contains(&analysis.confidence));
        assert!(!analysis.reasons.is_empty());
    }

    #[test]
    fn shipped_model_and_lexicon_in_seven_languages() {
        use Label::*;
        check("ok see you at home later, love mum", "en", (Ham, None, None));
        check(
            "WINNER!! You have won a cash prize of £900. To claim call 09061701461 now",
            "en",
            (Scam, Some(ScamType::PrizeLottery), None),
        );
        check(
            "แพลตฟอร์มลงทุนของเรา ผลตอบแทนสูง กำไรทุกวัน ถอนเงินไม่ได้ต้องจ่ายภาษีก่อน โอนเข้าบัญชี 123-4-56789-0",
            "th",
            (Scam, Some(ScamType::Investment), Some(Stage::WithdrawalBlock)),
        );
        check("兼职刷单，日结佣金，做任务就能赚钱，加微信: lisa88888", "zh", (Scam, Some(ScamType::TaskJob), None));
        check(
            "Chúc mừng! Bạn đã trúng thưởng giải thưởng 50 triệu, nhấp vào liên kết http://qua-tang[.]xyz/nhan",
            "vi",
            (Scam, Some(ScamType::PrizeLottery), None),
        );
        check(
            "Pinjaman dana cepat tanpa jaminan, pinjol resmi bunga rendah, hubungi WA 0812-3456-7890",
            "id",
            (Scam, Some(ScamType::Loan), None),
        );
        check(
            "Nanalo ka ng premyo na P50,000! I-claim sa bit.ly/claim-premyo bago mag-expire",
            "tl",
            (Scam, Some(ScamType::PrizeLottery), None),
        );
        check(
            "ကံထူးရှင် ဆုရ ပါသည်။ ဆုငွေ ထုတ်ယူရန် လင့်ခ် http://prize-mm.top/win နှိပ်ပါ",
            "my",
            (Scam, Some(ScamType::PrizeLottery), None),
        );
    }

    #[test]
    fn a_story_is_typed_by_how_it_began_and_staged_by_where_it_stands() {
        use Label::*;
        // A relationship that turned into an investment pitch: romance, and the
        // latest stage told (a blocked withdrawal), not the most talked-about one.
        check(
            "I met him on a dating app, we talked every day. He said to invest on his trading platform with \
             guaranteed profit, I deposited a small amount, then I could not withdraw and had to pay taxes",
            "en",
            (Scam, Some(ScamType::Romance), Some(Stage::WithdrawalBlock)),
        );
        // A paid "recovery" after an investment scam is that scam's recovery stage.
        check(
            "I was added to an investment group with free trading signals and lost my savings. Then an asset \
             recovery agency said they traced my funds, I paid a lawyer and they disappeared",
            "en",
            (Scam, Some(ScamType::Investment), Some(Stage::Recovery)),
        );
        // A recovery offer on its own stays a recovery scam.
        check(
            "An asset recovery agency said they traced my funds and asked for a fee first",
            "en",
            (Scam, Some(ScamType::Recovery), None),
        );
        check("说要先交关税才能放行包裹，对方冒充海关工作人员", "zh", (Scam, Some(ScamType::Impersonation), None));
    }

    #[test]
    fn indicators_only_keeps_order_and_the_indicators_of_the_full_analysis() {
        // More lines than one chunk, with bad lines among them, and no final newline.
        let mut input = String::new();
        for number in 0..700 {
            if number % 97 == 5 {
                input.push_str("{not json\n");
            } else {
                input.push_str(&format!(
                    "{{\"id\":\"m{number}\",\"text\":\"call +66 81 234 {number:04} or t.me/agent{number}\"}}\n"
                ));
            }
        }
        input.pop();
        let analyzer = Analyzer::default();
        let run = |mode| {
            let mut output = Vec::new();
            let summary = process_jsonl(input.as_bytes(), &mut output, &analyzer, mode).expect("in memory");
            let lines: Vec<serde_json::Value> = output
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l).expect("JSON"))
                .collect();
            (summary, lines)
        };
        let (full_summary, full) = run(Mode::Full);
        let (only_summary, only) = run(Mode::IndicatorsOnly);
        assert_eq!((full_summary.lines, full_summary.errors), (700, 8));
        assert_eq!((only_summary.lines, only_summary.errors, only_summary.scam), (700, 8, 0));
        assert_eq!(full.len(), 700);
        for (number, (full, only)) in full.iter().zip(&only).enumerate() {
            if number % 97 == 5 {
                assert!(full["error"].as_str().is_some_and(|e| e.starts_with(&format!("line {}:", number + 1))));
                assert_eq!(full, only);
                continue;
            }
            assert_eq!(full["id"], format!("m{number}"));
            let keys: Vec<&str> = only.as_object().expect("object").keys().map(String::as_str).collect();
            assert_eq!(keys, ["id", "indicators"]);
            assert_eq!((&only["id"], &only["indicators"]), (&full["id"], &full["indicators"]));
            assert_eq!(only["indicators"].as_array().map(Vec::len), Some(2));
        }
    }

    #[test]
    fn jsonl_lines_have_exactly_the_contract_fields() {
        let input = "{\"id\":\"r1\",\"text\":\"send USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\",\"country\":\"TH\"}\n";
        let mut output = Vec::new();
        let summary = analyze_jsonl(input.as_bytes(), &mut output, &Analyzer::default()).expect("in memory");
        assert_eq!(summary.lines, 1);
        let line: serde_json::Value = serde_json::from_slice(&output).expect("JSON");
        let keys: Vec<&str> = line.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, ["confidence", "id", "indicators", "label", "reasons", "scam_type", "stage"]);
        let indicator = line["indicators"][0].as_object().expect("object");
        let keys: Vec<&str> = indicator.keys().map(String::as_str).collect();
        assert_eq!(keys, ["end", "normalized", "start", "type", "valid", "value"]);
        assert_eq!(line["indicators"][0]["type"], "tron");
        assert_eq!(line["indicators"][0]["start"], 13);
    }
}
