//! Reads one statement file as `crackdown ledger import` would (streamed,
//! hashed, every entry parsed and checked) and prints throughput and peak
//! memory.
//!
//! `cargo run --release -p crackdown-statements --example stmt_speed -- FILE [FORMAT]`

use std::time::Instant;

use crackdown_statements::{BalanceCheck, Event, Severity, stream_file};

/// Peak resident memory of this process (Linux `VmHWM`), in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = arguments.first() else {
        eprintln!("usage: stmt_speed FILE [FORMAT]");
        std::process::exit(2);
    };
    let format = arguments.get(1).map(|name| name.parse().unwrap_or_else(|error| panic!("{error}")));
    let start = Instant::now();
    let (mut entries, mut statements, mut balanced, mut errors, mut warnings) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut first_error = None;
    let summary = stream_file(std::path::Path::new(path), format, None, &mut |event| match event {
        Event::Entry(_) => entries += 1,
        Event::Statement(statement) => {
            statements += 1;
            balanced += u64::from(statement.check == BalanceCheck::Balanced);
        }
        Event::Error(error) => {
            if error.severity == Severity::Error {
                errors += 1;
                first_error.get_or_insert_with(|| error.to_string());
            } else {
                warnings += 1;
            }
        }
    })
    .unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(2);
    });
    let seconds = start.elapsed().as_secs_f64();
    let megabytes = summary.bytes as f64 / (1024.0 * 1024.0);
    println!(
        "{}: {} {:.0} MiB, {statements} statements ({balanced} balanced), {entries} entries, {errors} errors, {warnings} warnings",
        summary.name, summary.format, megabytes
    );
    println!(
        "{seconds:.2} s, {:.1} MiB/s, {:.0} entries/s, peak memory {:.1} MiB, sha256 {}",
        megabytes / seconds,
        entries as f64 / seconds,
        peak_memory_mib().unwrap_or(f64::NAN),
        summary.sha256
    );
    if let Some(error) = first_error {
        println!("first error: {error}");
    }
}
