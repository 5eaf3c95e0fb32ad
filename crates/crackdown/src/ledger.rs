//! `ledger import`, `ledger export --csv` and `ledger show`.
//!
//! Import takes files and folders, and stores all of them in one transaction
//! (`crackdown_store::LedgerWrite`): a run commits whole or not at all.
//! Native and AMLworld ledgers stream: a parser thread reads the file in
//! batches and replays balances in file order for the anomaly report, the
//! main thread writes each batch. Bank statements and explorer exports are
//! read and reconciled together by `crackdown_engine::trail::import_statements`,
//! then take the same transaction; this module only plans, prints and sets
//! the exit code.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::Instant;

use anyhow::{Context as _, anyhow, bail};
use chrono::Utc;
use crackdown_engine::trail::{
    FileKind, ImportFormat, ImportProblem, PAGE, StatementReport, import_statements, plan_import, resolve_mapping,
    save_mapping, sibling_profile,
};
use crackdown_model::Viewer;
use crackdown_statements::Format;
use crackdown_store::{LedgerWrite, Store, TransferBatch};
use crackdown_trail::parse::ReadStats;
use crackdown_trail::{
    AccountKind, Anomaly, AnomalyKind, AnomalyTracker, LedgerFormat, LedgerReader, LineError, Severity, Transfer,
};

use crate::cli::{Global, LedgerFileFormat, LedgerImportArgs, LedgerShowArgs};
use crate::context::{open_store, print_json, viewer};
use crate::import::{Counting, progress_bar};

/// At most this many line issues and anomalies are listed; counts stay exact.
const MAX_LISTED: usize = 1000;

/// "Already stored" warnings beyond this many are counted but not listed (a rerun repeats every row).
const MAX_LISTED_ALREADY_STORED: u64 = 100;

/// Anomalies by kind, as the import summary counts them.
#[derive(Default, serde::Serialize)]
struct AnomalyCounts {
    negative_balance: u64,
    currency_mismatch: u64,
}

/// What `ledger import` did, as `--json` prints it.
#[derive(Default, serde::Serialize)]
struct ImportSummary {
    file: String,
    import_id: i64,
    /// Data records read.
    records: u64,
    /// Transfers stored by this run.
    imported: u64,
    /// Transfers whose tx id an earlier import already stored (a rerun).
    already_stored: u64,
    /// Rows repeating a tx id seen earlier in this file (not stored).
    duplicates: u64,
    /// Rows not stored because of an error (duplicates included).
    rejected: u64,
    warnings: u64,
    /// Rows earlier than a previous row (kept: the ledger orders by time).
    out_of_order: u64,
    /// AMLworld amounts rounded to the currency's minor unit.
    rounded: u64,
    anomalies: AnomalyCounts,
    seconds: f64,
    rows_per_second: f64,
    /// Line errors and warnings, file order, at most 1000.
    issues: Vec<LineError>,
    /// Balance anomalies replayed in file order, at most 1000.
    anomaly_list: Vec<Anomaly>,
    /// Statement rows found to be another row's transfer seen from the other side.
    merged: u64,
    /// The statements read (empty for native and AMLworld files).
    statements: Vec<StatementReport>,
    /// Every error: bad lines, unreadable files, entries left out, unbalanced statements.
    errors: Vec<ImportProblem>,
}

/// One parsed batch on its way to the committing thread.
struct Parsed {
    rows: TransferBatch,
    issues: Vec<LineError>,
    anomalies: Vec<Anomaly>,
}

/// Extra columns as a JSON object text in `out`; `false` (and `out` untouched) when there are none.
fn extra_json(extra: &[(Arc<str>, String)], out: &mut String) -> bool {
    if extra.is_empty() {
        return false;
    }
    let object: serde_json::Map<String, serde_json::Value> =
        extra.iter().map(|(name, value)| (name.to_string(), serde_json::Value::String(value.clone()))).collect();
    out.clear();
    out.push_str(&serde_json::Value::Object(object).to_string());
    true
}

fn push_row(rows: &mut TransferBatch, transfer: &Transfer, extra: &mut String) {
    let has_extra = extra_json(&transfer.extra, extra);
    rows.push(
        (transfer.row, &transfer.tx_id),
        transfer.timestamp,
        (&transfer.from, &transfer.to),
        (transfer.amount, transfer.received),
        &transfer.channel,
        has_extra.then_some(extra.as_str()),
    );
}

/// A native CSV row takes about this many bytes (ids, two accounts, amount,
/// time): the file's length over it announces the rows to the store, which
/// may then defer its account indexes (see `LedgerWrite::expect_rows`).
const NATIVE_BYTES_PER_ROW: u64 = 100;

/// Imports one native or AMLworld ledger file, streaming: a parser thread
/// reads batches while this one writes them into the run's transaction.
fn import_native(
    store: &Store,
    write: &mut LedgerWrite<'_>,
    viewer: &Viewer,
    path: &Path,
    format: LedgerFormat,
    batch_size: usize,
) -> anyhow::Result<ImportSummary> {
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
    let length = file.metadata().ok().map(|metadata| metadata.len());
    let bar = progress_bar(length, &name);
    let input = BufReader::with_capacity(1 << 16, Counting { inner: file, bar: bar.clone() });
    let format_name = match format {
        LedgerFormat::AmlWorld => "amlworld",
        _ => "native",
    };
    let mut reader = LedgerReader::new(input, &name, format).map_err(|error| anyhow!("{error}"))?;
    let exchanges: Vec<String> = store
        .ledger_accounts(viewer)?
        .into_iter()
        .filter(|account| account.kind == AccountKind::Exchange.as_str())
        .map(|account| account.account)
        .collect();
    let started = Instant::now();
    let import_id = write.begin_import(&name, format_name, Utc::now())?;
    write.expect_rows(length.unwrap_or(0) / NATIVE_BYTES_PER_ROW)?;
    let batch_size = batch_size.max(1);
    let (sender, receiver) = mpsc::sync_channel::<Parsed>(2);
    let parser = std::thread::spawn(move || -> ReadStats {
        let mut tracker = AnomalyTracker::new(exchanges.iter().map(String::as_str));
        let mut extra = String::new();
        while let Some(batch) = reader.next_batch(batch_size) {
            let mut anomalies = Vec::new();
            let mut rows = TransferBatch::with_capacity(batch.transfers.len());
            for transfer in &batch.transfers {
                tracker.observe(transfer, &mut anomalies);
                push_row(&mut rows, transfer, &mut extra);
            }
            if sender.send(Parsed { rows, issues: batch.issues, anomalies }).is_err() {
                break;
            }
        }
        reader.stats().clone()
    });

    let mut summary = ImportSummary { file: name.clone(), import_id, ..ImportSummary::default() };
    let mut commit_error = None;
    for parsed in receiver {
        let outcome = match write.insert_transfers(import_id, parsed.rows) {
            Ok(outcome) => outcome,
            Err(error) => {
                commit_error = Some(error);
                break;
            }
        };
        summary.imported += outcome.inserted;
        let mut issues = parsed.issues;
        for duplicate in outcome.duplicates {
            let (severity, reason) = if duplicate.earlier_import {
                summary.already_stored += 1;
                if summary.already_stored > MAX_LISTED_ALREADY_STORED {
                    continue;
                }
                (
                    Severity::Warning,
                    format!("tx id {:?} is already stored (an earlier import); skipped", duplicate.tx_id),
                )
            } else {
                summary.duplicates += 1;
                (
                    Severity::Error,
                    format!("duplicate tx id {:?}; line {} is kept", duplicate.tx_id, duplicate.stored_line),
                )
            };
            issues.push(LineError::new(&name, duplicate.line, "tx_id", reason, severity));
        }
        issues.sort_by_key(|issue| issue.line);
        let room = MAX_LISTED.saturating_sub(summary.issues.len());
        summary.issues.extend(issues.into_iter().take(room));
        for anomaly in parsed.anomalies {
            match anomaly.kind {
                AnomalyKind::NegativeBalance => summary.anomalies.negative_balance += 1,
                AnomalyKind::CurrencyMismatch => summary.anomalies.currency_mismatch += 1,
                AnomalyKind::UnknownAccount => {}
            }
            if summary.anomaly_list.len() < MAX_LISTED {
                summary.anomaly_list.push(anomaly);
            }
        }
        bar.set_message(format!("{name}: {} stored", summary.imported));
    }
    let stats = parser.join().map_err(|_| anyhow!("the parser thread of {name} panicked"))?;
    bar.finish_and_clear();
    if let Some(error) = commit_error {
        return Err(error)
            .with_context(|| format!("importing {name}: the import was rolled back; nothing of it is stored"));
    }
    summary.records = stats.records;
    summary.rejected = stats.errors + summary.duplicates;
    summary.warnings = stats.warnings + summary.already_stored;
    summary.out_of_order = stats.out_of_order;
    summary.rounded = stats.rounded;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.rows_per_second = stats.records as f64 / summary.seconds.max(1e-9);
    Ok(summary)
}

fn problem_of(issue: &LineError) -> ImportProblem {
    ImportProblem {
        file: issue.file.to_string(),
        line: issue.line,
        field: issue.field.clone(),
        reason: issue.reason.clone(),
        severity: "error",
    }
}

/// Adds one native file's summary to the whole import's.
fn add_native(total: &mut ImportSummary, part: ImportSummary) {
    if total.import_id == 0 {
        total.import_id = part.import_id;
    }
    total.records += part.records;
    total.imported += part.imported;
    total.already_stored += part.already_stored;
    total.duplicates += part.duplicates;
    total.rejected += part.rejected;
    total.warnings += part.warnings;
    total.out_of_order += part.out_of_order;
    total.rounded += part.rounded;
    total.anomalies.negative_balance += part.anomalies.negative_balance;
    total.anomalies.currency_mismatch += part.anomalies.currency_mismatch;
    total.errors.extend(part.issues.iter().filter(|issue| issue.severity == Severity::Error).map(problem_of));
    let room = MAX_LISTED.saturating_sub(total.issues.len());
    total.issues.extend(part.issues.into_iter().take(room));
    let room = MAX_LISTED.saturating_sub(total.anomaly_list.len());
    total.anomaly_list.extend(part.anomaly_list.into_iter().take(room));
}

fn import_format(format: LedgerFileFormat) -> ImportFormat {
    match format {
        LedgerFileFormat::Auto | LedgerFileFormat::Camt => ImportFormat::Auto,
        LedgerFileFormat::Native => ImportFormat::Native,
        LedgerFileFormat::Amlworld => ImportFormat::AmlWorld,
        LedgerFileFormat::Mt940 => ImportFormat::Statement(Format::Mt940),
        LedgerFileFormat::Xlsx => ImportFormat::Statement(Format::Xlsx),
        LedgerFileFormat::Csv => ImportFormat::Statement(Format::Csv),
        LedgerFileFormat::Etherscan => ImportFormat::Statement(Format::Etherscan),
        LedgerFileFormat::Tronscan => ImportFormat::Statement(Format::Tronscan),
    }
}

pub fn ledger_import(global: &Global, args: &LedgerImportArgs) -> anyhow::Result<ExitCode> {
    let plan = plan_import(&args.paths, import_format(args.format))
        .map_err(|error| anyhow!("cannot list the files to import: {error}"))?;
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let mapping = match args.mapping.as_deref() {
        Some(given) => Some(resolve_mapping(&store, &viewer, given).map_err(|error| anyhow!("--mapping: {error}"))?),
        None => None,
    };
    if let (Some(name), Some(profile)) = (args.save_mapping.as_deref(), mapping.as_ref()) {
        save_mapping(&store, &viewer, name, profile).map_err(|error| anyhow!("--save-mapping: {error}"))?;
    }
    let started = Instant::now();
    let mut write = store.begin_ledger_write(&viewer)?;
    let names: Vec<String> = args.paths.iter().map(|path| path.display().to_string()).collect();
    let mut summary = ImportSummary { file: names.join(", "), ..ImportSummary::default() };
    let mut statement_files: Vec<(PathBuf, Option<Format>)> = Vec::new();
    for (path, kind) in plan {
        match kind {
            FileKind::Native | FileKind::AmlWorld => {
                let format = if kind == FileKind::Native { LedgerFormat::Native } else { LedgerFormat::AmlWorld };
                let part = import_native(&store, &mut write, &viewer, &path, format, args.batch_size)?;
                add_native(&mut summary, part);
            }
            // A CSV that is no explorer export and comes without a mapping is
            // read as a native ledger, so its header problems are named as before.
            FileKind::Statement(Format::Csv)
                if args.format == LedgerFileFormat::Auto && mapping.is_none() && sibling_profile(&path).is_none() =>
            {
                let part = import_native(&store, &mut write, &viewer, &path, LedgerFormat::Native, args.batch_size)?;
                add_native(&mut summary, part);
            }
            // `--format camt` leaves the message type (052, 053, 054) to the content.
            FileKind::Statement(format) if args.format == LedgerFileFormat::Camt && !format.is_camt() => {
                statement_files.push((path, Some(Format::Camt053)));
            }
            FileKind::Statement(format) => statement_files.push((path, Some(format))),
            FileKind::Unknown if args.format == LedgerFileFormat::Camt => {
                statement_files.push((path, Some(Format::Camt053)));
            }
            FileKind::Unknown => {
                summary.rejected += 1;
                summary.errors.push(ImportProblem {
                    file: path.display().to_string(),
                    line: 0,
                    field: "file".into(),
                    reason: "not a recognised ledger or statement format (native, amlworld, mt940, mt942, camt.052/053/054, \
                             etherscan, tronscan; csv and xlsx need --format and --mapping); name the format"
                        .into(),
                    severity: "error",
                });
            }
        }
    }
    if !statement_files.is_empty() {
        let bar = progress_bar(None, "reading and reconciling statements");
        let imported =
            import_statements(&mut write, &statement_files, mapping.as_ref(), args.batch_size, &mut |stored| {
                bar.set_message(format!("reconciled statements: {stored} rows stored"));
                Ok(())
            });
        bar.finish_and_clear();
        let imported = imported
            .context("storing the reconciled statements: the import was rolled back; nothing of it is stored")?;
        if summary.import_id == 0 {
            summary.import_id = imported.import_id.unwrap_or(0);
        }
        summary.records += imported.rows;
        summary.imported += imported.imported;
        summary.duplicates += imported.duplicates;
        summary.rejected += imported.rejected;
        summary.merged += imported.merged;
        summary.warnings += imported.errors.iter().filter(|error| error.severity == "warning").count() as u64;
        for problem in &imported.errors {
            let severity = if problem.severity == "error" { Severity::Error } else { Severity::Warning };
            if summary.issues.len() < MAX_LISTED {
                summary.issues.push(LineError::new(
                    &problem.file,
                    problem.line,
                    &problem.field,
                    problem.reason.clone(),
                    severity,
                ));
            }
        }
        summary.errors.extend(imported.errors.into_iter().filter(|error| error.severity == "error"));
        summary.statements = imported.statements;
    }
    write.commit().context("committing the import: it was rolled back; nothing of it is stored")?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.rows_per_second = summary.records as f64 / summary.seconds.max(1e-9);
    let unbalanced = summary.statements.iter().filter(|statement| statement.balanced == Some(false)).count();
    if args.json {
        print_json(&summary)?;
    } else {
        for issue in &summary.issues {
            eprintln!("{issue}");
        }
        for problem in summary.errors.iter().filter(|problem| problem.line == 0 && problem.field == "file") {
            eprintln!("{}: {}", problem.file, problem.reason);
        }
        for statement in &summary.statements {
            let balanced = match statement.balanced {
                Some(true) => "balanced",
                Some(false) => "DOES NOT BALANCE",
                None => "no balances to check",
            };
            println!(
                "{}: statement {} account {} {} {} -> {}, {} entries, {balanced}",
                statement.file,
                statement.statement,
                statement.account,
                statement.currency.as_deref().unwrap_or("-"),
                statement.opening.as_deref().unwrap_or("-"),
                statement.closing.as_deref().unwrap_or("-"),
                statement.entries,
            );
        }
        println!(
            "imported {}, already stored {}, duplicates {}, merged {}, rejected {}, warnings {}, negative balances {}, \
             currency mismatches {}, unbalanced statements {unbalanced} ({:.0} rows/s)",
            summary.imported,
            summary.already_stored,
            summary.duplicates,
            summary.merged,
            summary.rejected,
            summary.warnings,
            summary.anomalies.negative_balance,
            summary.anomalies.currency_mismatch,
            summary.rows_per_second
        );
    }
    let failed = summary.rejected > 0 || !summary.errors.is_empty() || unbalanced > 0;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The provenance columns `ledger export --csv` adds to the native ones.
const SOURCE_COLUMNS: [&str; 3] = ["source_file", "source_statement", "source_entry"];

/// `ledger export --csv FILE`: the native ledger CSV (which `ledger import`
/// reads back) plus where each row came from.
pub fn export_csv(store: &Store, viewer: &Viewer, path: &Path) -> anyhow::Result<u64> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
    let mut header = vec!["tx_id", "timestamp", "from_account", "to_account", "amount", "currency", "channel"];
    header.extend(["received_amount", "received_currency"]);
    header.extend(SOURCE_COLUMNS);
    writer.write_record(&header)?;
    let mut after = 0;
    let mut written = 0;
    loop {
        let page = store.ledger_page_with_sources(viewer, after, PAGE)?;
        let Some((last, ..)) = page.last() else {
            break;
        };
        after = *last;
        for (_, row, source) in &page {
            let received = row.received.map(|money| (money.decimal(), money.currency().code()));
            writer.write_record([
                row.tx_id.as_str(),
                &row.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                &row.from,
                &row.to,
                &row.amount.decimal(),
                row.amount.currency().code(),
                &row.channel,
                received.as_ref().map_or("", |(amount, _)| amount.as_str()),
                received.as_ref().map_or("", |(_, currency)| currency),
                source.as_ref().map_or("", |source| source.source_file.as_str()),
                source.as_ref().map_or("", |source| source.source_statement.as_str()),
                source.as_ref().map_or("", |source| source.source_entry.as_str()),
            ])?;
            written += 1;
        }
    }
    writer.into_inner().map_err(|error| anyhow!("cannot write {}: {error}", path.display()))?.flush()?;
    Ok(written)
}

/// `ledger show TX`: one transfer with where it came from.
pub fn ledger_show(global: &Global, args: &LedgerShowArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let Some((row, source)) = store.ledger_transfer(&viewer, &args.tx)? else {
        bail!("transaction {:?} is not in the ledger of your organisation", args.tx);
    };
    let extra: Option<serde_json::Value> = row.extra.as_deref().and_then(|extra| serde_json::from_str(extra).ok());
    let shown = serde_json::json!({
        "tx_id": row.tx_id,
        "timestamp": row.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        "from_account": row.from,
        "to_account": row.to,
        "amount": row.amount.decimal(),
        "currency": row.amount.currency().code(),
        "received_amount": row.received.map(|money| money.decimal()),
        "received_currency": row.received.map(|money| money.currency().code()),
        "channel": row.channel,
        "line": row.line,
        "extra": extra,
        "source_file": source.as_ref().map(|source| source.source_file.as_str()),
        "source_statement": source.as_ref().map(|source| source.source_statement.as_str()),
        "source_entry": source.as_ref().map(|source| source.source_entry.as_str()),
    });
    if args.json {
        print_json(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("tx_id      {}", row.tx_id);
    println!("timestamp  {}", row.at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    println!("from       {}", row.from);
    println!("to         {}", row.to);
    println!("amount     {}", row.amount);
    if let Some(received) = row.received {
        println!("received   {received}");
    }
    println!("channel    {}", row.channel);
    if let Some(extra) = &row.extra {
        println!("extra      {extra}");
    }
    match &source {
        Some(source) => {
            println!("source_file       {}", source.source_file);
            println!("source_statement  {}", source.source_statement);
            println!("source_entry      {}", source.source_entry);
        }
        None => println!("source     line {} of an imported ledger file (no statement provenance)", row.line),
    }
    Ok(ExitCode::SUCCESS)
}
