//! Mule scoring quality on a case written by `crackdown generate`.
//!
//! `cargo run --release -p crackdown-trail --example mule_quality -- DIR
//! [ROWS SEED LOOKALIKES]` generates a case of ROWS transactions (default
//! 200,000, seed 42, 25% look-alike persons) into DIR unless DIR already has
//! a `ledger.csv`, reads `DIR/accounts.csv` and `DIR/ledger.csv` straight
//! from the files (no store), scores every account without labels and prints the average
//! precision and precision at K (the number of true mules) against
//! `DIR/truth/mules.csv`, which mule roles were found, and which legitimate
//! look-alike patterns (`truth/lookalikes.csv`) made it into the top K.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crackdown_generate::{GenerateConfig, generate};
use crackdown_trail::mules::{MuleModel, SIGNALS, average_precision, read_csv_files};
use crackdown_trail::typology::{TypologyConfig, detect};

fn main() {
    if let Err(error) = run() {
        eprintln!("mule_quality: {error}");
        std::process::exit(2);
    }
}

/// `account -> value of column` for a truth file.
fn column(path: &Path, value: &str) -> Result<HashMap<String, String>, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let headers = reader.headers()?.clone();
    let at = headers.iter().position(|name| name == value).ok_or(format!("{}: no column {value}", path.display()))?;
    let mut out = HashMap::new();
    for record in reader.records() {
        let record = record?;
        out.insert(record[0].to_owned(), record[at].to_owned());
    }
    Ok(out)
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: mule_quality DIR [ROWS SEED LOOKALIKES]")?);
    if !dir.join("ledger.csv").exists() {
        let mut number = |default: u64| args.next().map_or(Ok(default), |text| text.parse::<u64>());
        let config = GenerateConfig {
            transactions: number(200_000)?,
            seed: number(42)?,
            lookalikes: u32::try_from(number(25)?)?,
            reports: 100,
            emails: 2,
            chats: 2,
            ..GenerateConfig::default()
        };
        generate(&dir, &config, &|_| {})?;
    }
    let started = Instant::now();
    let ledger = read_csv_files(&dir.join("accounts.csv"), &dir.join("ledger.csv"))?;
    let loaded = started.elapsed().as_secs_f64();
    let model = MuleModel::new(&ledger, detect(&ledger, &TypologyConfig::default()));
    let ranking = model.ranking(&ledger);
    let scored = started.elapsed().as_secs_f64() - loaded;

    let roles = column(&dir.join("truth/mules.csv"), "role")?;
    let lookalikes = column(&dir.join("truth/lookalikes.csv"), "pattern")?;
    let mules: HashSet<&str> = roles.keys().map(String::as_str).collect();
    let ranked: Vec<&str> = ranking.iter().map(|(name, _)| name.as_str()).collect();
    let k = mules.len();
    let found = ranked.iter().take(k).filter(|name| mules.contains(*name)).count();
    println!(
        "{} transfers, {} accounts, {} mules; load {loaded:.1} s, score {scored:.1} s",
        ledger.len(),
        ranked.len(),
        mules.len()
    );
    println!("mule AP {:.4}  precision@{k} {:.4}", average_precision(&ranked, &mules), found as f64 / k.max(1) as f64);
    let mut by_role: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (account, role) in &roles {
        let entry = by_role.entry(role.as_str()).or_default();
        entry.1 += 1;
        if ranked.iter().take(k).any(|name| name == account) {
            entry.0 += 1;
        }
    }
    for (role, (top, all)) in by_role {
        println!("  {role:12} {top}/{all} in the top {k}");
    }
    let mut intruders: BTreeMap<String, usize> = BTreeMap::new();
    for name in ranked.iter().take(k).filter(|name| !mules.contains(*name)) {
        let pattern = lookalikes.get(*name).cloned().unwrap_or_else(|| {
            ledger.account_id(name).map_or("unknown".into(), |id| format!("other {}", ledger.kind(id)))
        });
        *intruders.entry(pattern).or_default() += 1;
    }
    println!("legitimate accounts in the top {k}: {intruders:?}");
    let label = |name: &str| match roles.get(name) {
        Some(role) => format!("mule:{role}"),
        None => lookalikes.get(name).cloned().unwrap_or_default(),
    };
    write_signals(&ledger, &model, &label, &dir.join("signals.csv"))?;

    // Learning from labels: train on every other account (by name), rank
    // the rest, so the figure is measured on accounts the model never saw.
    let mut names: Vec<&str> = ranked.clone();
    names.sort_unstable();
    let train: Vec<(String, bool)> =
        names.iter().step_by(2).map(|name| ((*name).to_owned(), mules.contains(name))).collect();
    let held_out: HashSet<&str> = names.iter().skip(1).step_by(2).copied().collect();
    let mut learned = MuleModel::new(&ledger, detect(&ledger, &TypologyConfig::default()));
    learned.learn(&ledger, &train);
    let ranked_out: Vec<String> = learned
        .ranking(&ledger)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| held_out.contains(name.as_str()))
        .collect();
    let mules_out: HashSet<&str> = mules.iter().copied().filter(|name| held_out.contains(name)).collect();
    let unsupervised_out: Vec<&str> = ranked.iter().copied().filter(|name| held_out.contains(name)).collect();
    println!(
        "held-out half ({} mules): AP learned from the other half's labels {:.4}, unsupervised {:.4}",
        mules_out.len(),
        average_precision(&ranked_out, &mules_out),
        average_precision(&unsupervised_out, &mules_out)
    );
    Ok(())
}

/// Writes every account's score, label and signals, for looking at what
/// put legitimate accounts high and left mules low.
fn write_signals(
    ledger: &crackdown_trail::Ledger,
    model: &MuleModel,
    label: &dyn Fn(&str) -> String,
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "account,label,score,{}", SIGNALS.join(","))?;
    for (account, score) in model.ranking(ledger) {
        let evidence = model.explain(ledger, &account).ok_or("ranked account unknown")?;
        let values: Vec<String> = evidence.iter().take(SIGNALS.len()).map(|e| format!("{:.3}", e.value)).collect();
        writeln!(out, "{account},{},{score:.4},{}", label(&account), values.join(","))?;
    }
    out.flush()?;
    Ok(())
}
