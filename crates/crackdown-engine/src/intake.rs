//! The one way a report enters the store, whatever channel brought it:
//! bulk files, the API's JSON and e-mail, the CLI's e-mails and chat
//! exports, the public form, the demo. Every report takes the same steps in
//! the same order — analyse, store, link, watch — and the store records
//! which stored reports still owe a link or a watch (`intake_pending`,
//! written in the transaction that stores them), so a process that dies
//! after a commit leaves work the next intake or the next start finishes,
//! exactly once.
//!
//! Bulk intake is a stream: [`AnalyzedBatch::new`] analyses on rayon's pool
//! (a parsing thread can run it while the store commits the previous
//! batch), [`Intake::push`] commits a batch whole, [`Intake::finish`]
//! links and watches.

use chrono::{DateTime, Utc};
use crackdown_evidence::chat::{ChatError, ChatOptions, parse_chat};
use crackdown_evidence::mail::{MailError, MailLimits, parse_mail_with};
use crackdown_evidence::report::{chat_report, mail_report};
use crackdown_lure::Analyzer;
use crackdown_model::{NewReport, Tlp, Viewer};
use crackdown_store::{InsertOutcome, InsertedReport, ReportAnalysis, ShareOptions, Stage, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;

use crate::mail::{NOT_AUTHENTICATED, judge};
use crate::{analyze_text, campaigns, to_stored, watch};

/// A batch of reports with their analyses, ready to be stored.
pub struct AnalyzedBatch {
    reports: Vec<NewReport>,
    analyses: Vec<ReportAnalysis>,
}

impl AnalyzedBatch {
    /// Analyses every report of the batch in parallel.
    pub fn new(analyzer: &Analyzer, reports: Vec<NewReport>) -> AnalyzedBatch {
        let analyses = reports
            .par_iter()
            .map(|report| analyze_text(analyzer, &report.text, report.country.as_deref(), report.language.as_deref()))
            .collect();
        AnalyzedBatch { reports, analyses }
    }

    pub fn reports(&self) -> &[NewReport] {
        &self.reports
    }

    pub fn len(&self) -> usize {
        self.reports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }
}

/// What an evidence artefact is, as stored with its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKind {
    Email,
    Chat,
}

impl EvidenceKind {
    fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Email => "email",
            EvidenceKind::Chat => "chat",
        }
    }
}

/// A report made from an artefact (an e-mail, a chat export), analysed,
/// with what was extracted from it.
pub struct Evidence {
    pub report: NewReport,
    pub kind: EvidenceKind,
    /// Headers, links and attachments of an e-mail; platform, counterpart
    /// and messages of a chat. Never the victim's own address or name.
    pub detail: serde_json::Value,
    pub analysis: ReportAnalysis,
    /// SHA-256 of the artefact as received: the evidence hash.
    pub sha256: String,
    /// Problems the parser worked around (charsets, broken dates...).
    pub warnings: Vec<String>,
}

/// Parses and judges one e-mail (the verdict of `analyze --eml`, without
/// DNS) and makes it a report: its text is what the verdict read (subject,
/// bodies, links — not the sender lines, which in a forwarded message may
/// name the victim), the recipient becomes the protected victim contact.
pub fn mail_evidence(analyzer: &Analyzer, raw: &[u8], tlp: Tlp, limits: &MailLimits) -> Result<Evidence, MailError> {
    let mail = parse_mail_with(raw, limits)?;
    let verdict = judge(analyzer, &mail, &NOT_AUTHENTICATED, &[], &[]);
    // The report's text (redacted subject, bodies and links) is the verdict
    // text from where its reading starts, so spans shift by that much.
    let (report, detail) = mail_report(raw, &mail, tlp);
    let mut analysis = verdict.analysis;
    analysis.indicators.retain(|indicator| indicator.start >= verdict.judged_from);
    for indicator in &mut analysis.indicators {
        indicator.start -= verdict.judged_from;
        indicator.end -= verdict.judged_from;
    }
    Ok(Evidence {
        report,
        kind: EvidenceKind::Email,
        detail,
        analysis: to_stored(analysis),
        sha256: mail.sha256,
        warnings: mail.warnings,
    })
}

/// Parses one chat export and makes the conversation a report: the owner's
/// name becomes the protected victim contact.
pub fn chat_evidence(analyzer: &Analyzer, raw: &[u8], options: &ChatOptions, tlp: Tlp) -> Result<Evidence, ChatError> {
    let conversation = parse_chat(raw, options)?;
    let (report, detail) = chat_report(raw, &conversation, tlp);
    let analysis = analyze_text(analyzer, &report.text, report.country.as_deref(), report.language.as_deref());
    Ok(Evidence {
        report,
        kind: EvidenceKind::Chat,
        detail,
        analysis,
        sha256: crackdown_evidence::mail::sha256_hex(raw),
        warnings: conversation.warnings,
    })
}

/// What [`settle`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Settled {
    /// Reports linked into campaigns.
    pub linked: usize,
    /// Reports the watchlists saw.
    pub watched: usize,
    /// Alerts raised.
    pub alerts: usize,
}

/// Reports the watchlists see per round: bounds what one round holds.
const WATCH_PAGE: usize = 10_000;

/// Links every stored report that owes a link, then shows every linked
/// report that owes a watch to the watchlists: whatever any intake of any
/// process left unfinished, installation wide. Linking before watching
/// lets a campaign watch fire for a report that joins the campaign.
pub fn settle(store: &Store, now: DateTime<Utc>) -> Result<Settled, StoreError> {
    let mut settled = Settled::default();
    loop {
        let ids = store.pending_intake(Stage::Link, 1_000_000)?;
        if ids.is_empty() {
            break;
        }
        settled.linked += campaigns::link_reports(store, &ids, now)?;
        store.intake_linked(&ids)?;
    }
    loop {
        let ids = store.pending_intake(Stage::Watch, WATCH_PAGE)?;
        if ids.is_empty() {
            break;
        }
        settled.alerts += watch::watch_linked(store, &ids, now)?;
        store.intake_watched(&ids)?;
        settled.watched += ids.len();
    }
    Ok(settled)
}

/// One intake in progress: who submits, with whom it is shared, and what
/// happened so far.
pub struct Intake<'a> {
    store: &'a Store,
    viewer: Viewer,
    share: ShareOptions,
    created: usize,
    duplicates: usize,
}

impl<'a> Intake<'a> {
    pub fn begin(store: &'a Store, viewer: Viewer, share: ShareOptions) -> Intake<'a> {
        Intake { store, viewer, share, created: 0, duplicates: 0 }
    }

    /// Stores a batch and its analyses in one transaction: all or nothing.
    pub fn push(&mut self, batch: &AnalyzedBatch, now: DateTime<Utc>) -> Result<InsertOutcome, StoreError> {
        let outcome =
            self.store.insert_analyzed_reports(&self.viewer, &batch.reports, &batch.analyses, &self.share, now)?;
        self.created += outcome.created();
        self.duplicates += outcome.duplicates();
        Ok(outcome)
    }

    /// Stores one artefact's report with its original bytes and what was
    /// extracted, in one transaction.
    pub fn push_evidence(&mut self, evidence: &Evidence, now: DateTime<Utc>) -> Result<InsertedReport, StoreError> {
        let inserted = self.store.insert_evidence_report(
            &self.viewer,
            &evidence.report,
            &evidence.analysis,
            evidence.kind.as_str(),
            &evidence.detail,
            &self.share,
            now,
        )?;
        match inserted {
            InsertedReport::Created { .. } => self.created += 1,
            InsertedReport::Duplicate { .. } => self.duplicates += 1,
        }
        Ok(inserted)
    }

    /// Reports stored so far (new ones, not duplicates).
    pub fn created(&self) -> usize {
        self.created
    }

    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Links and watches what was stored (and whatever an earlier intake left).
    pub fn finish(self, now: DateTime<Utc>) -> Result<Settled, StoreError> {
        settle(self.store, now)
    }
}

/// Stores one report of the public form under `org` (the organisation the
/// installation names for public reports), analysed, linked and watched
/// like any other. Returns the receipt, the only thing the submitter gets.
pub fn submit_public(
    store: &Store,
    analyzer: &Analyzer,
    org: &str,
    report: &NewReport,
    client_hash: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let analysis = analyze_text(analyzer, &report.text, report.country.as_deref(), report.language.as_deref());
    let receipt = store.insert_public_report(org, report, &analysis, client_hash, now)?;
    settle(store, now)?;
    Ok(receipt)
}
