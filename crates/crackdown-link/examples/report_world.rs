//! Linking judged on the independent report world (`bench/gen/report_world.py`),
//! without the binary: the quick loop for linker work.
//!
//! `cargo run --release -p crackdown-link --example report_world -- DIR [DIR...]`
//! reads each world folder's `reports.jsonl`, keeps the first of each text as
//! `crackdown import reports` does (records without a reporter are duplicates
//! when their normalized texts are equal: those score as singletons, as on
//! the real path), analyses every text with `crackdown-lure` in the report's
//! country and language (cached in the folder as `link-analysis.jsonl`),
//! builds each report's `LinkReport` as the engine's `link_report` does,
//! links everything with one [`Linker::rebuild`], writes
//! `link-clusters.jsonl` (`{"id","cluster"}` lines) and prints what
//! `bench/gen/report_world_score.py clusters` makes of it. The truth is read
//! only by that scorer.
//!
//! `LINK_TOP=N` also prints the N largest campaigns with the values that
//! link most of their reports, and the values treated as hubs by the data
//! with the most holders: what to read when a campaign grows too large.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use crackdown_link::{LinkConfig, LinkReport, Linker, ReportIndicator};
use crackdown_lure::{Analyzer, Context};
use crackdown_model::Money;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

fn main() {
    if let Err(error) = run() {
        eprintln!("report_world: {error}");
        std::process::exit(2);
    }
}

/// What the analyzer makes of one text, as the store keeps it for linking.
#[derive(Serialize, Deserialize)]
struct Analysed {
    indicators: Vec<ReportIndicator>,
    scam_type: Option<String>,
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let folders: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if folders.is_empty() {
        return Err("usage: report_world DIR [DIR...]".into());
    }
    let top: usize = std::env::var("LINK_TOP").ok().map(|text| text.parse()).transpose()?.unwrap_or(0);
    for folder in folders {
        one_world(&folder, top)?;
    }
    Ok(())
}

fn one_world(folder: &Path, top: usize) -> Result<(), Box<dyn std::error::Error>> {
    let lines = read_lines(&folder.join("reports.jsonl"))?;
    let records: Vec<serde_json::Value> = lines
        .iter()
        .enumerate()
        .map(|(at, line)| serde_json::from_str(line).map_err(|error| format!("reports.jsonl:{}: {error}", at + 1)))
        .collect::<Result<_, _>>()?;
    // The import keeps the first record of each normalized text.
    let mut seen = HashSet::new();
    let kept: Vec<usize> = (0..records.len())
        .filter(|&at| seen.insert(crackdown_model::normalize_text(field(&records[at], "text").unwrap_or_default())))
        .collect();
    let started = Instant::now();
    let cache = folder.join("link-analysis.jsonl");
    let cached: Option<Vec<Analysed>> = read_lines(&cache)
        .ok()
        .filter(|cached| cached.len() == records.len())
        .map(|cached| cached.iter().map(|line| serde_json::from_str(line)).collect::<Result<_, _>>())
        .transpose()
        .map_err(|error| format!("{}: {error}", cache.display()))?;
    let analysed: Vec<Analysed> = match cached {
        Some(cached) => cached,
        None => {
            let analyzer = Analyzer::default();
            let analysed: Vec<Analysed> = records
                .par_iter()
                .map(|record| {
                    let context = Context {
                        country: field(record, "country").map(str::to_owned),
                        language: field(record, "language").map(str::to_owned),
                    };
                    let analysis = analyzer.analyze(field(record, "text").unwrap_or_default(), &context);
                    Analysed {
                        indicators: analysis
                            .indicators
                            .into_iter()
                            .map(|indicator| ReportIndicator::new(indicator.kind, indicator.normalized))
                            .collect(),
                        scam_type: analysis.scam_type.map(|scam_type| scam_type.to_string()),
                    }
                })
                .collect();
            let mut out = String::new();
            for one in &analysed {
                out.push_str(&serde_json::to_string(one)?);
                out.push('\n');
            }
            std::fs::write(&cache, out).map_err(|error| format!("{}: {error}", cache.display()))?;
            analysed
        }
    };
    let analyse_seconds = started.elapsed().as_secs_f64();
    let reports: Vec<LinkReport> = kept
        .iter()
        .map(|&at| {
            let record = &records[at];
            let loss = match (field(record, "loss_amount"), field(record, "loss_currency")) {
                (Some(amount), Some(currency)) => Money::parse_positive(amount, currency).ok(),
                _ => None,
            };
            LinkReport {
                id: at as i64,
                indicators: analysed[at].indicators.clone(),
                text: field(record, "text").unwrap_or_default().to_owned(),
                received_at: field(record, "reported_at")
                    .and_then(|stamp| DateTime::parse_from_rfc3339(stamp).ok())
                    .map_or(DateTime::<Utc>::UNIX_EPOCH, |stamp| stamp.with_timezone(&Utc)),
                loss,
                scam_type: analysed[at].scam_type.clone(),
            }
        })
        .collect();
    let started = Instant::now();
    let linker = Linker::rebuild(LinkConfig::default(), reports)?;
    let link_seconds = started.elapsed().as_secs_f64();
    let name = |id: i64| field(&records[id as usize], "id").unwrap_or_default().to_owned();
    let partition = linker.partition_ids();
    let prediction = folder.join("link-clusters.jsonl");
    let mut out = String::new();
    for campaign in &partition {
        for &id in campaign {
            out.push_str(&serde_json::json!({"id": name(id), "cluster": name(campaign[0])}).to_string());
            out.push('\n');
        }
    }
    std::fs::write(&prediction, out).map_err(|error| format!("{}: {error}", prediction.display()))?;
    if std::env::var_os("LINK_DUMP").is_some() {
        dump_linking_values(folder, &linker, &name)?;
    }
    let mut sizes: Vec<usize> = partition.iter().map(Vec::len).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    println!(
        "{}: {} reports ({} kept), analysed in {analyse_seconds:.1} s, linked in {link_seconds:.2} s; \
         {} campaigns of 2+, largest {:?}; {} values bridge campaigns (hubs by the data)",
        folder.display(),
        records.len(),
        kept.len(),
        partition.iter().filter(|campaign| campaign.len() > 1).count(),
        &sizes[..sizes.len().min(8)],
        linker.bridges().len(),
    );
    let scorer = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/gen/report_world_score.py");
    let scored = std::process::Command::new("python3")
        .arg(&scorer)
        .arg("clusters")
        .arg(folder)
        .arg(&prediction)
        .output()
        .map_err(|error| format!("{}: {error}", scorer.display()))?;
    if !scored.status.success() {
        return Err(format!("scorer: {}", String::from_utf8_lossy(&scored.stderr)).into());
    }
    let result: serde_json::Value = serde_json::from_slice(&scored.stdout)?;
    for (label, key) in
        [("pairwise", "pairwise"), ("distinct victims", "pairwise_distinct_victims"), ("B-cubed", "bcubed")]
    {
        let figure = |name: &str| result[key][name].as_f64().unwrap_or(f64::NAN);
        println!("  {label}: P {:.3} R {:.3} F1 {:.3}", figure("precision"), figure("recall"), figure("f1"));
    }
    if top > 0 {
        describe(&linker, &partition, top, &name);
    }
    Ok(())
}

/// The largest campaigns and the values that link most of their reports;
/// the data's hubs with the most holders.
fn describe(linker: &Linker, partition: &[Vec<i64>], top: usize, name: &dyn Fn(i64) -> String) {
    let mut largest: Vec<&Vec<i64>> = partition.iter().collect();
    largest.sort_by_key(|campaign| std::cmp::Reverse(campaign.len()));
    let linking = linker.linking_values();
    for campaign in largest.into_iter().take(top) {
        let members: HashSet<i64> = campaign.iter().copied().collect();
        let mut values: Vec<(usize, String)> = linking
            .iter()
            .filter_map(|(feature, holders)| {
                let inside = holders.iter().filter(|id| members.contains(id)).count();
                (inside > 0).then(|| (inside, format!("{} {}", feature.kind.as_str(), feature.value)))
            })
            .collect();
        values.sort_by(|a, b| b.cmp(a));
        println!("  campaign {} of {} reports:", name(campaign[0]), campaign.len());
        for (holders, value) in values.iter().take(12) {
            println!("    {holders:>5} {value}");
        }
        println!("   indicators among them:");
        let weak = ["phrase ", "brand "];
        for (holders, value) in values.iter().filter(|(_, value)| !weak.iter().any(|w| value.starts_with(w))).take(12) {
            println!("    {holders:>5} {value}");
        }
    }
    if std::env::var_os("LINK_GLUE").is_some() {
        glue(linker, &linking, partition);
    }
    let mut hubs: Vec<(usize, String)> = linker
        .bridges()
        .into_iter()
        .map(|(feature, campaigns)| {
            let groups = campaigns.len();
            let holders = linker.holder_ids(feature).map_or(0, |ids| ids.len());
            (holders, format!("{} {} ({groups} groups)", feature.kind.as_str(), feature.value))
        })
        .collect();
    hubs.sort_by(|a, b| b.cmp(a));
    println!("  hubs by the data:");
    for (holders, hub) in hubs.iter().take(3 * top) {
        println!("    {holders:>5} {hub}");
    }
}

/// `LINK_DUMP=1`: each linking value with its holders' record ids, as
/// `link-values.jsonl` in the world's folder, for reading wrong merges
/// against the truth (`{"value","holders"}` lines).
fn dump_linking_values(folder: &Path, linker: &Linker, name: &dyn Fn(i64) -> String) -> Result<(), String> {
    let path = folder.join("link-values.jsonl");
    let mut out = String::new();
    for (feature, holders) in linker.linking_values() {
        let holders: Vec<String> = holders.iter().map(|&id| name(id)).collect();
        let value = format!("{} {}", feature.kind.as_str(), feature.value);
        out.push_str(&serde_json::json!({"value": value, "holders": holders}).to_string());
        out.push('\n');
    }
    std::fs::write(&path, out).map_err(|error| format!("{}: {error}", path.display()))
}

fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let file = std::fs::File::open(path).map_err(|error| format!("{}: {error}", path.display()))?;
    std::io::BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// A string field of a record, if present.
fn field<'a>(record: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    record.get(name).and_then(serde_json::Value::as_str)
}

/// The values whose removal shrinks the largest campaign most, greedily:
/// the glue between what should be separate operations (text links left out).
fn glue(linker: &Linker, linking: &[(&crackdown_link::Feature, Vec<i64>)], partition: &[Vec<i64>]) {
    let Some(largest) = partition.iter().max_by_key(|campaign| campaign.len()) else { return };
    let members: HashSet<i64> = largest.iter().copied().collect();
    let values: Vec<(String, Vec<i64>)> = linking
        .iter()
        .map(|(feature, holders)| {
            let inside: Vec<i64> = holders.iter().copied().filter(|id| members.contains(id)).collect();
            (format!("{} {}", feature.kind.as_str(), feature.value), inside)
        })
        .filter(|(_, inside)| inside.len() > 1)
        .collect();
    let index: std::collections::HashMap<i64, usize> = largest.iter().enumerate().map(|(at, &id)| (id, at)).collect();
    let largest_without = |removed: &HashSet<usize>| -> usize {
        let mut parent: Vec<usize> = (0..largest.len()).collect();
        fn find(parent: &mut [usize], mut at: usize) -> usize {
            while parent[at] != at {
                parent[at] = parent[parent[at]];
                at = parent[at];
            }
            at
        }
        for (at, (_, holders)) in values.iter().enumerate() {
            if removed.contains(&at) {
                continue;
            }
            let first = index[&holders[0]];
            for id in &holders[1..] {
                let (a, b) = (find(&mut parent, first), find(&mut parent, index[id]));
                parent[a] = b;
            }
        }
        let mut sizes = vec![0; largest.len()];
        for at in 0..largest.len() {
            sizes[find(&mut parent, at)] += 1;
        }
        sizes.into_iter().max().unwrap_or(0)
    };
    let mut removed: HashSet<usize> = HashSet::new();
    let _ = linker;
    println!(
        "  glue of the largest campaign ({} reports, {} by values alone):",
        largest.len(),
        largest_without(&removed)
    );
    for _ in 0..15 {
        let best = (0..values.len())
            .filter(|at| !removed.contains(at) && values[*at].1.len() >= 2)
            .map(|at| {
                let mut trial = removed.clone();
                trial.insert(at);
                (largest_without(&trial), at)
            })
            .min();
        let Some((size, at)) = best else { break };
        removed.insert(at);
        println!("    without {} ({} holders): {size}", values[at].0, values[at].1.len());
    }
}
