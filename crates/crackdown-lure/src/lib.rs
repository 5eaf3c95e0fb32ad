//! Lure analysis for crackdown: what a scam message points to (indicators)
//! and what kind of scam it is (label, type, stage, confidence, reasons).
//!
//! A pure library: no I/O beyond the readers and writers handed to it, no
//! async, no network. E-mail authentication and MIME live in
//! `crackdown-evidence`.

pub mod analyze;
pub mod checksum;
pub mod eval;
pub mod extract;
pub mod lexicon;
pub mod model;
pub mod text;

pub use analyze::{Analysis, AnalyzeSummary, Analyzer, Mode, analyze_jsonl, process_jsonl};
pub use eval::{Counts, EvalOptions, evaluate, load_case, load_messages, train_on_dirs};
pub use extract::{Context, Indicator, IndicatorKind, beside_a_currency, extract, phone_database, registrable_domain};
pub use lexicon::{Label, ScamType, Stage};
pub use model::{Model, Sample, TrainOptions, train};
