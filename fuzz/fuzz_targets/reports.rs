//! Bulk report files in every format (see `crackdown_fuzz::reports`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run reports` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::reports(data));
