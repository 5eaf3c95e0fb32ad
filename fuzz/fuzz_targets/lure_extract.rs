//! Fuzzes the indicator extractor and the analyzer on arbitrary bytes
//! (decoded lossily, as `crackdown analyze` does): no panic, and every
//! indicator's span lies on character boundaries of the text, in order,
//! without overlaps, with the text it spans as its value (cards masked).
//! Judging only the words after a split (an e-mail's headers) keeps the
//! whole text's indicators. The same bytes as a JSONL file give one output line per input line in
//! both modes of `crackdown analyze`.
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run lure_extract` in `fuzz/`.

#![no_main]

use std::sync::LazyLock;

use crackdown_lure::{Analyzer, Context, IndicatorKind, Mode, extract, process_jsonl};
use libfuzzer_sys::fuzz_target;

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::default);

fuzz_target!(|data: &[u8]| {
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
    // An e-mail's sender headers before the judged words, split anywhere (a
    // split inside a character judges the whole text): the indicators are
    // still the whole text's.
    let judged_from = data.first().map_or(0, |first| usize::from(*first) % (text.len() + 1));
    let split = ANALYZER.analyze_after(&text, judged_from, &contexts[0]);
    assert!((0.0..=1.0).contains(&split.confidence), "{split:?}");
    assert_eq!(split.indicators, extract(&text, &contexts[0]));
    for mode in [Mode::Full, Mode::IndicatorsOnly] {
        let mut output = Vec::new();
        let summary = process_jsonl(data, &mut output, &ANALYZER, mode).expect("in-memory I/O");
        assert_eq!(output.iter().filter(|byte| **byte == b'\n').count(), summary.lines, "{mode:?}");
    }
});
