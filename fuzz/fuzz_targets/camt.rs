//! camt.052/053/054: no panic on any bytes (XML bombs, deep nesting, broken
//! entities included), entries numbered within their statement, batched
//! parts numbered within their entry, and every entry in the ledger.
#![no_main]

use crackdown_statements::{Format, read_bytes, reconcile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = read_bytes("fuzz.xml", data, Some(Format::Camt053), None) else { return };
    for statement in &file.statements {
        let mut previous = 0;
        for entry in &statement.entries {
            assert!(entry.number >= previous, "entries out of order");
            previous = entry.number;
            if let Some((part, of)) = entry.part {
                assert!(part >= 1 && part <= of, "part {part} of {of}");
            }
            assert!(
                entry.location.path.as_deref().is_some_and(|path| path.contains("/Ntry[")),
                "entries point to their element"
            );
        }
    }
    let entries: usize = file.statements.iter().map(|statement| statement.entries.len()).sum();
    let ledger = reconcile(vec![file]);
    let transfers = ledger.rows.iter().filter(|row| row.channel != "opening_balance").count();
    assert_eq!(transfers + ledger.merged.len(), entries, "every entry is one ledger row or merged into one");
});
