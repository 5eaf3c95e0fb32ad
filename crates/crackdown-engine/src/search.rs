//! Search and pivot: one value — a phone in any format, a link, a domain,
//! a wallet, an IBAN or account, a transaction id, a handle, a name —
//! normalized as intake normalizes it, answered with everything the caller
//! may read that names it: reports, their campaigns, accounts and transfers
//! of the caller's ledger, and the watch entries that would fire on it.

use std::collections::BTreeSet;

use crackdown_link::ReportIndicator;
use crackdown_link::lookup::Query;
use crackdown_lure::{Context, IndicatorKind};
use crackdown_model::{Role, Viewer};
use crackdown_store::{FoundAccount, FoundReport, FoundTransfer, Store, WatchEntryInfo};
use serde::Serialize;

use crate::campaigns::{self, LookupError};

/// Most reports one search answers (the newest).
pub const SEARCH_REPORTS: usize = 200;
/// Most campaigns named with their names.
const SEARCH_CAMPAIGNS: usize = 20;

/// A campaign holding reports that name the value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundCampaign {
    pub id: String,
    pub name: String,
    /// Reports of it (as the caller sees it) among the found ones.
    pub reports: usize,
}

/// Everything the caller may read that names a value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchAnswer {
    pub query: String,
    /// The indicator type it was read as, if any; otherwise reports are
    /// searched for the words.
    #[serde(rename = "type")]
    pub kind: Option<IndicatorKind>,
    pub normalized: String,
    pub valid: bool,
    pub reports: Vec<FoundReport>,
    /// True when more reports name it than `reports` holds.
    pub more_reports: bool,
    pub campaigns: Vec<FoundCampaign>,
    pub accounts: Vec<FoundAccount>,
    pub transfers: Vec<FoundTransfer>,
    pub watch_entries: Vec<WatchEntryInfo>,
}

/// Searches what `viewer` may read for `raw` (regional rules of `context`
/// for national phone numbers).
pub fn search(store: &Store, viewer: &Viewer, raw: &[u8], context: &Context) -> Result<SearchAnswer, LookupError> {
    let query = Query::parse(raw, context)?;
    let mut keys: Vec<(String, String)> = Vec::new();
    if let Some(kind) = query.kind {
        keys.push((kind.as_str().to_owned(), query.normalized.clone()));
        // A phone is named as a phone or as a WhatsApp number.
        if kind == IndicatorKind::Phone {
            keys.push((IndicatorKind::Whatsapp.as_str().to_owned(), query.normalized.clone()));
        }
        if kind == IndicatorKind::Whatsapp && query.normalized.starts_with('+') {
            keys.push((IndicatorKind::Phone.as_str().to_owned(), query.normalized.clone()));
        }
    }
    let mut reports = if keys.is_empty() {
        store.reports_containing(viewer, query.query.trim(), SEARCH_REPORTS + 1)?
    } else {
        store.reports_naming(viewer, &keys, SEARCH_REPORTS + 1)?
    };
    let more_reports = reports.len() > SEARCH_REPORTS;
    reports.truncate(SEARCH_REPORTS);

    let ids: Vec<i64> = reports.iter().map(|report| report.id).collect();
    let of = campaigns::campaigns_of_reports(store, viewer, &ids)?;
    let mut counted: Vec<(String, usize)> = Vec::new();
    for campaign in of.values() {
        match counted.iter_mut().find(|(id, _)| id == campaign) {
            Some((_, count)) => *count += 1,
            None => counted.push((campaign.clone(), 1)),
        }
    }
    counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut found_campaigns = Vec::new();
    for (id, count) in counted.into_iter().take(SEARCH_CAMPAIGNS) {
        let view = campaigns::campaign(store, viewer, &id)?;
        found_campaigns.push(FoundCampaign { id, name: view.name, reports: count });
    }

    // The ledger keeps accounts as the statements wrote them: the value as
    // typed and as normalized.
    let values: BTreeSet<String> =
        [query.query.trim().to_owned(), query.normalized.clone()].into_iter().filter(|v| !v.is_empty()).collect();
    let (accounts, transfers) =
        store.ledger_holding(viewer, &values.into_iter().collect::<Vec<_>>(), SEARCH_REPORTS)?;

    let watch_entries = match query.kind {
        Some(kind) if matches!(viewer.role, Role::Admin | Role::Analyst) => {
            crate::watch::entries_hit_by(store, viewer, ReportIndicator::new(kind, query.normalized.as_str()))?
        }
        _ => Vec::new(),
    };
    Ok(SearchAnswer {
        query: query.query.clone(),
        kind: query.kind,
        normalized: query.normalized.clone(),
        valid: query.valid,
        reports,
        more_reports,
        campaigns: found_campaigns,
        accounts,
        transfers,
        watch_entries,
    })
}
