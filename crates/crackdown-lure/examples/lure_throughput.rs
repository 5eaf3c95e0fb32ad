//! Throughput of extraction (MB/s) and analysis (messages/s) on a generated
//! ~20 MB corpus of scam-like messages with indicators:
//! `cargo run --release -p crackdown-lure --example lure_throughput -- [CORPUS_OUT]`.
//! With CORPUS_OUT the corpus is also written there (one message per line),
//! so other tools can be timed on the very same bytes.

use std::io::Write;
use std::time::Instant;

use crackdown_lure::{Analyzer, Context, extract};
use rayon::prelude::*;

const TEMPLATES: [&str; 8] = [
    "Dear customer your parcel is held, pay the fee at hxxps://post-track[.]top/pay/{n} or call +66 81 {n3} {n4}",
    "Hi dear, my uncle teaches crypto trading, deposit USDT to TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t and earn {n}% daily",
    "ok see you at 7, bring the {n} receipts please",
    "WINNER!! claim your prize of £{n} now, text WIN to 8{n4} or visit www.win-{n}.com/claim",
    "โอนเงินเข้าบัญชี 123-4-{n4}-0 เพื่อปลดล็อกการถอนเงิน ติดต่อ Line ID: support{n}",
    "兼职刷单 日结 {n} 元，加微信: job{n}888 或 t.me/job_agent{n}",
    "Your account is locked. Verify at http://secure-login.bank{n}.xyz/verify?id={n} IBAN GB82 WEST 1234 5698 7654 32",
    "meeting moved to room {n}, agenda at intranet.example.org/docs/{n}",
];

fn corpus(bytes: usize) -> Vec<String> {
    let mut messages = Vec::new();
    let mut total = 0;
    let mut n: u64 = 12345;
    while total < bytes {
        n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let template = TEMPLATES[(n >> 33) as usize % TEMPLATES.len()];
        let message = template
            .replace("{n3}", &format!("{:03}", (n >> 20) % 1000))
            .replace("{n4}", &format!("{:04}", (n >> 40) % 10000))
            .replace("{n}", &format!("{}", (n >> 24) % 100_000));
        total += message.len() + 1;
        messages.push(message);
    }
    messages
}

/// CPU seconds (user + system, all threads) of this process so far, from
/// /proc/self/stat; 0 where that file does not exist. Wall time lies on a
/// shared machine, CPU time much less.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let messages = corpus(20 << 20);
    let bytes: usize = messages.iter().map(|m| m.len() + 1).sum();
    if let Some(path) = std::env::args().nth(1) {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for message in &messages {
            writeln!(file, "{message}")?;
        }
        println!("corpus written to {path}");
    }
    let context = Context::none();
    let megabytes = bytes as f64 / 1e6;

    let (started, cpu) = (Instant::now(), cpu_seconds());
    let found: usize = messages.iter().map(|m| extract(m, &context).len()).sum();
    let single = started.elapsed().as_secs_f64();
    let used = cpu_seconds() - cpu;
    println!(
        "extraction, 1 thread: {megabytes:.1} MB, {found} indicators, {:.1} MB/s wall, {used:.2} CPU-s ({:.1} MB per CPU-s)",
        megabytes / single,
        megabytes / used.max(0.01)
    );

    let started = Instant::now();
    let found: usize = messages.par_iter().map(|m| extract(m, &context).len()).sum();
    let parallel = started.elapsed().as_secs_f64();
    println!(
        "extraction, {} threads: {found} indicators, {:.1} MB/s",
        rayon::current_num_threads(),
        megabytes / parallel
    );

    let analyzer = Analyzer::default();
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let scams =
        messages.par_iter().filter(|m| analyzer.analyze(m, &context).label != crackdown_lure::Label::Ham).count();
    let seconds = started.elapsed().as_secs_f64();
    let used = cpu_seconds() - cpu;
    println!(
        "analysis (extraction + classification), {} threads: {} messages, {scams} unwanted, {:.0} messages/s wall, \
         {used:.2} CPU-s ({:.0} messages per CPU-s)",
        rayon::current_num_threads(),
        messages.len(),
        messages.len() as f64 / seconds,
        messages.len() as f64 / used.max(0.01)
    );
    Ok(())
}
