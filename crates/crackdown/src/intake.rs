//! `crackdown import email` and `crackdown import chat`: evidence artefacts
//! become reports, one per message or conversation, each committed whole
//! with its original bytes and extracted detail.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{FixedOffset, Utc};
use crackdown_engine::intake::{Evidence, Intake, chat_evidence, mail_evidence};
use crackdown_engine::shipped_analyzer;
use crackdown_evidence::chat::ChatOptions;
use crackdown_evidence::mail::MailLimits;
use crackdown_evidence::mail::source::mail_sources;
use crackdown_model::{Tlp, Viewer};
use crackdown_store::{InsertedReport, ShareOptions, Store};
use serde::Serialize;

use crate::cli::{EvidenceOptions, Global, ImportChatArgs, ImportEvidenceArgs};
use crate::context::{open_store, print_json, viewer};

/// One artefact that could not become a report.
#[derive(Serialize)]
struct Rejected {
    file: String,
    reason: String,
}

/// What an evidence import did, as `--json` prints it.
#[derive(Default, Serialize)]
struct Summary {
    imported: usize,
    duplicates: usize,
    rejected: usize,
    errors: Vec<Rejected>,
    /// Problems the parsers worked around (charsets, broken dates...), by artefact.
    warnings: Vec<Rejected>,
}

/// One evidence import in progress: the engine's intake, the marking, and
/// what happened so far. The demo loader uses it too.
pub struct EvidenceImport<'a> {
    intake: Intake<'a>,
    tlp: Tlp,
    summary: Summary,
}

impl<'a> EvidenceImport<'a> {
    pub fn new(store: &'a Store, viewer: Viewer, tlp: Tlp, share: ShareOptions) -> EvidenceImport<'a> {
        EvidenceImport { intake: Intake::begin(store, viewer, share), tlp, summary: Summary::default() }
    }

    /// Every message in an .eml file, an mbox or a directory of them.
    pub fn emails(&mut self, path: &Path) -> anyhow::Result<()> {
        if !path.exists() {
            self.reject(&path.display().to_string(), "no such file or directory".into());
            return Ok(());
        }
        for source in mail_sources(path, &MailLimits::default()) {
            let raw = match source {
                Ok(raw) => raw,
                Err(error) => {
                    self.reject(&error.origin, error.reason);
                    continue;
                }
            };
            match mail_evidence(shipped_analyzer(), &raw.bytes, self.tlp, &MailLimits::default()) {
                Ok(evidence) => self.store(&raw.origin, &evidence)?,
                Err(error) => self.reject(&raw.origin, error.to_string()),
            }
        }
        Ok(())
    }

    /// One chat export: a file, or a Telegram Desktop export folder (its
    /// `result.json`), since that is how Telegram hands an export over.
    pub fn chat(&mut self, path: &Path, owner: Option<String>, utc_offset: Option<FixedOffset>) -> anyhow::Result<()> {
        let telegram_export = path.join("result.json");
        let file = if path.is_dir() && telegram_export.is_file() { telegram_export.as_path() } else { path };
        let origin = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.reject(&origin, format!("cannot read: {error}"));
                return Ok(());
            }
        };
        let options = ChatOptions {
            owner,
            file_name: file.file_name().and_then(|name| name.to_str()).map(str::to_owned),
            utc_offset,
            platform: None,
        };
        match chat_evidence(shipped_analyzer(), &bytes, &options, self.tlp) {
            Ok(evidence) => self.store(&origin, &evidence)?,
            Err(error) => self.reject(&origin, error.to_string()),
        }
        Ok(())
    }

    fn reject(&mut self, file: &str, reason: String) {
        self.summary.rejected += 1;
        self.summary.errors.push(Rejected { file: file.to_owned(), reason });
    }

    fn store(&mut self, origin: &str, evidence: &Evidence) -> anyhow::Result<()> {
        for warning in &evidence.warnings {
            self.summary.warnings.push(Rejected { file: origin.to_owned(), reason: warning.clone() });
        }
        match self.intake.push_evidence(evidence, Utc::now()).with_context(|| format!("storing {origin}"))? {
            InsertedReport::Created { .. } => self.summary.imported += 1,
            InsertedReport::Duplicate { .. } => self.summary.duplicates += 1,
        }
        Ok(())
    }

    /// Links and watches what was stored; returns the new reports' count.
    pub fn settle(self) -> anyhow::Result<usize> {
        let imported = self.summary.imported;
        self.intake.finish(Utc::now()).context("linking and watching the new reports")?;
        Ok(imported)
    }

    fn finish(self, json: bool) -> anyhow::Result<ExitCode> {
        self.intake.finish(Utc::now()).context("linking and watching the new reports")?;
        let summary = self.summary;
        if json {
            print_json(&summary)?;
        } else {
            for error in &summary.errors {
                eprintln!("{}: {}", error.file, error.reason);
            }
            for warning in &summary.warnings {
                eprintln!("{}: warning: {}", warning.file, warning.reason);
            }
            println!("imported {}, duplicates {}, rejected {}", summary.imported, summary.duplicates, summary.rejected);
        }
        Ok(if summary.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
    }
}

/// The store, the acting user and the marking from the command line.
fn open(global: &Global, options: &EvidenceOptions) -> anyhow::Result<(Store, Viewer, Tlp, ShareOptions)> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let tlp = Tlp::parse(&options.tlp).with_context(|| format!("--tlp {:?} is not a TLP marking", options.tlp))?;
    let share = ShareOptions { communities: options.share.clone(), recipients: options.recipients.clone() };
    Ok((store, viewer, tlp, share))
}

pub fn email(global: &Global, args: &ImportEvidenceArgs) -> anyhow::Result<ExitCode> {
    let (store, viewer, tlp, share) = open(global, &args.options)?;
    let mut intake = EvidenceImport::new(&store, viewer, tlp, share);
    for path in &args.paths {
        intake.emails(path)?;
    }
    intake.finish(args.options.json)
}

fn parse_offset(text: &str) -> anyhow::Result<FixedOffset> {
    let invalid = || anyhow::anyhow!("--utc-offset {text:?} is not an offset such as +07:00 or -05:30");
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(invalid()),
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let hours: i32 = hours.parse().map_err(|_| invalid())?;
    let minutes: i32 = minutes.parse().map_err(|_| invalid())?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(invalid)
}

pub fn chat(global: &Global, args: &ImportChatArgs) -> anyhow::Result<ExitCode> {
    let (store, viewer, tlp, share) = open(global, &args.options)?;
    let utc_offset = args.utc_offset.as_deref().map(parse_offset).transpose()?;
    let mut intake = EvidenceImport::new(&store, viewer, tlp, share);
    for file in &args.files {
        intake.chat(file, args.owner.clone(), utc_offset)?;
    }
    intake.finish(args.options.json)
}
