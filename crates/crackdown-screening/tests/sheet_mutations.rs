//! The sheet parser on mutated and arbitrary bytes, inside this crate's own
//! test run (the `screening_sheet` fuzz target in `fuzz/` checks the same
//! invariants under libFuzzer and in the `fuzz_corpus` test): no panic,
//! whole sheet or errors, lines inside the input.

mod common;

use common::questionnaire;
use crackdown_screening::assess;
use crackdown_screening::sheet::{MAX_ERRORS, parse_sheet};
use proptest::prelude::*;

const SAMPLE: &[u8] = include_bytes!("data/sheet-ok.csv");

fn check(data: &[u8]) -> Result<(), TestCaseError> {
    let questionnaire = questionnaire();
    let lines = data.iter().filter(|&&byte| byte == b'\n').count() as u64 + 1;
    match parse_sheet(data, "mutated.csv", &questionnaire) {
        Ok(records) => {
            let mut previous = 1;
            for record in &records {
                prop_assert!(record.line > previous && record.line <= lines);
                previous = record.line;
                prop_assert!(assess(&questionnaire, &record.person, &record.interview).is_ok());
            }
        }
        Err(errors) => {
            prop_assert!(!errors.errors.is_empty() && errors.errors.len() <= MAX_ERRORS);
            prop_assert!(errors.errors.iter().all(|error| error.line <= lines), "{errors}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sheets_hold_the_invariants(edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6)) {
        let mut data = SAMPLE.to_vec();
        for (at, kind, byte) in edits {
            let index = at.index(data.len() + 1);
            match kind {
                0 if index < data.len() => data[index] = byte,
                1 => data.insert(index, [b',', b'\n', b'"', b';', b'@', b':', byte][usize::from(byte) % 7]),
                2 => data.truncate(index),
                _ => {
                    let end = (index + 40).min(data.len());
                    let chunk = data[index.min(end)..end].to_vec();
                    data.splice(index..index, chunk);
                }
            }
        }
        check(&data)?;
    }

    #[test]
    fn arbitrary_bytes_hold_the_invariants(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&data)?;
    }
}
