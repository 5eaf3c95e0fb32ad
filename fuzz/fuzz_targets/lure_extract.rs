//! Indicator extraction and analysis (see `crackdown_fuzz::lure_extract`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run lure_extract` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::lure_extract(data));
