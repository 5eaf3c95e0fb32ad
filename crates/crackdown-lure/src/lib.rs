//! Lure analysis for crackdown: what a scam message points to (indicators)
//! and what kind of scam it is (label, type, stage, reasons).
//!
//! A pure library: no I/O beyond the readers and writers handed to it, no
//! async, no network. E-mail authentication and MIME live in
//! `crackdown-evidence`.

pub mod checksum;
pub mod extract;
pub mod text;

pub use extract::{Context, Indicator, IndicatorKind, extract, registrable_domain};
