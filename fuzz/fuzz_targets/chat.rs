//! Chat exports on every platform (see `crackdown_fuzz::chat`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run chat` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::chat(data));
