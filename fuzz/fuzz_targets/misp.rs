//! The MISP reader of crackdown-share on any bytes: see `fuzz/src/share.rs`.
#![no_main]

// Each target uses one of the bodies.
#[allow(dead_code)]
#[path = "../src/share.rs"]
mod share;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| share::misp(data));
