//! Scores mules and finds typologies straight from `accounts.csv` and a
//! native ledger CSV, without a store, and writes what `eval.py`-style
//! judges read: `mules.csv` (account,score) and `hits.json`.
//!
//! Usage: `cargo run --release -p crackdown-trail --example quality -- ACCOUNTS LEDGER OUT_DIR [LABELS]`
//! The bench suite (`bench/suites/trail.py`) goes through the real CLI; this
//! is the fast loop for developing the detectors.

use std::io::Write as _;
use std::time::Instant;

use crackdown_trail::mules::{MuleModel, read_csv_files};
use crackdown_trail::typology::{TypologyConfig, detect};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [accounts, ledger_path, out, rest @ ..] = args.as_slice() else {
        return Err("usage: quality ACCOUNTS LEDGER OUT_DIR [LABELS]".into());
    };
    let started = Instant::now();
    let ledger = read_csv_files(accounts.as_ref(), ledger_path.as_ref())?;
    eprintln!("loaded {} transfers in {:.1} s", ledger.len(), started.elapsed().as_secs_f64());
    let started = Instant::now();
    let hits = detect(&ledger, &TypologyConfig::default());
    eprintln!("{} typology hits in {:.1} s", hits.len(), started.elapsed().as_secs_f64());
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&hits).map_err(|e| e.to_string())?;
    std::fs::write(format!("{out}/hits.json"), json).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut model = MuleModel::new(&ledger, hits);
    if let Some(labels) = rest.first() {
        let text = std::fs::read_to_string(labels).map_err(|e| format!("{labels}: {e}"))?;
        let labels: Vec<(String, bool)> = text
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(','))
            .map(|(account, label)| (account.to_owned(), label.trim() == "1"))
            .collect();
        model.learn(&ledger, &labels);
        if let Some(cv) = model.cross_validation() {
            eprintln!("trees chosen by grouped cross-validation: {} (mean fold AP {:.3})", cv.trees, cv.fold_ap);
        }
    }
    let ranking = model.ranking(&ledger);
    // Development aid: QUALITY_SIGNALS=FILE writes every account's signal values (account,score,signals...).
    if let Ok(path) = std::env::var("QUALITY_SIGNALS") {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).map_err(|e| format!("{path}: {e}"))?);
        writeln!(out, "account,score,{}", crackdown_trail::mules::SIGNALS.join(",")).map_err(|e| e.to_string())?;
        for (account, score) in &ranking {
            let evidence = model.explain(&ledger, account).unwrap_or_default();
            let values: Vec<String> = crackdown_trail::mules::SIGNALS
                .iter()
                .map(|signal| evidence.iter().find(|e| e.signal == *signal).map_or(0.0, |e| e.value).to_string())
                .collect();
            writeln!(out, "{account},{score},{}", values.join(",")).map_err(|e| e.to_string())?;
        }
    }
    // Development aid: QUALITY_EXPLAIN=ACCOUNT,ACCOUNT prints why those accounts scored as they did.
    for account in std::env::var("QUALITY_EXPLAIN").unwrap_or_default().split(',').filter(|a| !a.is_empty()) {
        eprintln!("== {account}");
        for line in model.explain(&ledger, account).unwrap_or_default().iter().take(16) {
            eprintln!("  {:<16} {:>6.3} {:>+7.3}  {}", line.signal, line.value, line.effect, line.detail);
        }
    }
    eprintln!("scored {} accounts in {:.1} s", ranking.len(), started.elapsed().as_secs_f64());
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(format!("{out}/mules.csv")).map_err(|e| e.to_string())?);
    writeln!(file, "account,score").map_err(|e| e.to_string())?;
    for (account, score) in ranking {
        writeln!(file, "{account},{score:.6}").map_err(|e| e.to_string())?;
    }
    Ok(())
}
