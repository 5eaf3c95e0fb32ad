//! Every sample under `tests/data/<format>/<source>/` is read and reconciled
//! on its own, and the result compared with `<sample>.golden.json` beside it.
//! `UPDATE_GOLDEN=1 cargo test -p crackdown-statements --test golden`
//! rewrites the golden files; review their diff before committing.

use std::path::{Path, PathBuf};

use crackdown_statements::{Profile, read_file, reconcile};

fn samples(folder: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(folder).expect("data folder").map(|entry| entry.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("").to_owned();
        if path.is_dir() {
            samples(&path, found);
        } else if !(name.ends_with(".golden.json") || name.ends_with(".md") || name.contains(".profile.")) {
            found.push(path);
        }
    }
}

fn profile_for(sample: &Path) -> Option<Profile> {
    let stem = sample.file_stem()?.to_str()?;
    let path = sample.with_file_name(format!("{stem}.profile.toml"));
    path.exists().then(|| Profile::load(&path).expect("sample profile loads"))
}

#[test]
fn samples_match_their_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut found = Vec::new();
    samples(&root, &mut found);
    assert!(found.len() >= 15, "expected the committed samples, found {}", found.len());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for sample in &found {
        let profile = profile_for(sample);
        let read =
            read_file(sample, None, profile.as_ref()).unwrap_or_else(|error| panic!("{}: {error}", sample.display()));
        let ledger = reconcile(vec![read.clone()]);
        let value = serde_json::json!({ "file": read, "ledger": ledger });
        let text = serde_json::to_string_pretty(&value).expect("serializes") + "\n";
        let golden = sample
            .with_file_name(format!("{}.golden.json", sample.file_name().and_then(|name| name.to_str()).unwrap_or("")));
        if update {
            std::fs::write(&golden, &text).expect("writes golden file");
        } else {
            let expected = std::fs::read_to_string(&golden).unwrap_or_default();
            if expected != text {
                stale.push(golden.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "results differ from golden files (UPDATE_GOLDEN=1 to rewrite, then review the diff): {stale:#?}"
    );
}
