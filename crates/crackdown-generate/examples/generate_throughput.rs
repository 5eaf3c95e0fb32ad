//! Measures generation throughput: `cargo run --release -p crackdown-generate
//! --example generate_throughput -- [REPORTS] [TRANSACTIONS] [DIR]` prints rows per
//! second for the whole run (reports plus ledger rows).

use std::path::PathBuf;
use std::time::Instant;

use crackdown_generate::{GenerateConfig, generate};

fn main() {
    let mut args = std::env::args().skip(1);
    let reports = args.next().and_then(|text| text.parse().ok()).unwrap_or(100_000);
    let transactions = args.next().and_then(|text| text.parse().ok()).unwrap_or(2_000_000);
    let dir = args.next().map_or_else(|| std::env::temp_dir().join("crackdown-generate-bench"), PathBuf::from);
    let config = GenerateConfig { reports, transactions, ..GenerateConfig::default() };
    let started = Instant::now();
    match generate(&dir, &config, &|_| {}) {
        Ok(summary) => {
            let seconds = started.elapsed().as_secs_f64();
            let rows = summary.reports + summary.transactions;
            println!(
                "generated {} reports + {} transactions into {} in {seconds:.2} s: {:.0} rows/s",
                summary.reports,
                summary.transactions,
                dir.display(),
                rows as f64 / seconds
            );
        }
        Err(error) => {
            eprintln!("generate failed: {error}");
            std::process::exit(1);
        }
    }
}
