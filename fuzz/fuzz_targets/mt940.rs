//! MT940/MT942 statements: no panic, entries numbered within their
//! statement in file order, every entry's statement emitted after it, and
//! reconciliation conserves what it is given.
#![no_main]

use crackdown_statements::{Format, read_bytes, reconcile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1;
    for format in [Format::Mt940, Format::Mt942] {
        let Ok(file) = read_bytes("fuzz.sta", data, Some(format), None) else { continue };
        for (position, statement) in file.statements.iter().enumerate() {
            assert_eq!(statement.index as usize, position + 1, "statements numbered in order");
            for (number, entry) in statement.entries.iter().enumerate() {
                assert_eq!(entry.number as usize, number + 1, "entries numbered in order");
                assert!(
                    entry.location.line >= 1 && entry.location.line <= lines,
                    "line {} of {lines}",
                    entry.location.line
                );
                assert!(entry.amount.minor() >= 0, "amounts are positive, the mark gives the direction");
            }
        }
        let entries: usize = file.statements.iter().map(|statement| statement.entries.len()).sum();
        let ledger = reconcile(vec![file]);
        let transfers = ledger.rows.iter().filter(|row| row.channel != "opening_balance").count();
        assert_eq!(
            transfers + ledger.merged.len(),
            entries,
            "every entry is one ledger row or merged into one, none dropped"
        );
    }
});
