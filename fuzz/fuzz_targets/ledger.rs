//! Seized ledgers in both layouts (see `crackdown_fuzz::ledger`).
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run ledger` in `fuzz/`, or `scripts/fuzz-smoke`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| crackdown_fuzz::ledger(data));
