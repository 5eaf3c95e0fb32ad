//! Runs `tests/snapml/compare.py`: every graph-pattern count (fan, degree,
//! scatter-gather, temporal and length-constrained cycles, at snapml's
//! default windows and bins) must agree exactly with snapml's
//! GraphFeaturePreprocessor, on 100,000 random edges and on 132,324 edges of
//! a generated bank's book (where cycles run through an economy's hubs and
//! its mules rather than random edges). Skipped (with a message) when Python
//! with snapml and numpy is not installed; `scripts/test` installs them when
//! it can.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crackdown_generate::{GenerateConfig, generate};

/// The Python to run, when it has snapml and numpy.
fn python_with_snapml() -> Option<String> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&python).args(["-c", "import snapml, numpy"]).output();
    if probe.is_ok_and(|output| output.status.success()) {
        Some(python)
    } else {
        eprintln!("skipping: {python} with snapml and numpy is not available (pip install snapml numpy)");
        None
    }
}

/// Runs compare.py with `args` and requires every value to agree.
fn compare(python: &str, args: &[&str]) {
    // Integration tests live in target/<profile>/deps; cargo builds examples beside them.
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe.parent().and_then(|deps| deps.parent()).expect("target profile directory");
    let gfp = profile.join("examples").join(format!("gfp{}", std::env::consts::EXE_SUFFIX));
    assert!(gfp.exists(), "{} is missing: run through cargo test, which builds examples", gfp.display());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapml/compare.py");
    let output = Command::new(python).arg(&script).args(args).env("GFP_BIN", &gfp).output().expect("run compare.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "snapml comparison failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("values agree"), "{stdout}");
}

#[test]
fn every_pattern_count_agrees_exactly_with_snapml() {
    let Some(python) = python_with_snapml() else { return };
    compare(&python, &["100000", "100000", "7", "fan,degree,scatter-gather,temp-cycle,lc-cycle"]);
}

/// Writes a ledger's rows as snapml's edge list, as `bench/suites/trail.py`
/// does: accounts numbered in order of first appearance, rows sorted by
/// time then file order, timestamps in seconds.
fn ledger_edges(ledger: &Path, out: &Path) {
    let mut reader = csv::Reader::from_path(ledger).expect("ledger.csv");
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.expect("ledger row");
        let time = chrono::DateTime::parse_from_rfc3339(&record[1]).expect("RFC 3339 timestamp").timestamp();
        let mut id = |account: &str| {
            let next = index.len();
            *index.entry(account.to_owned()).or_insert(next)
        };
        let (source, target) = (id(&record[2]), id(&record[3]));
        rows.push((time, row, source, target));
    }
    rows.sort_unstable();
    let mut text = String::from("edge_id,source,target,timestamp\n");
    for (time, row, source, target) in rows {
        text.push_str(&format!("{row},{source},{target},{time}\n"));
    }
    std::fs::write(out, text).expect("write edges");
}

#[test]
fn every_pattern_count_agrees_exactly_with_snapml_on_a_bank_book() {
    let Some(python) = python_with_snapml() else { return };
    let dir = tempfile::tempdir().expect("temporary directory");
    // The benchmark's ledger shape (a tenth of the accounts in the book), 120,000
    // rows over 60 days: 132,324 edges, 18.6 million pattern counts (snapml takes
    // about 140 s on 2 cores; fewer accounts make a denser graph than the 1M case).
    let config = GenerateConfig {
        seed: 11,
        reports: 100,
        transactions: 120_000,
        days: 60,
        book_share: 10,
        ..Default::default()
    };
    generate(dir.path(), &config, &|_| {}).expect("generate the case");
    let edges = dir.path().join("edges.csv");
    ledger_edges(&dir.path().join("ledger.csv"), &edges);
    compare(&python, &["--edges", edges.to_str().expect("UTF-8 path")]);
}
