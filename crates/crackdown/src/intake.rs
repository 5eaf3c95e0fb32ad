//! `crackdown import email` and `crackdown import chat`: evidence artefacts
//! become reports, one per message or conversation, each committed whole
//! with its original bytes and extracted detail.

use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{FixedOffset, Utc};
use crackdown_evidence::chat::{ChatOptions, parse_chat};
use crackdown_evidence::mail::source::mail_sources;
use crackdown_evidence::mail::{MailLimits, parse_mail};
use crackdown_evidence::report::{chat_report, mail_report};
use crackdown_model::{NewReport, Tlp, Viewer};
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

struct Intake {
    store: Store,
    viewer: Viewer,
    tlp: Tlp,
    share: ShareOptions,
    summary: Summary,
}

impl Intake {
    fn open(global: &Global, options: &EvidenceOptions) -> anyhow::Result<Intake> {
        let store = open_store(global)?;
        let viewer = viewer(&store, global)?;
        let tlp = Tlp::parse(&options.tlp).with_context(|| format!("--tlp {:?} is not a TLP marking", options.tlp))?;
        let share = ShareOptions { communities: options.share.clone(), recipients: options.recipients.clone() };
        Ok(Intake { store, viewer, tlp, share, summary: Summary::default() })
    }

    fn reject(&mut self, file: &str, reason: String) {
        self.summary.rejected += 1;
        self.summary.errors.push(Rejected { file: file.to_owned(), reason });
    }

    fn store(
        &mut self,
        origin: &str,
        report: &NewReport,
        kind: &str,
        detail: &serde_json::Value,
        warnings: &[String],
    ) -> anyhow::Result<()> {
        for warning in warnings {
            self.summary.warnings.push(Rejected { file: origin.to_owned(), reason: warning.clone() });
        }
        let analysis = crackdown_engine::analyze_text(
            crackdown_engine::shipped_analyzer(),
            &report.text,
            report.language.as_deref(),
        );
        let inserted = self
            .store
            .insert_evidence_report(&self.viewer, report, &analysis, kind, detail, &self.share, Utc::now())
            .with_context(|| format!("storing {origin}"))?;
        match inserted {
            InsertedReport::Created { .. } => self.summary.imported += 1,
            InsertedReport::Duplicate { .. } => self.summary.duplicates += 1,
        }
        Ok(())
    }

    fn finish(self, json: bool) -> anyhow::Result<ExitCode> {
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

pub fn email(global: &Global, args: &ImportEvidenceArgs) -> anyhow::Result<ExitCode> {
    let mut intake = Intake::open(global, &args.options)?;
    let limits = MailLimits::default();
    for path in &args.paths {
        if !path.exists() {
            intake.reject(&path.display().to_string(), "no such file or directory".into());
            continue;
        }
        for source in mail_sources(path, &limits) {
            let raw = match source {
                Ok(raw) => raw,
                Err(error) => {
                    intake.reject(&error.origin, error.reason);
                    continue;
                }
            };
            match parse_mail(&raw.bytes) {
                Ok(mail) => {
                    let (report, detail) = mail_report(&raw.bytes, &mail, intake.tlp);
                    intake.store(&raw.origin, &report, "email", &detail, &mail.warnings)?;
                }
                Err(error) => intake.reject(&raw.origin, error.to_string()),
            }
        }
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
    let mut intake = Intake::open(global, &args.options)?;
    let utc_offset = args.utc_offset.as_deref().map(parse_offset).transpose()?;
    for file in &args.files {
        let origin = file.display().to_string();
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(error) => {
                intake.reject(&origin, format!("cannot read: {error}"));
                continue;
            }
        };
        let options = ChatOptions {
            owner: args.owner.clone(),
            file_name: file.file_name().and_then(|name| name.to_str()).map(str::to_owned),
            utc_offset,
            platform: None,
        };
        match parse_chat(&bytes, &options) {
            Ok(conversation) => {
                let (report, detail) = chat_report(&bytes, &conversation, intake.tlp);
                intake.store(&origin, &report, "chat", &detail, &conversation.warnings)?;
            }
            Err(error) => intake.reject(&origin, error.to_string()),
        }
    }
    intake.finish(args.options.json)
}
