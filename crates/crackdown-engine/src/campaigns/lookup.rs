//! The public lookup and the banks' pre-payment check.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use crackdown_link::lookup::{MatchLevel, PublicAnswer, Query, QueryError, Tally, public_answer_from_tally};
use crackdown_lure::{Context, IndicatorKind};
use crackdown_model::{Currency, Money, Viewer};
use crackdown_store::{Store, StoreError};
use serde::Serialize;

use super::money;
use crate::allowlist::vouching_keys;

/// Why a lookup could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// Unusable input: a 400.
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The region rules of the contract: a national number takes its region
/// from the country when given, else from the language.
pub fn lookup_context(country: Option<&str>, language: Option<&str>) -> Context {
    let clean = |value: Option<&str>| value.map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned);
    Context { country: clean(country).map(|country| country.to_ascii_uppercase()), language: clean(language) }
}

/// A (kind, value) key of the link and lookup indexes.
type Key = (String, String);

/// The match levels, most specific first, as the store ranks keys.
const LEVELS: [MatchLevel; 3] = [MatchLevel::Exact, MatchLevel::Host, MatchLevel::Domain];

/// Store keys of a query, each with the rank of its most specific level.
fn query_keys(query: &Query) -> Vec<(String, String, i64)> {
    let mut ranks: HashMap<Key, i64> = HashMap::new();
    for (level, kind, value) in query.match_keys() {
        let rank = LEVELS.iter().position(|known| *known == level).unwrap_or(LEVELS.len() - 1) as i64;
        let entry = ranks.entry((kind.as_str().to_owned(), value)).or_insert(rank);
        *entry = (*entry).min(rank);
    }
    ranks.into_iter().map(|((kind, value), rank)| (kind, value, rank)).collect()
}

/// The public answer for a pasted value (see `crackdown_link::lookup`).
pub fn lookup(store: &Store, raw: &[u8], context: &Context) -> Result<PublicAnswer, LookupError> {
    Ok(lookup_parsed(store, &Query::parse(raw, context)?)?)
}

/// The public answer for a query already recognized (servers parse first,
/// so they can answer a repeated value from their cache). The store adds
/// the reports up (the index holds publishable reports only).
pub fn lookup_parsed(store: &Store, query: &Query) -> Result<PublicAnswer, StoreError> {
    let legitimate = store.known_legitimate(&vouching_keys(query))?;
    if legitimate || !query.valid {
        return Ok(public_answer_from_tally(query, Tally::default(), legitimate));
    }
    let counted = store.lookup_tally(&query_keys(query))?;
    let tally = Tally {
        reports: u64::try_from(counted.reports).unwrap_or(0),
        first_seen: counted.first_seen.map(|at| at.date_naive()),
        last_seen: counted.last_seen.map(|at| at.date_naive()),
        matched: counted
            .best_rank
            .and_then(|rank| usize::try_from(rank).ok())
            .and_then(|rank| LEVELS.get(rank).copied()),
        scam_types: counted
            .scam_types
            .into_iter()
            .map(|(scam_type, count)| (scam_type, u64::try_from(count).unwrap_or(0)))
            .collect(),
    };
    Ok(public_answer_from_tally(query, tally, legitimate))
}

/// How risky paying a beneficiary looks to the checking organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Reported by several victims, or part of a campaign.
    High,
    /// Reported once.
    Medium,
    /// Nothing the organisation may read names it.
    Low,
    /// Not a usable account, phone or wallet (fails its checksum or format).
    Invalid,
}

/// The answer of a pre-payment check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckAnswer {
    pub query: String,
    #[serde(rename = "type")]
    pub kind: Option<IndicatorKind>,
    pub normalized: String,
    pub valid: bool,
    pub risk: Risk,
    pub reasons: Vec<String>,
    /// Reports the organisation may read that name the beneficiary.
    pub reports: usize,
    /// Campaigns (of two reports or more, as the organisation sees them)
    /// those reports are in.
    pub campaigns: Vec<String>,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    pub scam_types: BTreeMap<String, u64>,
    /// Reported losses per currency, exact decimals.
    pub loss: BTreeMap<String, String>,
    pub known_legitimate: bool,
}

/// A bank's pre-payment check of a beneficiary, from what `viewer` may read.
pub fn check(store: &Store, viewer: &Viewer, raw: &[u8], context: &Context) -> Result<CheckAnswer, LookupError> {
    let query = Query::parse(raw, context)?;
    let exact: Vec<(String, String)> =
        query.kind.map(|kind| vec![(kind.as_str().to_owned(), query.normalized.clone())]).unwrap_or_default();
    let mut keys = exact.clone();
    if query.kind == Some(IndicatorKind::Phone) {
        keys.push(("whatsapp".to_owned(), query.normalized.clone()));
    }
    let known_legitimate = store.known_legitimate_for(viewer, &vouching_keys(&query))?;
    let rows = if query.valid { store.check_rows(viewer, &keys)? } else { Vec::new() };
    // The campaigns as this organisation sees them: ids of the stored ones
    // would tell it of links through reports it may not read.
    let named: Vec<i64> = rows.iter().map(|row| row.report_id).collect();
    let mut campaigns: Vec<String> = super::campaigns_of_reports(store, viewer, &named)?.into_values().collect();
    campaigns.sort_unstable();
    campaigns.dedup();
    let mut scam_types: BTreeMap<String, u64> = BTreeMap::new();
    let mut loss: BTreeMap<&'static str, (i64, Currency)> = BTreeMap::new();
    for row in &rows {
        if let Some(scam_type) = &row.scam_type {
            *scam_types.entry(scam_type.clone()).or_default() += 1;
        }
        if let Some(amount) = money(&row.loss) {
            let currency = amount.currency();
            let total = loss.entry(currency.code()).or_insert((0, currency));
            total.0 = total.0.saturating_add(amount.minor());
        }
    }
    let days: Vec<NaiveDate> = rows.iter().map(|row| row.received_at.date_naive()).collect();
    let kind_name = query.kind.map_or("value", IndicatorKind::as_str);
    let mut reasons = Vec::new();
    let risk = if !query.valid {
        reasons.push(format!("the {kind_name} fails its checksum or format check"));
        Risk::Invalid
    } else if known_legitimate {
        reasons.push(format!("the {kind_name} is on an organisation's list of legitimate contacts"));
        Risk::Low
    } else if rows.is_empty() {
        reasons.push("no report you may read names it".to_owned());
        Risk::Low
    } else {
        reasons.push(format!("named in {} report(s) you may read", rows.len()));
        if !scam_types.is_empty() {
            let types: Vec<&str> = scam_types.keys().map(String::as_str).collect();
            reasons.push(format!("scam types: {}", types.join(", ")));
        }
        if rows.len() >= 2 { Risk::High } else { Risk::Medium }
    };
    Ok(CheckAnswer {
        query: query.query.clone(),
        kind: query.kind,
        normalized: query.normalized.clone(),
        valid: query.valid,
        risk,
        reasons,
        reports: rows.len(),
        campaigns,
        first_seen: days.iter().min().copied(),
        last_seen: days.iter().max().copied(),
        scam_types,
        loss: loss
            .into_iter()
            .map(|(code, (minor, currency))| (code.to_owned(), Money::new(minor, currency).decimal()))
            .collect(),
        known_legitimate,
    })
}
