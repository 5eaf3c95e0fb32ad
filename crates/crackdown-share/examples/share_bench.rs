//! Export and import speed and memory of the STIX path.
//!
//! ```sh
//! cargo run --release -p crackdown-share --example share_bench -- [INDICATORS] [READ_OBJECTS]
//! ```
//!
//! 1. INDICATORS (default 1,000,000) generated indicators of every kind, in
//!    campaigns of 10,000, streamed as one STIX bundle into a byte counter:
//!    objects/s and the process's peak RSS (target < 200 MiB).
//! 2. A bundle of about READ_OBJECTS objects (default 100,000) read back:
//!    objects/s (target ≥ 10,000).

use std::io::{self, Write};
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use crackdown_model::Tlp;
use crackdown_share::{
    Campaign, ExportItem, ExportOptions, Indicator, IndicatorKey, IndicatorKind, Provenance, ReadOptions, read_stix,
    write_stix,
};

/// Counts the bytes written and drops them.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        self.0 += buffer.len() as u64;
        Ok(buffer.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// `count` indicators of every kind and marking, a campaign every 10,000.
fn items(count: u64) -> impl Iterator<Item = ExportItem> {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default();
    (0..count).flat_map(move |n| {
        let kind = match n % 8 {
            0 => IndicatorKind::Phone,
            1 => IndicatorKind::Url,
            2 => IndicatorKind::Domain,
            3 => IndicatorKind::Email,
            4 => IndicatorKind::Ipv4,
            5 => IndicatorKind::BankAccount { bank: Some("KASITHBK".into()) },
            6 => IndicatorKind::CryptoWallet { chain: "tron".into(), currency: Some("USDT".into()) },
            _ => IndicatorKind::MessengerHandle { service: "telegram".into() },
        };
        let value = match kind {
            IndicatorKind::Phone => format!("+6681{n:07}"),
            IndicatorKind::Url => format!("https://lure-{n}.example/login"),
            IndicatorKind::Domain => format!("lure-{n}.example"),
            IndicatorKind::Email => format!("agent{n}@lure.example"),
            IndicatorKind::Ipv4 => format!("10.{}.{}.{}", n >> 16 & 255, n >> 8 & 255, n & 255),
            IndicatorKind::BankAccount { .. } => format!("{n:010}"),
            IndicatorKind::CryptoWallet { .. } => format!("T{n:033}"),
            _ => format!("agent_{n}"),
        };
        let tlp = [Tlp::Clear, Tlp::Green, Tlp::Amber][(n % 3) as usize];
        let campaign = (n % 10_000 == 0).then(|| {
            ExportItem::Campaign(Campaign {
                id: format!("cmp_{n}"),
                name: format!("campaign {n}"),
                first_seen: start,
                last_seen: start + Duration::days(30),
                scam_types: vec!["investment".into()],
                tlp: Tlp::Green,
            })
        });
        let indicator =
            Indicator { key: IndicatorKey::new(kind, value), tlp, first_seen: start + Duration::seconds(n as i64) };
        campaign.into_iter().chain([ExportItem::Indicator(indicator)])
    })
}

fn main() {
    let mut args = std::env::args().skip(1).map(|arg| arg.parse::<u64>());
    let indicators = args.next().and_then(Result::ok).unwrap_or(1_000_000);
    let read_objects = args.next().and_then(Result::ok).unwrap_or(100_000);
    let options = ExportOptions {
        tlp_max: Tlp::Amber,
        producer: "bench".into(),
        created: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().unwrap_or_default(),
    };

    let started = Instant::now();
    let mut counter = Counter(0);
    let summary = match write_stix(items(indicators), &options, &mut counter) {
        Ok(summary) => summary,
        Err(error) => return eprintln!("export failed: {error}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "export: {indicators} indicators -> {} STIX objects, {:.1} MiB in {seconds:.2} s = {:.0} objects/s; peak RSS {:.1} MiB",
        summary.written,
        counter.0 as f64 / (1 << 20) as f64,
        summary.written as f64 / seconds,
        peak_rss_mib().unwrap_or(f64::NAN),
    );

    // About three objects per indicator (observable, indicator, relationship).
    let mut bundle = Vec::new();
    if let Err(error) = write_stix(items(read_objects / 3), &options, &mut bundle) {
        return eprintln!("export failed: {error}");
    }
    let provenance = Provenance { partner: "bench".into(), feed: "bench".into(), received_at: options.created };
    let started = Instant::now();
    let imported = match read_stix(bundle.as_slice(), &ReadOptions::new(provenance)) {
        Ok(imported) => imported,
        Err(error) => return eprintln!("import failed: {error}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import: {} objects ({:.1} MiB) -> {} indicators, {} campaigns in {seconds:.2} s = {:.0} objects/s",
        imported.objects,
        bundle.len() as f64 / (1 << 20) as f64,
        imported.indicators.len(),
        imported.campaigns.len(),
        imported.objects as f64 / seconds,
    );
}
