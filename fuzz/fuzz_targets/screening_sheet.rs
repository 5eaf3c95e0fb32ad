//! Offline screening sheets: all or nothing, errors inside the input, every
//! parsed row assessable (see `crackdown_fuzz::screening_sheet`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run screening_sheet` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::screening_sheet(data));
