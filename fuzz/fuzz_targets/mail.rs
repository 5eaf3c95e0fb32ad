//! One message through the whole e-mail path (see `crackdown_fuzz::mail`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run mail` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::mail(data));
