//! The money-trail commands: `ledger export --parquet`, `accounts import`,
//! `trace`, `mules`, `freeze-list`, `typologies` and `features` (`ledger
//! import`, `show` and `export --csv` are in `ledger.rs`). The analysis commands load the
//! organisation's whole ledger with `crackdown_engine::trail`, the code path
//! the API shares, and run on it.
//! Ledgers are case evidence: the store lets only the importing
//! organisation's admins and analysts read them.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use anyhow::{Context as _, anyhow, bail};
use chrono::Utc;
use crackdown_engine::trail::{self as engine, TrailError};
use crackdown_model::Viewer;
use crackdown_store::{LedgerAccount, NewTypologyHit, Store};
use crackdown_trail::account::read_accounts;
use crackdown_trail::features::{Edges, FeatureConfig, VertexStats, graph_features};
use crackdown_trail::freeze::write_csv;
use crackdown_trail::trace::{TraceOptions, trace_each};
use crackdown_trail::typology::{TypologyConfig, detect};
use crackdown_trail::{Ledger, LineError, Rule, Severity};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{
    FeaturesArgs, FreezeListArgs, Global, LedgerExportArgs, MulesArgs, RuleArg, TableFormat, TraceArgs, TracingArgs,
    TypologiesArgs,
};
use crate::context::{open_store, print_json, viewer};

#[derive(serde::Serialize)]
struct AccountsSummary {
    file: String,
    stored: u64,
    rejected: usize,
    issues: Vec<LineError>,
}

pub fn accounts_import(global: &Global, path: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
    let (records, issues) = read_accounts(BufReader::new(file), &name).map_err(|error| anyhow!("{error}"))?;
    let accounts: Vec<LedgerAccount> = records
        .into_iter()
        .map(|record| LedgerAccount {
            account: record.account,
            country: record.country,
            kind: record.kind.as_str().to_owned(),
        })
        .collect();
    let stored = store.upsert_ledger_accounts(&viewer, &accounts)?;
    let rejected = issues.iter().filter(|issue| issue.severity == Severity::Error).count();
    let summary = AccountsSummary { file: name, stored, rejected, issues };
    if json {
        print_json(&summary)?;
    } else {
        for issue in &summary.issues {
            eprintln!("{issue}");
        }
        println!("stored {} accounts, rejected {}", summary.stored, summary.rejected);
    }
    Ok(if rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Loads the viewer's organisation's ledger (see
/// `crackdown_engine::trail::load_ledger`), with a progress bar on a terminal.
fn load_ledger(store: &Store, viewer: &Viewer) -> anyhow::Result<Ledger> {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("loading the ledger [{bar:30}] {pos}/{len} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let ledger = engine::load_ledger(store, viewer, |loaded, total| {
        bar.set_length(total);
        bar.set_position(loaded);
    })?;
    bar.finish_and_clear();
    Ok(ledger)
}

fn tracing_options(args: &TracingArgs) -> anyhow::Result<TraceOptions> {
    let rule = match args.rule {
        RuleArg::Fifo => Rule::Fifo,
        RuleArg::Lifo => Rule::Lifo,
        RuleArg::Libr => Rule::Libr,
        RuleArg::Prorata => Rule::ProRata,
        RuleArg::Poison => Rule::Poison,
    };
    engine::tracing_options(rule, &args.horizon, args.dust, args.max_steps).map_err(|error| match error {
        TrailError::Invalid(message) => anyhow!("--{message}"),
        other => other.into(),
    })
}

/// Reads a list of ids or accounts, one per line; blank lines and `#` comments are skipped.
fn read_list(path: &Path) -> anyhow::Result<Vec<String>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut items = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read the line", path.display(), index + 1))?;
        let item = line.trim();
        if !item.is_empty() && !item.starts_with('#') {
            items.push(item.to_owned());
        }
    }
    Ok(items)
}

/// A file name for a tx id: characters other than letters, digits, `.`, `-`
/// and `_` become `_`, so no id can escape the output directory.
fn file_name(tx_id: &str) -> String {
    let name: String = tx_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    if name.starts_with('.') { format!("_{name}") } else { name }
}

pub fn trace(global: &Global, args: &TraceArgs) -> anyhow::Result<ExitCode> {
    let options = tracing_options(&args.tracing)?;
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let ledger = load_ledger(&store, &viewer)?;
    if let Some(tx) = &args.tx {
        let trace = crackdown_trail::trace::trace(&ledger, tx, &options)?;
        println!("{}", serde_json::to_string_pretty(&trace)?);
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(tx_file), Some(out)) = (&args.tx_file, &args.out) else {
        bail!("give --tx ID, or --tx-file IDS.txt with --out DIR");
    };
    let ids = read_list(tx_file)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let started = Instant::now();
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    trace_each(&ledger, &ids, &options, args.tracing.threads, |index, result| {
        let outcome = result.map_err(|error| error.to_string()).and_then(|trace| {
            let path = out.join(format!("{}.json", file_name(&ids[index])));
            let cannot_write = |error: &dyn std::fmt::Display| format!("cannot write {}: {error}", path.display());
            // Streamed: a poison trace of thousands of hops would otherwise
            // pass through a fresh buffer of megabytes per payment.
            let mut writer =
                std::io::BufWriter::with_capacity(1 << 16, File::create(&path).map_err(|error| cannot_write(&error))?);
            serde_json::to_writer(&mut writer, &trace).map_err(|error| cannot_write(&error))?;
            std::io::Write::flush(&mut writer).map_err(|error| cannot_write(&error))
        });
        if let Err(error) = outcome {
            failures.lock().unwrap_or_else(PoisonError::into_inner).push(format!("{}: {error}", ids[index]));
        }
    });
    let failures = failures.into_inner().unwrap_or_else(PoisonError::into_inner);
    for failure in &failures {
        eprintln!("{failure}");
    }
    eprintln!(
        "traced {} of {} payments into {} in {:.2} s",
        ids.len() - failures.len(),
        ids.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The victim payments a freeze list starts from (see `FreezeListArgs`).
fn victim_payments(ledger: &Ledger, args: &FreezeListArgs) -> anyhow::Result<Vec<String>> {
    if let Some(path) = &args.tx_file {
        return read_list(path);
    }
    let Some(path) = &args.victims else {
        bail!("give --tx-file IDS.txt or --victims ACCOUNTS.txt");
    };
    let (payments, unknown) = engine::payments_of_victims(ledger, &read_list(path)?);
    for victim in unknown {
        eprintln!("{}: victim account {victim:?} is not in the ledger", path.display());
    }
    Ok(payments)
}

pub fn freeze_list(global: &Global, args: &FreezeListArgs) -> anyhow::Result<ExitCode> {
    let options = tracing_options(&args.tracing)?;
    if options.rule == Rule::Poison {
        eprintln!("warning: poison tracing overstates amounts; send banks a list traced under another rule");
    }
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let ledger = load_ledger(&store, &viewer)?;
    let payments = victim_payments(&ledger, args)?;
    let (rows, unknown) = engine::freeze(&ledger, &payments, &options, args.tracing.threads);
    for id in &unknown {
        eprintln!("transaction {id:?} is not in the ledger");
    }
    match args.format {
        TableFormat::Csv => {
            let stdout = std::io::stdout();
            write_csv(&rows, stdout.lock())?;
        }
        TableFormat::Json => print_json(&rows)?,
    }
    Ok(if unknown.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Reads `account,label` rows; a header row is recognised and skipped.
fn read_labels(path: &Path) -> anyhow::Result<Vec<(String, bool)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut labels = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = record.with_context(|| format!("{}:{line}: unreadable record", path.display()))?;
        let account = record.get(0).unwrap_or("").trim();
        let label = record.get(1).unwrap_or("").trim().to_ascii_lowercase();
        let value = match label.as_str() {
            "1" | "true" | "mule" | "yes" => true,
            "0" | "false" | "legit" | "no" => false,
            _ if line == 1 => continue,
            _ => bail!("{}:{line}: label: {label:?} is not one of 1/0, true/false, mule/legit", path.display()),
        };
        if account.is_empty() {
            bail!("{}:{line}: account: empty", path.display());
        }
        labels.push((account.to_owned(), value));
    }
    Ok(labels)
}

pub fn mules(global: &Global, args: &MulesArgs) -> anyhow::Result<ExitCode> {
    let labels = args.labels.as_deref().map(read_labels).transpose()?;
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let ledger = load_ledger(&store, &viewer)?;
    let (model, unknown) = engine::mule_model(&ledger, labels.as_deref());
    for account in unknown {
        eprintln!("warning: labelled account {account:?} is not in the ledger");
    }
    if let Some(account) = &args.explain {
        let evidence =
            model.explain(&ledger, account).with_context(|| format!("account {account:?} is not in the ledger"))?;
        let score = ledger.account_id(account).map_or(0.0, |id| model.score(id));
        print_json(&serde_json::json!({ "account": account, "score": score, "evidence": evidence }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let ranking = model.ranking(&ledger);
    match args.format {
        TableFormat::Csv => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            writeln!(out, "account,score")?;
            let mut writer = csv::Writer::from_writer(&mut out);
            for (account, score) in &ranking {
                writer.write_record([account.as_str(), &format!("{score:.6}")])?;
            }
            writer.flush()?;
        }
        TableFormat::Json => {
            let rows: Vec<_> = ranking
                .iter()
                .map(|(account, score)| serde_json::json!({ "account": account, "score": score }))
                .collect();
            print_json(&rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Finds (or, with `--stored`, reads back) typology hits; `--store` keeps
/// the run as the organisation's stored hits, replacing the previous run,
/// and prints them as stored (with their ids).
pub fn typologies(global: &Global, args: &TypologiesArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let json = args.json || args.format == TableFormat::Json;
    let kind = args.kind.as_deref();
    if !args.stored {
        let ledger = load_ledger(&store, &viewer)?;
        let detected = detect(&ledger, &TypologyConfig::default());
        if !args.store {
            // Strongest first, each with its strength and reasons.
            let found: Vec<_> = detected.iter().filter(|hit| kind.is_none_or(|k| k == hit.kind.as_str())).collect();
            return print_hits(&found, json, |hit| {
                hit_record(
                    hit.kind.as_str(),
                    &hit.account,
                    &hit.accounts,
                    hit.window_start,
                    hit.window_end,
                    &hit.tx_ids,
                )
            });
        }
        let found: Vec<NewTypologyHit> = detected
            .into_iter()
            .map(|hit| NewTypologyHit {
                kind: hit.kind.as_str().to_owned(),
                account: hit.account,
                accounts: hit.accounts,
                window_start: hit.window_start,
                window_end: hit.window_end,
                tx_ids: hit.tx_ids,
            })
            .collect();
        let stored = store.replace_typology_hits(&viewer, &found, Utc::now())?;
        eprintln!("stored {stored} typology hits");
    }
    let hits = store.typology_hits(&viewer, kind)?;
    print_hits(&hits, json, |hit| {
        hit_record(&hit.kind, &hit.account, &hit.accounts, hit.window_start, hit.window_end, &hit.tx_ids)
    })
}

fn hit_record(
    kind: &str,
    account: &str,
    accounts: &[String],
    start: chrono::DateTime<Utc>,
    end: chrono::DateTime<Utc>,
    tx_ids: &[String],
) -> [String; 6] {
    [kind.to_owned(), account.to_owned(), accounts.join(";"), start.to_rfc3339(), end.to_rfc3339(), tx_ids.join(";")]
}

fn print_hits<T: serde::Serialize>(
    hits: &[T],
    json: bool,
    record: impl Fn(&T) -> [String; 6],
) -> anyhow::Result<ExitCode> {
    if json {
        print_json(&hits)?;
    } else {
        let stdout = std::io::stdout();
        let mut writer = csv::Writer::from_writer(stdout.lock());
        writer.write_record(["kind", "account", "accounts", "window_start", "window_end", "tx_ids"])?;
        for hit in hits {
            writer.write_record(record(hit))?;
        }
        writer.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn features(global: &Global, args: &FeaturesArgs) -> anyhow::Result<ExitCode> {
    let config = FeatureConfig::with_patterns(args.patterns.iter().map(String::as_str), usize::from(args.lc_cycle_len))
        .map_err(|error| anyhow!("--patterns: {error}"))?;
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let ledger = load_ledger(&store, &viewer)?;
    let count = ledger.len();
    let source: Vec<u32> = (0..count).map(|i| ledger.from(i)).collect();
    let target: Vec<u32> = (0..count).map(|i| ledger.to(i)).collect();
    // snapml's windows are in the timestamps' unit; ours are seconds.
    let time: Vec<i64> = (0..count).map(|i| ledger.timestamp_micros(i).div_euclid(1_000_000)).collect();
    let started = Instant::now();
    let matrix = graph_features(&Edges { source: &source, target: &target, time: &time }, &config, args.threads);
    let seconds = started.elapsed().as_secs_f64();
    let file = File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let write_error = |error| anyhow!("cannot write {}: {error}", args.out.display());
    let mut columns = matrix.columns.clone();
    if matrix.vertex_stats.is_some() {
        columns.extend(VertexStats::columns());
    }
    write!(out, "tx_id,{}", columns.join(",")).map_err(write_error)?;
    let mut line = Vec::with_capacity(4 * matrix.columns.len() + 32);
    for edge in 0..count {
        line.clear();
        line.push(b'\n');
        line.extend_from_slice(csv_field(ledger.tx_id(edge)).as_bytes());
        for &value in matrix.row(edge) {
            line.push(b',');
            if value == 0 {
                line.push(b'0');
            } else {
                line.extend_from_slice(value.to_string().as_bytes());
            }
        }
        if let Some(stats) = &matrix.vertex_stats {
            // `{:?}` prints the shortest text that reads back as the same double.
            for value in stats.row(source[edge], target[edge]) {
                line.extend_from_slice(format!(",{value:?}").as_bytes());
            }
        }
        out.write_all(&line).map_err(write_error)?;
    }
    out.write_all(b"\n").and_then(|()| out.flush()).map_err(write_error)?;
    eprintln!("features: {count} transfers in {seconds:.2} s = {:.0} transfers/s", count as f64 / seconds.max(1e-9));
    Ok(ExitCode::SUCCESS)
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

pub fn ledger_export(global: &Global, args: &LedgerExportArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    if let Some(path) = &args.csv {
        let written = crate::ledger::export_csv(&store, &viewer, path)?;
        eprintln!("wrote {}", path.display());
        println!("exported {written} transfers");
    }
    if let Some(dir) = &args.parquet {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let written = parquet_export::export(&store, &viewer, dir, args.rows_per_file.max(1))?;
        for path in &written.files {
            eprintln!("wrote {}", path.display());
        }
        println!("exported {} transfers and {} accounts", written.transfers, written.accounts);
    }
    Ok(ExitCode::SUCCESS)
}

/// What an export wrote.
pub struct Exported {
    pub files: Vec<PathBuf>,
    pub transfers: u64,
    pub accounts: u64,
}

/// `ledger export --parquet`: the ledger as Parquet files, for engines that
/// scale past one machine (Spark, DataFusion/Ballista, DuckDB, Trino).
///
/// Written with the `parquet` crate's low-level column writers and Snappy
/// only: the `arrow` feature would pull in the Arrow crates for no gain here.
/// `transfers-NNNNN.parquet` holds the transfers in arrival order (column
/// `id`), one row group per 100,000 rows; `accounts.parquet` the accounts.
/// Amounts are integer minor units with the currency and its decimals, times
/// are UTC milliseconds (Parquet TIMESTAMP(MILLIS, UTC)).
mod parquet_export {
    use std::fs::File;
    use std::path::Path;
    use std::sync::Arc;

    use anyhow::Context as _;
    use crackdown_model::Viewer;
    use crackdown_store::{LedgerRow, Store};
    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
    use parquet::schema::parser::parse_message_type;

    use crackdown_engine::trail::PAGE;

    use super::Exported;

    const TRANSFERS: &str = "message transfer {
        REQUIRED INT64 id;
        REQUIRED INT64 line;
        REQUIRED BYTE_ARRAY tx_id (STRING);
        REQUIRED INT64 at (TIMESTAMP(MILLIS,true));
        REQUIRED BYTE_ARRAY from_account (STRING);
        REQUIRED BYTE_ARRAY to_account (STRING);
        REQUIRED INT64 amount_minor;
        REQUIRED BYTE_ARRAY currency (STRING);
        REQUIRED INT32 minor_units;
        OPTIONAL INT64 received_minor;
        OPTIONAL BYTE_ARRAY received_currency (STRING);
        REQUIRED BYTE_ARRAY channel (STRING);
        OPTIONAL BYTE_ARRAY extra (STRING);
    }";

    const ACCOUNTS: &str = "message account {
        REQUIRED BYTE_ARRAY account (STRING);
        OPTIONAL BYTE_ARRAY country (STRING);
        REQUIRED BYTE_ARRAY kind (STRING);
    }";

    /// One column's values for a row group; `None` is a null.
    enum Column {
        Int(Vec<i64>),
        Small(Vec<i32>),
        Text(Vec<ByteArray>),
        OptionalInt(Vec<Option<i64>>),
        OptionalText(Vec<Option<ByteArray>>),
    }

    fn text(value: &str) -> ByteArray {
        ByteArray::from(value.as_bytes().to_vec())
    }

    fn write_group(writer: &mut SerializedFileWriter<File>, columns: Vec<Column>) -> parquet::errors::Result<()> {
        let mut group: SerializedRowGroupWriter<'_, File> = writer.next_row_group()?;
        for column in columns {
            let Some(mut out) = group.next_column()? else {
                break;
            };
            match column {
                Column::Int(values) => {
                    out.typed::<Int64Type>().write_batch(&values, None, None)?;
                }
                Column::Small(values) => {
                    out.typed::<Int32Type>().write_batch(&values, None, None)?;
                }
                Column::Text(values) => {
                    out.typed::<ByteArrayType>().write_batch(&values, None, None)?;
                }
                Column::OptionalInt(values) => {
                    let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
                    let present: Vec<i64> = values.into_iter().flatten().collect();
                    out.typed::<Int64Type>().write_batch(&present, Some(&levels), None)?;
                }
                Column::OptionalText(values) => {
                    let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
                    let present: Vec<ByteArray> = values.into_iter().flatten().collect();
                    out.typed::<ByteArrayType>().write_batch(&present, Some(&levels), None)?;
                }
            }
            out.close()?;
        }
        group.close()?;
        Ok(())
    }

    fn transfer_columns(page: &[(i64, LedgerRow)]) -> Vec<Column> {
        let ints = |f: &dyn Fn(&(i64, LedgerRow)) -> i64| Column::Int(page.iter().map(f).collect());
        let texts = |f: &dyn Fn(&LedgerRow) -> &str| Column::Text(page.iter().map(|(_, row)| text(f(row))).collect());
        vec![
            ints(&|(id, _)| *id),
            ints(&|(_, row)| i64::try_from(row.line).unwrap_or(i64::MAX)),
            texts(&|row| &row.tx_id),
            ints(&|(_, row)| row.at.timestamp_millis()),
            texts(&|row| &row.from),
            texts(&|row| &row.to),
            ints(&|(_, row)| row.amount.minor()),
            texts(&|row| row.amount.currency().code()),
            Column::Small(page.iter().map(|(_, row)| i32::from(row.amount.currency().minor_units())).collect()),
            Column::OptionalInt(page.iter().map(|(_, row)| row.received.map(|m| m.minor())).collect()),
            Column::OptionalText(page.iter().map(|(_, row)| row.received.map(|m| text(m.currency().code()))).collect()),
            texts(&|row| &row.channel),
            Column::OptionalText(page.iter().map(|(_, row)| row.extra.as_deref().map(text)).collect()),
        ]
    }

    fn open(path: &Path, schema: &str) -> anyhow::Result<SerializedFileWriter<File>> {
        let schema = Arc::new(parse_message_type(schema)?);
        let properties = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(SerializedFileWriter::new(file, schema, properties)?)
    }

    pub(super) fn export(store: &Store, viewer: &Viewer, dir: &Path, rows_per_file: usize) -> anyhow::Result<Exported> {
        let mut exported = Exported { files: Vec::new(), transfers: 0, accounts: 0 };
        let mut current: Option<(SerializedFileWriter<File>, usize)> = None;
        let mut after = 0;
        loop {
            let room = current.as_ref().map_or(rows_per_file, |(_, rows)| rows_per_file - rows);
            let page = store.ledger_page(viewer, after, room.min(PAGE))?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = *last;
            if current.is_none() {
                let path = dir.join(format!("transfers-{:05}.parquet", exported.files.len()));
                current = Some((open(&path, TRANSFERS)?, 0));
                exported.files.push(path);
            }
            if let Some((writer, rows)) = current.as_mut() {
                write_group(writer, transfer_columns(&page))?;
                *rows += page.len();
                exported.transfers += page.len() as u64;
                if *rows >= rows_per_file
                    && let Some((writer, _)) = current.take()
                {
                    writer.close()?;
                }
            }
        }
        if let Some((writer, _)) = current {
            writer.close()?;
        }
        let accounts = store.ledger_accounts(viewer)?;
        let path = dir.join("accounts.parquet");
        let mut writer = open(&path, ACCOUNTS)?;
        if !accounts.is_empty() {
            write_group(
                &mut writer,
                vec![
                    Column::Text(accounts.iter().map(|a| text(&a.account)).collect()),
                    Column::OptionalText(accounts.iter().map(|a| a.country.as_deref().map(text)).collect()),
                    Column::Text(accounts.iter().map(|a| text(&a.kind)).collect()),
                ],
            )?;
        }
        writer.close()?;
        exported.files.push(path);
        exported.accounts = accounts.len() as u64;
        Ok(exported)
    }
}
