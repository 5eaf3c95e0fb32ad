//! Hostile input: 10 MB single lines, regex bait, binary garbage, invalid
//! UTF-8. Nothing may panic and time must stay bounded.

use std::time::{Duration, Instant};

use crackdown_lure::{Analyzer, Context, analyze_jsonl, extract};

/// Generous for unoptimised test builds; release runs are far faster.
const LIMIT: Duration = Duration::from_secs(120);

fn timed_extract(name: &str, text: &str) {
    let started = Instant::now();
    let found = extract(text, &Context::none());
    let elapsed = started.elapsed();
    println!("{name}: {} bytes, {} indicators, {elapsed:?}", text.len(), found.len());
    assert!(elapsed < LIMIT, "{name} took {elapsed:?}");
    for indicator in &found {
        assert!(indicator.start <= indicator.end && indicator.end <= text.len());
        assert!(text.is_char_boundary(indicator.start) && text.is_char_boundary(indicator.end));
    }
}

#[test]
fn ten_megabyte_lines_finish_in_bounded_time() {
    const SIZE: usize = 10 << 20;
    timed_extract("letters", &"a".repeat(SIZE));
    timed_extract("digits and spaces", &"1 ".repeat(SIZE / 2));
    timed_extract("dotted labels", &"ab.".repeat(SIZE / 3));
    timed_extract("defang tokens", &"[.]".repeat(SIZE / 3));
    timed_extract("one endless url", &format!("http://{}", "a".repeat(SIZE)));
    timed_extract("base58 run", &"1A1zP1eP5QGefi2DMPTfTL5SLmv7D".repeat(SIZE / 29));
    timed_extract("hex", &"0x0123456789abcdef".repeat(SIZE / 18));
    timed_extract("at signs", &"a@".repeat(SIZE / 2));
    timed_extract("thai digits", &"๑".repeat(SIZE / 3));
    timed_extract("colons", &"1:".repeat(SIZE / 2));
}

#[test]
fn binary_garbage_and_invalid_utf8_become_error_or_lossy_lines() {
    let mut state: u64 = 42;
    let mut garbage = Vec::with_capacity(1 << 20);
    for _ in 0..(1 << 20) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        garbage.push(state as u8);
    }
    let text = String::from_utf8_lossy(&garbage).into_owned();
    timed_extract("garbage", &text);

    let mut input = Vec::new();
    input.extend_from_slice(b"{\"id\":\"a\",\"text\":\"call +66 81 234 5678\",\"lang\":\"th\"}\n");
    input.extend_from_slice(b"not json at all\n");
    input.extend_from_slice(b"{\"id\":\"c\",\"text\":\"bad \xff\xfe bytes\"}\n");
    input.extend_from_slice(b"{\"id\":\"d\"}\n");
    input.extend_from_slice(&garbage[..4096]);
    input.push(b'\n');
    let analyzer = Analyzer::default();
    let mut output = Vec::new();
    let summary = analyze_jsonl(input.as_slice(), &mut output, &analyzer).expect("in-memory I/O");
    let lines: Vec<serde_json::Value> = output
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("every output line is JSON"))
        .collect();
    assert_eq!(lines.len(), input.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count());
    assert_eq!(summary.lines, lines.len());
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["indicators"][0]["normalized"], "+66812345678");
    assert!(lines[1]["error"].as_str().is_some_and(|e| e.starts_with("line 2:")));
    assert_eq!(lines[2]["id"], "c");
    assert!(lines[2]["reasons"].to_string().contains("decoded lossily"));
    assert_eq!(lines[3]["id"], "d");
    assert!(lines[3]["error"].as_str().is_some_and(|e| e.contains("text")));
    assert!(summary.errors >= 2 && summary.lossy_lines >= 1);
}
