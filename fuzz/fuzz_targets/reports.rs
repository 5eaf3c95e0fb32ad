//! Bulk report files in every format: no panic, and records arrive in file
//! order with line numbers inside the file, valid ones with a text.
#![no_main]

use crackdown_ingest::reports::{Defaults, Format, for_each_report};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
});
