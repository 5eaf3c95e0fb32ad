//! `crackdown import reports`: a parsing thread parses and analyses whole
//! batches and feeds them to the committing thread, so parsing, analysis and
//! writing overlap on two cores while memory stays bounded by a few batches.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::Context as _;
use chrono::Utc;
use crackdown_engine::intake::{AnalyzedBatch, Intake};
use crackdown_engine::shipped_analyzer;
use crackdown_ingest::reports::{Defaults, Format, for_each_report};
use crackdown_ingest::{IngestError, RecordError};
use crackdown_model::{Channel, Tlp};
use crackdown_server::ImportError;
use crackdown_store::ShareOptions;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{Global, ImportReportsArgs, ReportFormat};
use crate::context::{open_store, print_json, viewer};

/// What an import did, as `--json` prints it.
#[derive(Default, serde::Serialize)]
struct Summary {
    imported: usize,
    duplicates: usize,
    rejected: usize,
    errors: Vec<ImportError>,
}

/// At most this many errors are listed; the count of rejects stays exact.
const MAX_LISTED_ERRORS: usize = 1000;

/// Counts bytes read, to drive the progress bar.
pub(crate) struct Counting<R> {
    pub(crate) inner: R,
    pub(crate) bar: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.bar.inc(read as u64);
        Ok(read)
    }
}

pub(crate) fn progress_bar(length: Option<u64>, name: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match length {
        Some(length) => ProgressBar::new(length).with_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner(),
    };
    bar.set_message(name.to_owned());
    bar
}

/// Opens a file (or stdin for "-") and sniffs its format.
fn open(path: &Path, format: Option<ReportFormat>) -> anyhow::Result<(Box<dyn BufRead + Send>, Format, Option<u64>)> {
    let (reader, length): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let length = file.metadata().ok().map(|metadata| metadata.len());
        (Box::new(file), length)
    };
    let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(1 << 16, reader));
    let format = match format {
        Some(ReportFormat::Jsonl) => Format::Jsonl,
        Some(ReportFormat::Json) => Format::JsonArray,
        Some(ReportFormat::Csv) => Format::Csv,
        None => {
            let head = reader.fill_buf().with_context(|| format!("cannot read {}", path.display()))?;
            Format::detect(&path.to_string_lossy(), head)
        }
    };
    Ok((reader, format, length))
}

pub fn reports(global: &Global, args: &ImportReportsArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let tlp = Tlp::parse(&args.tlp).with_context(|| format!("--tlp {:?} is not a TLP marking", args.tlp))?;
    let defaults = Defaults { tlp, channel: Channel::Bulk };
    let share = ShareOptions { communities: args.share.clone(), recipients: args.recipients.clone() };
    let batch_size = args.batch_size.max(1);
    let mut summary = Summary::default();
    let mut intake = Intake::begin(&store, viewer, share);

    for path in &args.files {
        let name = path.display().to_string();
        let (reader, format, length) = open(path, args.format)?;
        let bar = progress_bar(length, &name);
        let reader = BufReader::new(Counting { inner: reader, bar: bar.clone() });
        let (batches, receiver) = mpsc::sync_channel::<AnalyzedBatch>(4);
        // The parser thread also analyses each batch (on rayon's pool) before
        // handing it over, so analysis overlaps the commit of the previous one.
        let analyzer = shipped_analyzer();
        let parser = std::thread::spawn(move || -> (usize, Vec<RecordError>, Result<(), IngestError>) {
            let mut rejected = 0;
            let mut errors = Vec::new();
            let mut batch = Vec::with_capacity(batch_size);
            let mut disconnected = false;
            let result = for_each_report(reader, format, &defaults, |(_, record)| match record {
                Ok(report) if !disconnected => {
                    batch.push(report);
                    if batch.len() >= batch_size {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                        disconnected = batches.send(AnalyzedBatch::new(analyzer, full)).is_err();
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    rejected += 1;
                    if errors.len() < MAX_LISTED_ERRORS {
                        errors.push(error);
                    }
                }
            });
            if !batch.is_empty() && !disconnected {
                let _ = batches.send(AnalyzedBatch::new(analyzer, batch));
            }
            (rejected, errors, result)
        });
        let mut commit_error = None;
        for batch in receiver {
            match intake.push(&batch, Utc::now()) {
                Ok(outcome) => {
                    summary.imported += outcome.created();
                    summary.duplicates += outcome.duplicates();
                }
                Err(error) => {
                    commit_error = Some(error);
                    break;
                }
            }
        }
        let (rejected, errors, parsed) =
            parser.join().map_err(|_| anyhow::anyhow!("the parser thread of {name} panicked"))?;
        bar.finish_and_clear();
        if let Some(error) = commit_error {
            return Err(error).with_context(|| format!("importing {name}: the batch being written was rolled back; earlier batches are stored, re-run to continue"));
        }
        summary.rejected += rejected;
        let room = MAX_LISTED_ERRORS.saturating_sub(summary.errors.len());
        summary.errors.extend(errors.into_iter().take(room).map(|error| ImportError::new(&name, error)));
        if let Err(error) = parsed {
            summary.rejected += 1;
            let error = match error {
                IngestError::Fatal(error) => error,
                IngestError::Io(io) => RecordError { line: 0, field: None, reason: format!("read error: {io}") },
            };
            summary.errors.push(ImportError::new(&name, error));
        }
    }

    intake.finish(Utc::now()).context("linking and watching the imported reports")?;
    if args.json {
        print_json(&summary)?;
    } else {
        for error in &summary.errors {
            match &error.field {
                Some(field) => eprintln!("{}:{}: field {field:?}: {}", error.file, error.line, error.reason),
                None => eprintln!("{}:{}: {}", error.file, error.line, error.reason),
            }
        }
        if summary.rejected > summary.errors.len() {
            eprintln!("... and {} more rejected records", summary.rejected - summary.errors.len());
        }
        println!("imported {}, duplicates {}, rejected {}", summary.imported, summary.duplicates, summary.rejected);
    }
    Ok(if summary.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
