//! mbox splitting, HTML reduction and DNS fixtures (see `crackdown_fuzz::mbox`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run mbox` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::mbox(data));
