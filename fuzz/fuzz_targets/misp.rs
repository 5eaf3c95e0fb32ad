//! The MISP reader of crackdown-share on any bytes: see `fuzz/src/share.rs`.
#![no_main]

#[path = "../src/share.rs"]
mod share;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| share::misp(data));
