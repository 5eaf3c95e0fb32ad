//! Fuzz bodies for the partner-sharing readers (crackdown-share). Kept apart
//! from `lib.rs` because the `crackdown` crate's corpus test includes that
//! file and does not depend on crackdown-share; `crates/crackdown-share/
//! tests/fuzz_corpus.rs` runs these over a corpus on the stable toolchain.
//!
//! What must hold for any bytes: no panic; a read is whole or an error; what
//! is read has only markings that exist, no indicator without a value, and
//! reading it again (written back out) gives the same indicators.

use chrono::{TimeZone, Utc};
use crackdown_share::{
    ExportItem, ExportOptions, Imported, Indicator, Limits, Provenance, ReadOptions, read_ftm, read_misp, read_stix,
    write_stix,
};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every body by name.
pub const TARGETS: &[(&str, Target)] = &[("stix", stix), ("misp", misp), ("ftm", ftm)];

fn options() -> ReadOptions {
    let received_at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().unwrap_or_default();
    let mut options = ReadOptions::new(Provenance { partner: "fuzz".into(), feed: "fuzz".into(), received_at });
    // Small limits, so the limit paths run too.
    options.limits = Limits { max_object_bytes: 1 << 16, max_depth: 32, max_objects: 10_000 };
    options
}

fn check(imported: &Imported) {
    for indicator in &imported.indicators {
        assert!(!indicator.key.value.is_empty(), "an indicator without a value: {indicator:?}");
        assert!(!indicator.source_ids.is_empty(), "an indicator from nowhere: {indicator:?}");
    }
    // What was read can be shared again and reads back the same.
    let items = imported.indicators.iter().map(|indicator| {
        ExportItem::Indicator(Indicator {
            key: indicator.key.clone(),
            tlp: indicator.tlp,
            first_seen: indicator.first_seen.unwrap_or_default(),
        })
    });
    let export = ExportOptions {
        tlp_max: crackdown_model::Tlp::Red,
        producer: "fuzz".into(),
        created: Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().unwrap_or_default(),
    };
    let mut bundle = Vec::new();
    write_stix(items, &export, &mut bundle).expect("in-memory write");
    let again = read_stix(bundle.as_slice(), &options()).expect("our own bundle reads back");
    let keys = |imported: &Imported| {
        let mut keys: Vec<_> = imported.indicators.iter().map(|i| (i.key.clone(), i.tlp)).collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&again), keys(imported), "indicators changed through a second export");
}

/// STIX bundles.
pub fn stix(data: &[u8]) {
    if let Ok(imported) = read_stix(data, &options()) {
        check(&imported);
    }
}

/// MISP event JSON in all its shapes.
pub fn misp(data: &[u8]) {
    if let Ok(imported) = read_misp(data, &options()) {
        check(&imported);
    }
}

/// FtM JSON lines.
pub fn ftm(data: &[u8]) {
    if let Ok(imported) = read_ftm(data, &options()) {
        check(&imported);
    }
}
