//! Runs `tests/snapml/compare.py`: every graph-pattern count (fan, degree,
//! scatter-gather, temporal and length-constrained cycles, at snapml's
//! default windows and bins) must agree exactly with snapml's
//! GraphFeaturePreprocessor on 100,000 random edges. Skipped
//! (with a message) when Python with snapml and numpy is not installed;
//! `scripts/test` installs them when it can.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn every_pattern_count_agrees_exactly_with_snapml() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&python).args(["-c", "import snapml, numpy"]).output();
    if !probe.is_ok_and(|output| output.status.success()) {
        eprintln!("skipping: {python} with snapml and numpy is not available (pip install snapml numpy)");
        return;
    }
    // Integration tests live in target/<profile>/deps; cargo builds examples beside them.
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe.parent().and_then(|deps| deps.parent()).expect("target profile directory");
    let gfp = profile.join("examples").join(format!("gfp{}", std::env::consts::EXE_SUFFIX));
    assert!(gfp.exists(), "{} is missing: run through cargo test, which builds examples", gfp.display());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapml/compare.py");
    let output = Command::new(&python)
        .arg(&script)
        .args(["100000", "100000", "7", "fan,degree,scatter-gather,temp-cycle,lc-cycle"])
        .env("GFP_BIN", &gfp)
        .output()
        .expect("run compare.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "snapml comparison failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("values agree"), "{stdout}");
}
