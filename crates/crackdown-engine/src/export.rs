//! Exports for partners (STIX 2.1, MISP, FollowTheMoney): the reports and
//! campaigns the exporting user may read, reduced to what may leave the
//! organisation, streamed into `crackdown-share`'s writers.
//!
//! What goes out is chosen here and nowhere else: campaigns as the exporter
//! sees them (their opaque ids), reports they may read at or below the
//! export's TLP maximum, and the indicators those reports name — each
//! marked with the least restricted marking among the exported reports
//! naming it (a value a CLEAR report names is as shareable as that report).
//! Never a victim's contact (the input model has no field for it), never a
//! card number (the victim's own), and a report's text only when the
//! exporter asks for it.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use chrono::{DateTime, Utc};
use crackdown_model::{Tlp, Viewer};
use crackdown_share::{
    Campaign, ExportItem, ExportOptions, ExportSummary, Indicator, IndicatorKey, IndicatorKind, IndicatorRef, Report,
    ShareError,
};
use crackdown_store::{LinkInput, Store, StoreError};

use crate::campaigns::{self, CampaignView};

/// The interchange formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareFormat {
    Stix,
    Misp,
    Ftm,
}

impl ShareFormat {
    pub fn parse(text: &str) -> Option<ShareFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "stix" => Some(ShareFormat::Stix),
            "misp" => Some(ShareFormat::Misp),
            "ftm" => Some(ShareFormat::Ftm),
            _ => None,
        }
    }

    /// The media type of an export in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            ShareFormat::Stix => "application/stix+json;version=2.1",
            ShareFormat::Misp => "application/json",
            ShareFormat::Ftm => "application/x-ndjson",
        }
    }
}

/// Which reports to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// One campaign, by the id the exporter sees it under.
    Campaign(String),
    /// Every campaign (of two reports or more) seen since this moment, with
    /// its reports received since then.
    Since(DateTime<Utc>),
    /// These reports, grouped by their campaigns.
    Reports(Vec<i64>),
}

/// How to export.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub format: ShareFormat,
    pub selection: Selection,
    pub tlp_max: Tlp,
    /// Whether report texts go out (they may hold what victims wrote about
    /// themselves: off unless asked for).
    pub with_text: bool,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Share(#[from] ShareError),
}

/// Writes the export `request` asks for, as `viewer` may read it, to `out`.
pub fn export(
    store: &Store,
    viewer: &Viewer,
    request: &ExportRequest,
    now: DateTime<Utc>,
    out: impl Write,
) -> Result<ExportSummary, ExportError> {
    let items = items(store, viewer, request)?;
    let options = ExportOptions { tlp_max: request.tlp_max, producer: store.own_org_name(viewer)?, created: now };
    Ok(match request.format {
        ShareFormat::Stix => crackdown_share::write_stix(items, &options, out)?,
        ShareFormat::Misp => crackdown_share::write_misp(items, &options, out)?,
        ShareFormat::Ftm => crackdown_share::write_ftm(items, &options, out)?,
    })
}

/// The campaigns (as `viewer` sees them) and reports the selection names.
fn selected(store: &Store, viewer: &Viewer, selection: &Selection) -> Result<Vec<Part>, StoreError> {
    Ok(match selection {
        Selection::Campaign(id) => {
            let view = campaigns::campaign(store, viewer, id)?;
            let reports = view.report_ids.clone();
            vec![Part { campaign: Some(view), reports }]
        }
        Selection::Since(since) => campaigns::campaigns(store, viewer, false)?
            .into_iter()
            .filter(|view| view.last_seen >= *since)
            .map(|view| {
                let reports = view.report_ids.clone();
                Part { campaign: Some(view), reports }
            })
            .collect(),
        Selection::Reports(ids) => {
            let wanted: HashSet<i64> = ids.iter().copied().collect();
            let of = campaigns::campaigns_of_reports(store, viewer, ids)?;
            let mut parts: BTreeMap<String, Vec<i64>> = BTreeMap::new();
            let mut alone = Vec::new();
            for &id in ids {
                match of.get(&id) {
                    Some(campaign) => parts.entry(campaign.clone()).or_default().push(id),
                    None => alone.push(id),
                }
            }
            let mut selected = Vec::new();
            for (campaign, mut reports) in parts {
                reports.sort_unstable();
                reports.dedup();
                let view = campaigns::campaign(store, viewer, &campaign)?;
                reports.retain(|id| wanted.contains(id));
                selected.push(Part { campaign: Some(view), reports });
            }
            alone.sort_unstable();
            alone.dedup();
            selected.push(Part { campaign: None, reports: alone });
            selected
        }
    })
}

/// Reports to export under one campaign (or none).
struct Part {
    campaign: Option<CampaignView>,
    reports: Vec<i64>,
}

/// The export stream: each campaign's section, built from what the viewer
/// may read (reports they may not read are not even loaded).
fn items(store: &Store, viewer: &Viewer, request: &ExportRequest) -> Result<Vec<ExportItem>, StoreError> {
    let since = match request.selection {
        Selection::Since(since) => Some(since),
        _ => None,
    };
    let mut items = Vec::new();
    for part in selected(store, viewer, &request.selection)? {
        let mut inputs = store.visible_link_inputs(viewer, &part.reports)?;
        inputs.retain(|input| input.tlp <= request.tlp_max && since.is_none_or(|since| input.received_at >= since));
        if inputs.is_empty() {
            continue;
        }
        if let Some(view) = &part.campaign {
            items.push(ExportItem::Campaign(Campaign {
                id: view.id.clone(),
                name: view.name.clone(),
                first_seen: inputs.iter().map(|input| input.received_at).min().unwrap_or(view.first_seen),
                last_seen: inputs.iter().map(|input| input.received_at).max().unwrap_or(view.last_seen),
                scam_types: view.scam_types.keys().cloned().collect(),
                // As restricted as the most restricted report it is drawn from.
                tlp: inputs.iter().map(|input| input.tlp).max().unwrap_or(Tlp::Red),
            }));
        }
        let mut indicators: BTreeMap<IndicatorKey, (Tlp, DateTime<Utc>)> = BTreeMap::new();
        let mut reports = Vec::with_capacity(inputs.len());
        for input in &inputs {
            let reasons = store.analysis(viewer, input.id)?.map(|stored| stored.analysis.reasons).unwrap_or_default();
            let keys: Vec<IndicatorKey> = named(input);
            for key in &keys {
                let entry = indicators.entry(key.clone()).or_insert((input.tlp, input.received_at));
                entry.0 = entry.0.min(input.tlp);
                entry.1 = entry.1.min(input.received_at);
            }
            reports.push((input, reasons, keys));
        }
        for (key, (tlp, first_seen)) in &indicators {
            items.push(ExportItem::Indicator(Indicator { key: key.clone(), tlp: *tlp, first_seen: *first_seen }));
        }
        for (input, reasons, keys) in reports {
            items.push(ExportItem::Report(Report {
                id: format!("report-{}", input.id),
                tlp: input.tlp,
                received_at: input.received_at,
                scam_type: input.scam_type.clone(),
                text: request.with_text.then(|| input.text.clone()),
                reasons,
                indicators: keys
                    .into_iter()
                    .map(|key| {
                        let tlp = indicators.get(&key).map_or(input.tlp, |(tlp, _)| *tlp);
                        IndicatorRef { key, tlp }
                    })
                    .collect(),
            }));
        }
        if part.campaign.is_some() {
            items.push(ExportItem::EndCampaign);
        }
    }
    Ok(items)
}

/// The shareable indicators a report names, in the interchange's kinds;
/// cards are the victim's own and never leave.
fn named(input: &LinkInput) -> Vec<IndicatorKey> {
    let mut keys: Vec<IndicatorKey> = input
        .indicators
        .iter()
        .filter_map(|(kind, value)| {
            let kind = match kind.as_str() {
                "phone" => IndicatorKind::Phone,
                "url" => IndicatorKind::Url,
                "domain" => IndicatorKind::Domain,
                "email" => IndicatorKind::Email,
                "ipv4" => IndicatorKind::Ipv4,
                "ipv6" => IndicatorKind::Ipv6,
                "iban" => IndicatorKind::Iban,
                "bank_account" => IndicatorKind::BankAccount { bank: None },
                "btc" => wallet("bitcoin", "BTC"),
                "eth" => wallet("ethereum", "ETH"),
                "tron" => wallet("tron", "TRX"),
                "sol" => wallet("solana", "SOL"),
                "ltc" => wallet("litecoin", "LTC"),
                "telegram" | "line" | "wechat" => IndicatorKind::MessengerHandle { service: kind.clone() },
                // A WhatsApp number is a phone; a group invitation is a URL.
                "whatsapp" if value.starts_with('+') => IndicatorKind::Phone,
                "whatsapp" => IndicatorKind::Url,
                _ => return None,
            };
            Some(IndicatorKey::new(kind, value.clone()))
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn wallet(chain: &str, currency: &str) -> IndicatorKind {
    IndicatorKind::CryptoWallet { chain: chain.to_owned(), currency: Some(currency.to_owned()) }
}
