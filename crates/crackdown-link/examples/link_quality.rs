//! Linking quality and speed on a generated case.
//!
//! `cargo run --release -p crackdown-link --example link_quality -- [REPORTS] [DIR] [SEED]`
//! generates a case of REPORTS reports (default 100,000) with the generator's
//! SEED (default 42) into DIR (default a temporary folder named after both;
//! an existing `reports.jsonl` there is reused), extracts
//! indicators with `crackdown-lure` (cached in DIR as
//! `link-indicators.jsonl`), links everything in one rebuild and again report
//! by report, and prints throughput, the latency of one `add`, how far the
//! two agree, and pairwise precision, recall and F1 against the generator's
//! true campaigns and compounds. `LINK_DIAGNOSE=1` adds what joins or splits
//! true campaigns; `LINK_DUMP=FILE` writes each report's campaign (CSV); `LINK_SKIP_ADD=1` skips adding one by one. A peer runs
//! side by side: the connected components of exact shared indicator values,
//! with no hub list, no weighting and no text.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use crackdown_generate::{GenerateConfig, generate};
use crackdown_link::{LinkConfig, LinkReport, Linker, ReportIndicator};
use crackdown_lure::{Context, extract};
use crackdown_model::Money;
use rayon::prelude::*;

fn main() {
    if let Err(error) = run() {
        eprintln!("link_quality: {error}");
        std::process::exit(2);
    }
}

struct Truth {
    campaign: HashMap<String, String>,
    compound: HashMap<String, String>,
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().map(|text| text.parse()).transpose()?.unwrap_or(100_000);
    let dir = args.next().map(PathBuf::from);
    let seed: u64 = args.next().map(|text| text.parse()).transpose()?.unwrap_or(GenerateConfig::default().seed);
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("crackdown-link-{count}-seed{seed}")));
    if !dir.join("reports.jsonl").exists() {
        let started = Instant::now();
        let config = GenerateConfig { reports: count, seed, ..GenerateConfig::default() };
        generate(&dir, &config, &|_| {})?;
        println!("generated {count} reports into {} in {:.1} s", dir.display(), started.elapsed().as_secs_f64());
    }
    let lines = read_lines(&dir.join("reports.jsonl"))?;
    let truth = read_truth(&dir.join("truth/campaigns.csv"))?;
    let started = Instant::now();
    let cache = dir.join("link-indicators.jsonl");
    let cached: Option<Vec<Vec<ReportIndicator>>> = read_lines(&cache)
        .ok()
        .filter(|cached| cached.len() == lines.len())
        .map(|cached| cached.iter().map(|line| serde_json::from_str(line)).collect::<Result<_, _>>())
        .transpose()
        .map_err(|error| format!("{}: {error}", cache.display()))?;
    let fresh = cached.is_none();
    let parsed: Vec<(String, LinkReport)> = lines
        .par_iter()
        .enumerate()
        .map(|(index, line)| to_report(index, line, cached.as_ref().map(|all| all[index].clone())))
        .collect::<Result<_, String>>()?;
    if fresh {
        let mut out = String::new();
        for (_, report) in &parsed {
            out.push_str(&serde_json::to_string(&report.indicators)?);
            out.push('\n');
        }
        std::fs::write(&cache, out).map_err(|error| format!("{}: {error}", cache.display()))?;
    }
    let extract_seconds = started.elapsed().as_secs_f64();
    let names: Vec<String> = parsed.iter().map(|(name, _)| name.clone()).collect();
    let reports: Vec<LinkReport> = parsed.into_iter().map(|(_, report)| report).collect();
    let total = reports.len();
    println!(
        "{} indicators of {total} reports in {extract_seconds:.2} s",
        if fresh { "extracted" } else { "read cached" }
    );

    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let rebuilt = Linker::rebuild(LinkConfig::default(), reports.clone())?;
    let rebuild_seconds = started.elapsed().as_secs_f64();
    println!(
        "rebuild: {total} reports in {rebuild_seconds:.2} s ({:.2} CPU s) = {:.0} reports/s",
        cpu_seconds() - cpu_before,
        total as f64 / rebuild_seconds
    );
    println!("bridge values (relate campaigns without merging them): {}", rebuilt.bridges().len());
    println!(
        "templates (texts naming nothing of their own, near-duplicates of several groups): {}",
        rebuilt.text_templates()
    );
    if std::env::var_os("LINK_DIAGNOSE").is_some() {
        diagnose(&rebuilt, &names, &truth);
    }
    if let Some(path) = std::env::var_os("LINK_DUMP") {
        let mut out = String::from("report_id,campaign\n");
        for campaign in rebuilt.partition_ids() {
            for &id in &campaign {
                out.push_str(&format!("{},{}\n", names[id as usize], names[campaign[0] as usize]));
            }
        }
        std::fs::write(&path, out).map_err(|error| format!("{}: {error}", Path::new(&path).display()))?;
        let linking: HashSet<&crackdown_link::Feature> =
            rebuilt.linking_values().into_iter().map(|(feature, _)| feature).collect();
        let bridging: HashSet<&crackdown_link::Feature> =
            rebuilt.bridges().into_iter().map(|(feature, _)| feature).collect();
        let mut out = String::new();
        for (report, name) in reports.iter().zip(&names) {
            let features = crackdown_link::features::report_features(&report.indicators, &report.text);
            let row: Vec<String> = features
                .iter()
                .map(|feature| {
                    let state = if linking.contains(feature) {
                        "L"
                    } else if bridging.contains(feature) {
                        "B"
                    } else {
                        "-"
                    };
                    let holders = rebuilt.holder_ids(feature).map_or(0, |ids| ids.len());
                    format!("{}\t{}\t{state}\t{holders}", feature.kind.as_str(), feature.value)
                })
                .collect();
            out.push_str(&format!("{name}\t{}\n", row.join("\t")));
        }
        std::fs::write(format!("{}.features", Path::new(&path).display()), out)
            .map_err(|error| format!("features: {error}"))?;
    }

    let reports_for_baseline: Vec<Vec<crackdown_link::Feature>> = reports
        .iter()
        .map(|report| {
            let mut features = crackdown_link::features::features_of(&report.indicators);
            features.retain(|feature| feature.kind.is_indicator());
            features
        })
        .collect();
    let skip_add = std::env::var_os("LINK_SKIP_ADD").is_some();
    let mut incremental = Linker::new(LinkConfig::default());
    let mut latencies = Vec::with_capacity(total);
    let started = Instant::now();
    let mut splits = 0;
    for report in reports.into_iter().filter(|_| !skip_add) {
        let one = Instant::now();
        let outcome = incremental.add(report)?;
        latencies.push(one.elapsed().as_secs_f64());
        splits += outcome.split.len();
    }
    let add_seconds = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let percentile =
        |p: f64| latencies.get((latencies.len().saturating_sub(1) as f64 * p) as usize).map_or(0.0, |s| s * 1e3);
    println!(
        "add one by one: {:.0} reports/s, latency p50 {:.3} ms, p99 {:.3} ms, max {:.1} ms, {splits} splits",
        total as f64 / add_seconds,
        percentile(0.5),
        percentile(0.99),
        percentile(1.0)
    );
    if !skip_add {
        let (added, whole) = (incremental.partition_ids(), rebuilt.partition_ids());
        println!(
            "incremental partition equals rebuild: {}; pairs together in either that are together in both: {:.4}",
            added == whole,
            crackdown_link::linker::pair_agreement(&added, &whole)
        );
        let clusters: Vec<Vec<&str>> =
            added.iter().map(|campaign| campaign.iter().map(|&id| names[id as usize].as_str()).collect()).collect();
        let (precision, recall) = pairwise(&clusters, &truth.campaign);
        println!(
            "incremental vs true campaigns: pairwise precision {precision:.4} recall {recall:.4} F1 {:.4}",
            f1(precision, recall)
        );
    }

    let started = Instant::now();
    let baseline = exact_components(&reports_for_baseline);
    let baseline_seconds = started.elapsed().as_secs_f64();
    let partition = rebuilt.partition_ids();
    let by_index = |id: i64| names[id as usize].as_str();
    let clusters: Vec<Vec<&str>> =
        partition.iter().map(|campaign| campaign.iter().map(|&id| by_index(id)).collect()).collect();
    let (precision, recall) = pairwise(&clusters, &truth.campaign);
    println!("vs true campaigns: pairwise precision {precision:.4} recall {recall:.4} F1 {:.4}", f1(precision, recall));
    let linked_f1 = f1(precision, recall);
    let peer: Vec<Vec<&str>> =
        baseline.iter().map(|campaign| campaign.iter().map(|&index| names[index].as_str()).collect()).collect();
    let (peer_precision, peer_recall) = pairwise(&peer, &truth.campaign);
    let peer_f1 = f1(peer_precision, peer_recall);
    println!(
        "peer (exact shared indicators, unweighted): pairwise precision {peer_precision:.4} recall {peer_recall:.4} \
         F1 {peer_f1:.4} in {baseline_seconds:.2} s; ratio F1 {:.2}, time {:.2}",
        linked_f1 / peer_f1.max(f64::MIN_POSITIVE),
        rebuild_seconds / baseline_seconds.max(f64::MIN_POSITIVE)
    );
    let (precision, recall) = pairwise(&clusters, &truth.compound);
    println!("vs true compounds: pairwise precision {precision:.4} recall {recall:.4} F1 {:.4}", f1(precision, recall));
    let mixed: Vec<&Vec<&str>> = clusters
        .iter()
        .filter(|cluster| cluster.iter().filter_map(|name| truth.compound.get(*name)).collect::<HashSet<_>>().len() > 1)
        .collect();
    let sizes: Vec<usize> = {
        let mut sizes: Vec<usize> = clusters.iter().map(Vec::len).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        sizes.into_iter().take(20).collect()
    };
    println!(
        "{} campaigns ({} with 2+ reports); largest: {sizes:?}; campaigns mixing compounds: {}",
        clusters.len(),
        clusters.iter().filter(|cluster| cluster.len() > 1).count(),
        mixed.len()
    );
    for cluster in mixed.iter().take(5) {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for name in cluster.iter() {
            *counts.entry(truth.campaign.get(*name).map_or("?", String::as_str)).or_default() += 1;
        }
        println!("  mixed campaign of {} reports: {counts:?}", cluster.len());
    }
    Ok(())
}

/// CPU seconds this process used so far (user and system; Linux, else 0).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |at: usize| fields.get(at).and_then(|field| field.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime, fields 14 and 15 of stat(5), in 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let file = std::fs::File::open(path).map_err(|error| format!("{}: {error}", path.display()))?;
    std::io::BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|error| format!("{}: {error}", path.display()))
}

fn read_truth(path: &Path) -> Result<Truth, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut truth = Truth { campaign: HashMap::new(), compound: HashMap::new() };
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|error| format!("{}:{}: {error}", path.display(), line + 2))?;
        let field = |at: usize| record.get(at).unwrap_or_default().to_owned();
        truth.campaign.insert(field(0), field(1));
        truth.compound.insert(field(0), field(2));
    }
    Ok(truth)
}

/// One line of `reports.jsonl` as the linker sees it, numbered by line;
/// its indicators extracted unless a cache of an earlier run gives them.
fn to_report(index: usize, line: &str, cached: Option<Vec<ReportIndicator>>) -> Result<(String, LinkReport), String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|error| format!("reports.jsonl:{}: {error}", index + 1))?;
    let text_field = |name: &str| value.get(name).and_then(serde_json::Value::as_str);
    let text = text_field("text").unwrap_or_default().to_owned();
    let context = Context { country: None, language: text_field("language").map(str::to_owned) };
    let indicators = cached.unwrap_or_else(|| {
        extract(&text, &context)
            .into_iter()
            .map(|indicator| ReportIndicator::new(indicator.kind, indicator.normalized))
            .collect()
    });
    let received_at = text_field("reported_at")
        .and_then(|stamp| DateTime::parse_from_rfc3339(stamp).ok())
        .map_or(DateTime::<Utc>::UNIX_EPOCH, |stamp| stamp.with_timezone(&Utc));
    let loss = match (text_field("loss_amount"), text_field("loss_currency")) {
        (Some(amount), Some(currency)) => Money::parse_positive(amount, currency).ok(),
        _ => None,
    };
    let report = LinkReport { id: index as i64, indicators, text, received_at, loss, scam_type: None };
    Ok((text_field("id").unwrap_or_default().to_owned(), report))
}

/// The peer: connected components of reports sharing any exact indicator
/// feature, as lists of report numbers.
fn exact_components(reports: &[Vec<crackdown_link::Feature>]) -> Vec<Vec<usize>> {
    fn find(parent: &mut [usize], mut at: usize) -> usize {
        while parent[at] != at {
            parent[at] = parent[parent[at]];
            at = parent[at];
        }
        at
    }
    let mut parent: Vec<usize> = (0..reports.len()).collect();
    let mut first: HashMap<&crackdown_link::Feature, usize> = HashMap::new();
    for (at, features) in reports.iter().enumerate() {
        for feature in features {
            let holder = *first.entry(feature).or_insert(at);
            let (a, b) = (find(&mut parent, holder), find(&mut parent, at));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for at in 0..reports.len() {
        let root = find(&mut parent, at);
        groups.entry(root).or_default().push(at);
    }
    groups.into_values().collect()
}

/// Pairwise precision and recall of `clusters` against the labels.
fn pairwise(clusters: &[Vec<&str>], label: &HashMap<String, String>) -> (f64, f64) {
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let mut together = 0_u64;
    let mut predicted = 0_u64;
    let mut per_label: HashMap<&str, u64> = HashMap::new();
    for cluster in clusters {
        predicted += pairs(cluster.len() as u64);
        let mut cells: HashMap<&str, u64> = HashMap::new();
        for name in cluster {
            let class = label.get(*name).map_or("?", String::as_str);
            *cells.entry(class).or_default() += 1;
            *per_label.entry(class).or_default() += 1;
        }
        together += cells.values().map(|&n| pairs(n)).sum::<u64>();
    }
    let actual: u64 = per_label.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(together, predicted), ratio(together, actual))
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) }
}

/// Prints the linking values whose holders span several true campaigns,
/// most misleading first.
fn diagnose(linker: &Linker, names: &[String], truth: &Truth) {
    let mut rows: Vec<(usize, usize, String)> = linker
        .linking_values()
        .into_iter()
        .filter_map(|(feature, holders)| {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for id in &holders {
                *counts.entry(truth.campaign.get(&names[*id as usize]).map_or("?", String::as_str)).or_default() += 1;
            }
            let mut sizes: Vec<(usize, &str)> = counts.into_iter().map(|(name, n)| (n, name)).collect();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            let minority: usize = sizes.iter().skip(1).map(|(n, _)| n).sum();
            (minority > 0).then(|| {
                (
                    minority,
                    holders.len(),
                    format!("{:?} {} in {:?}", feature.kind, feature.value, &sizes[..sizes.len().min(6)]),
                )
            })
        })
        .collect();
    rows.sort_by(|a, b| b.cmp(a));
    let mut pieces: HashMap<&str, Vec<usize>> = HashMap::new();
    for campaign in linker.partition_ids() {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for id in &campaign {
            *counts.entry(truth.campaign.get(&names[*id as usize]).map_or("?", String::as_str)).or_default() += 1;
        }
        for (name, n) in counts {
            pieces.entry(name).or_default().push(n);
        }
    }
    let mut pieces: Vec<(&str, Vec<usize>)> = pieces.into_iter().collect();
    pieces.sort_unstable();
    for (name, sizes) in &mut pieces {
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        let total: usize = sizes.iter().sum();
        println!(
            "  true {name} ({total}) in pieces {:?} (+{} more)",
            &sizes[..sizes.len().min(8)],
            sizes.len().saturating_sub(8)
        );
    }
    let mut inside: Vec<(usize, String)> = linker
        .bridges()
        .into_iter()
        .filter_map(|(feature, _)| {
            let holders = linker.holder_ids(feature)?;
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for id in &holders {
                *counts.entry(truth.campaign.get(&names[*id as usize]).map_or("?", String::as_str)).or_default() += 1;
            }
            let (name, top) = counts.iter().max_by_key(|(_, n)| **n).map(|(name, n)| (*name, *n))?;
            (top * 10 >= holders.len() * 9).then(|| {
                (holders.len(), format!("{:?} {} ({top} of {} in {name})", feature.kind, feature.value, holders.len()))
            })
        })
        .collect();
    inside.sort_by(|a, b| b.cmp(a));
    for campaign in linker.partition_ids() {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for id in &campaign {
            *counts.entry(truth.campaign.get(&names[*id as usize]).map_or("?", String::as_str)).or_default() += 1;
        }
        let mut sizes: Vec<(usize, &str)> = counts.into_iter().map(|(name, n)| (n, name)).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        if sizes.len() > 1 && sizes[1].0 >= 10 {
            println!("  campaign of {} mixes {:?}", campaign.len(), &sizes[..sizes.len().min(5)]);
            let readable: HashSet<i64> = campaign.iter().copied().collect();
            let true_of = |id: i64| truth.campaign.get(&names[id as usize]).map_or("?", String::as_str);
            for summary in linker.campaigns(&readable) {
                for link in summary.links.iter().filter(|link| true_of(link.from) != true_of(link.to)).take(5) {
                    println!(
                        "    {} ({}) - {} ({}): {:?}",
                        names[link.from as usize],
                        true_of(link.from),
                        names[link.to as usize],
                        true_of(link.to),
                        link.reasons
                    );
                }
            }
        }
    }
    println!("bridges inside one true campaign: {}", inside.len());
    for (_, row) in inside.iter().take(15) {
        println!("  {row}");
    }
    println!("linking values spanning campaigns: {}", rows.len());
    for row in rows.iter().take(40) {
        println!("  {} of {} holders elsewhere: {}", row.0, row.1, row.2);
    }
}
