//! The bodies of the fuzz targets, one function per parser that takes
//! uploaded or imported bytes. The targets under `fuzz_targets/` call them
//! under libFuzzer (`cargo fuzz`, which needs a nightly compiler or
//! `RUSTC_BOOTSTRAP=1`); the integration test `fuzz_corpus` of the
//! `crackdown` crate includes this file and runs the same bodies over a
//! corpus of samples, hostile inputs and deterministic mutations on the
//! stable toolchain, so `scripts/fuzz-smoke` has something to run anywhere.
//!
//! Each body asserts what must hold for any input: no panic (the harness
//! catches it), and the invariants named in its comment.

use std::sync::LazyLock;

use crackdown_evidence::auth::{DnsFixture, envelope_from_received, sender_flags};
use crackdown_evidence::chat::{ChatOptions, Platform, parse_chat};
use crackdown_evidence::mail::html::html_to_text;
use crackdown_evidence::mail::mbox::MboxReader;
use crackdown_evidence::parse_mail;
use crackdown_ingest::reports::{Defaults, Format, for_each_report};
use crackdown_lure::{Analyzer, Context, IndicatorKind, Mode, extract, process_jsonl};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every body by name, for harnesses that run them all.
pub const TARGETS: &[(&str, Target)] = &[
    ("mail", mail),
    ("mbox", mbox),
    ("chat", chat),
    ("reports", reports),
    ("lure_extract", lure_extract),
    ("ledger", ledger),
    ("screening_sheet", screening_sheet),
];

/// One message through the whole e-mail path: MIME parsing, HTML reduction,
/// link analysis, analysis text, SPF envelope, sender flags, and the report
/// made of it, whose shared text and detail never hold a recipient address.
pub fn mail(data: &[u8]) {
    if let Ok(mail) = parse_mail(data) {
        let _ = mail.text_for_analysis();
        let _ = envelope_from_received(&mail);
        let _ = sender_flags(&mail, &["paypal.com".to_owned(), "kasikornbank.com".to_owned()]);
        let (report, detail) = crackdown_evidence::report::mail_report(data, &mail, crackdown_model::Tlp::Amber);
        for recipient in mail.to.iter().chain(&mail.cc).map(|mailbox| mailbox.address.trim()) {
            if recipient.len() >= 3 {
                let lower = recipient.to_ascii_lowercase();
                assert!(!report.text.to_ascii_lowercase().contains(&lower), "recipient {recipient:?} in the text");
                assert!(
                    !detail.to_string().to_ascii_lowercase().contains(&lower),
                    "recipient {recipient:?} in the detail"
                );
            }
        }
    }
}

/// mbox splitting with a small size cap, then each message parsed; plus the
/// HTML reducer and DNS-fixture parser on the same bytes as text.
pub fn mbox(data: &[u8]) {
    for message in MboxReader::new(data, 4096).flatten() {
        let _ = parse_mail(&message.bytes);
    }
    let text = String::from_utf8_lossy(data);
    let _ = html_to_text(&text, 50);
    let _ = DnsFixture::parse(&text);
}

/// Chat exports: auto-detection, then each platform's parser forced, with
/// and without an owner; the report made of one names its owner nowhere
/// in its shared text.
pub fn chat(data: &[u8]) {
    let _ = parse_chat(data, &ChatOptions::default());
    for platform in [Platform::Whatsapp, Platform::Telegram, Platform::Line] {
        let options = ChatOptions {
            platform: Some(platform),
            owner: Some("Nok".to_owned()),
            file_name: Some("WhatsApp Chat with Mentor Lisa.txt".to_owned()),
            ..ChatOptions::default()
        };
        if let Ok(conversation) = parse_chat(data, &options) {
            let _ = conversation.text_for_analysis();
            let (report, _) = crackdown_evidence::report::chat_report(data, &conversation, crackdown_model::Tlp::Amber);
            assert!(!report.text.split(|c: char| !c.is_alphanumeric()).any(|word| word == "Nok"), "owner in the text");
        }
    }
}

/// Bulk report files in every format: records arrive in file order with
/// line numbers inside the file, valid ones with a text.
pub fn reports(data: &[u8]) {
    let lines = data.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1;
    for format in [Format::Jsonl, Format::JsonArray, Format::Csv] {
        let mut previous = 0;
        let _ = for_each_report(data, format, &Defaults::default(), |(line, record)| {
            assert!(line >= previous, "records out of order: {line} after {previous}");
            previous = line;
            if format != Format::JsonArray {
                assert!(line >= 1 && line <= lines, "line {line} outside a {lines}-line input");
            }
            if let Ok(report) = record {
                assert!(!report.text.trim().is_empty(), "a valid report has a text");
            }
        });
    }
}

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::default);

/// The indicator extractor and the analyzer on arbitrary bytes (decoded
/// lossily, as `crackdown analyze` does): every indicator's span lies on
/// character boundaries of the text, in order, without overlaps, with the
/// text it spans as its value (cards masked). Judging only the words after
/// a split (an e-mail's headers) keeps the whole text's indicators. The same
/// bytes as a JSONL file give one output line per input line in both modes
/// of `crackdown analyze`.
pub fn lure_extract(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let contexts = [Context::none(), Context { country: Some("TH".into()), language: Some("th".into()) }];
    for context in &contexts {
        let mut previous_end = 0;
        for indicator in extract(&text, context) {
            assert!(indicator.start <= indicator.end && indicator.end <= text.len(), "{indicator:?}");
            assert!(indicator.start >= previous_end, "overlap: {indicator:?}");
            assert!(text.is_char_boundary(indicator.start) && text.is_char_boundary(indicator.end), "{indicator:?}");
            if indicator.kind != IndicatorKind::Card {
                assert_eq!(indicator.value, text[indicator.start..indicator.end], "{indicator:?}");
            }
            assert!(!indicator.normalized.is_empty(), "{indicator:?}");
            previous_end = indicator.end;
        }
    }
    let analysis = ANALYZER.analyze(&text, &contexts[1]);
    assert!((0.0..=1.0).contains(&analysis.confidence), "{analysis:?}");
    let judged_from = data.first().map_or(0, |first| usize::from(*first) % (text.len() + 1));
    let split = ANALYZER.analyze_after(&text, judged_from, &contexts[0]);
    assert!((0.0..=1.0).contains(&split.confidence), "{split:?}");
    assert_eq!(split.indicators, extract(&text, &contexts[0]));
    for mode in [Mode::Full, Mode::IndicatorsOnly] {
        let mut output = Vec::new();
        let summary = process_jsonl(data, &mut output, &ANALYZER, mode).expect("in-memory I/O");
        assert_eq!(output.iter().filter(|byte| **byte == b'\n').count(), summary.lines, "{mode:?}");
    }
}

/// Seized ledgers in both layouts: the header is the only fatal error, and
/// every line is a transfer or an error naming its line.
pub fn ledger(data: &[u8]) {
    use crackdown_trail::parse::{LedgerFormat, LedgerReader};
    for format in [LedgerFormat::Native, LedgerFormat::AmlWorld] {
        let Ok(mut reader) = LedgerReader::new(data, "fuzz.csv", format) else { continue };
        let mut batches = 0;
        while let Some(_batch) = reader.next_batch(64) {
            batches += 1;
            assert!(batches <= data.len() + 1, "more batches than bytes");
        }
        let _ = reader.stats();
    }
}

static QUESTIONNAIRE: LazyLock<Option<crackdown_screening::Questionnaire>> =
    LazyLock::new(|| crackdown_screening::Questionnaire::embedded().ok());

/// Offline screening sheets: all or nothing — either every row is a record
/// (lines increasing, inside the input, answers mapped to the questionnaire's
/// indicators and each one assessable) or there are errors naming lines
/// inside the input, at most `MAX_ERRORS` of them, and a total at least as
/// large. The same bytes as a questionnaire definition are refused or
/// loaded, never a panic.
pub fn screening_sheet(data: &[u8]) {
    use crackdown_screening::sheet::{MAX_ERRORS, parse_sheet};
    let Some(questionnaire) = QUESTIONNAIRE.as_ref() else { panic!("the embedded questionnaire loads") };
    let lines = data.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1;
    match parse_sheet(data, "fuzz.csv", questionnaire) {
        Ok(records) => {
            let mut previous = 1;
            for record in &records {
                assert!(
                    record.line > previous && record.line <= lines,
                    "line {} after {previous} of {lines}",
                    record.line
                );
                previous = record.line;
                for answer in &record.interview.answers {
                    let question = questionnaire.question(&answer.question).expect("answers name known questions");
                    assert_eq!(answer.maps_to, question.maps_to);
                }
                let _ = crackdown_screening::assess(questionnaire, &record.person, &record.interview)
                    .expect("a parsed row is assessable");
            }
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty() && errors.errors.len() <= MAX_ERRORS, "{} errors", errors.errors.len());
            assert!(errors.total >= errors.errors.len());
            for error in &errors.errors {
                assert!(error.line <= lines, "{error} outside a {lines}-line input");
            }
        }
    }
    let _ = crackdown_screening::Questionnaire::parse(&String::from_utf8_lossy(data), "fuzz.toml");
}
