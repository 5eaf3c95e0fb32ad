//! Measures the money-trail pipeline on a synthetic ledger it generates:
//! parse rows/s, ledger build, typologies, mule AP against the generator's
//! truth, trace throughput per rule, and graph-feature edges/s.
//!
//! Usage: `cargo run --release -p crackdown-trail --example bench -- [TRANSFERS] [TRACES]`
//! (defaults 1,000,000 and 10,000). The generator is deliberately small and
//! is not the demo generator: salaried persons spending at merchants and
//! utilities, crypto-buying persons who look like mules, and mules who live
//! normal lives and forward victims' money to cash, exchanges and each other.

use std::fmt::Write as _;
use std::time::Instant;

use crackdown_trail::features::{Edges, FeatureConfig, graph_features};
use crackdown_trail::mules::MuleModel;
use crackdown_trail::trace::{POISON_MAX_STEPS, Rule, TraceOptions, parse_horizon, trace_many};
use crackdown_trail::typology::{TypologyConfig, detect};
use crackdown_trail::{AccountKind, AccountRecord, LedgerBuilder, LedgerFormat, LedgerReader};

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Generated {
    csv: String,
    accounts: Vec<AccountRecord>,
    mules: Vec<String>,
    victim_payments: Vec<String>,
}

fn generate(transfers: usize, seed: u64) -> Generated {
    let mut random = Random(seed);
    let persons = (transfers / 40).max(100);
    let mule_count = persons / 25;
    let start = 1_704_067_200i64; // 2024-01-01
    let span = 180 * 86_400;
    let mut accounts = Vec::new();
    let mut add = |name: String, kind: AccountKind| {
        accounts.push(AccountRecord { line: 0, account: name, country: Some("TH".into()), kind });
    };
    for p in 0..persons {
        add(format!("P{p}"), AccountKind::Person);
    }
    for (prefix, count, kind) in [
        ("SHOP", 300, AccountKind::Merchant),
        ("EMP", 60, AccountKind::Employer),
        ("UTIL", 10, AccountKind::Utility),
        ("EX", 5, AccountKind::Exchange),
        ("ATM", 20, AccountKind::Cash),
    ] {
        for i in 0..count {
            add(format!("{prefix}{i}"), kind);
        }
    }
    // Mules are persons too, and some accounts' kinds are unknown to the bank.
    let mules: Vec<String> = (0..mule_count).map(|m| format!("P{}", m * 97 % persons)).collect();
    let mut rows: Vec<(i64, String, String, i64)> = Vec::with_capacity(transfers);
    let mut victim_rows = Vec::new();
    while rows.len() < transfers {
        let time = start + random.below(span) as i64;
        let person = format!("P{}", random.below(persons as u64));
        match random.below(100) {
            0..=9 => {
                let employer = format!("EMP{}", random.below(60));
                rows.push((time, employer, person, 150_000 + random.below(300_000) as i64));
            }
            10..=69 => {
                rows.push((time, person, format!("SHOP{}", random.below(300)), 500 + random.below(20_000) as i64))
            }
            70..=79 => {
                rows.push((time, person, format!("UTIL{}", random.below(10)), 2_000 + random.below(10_000) as i64))
            }
            80..=89 => rows.push((
                time,
                person,
                format!("P{}", random.below(persons as u64)),
                1_000 + random.below(50_000) as i64,
            )),
            90..=93 => {
                // A legitimate look-alike: salary straight to an exchange.
                let amount = 50_000 + random.below(200_000) as i64;
                rows.push((time, format!("EMP{}", random.below(60)), person.clone(), amount));
                rows.push((
                    time + 3_600 * (1 + random.below(20) as i64),
                    person,
                    format!("EX{}", random.below(5)),
                    amount * 9 / 10,
                ));
            }
            94..=95 => rows.push((
                time,
                format!("SHOP{}", random.below(300)),
                format!("EMP{}", random.below(60)),
                1_000_000 + random.below(1_000_000) as i64,
            )),
            _ => {
                // A victim pays a collection mule, which forwards through a second mule.
                let first = &mules[random.below(mules.len() as u64) as usize];
                let second = &mules[random.below(mules.len() as u64) as usize];
                let amount = 100_000 + random.below(2_000_000) as i64;
                victim_rows.push(rows.len());
                rows.push((time, person, first.clone(), amount));
                let hop = time + 600 + random.below(6 * 3_600) as i64;
                let kept = amount / 50;
                if first != second {
                    rows.push((hop, first.clone(), second.clone(), amount - kept));
                    let out = if random.below(2) == 0 {
                        format!("ATM{}", random.below(20))
                    } else {
                        format!("EX{}", random.below(5))
                    };
                    rows.push((hop + 600 + random.below(6 * 3_600) as i64, second.clone(), out, amount - 2 * kept));
                } else {
                    rows.push((hop, first.clone(), format!("ATM{}", random.below(20)), amount - kept));
                }
            }
        }
    }
    let mut csv = String::with_capacity(transfers * 70);
    csv.push_str("tx_id,timestamp,from_account,to_account,amount,currency,channel\n");
    for (index, (time, from, to, minor)) in rows.iter().enumerate() {
        let stamp = chrono::DateTime::from_timestamp(*time, 0).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ");
        let _ = writeln!(csv, "t{index},{stamp},{from},{to},{}.{:02},USD,wire", minor / 100, minor % 100);
    }
    let victim_payments = victim_rows.iter().map(|i| format!("t{i}")).collect();
    Generated { csv, accounts, mules, victim_payments }
}

fn average_precision(ranking: &[(String, f64)], positives: &std::collections::HashSet<&str>) -> f64 {
    let (mut found, mut sum) = (0usize, 0.0);
    for (rank, (name, _)) in ranking.iter().enumerate() {
        if positives.contains(name.as_str()) {
            found += 1;
            sum += found as f64 / (rank + 1) as f64;
        }
    }
    if positives.is_empty() { 0.0 } else { sum / positives.len() as f64 }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let transfers: usize = args.get(1).map_or(Ok(1_000_000), |t| t.parse())?;
    let trace_count: usize = args.get(2).map_or(Ok(10_000), |t| t.parse())?;
    let generated = generate(transfers, 42);

    let started = Instant::now();
    let mut reader = LedgerReader::new(generated.csv.as_bytes(), "bench.csv", LedgerFormat::Native)?;
    let mut builder = LedgerBuilder::new();
    let mut rows = 0usize;
    let mut parse_seconds = 0.0;
    loop {
        let batch_started = Instant::now();
        let Some(batch) = reader.next_batch(65_536) else {
            break;
        };
        parse_seconds += batch_started.elapsed().as_secs_f64();
        rows += batch.transfers.len();
        for transfer in &batch.transfers {
            builder.push("bench.csv", transfer)?;
        }
    }
    for record in &generated.accounts {
        builder.add_account(record);
    }
    let ledger = builder.build();
    let load_seconds = started.elapsed().as_secs_f64();
    println!("parse: {rows} rows in {parse_seconds:.2} s = {:.0} rows/s", rows as f64 / parse_seconds);
    println!("parse + build ledger: {load_seconds:.2} s = {:.0} rows/s", rows as f64 / load_seconds);

    let started = Instant::now();
    let hits = detect(&ledger, &TypologyConfig::default());
    let mut per_kind = std::collections::BTreeMap::new();
    for hit in &hits {
        *per_kind.entry(hit.kind.as_str()).or_insert(0usize) += 1;
    }
    println!("typologies: {} hits in {:.2} s {per_kind:?}", hits.len(), started.elapsed().as_secs_f64());

    let started = Instant::now();
    let model = MuleModel::new(&ledger, hits);
    let ranking = model.ranking(&ledger);
    let positives: std::collections::HashSet<&str> = generated.mules.iter().map(String::as_str).collect();
    println!(
        "mules: {} accounts scored in {:.2} s, AP {:.3} ({} mules)",
        ranking.len(),
        started.elapsed().as_secs_f64(),
        average_precision(&ranking, &positives),
        positives.len()
    );

    if std::env::var_os("BENCH_DEBUG").is_some() {
        for (name, score) in ranking.iter().take(8) {
            println!("  top {name} {score:.3} mule={}", positives.contains(name.as_str()));
            for evidence in model.explain(&ledger, name).unwrap_or_default().iter().take(8) {
                println!("     {} {:.2} {}", evidence.signal, evidence.value, evidence.detail);
            }
        }
        let first_mule = &generated.mules[0];
        let rank = ranking.iter().position(|(n, _)| n == first_mule).unwrap_or(0);
        println!("  mule {first_mule} at rank {rank}");
        for evidence in model.explain(&ledger, first_mule).unwrap_or_default().iter().take(8) {
            println!("     {} {:.2} {}", evidence.signal, evidence.value, evidence.detail);
        }
    }
    let sources: Vec<String> = generated.victim_payments.iter().take(trace_count).cloned().collect();
    let skip_poison = std::env::var_os("BENCH_POISON").is_none();
    for rule in [Rule::Fifo, Rule::Lifo, Rule::Libr, Rule::ProRata, Rule::Poison] {
        if rule == Rule::Poison && skip_poison {
            println!(
                "trace poison: skipped (set BENCH_POISON=1; every later outflow is tainted, so it touches most of a busy ledger)"
            );
            continue;
        }
        let options = TraceOptions {
            rule,
            horizon: Some(parse_horizon("90d")?),
            dust: 100,
            max_steps: (rule == Rule::Poison).then_some(POISON_MAX_STEPS),
        };
        let started = Instant::now();
        let traces: Vec<_> = trace_many(&ledger, &sources, &options, 2).into_iter().flatten().collect();
        let seconds = started.elapsed().as_secs_f64();
        let hops: usize = traces.iter().map(|t| t.hops.len()).sum();
        let terminal = traces
            .iter()
            .map(|t| {
                let stopped: i64 = t.endpoints.iter().filter(|e| e.kind.is_terminal()).map(|e| e.amount.minor()).sum();
                stopped as f64 / t.amount.minor().max(1) as f64
            })
            .sum::<f64>()
            / traces.len().max(1) as f64;
        println!(
            "trace {}: {} payments in {seconds:.2} s = {:.0}/s, {hops} hops, {:.1}% of traced money reached cash/exchange",
            rule.as_str(),
            traces.len(),
            traces.len() as f64 / seconds,
            terminal * 100.0
        );
    }

    let seconds_of = |position: usize| ledger.timestamp_micros(position) / 1_000_000;
    let time: Vec<i64> = (0..ledger.len()).map(seconds_of).collect();
    let source: Vec<u32> = (0..ledger.len()).map(|p| ledger.from(p)).collect();
    let target: Vec<u32> = (0..ledger.len()).map(|p| ledger.to(p)).collect();
    let edges = Edges { source: &source, target: &target, time: &time };
    let stars =
        FeatureConfig { scatter_gather: None, temporal_cycle: None, length_cycle: None, ..FeatureConfig::default() };
    let started = Instant::now();
    let matrix = graph_features(&edges, &stars, 2);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "features (fan, degree): {} edges x {} columns in {seconds:.2} s = {:.0} edges/s",
        ledger.len(),
        matrix.columns.len(),
        ledger.len() as f64 / seconds
    );
    Ok(())
}
