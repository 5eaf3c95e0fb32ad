//! Imports of what partners share (STIX 2.1 bundles, MISP events,
//! FollowTheMoney entities) through the one intake path, so shared
//! intelligence is analysed, stored, linked with local reports and watched
//! like any report.
//!
//! Each shared report becomes a report whose external id is the partner's
//! name and the object's id (so importing the same object again is a
//! duplicate, stored once); indicators no shared report names become one
//! report each, saying who shared them. Markings come from the file (the
//! reader keeps the stricter of conflicting ones), never lowered; nothing
//! is published: the public lookup counts an imported value only when its
//! marking is CLEAR (the lookup index holds CLEAR reports).

use std::io::BufRead;

use chrono::{DateTime, Utc};
use crackdown_model::{Channel, NewReport, Viewer};
use crackdown_share::{Imported, IndicatorKey, IndicatorKind, Provenance, ReadOptions, ShareError};
use crackdown_store::{InsertOutcome, InsertedReport, ShareOptions, Store, StoreError};

use crate::export::ShareFormat;
use crate::intake::{AnalyzedBatch, Intake};

/// What an import stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SharedImport {
    /// Objects read from the file.
    pub objects: u64,
    /// Reports stored, and those already stored by an earlier import.
    pub imported: usize,
    pub duplicates: usize,
    /// Object types skipped as unknown, with their counts.
    pub skipped: std::collections::BTreeMap<String, u64>,
}

/// Why an import failed: nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum SharedImportError {
    #[error(transparent)]
    Read(#[from] ShareError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads `input` in `format` as shared by `partner` (`feed` names the file
/// or collection) and stores it through the intake as `viewer`.
pub fn import_shared(
    store: &Store,
    viewer: &Viewer,
    format: ShareFormat,
    input: impl BufRead,
    partner: &str,
    feed: &str,
    now: DateTime<Utc>,
) -> Result<SharedImport, SharedImportError> {
    let provenance = Provenance { partner: partner.to_owned(), feed: feed.to_owned(), received_at: now };
    import_shared_into(store, viewer, format, input, &provenance, ShareOptions::default())
}

/// [`import_shared`] with the communities AMBER reports are shared with (a
/// partner posting into a community's TAXII collection shares with it).
/// The whole input is read and checked before anything is stored, and the
/// reports are stored in one transaction: all or nothing. Each report it
/// creates records `provenance` (partner, feed, who brought it, when).
pub fn import_shared_into(
    store: &Store,
    viewer: &Viewer,
    format: ShareFormat,
    input: impl BufRead,
    provenance: &Provenance,
    share: ShareOptions,
) -> Result<SharedImport, SharedImportError> {
    let options = ReadOptions::new(provenance.clone());
    let imported = match format {
        ShareFormat::Stix => crackdown_share::read_stix(input, &options)?,
        ShareFormat::Misp => crackdown_share::read_misp(input, &options)?,
        ShareFormat::Ftm => crackdown_share::read_ftm(input, &options)?,
    };
    let now = provenance.received_at;
    let reports = reports_of(&imported, &provenance.partner);
    let mut intake = Intake::begin(store, viewer.clone(), share);
    let outcome: InsertOutcome = intake.push(&AnalyzedBatch::new(crate::shipped_analyzer(), reports), now)?;
    let created: Vec<i64> = outcome
        .reports
        .iter()
        .filter_map(|report| match report {
            InsertedReport::Created { id } => Some(*id),
            InsertedReport::Duplicate { .. } => None,
        })
        .collect();
    store.record_shared_provenance(viewer, &created, &provenance.partner, &provenance.feed, now)?;
    intake.finish(now)?;
    Ok(SharedImport {
        objects: imported.objects,
        imported: outcome.created(),
        duplicates: outcome.duplicates(),
        skipped: imported.skipped.clone(),
    })
}

/// The value as a report's text names it, so that analysis extracts it.
fn written(key: &IndicatorKey) -> String {
    match &key.kind {
        IndicatorKind::MessengerHandle { service } => format!("{service} {}", key.value),
        IndicatorKind::CryptoWallet { chain, .. } => format!("{chain} wallet {}", key.value),
        IndicatorKind::BankAccount { bank: Some(bank) } => format!("bank account {} at {bank}", key.value),
        other => format!("{} {}", other.word().replace('_', " "), key.value),
    }
}

/// The reports an import stores: each shared report, and each indicator no
/// shared report names.
fn reports_of(imported: &Imported, partner: &str) -> Vec<NewReport> {
    let mut reports = Vec::new();
    let mut named = std::collections::HashSet::new();
    for shared in &imported.reports {
        named.extend(shared.indicators.iter().cloned());
        let values: Vec<String> = shared.indicators.iter().map(written).collect();
        let text = match &shared.text {
            Some(text) if !text.trim().is_empty() => format!("{text}\n\nShared by {partner}: {}", values.join(", ")),
            _ => format!(
                "Shared by {partner}{}: {}",
                shared
                    .scam_type
                    .as_deref()
                    .map(|scam| format!(" ({} scam)", scam.replace('_', " ")))
                    .unwrap_or_default(),
                values.join(", ")
            ),
        };
        let mut report = NewReport::from_text(text, Channel::Bulk, shared.tlp);
        report.external_id = Some(format!("{partner}:{}", shared.source_id));
        report.reported_at = shared.published;
        reports.push(report);
    }
    for indicator in imported.indicators.iter().filter(|indicator| !named.contains(&indicator.key)) {
        let source = indicator.source_ids.first().cloned().unwrap_or_else(|| written(&indicator.key));
        let mut report = NewReport::from_text(
            format!("Shared by {partner}: {}", written(&indicator.key)),
            Channel::Bulk,
            indicator.tlp,
        );
        report.external_id = Some(format!("{partner}:{source}"));
        report.reported_at = indicator.first_seen;
        reports.push(report);
    }
    reports
}
