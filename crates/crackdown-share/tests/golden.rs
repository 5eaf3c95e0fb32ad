//! Golden files: the sample export in each format, byte for byte. Set
//! `CRACKDOWN_UPDATE_GOLDEN=1` to rewrite them after an intended change.

mod common;

use std::path::PathBuf;

use crackdown_model::Tlp;
use crackdown_share::{write_ftm, write_misp, write_stix};

fn check(name: &str, actual: &[u8]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("CRACKDOWN_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create tests/golden");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert!(
        expected == actual,
        "{} differs from the export; rerun with CRACKDOWN_UPDATE_GOLDEN=1 if the change is intended",
        path.display()
    );
}

#[test]
fn stix_bundle_matches_its_golden_file() {
    let mut out = Vec::new();
    let summary = write_stix(common::sample(), &common::options(Tlp::Amber), &mut out).expect("in memory");
    assert!(summary.left_out >= 3, "{summary:?}");
    check("sample.stix.json", &out);
}

#[test]
fn misp_events_match_their_golden_file() {
    let mut out = Vec::new();
    write_misp(common::sample(), &common::options(Tlp::Amber), &mut out).expect("in memory");
    check("sample.misp.json", &out);
}

#[test]
fn ftm_entities_match_their_golden_file() {
    let mut out = Vec::new();
    write_ftm(common::sample(), &common::options(Tlp::Amber), &mut out).expect("in memory");
    check("sample.ftm.jsonl", &out);
}
