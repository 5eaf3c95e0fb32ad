//! Watchlists on intake: adding entries (validated and normalized the way
//! the matcher reads them) and matching newly stored reports against every
//! organisation's watchlist, right after they are stored.
//!
//! Each intake path calls [`watch`] once with what it stored; the store then
//! keeps the alerts and queues their webhook deliveries in one transaction
//! (see `crackdown_store::Store::record_alerts` for what an alert may show).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use crackdown_link::webhook::delivery_id;
use crackdown_link::{CampaignId, PrefixKind, Query, ReportIndicator, WatchEntry, WatchRule, WatchSubject, Watchlist};
use crackdown_lure::{Context, IndicatorKind, ScamType};
use crackdown_model::Viewer;
use crackdown_store::{AlertCandidate, NewWatchEntry, Store, StoreError, WatchEntryInfo};

use crate::campaign_ids::{CampaignIds, PREFIX};

/// A watch entry as a person asks for it: `kind` is one of
/// `crackdown_store::WATCH_KINDS`, `qualifier` the optional indicator type
/// (exact, regex) or prefix family (`iban`, `card_bin`, `phone`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchRequest {
    pub kind: String,
    pub qualifier: Option<String>,
    pub value: String,
    pub label: Option<String>,
}

fn indicator_kind(text: &str) -> Result<IndicatorKind, String> {
    IndicatorKind::ALL.into_iter().find(|kind| kind.as_str() == text.trim()).ok_or_else(|| {
        let names: Vec<&str> = IndicatorKind::ALL.iter().map(|kind| kind.as_str()).collect();
        format!("indicator type {text:?}: expected one of {}", names.join(", "))
    })
}

fn prefix_kind(text: &str) -> Result<PrefixKind, String> {
    match text.trim() {
        "iban" => Ok(PrefixKind::Iban),
        "card_bin" | "card" => Ok(PrefixKind::CardBin),
        "phone" => Ok(PrefixKind::Phone),
        other => Err(format!("prefix type {other:?}: expected iban, card_bin or phone")),
    }
}

/// The prefix family a bare prefix belongs to: `+` starts a phone number,
/// two letters an IBAN, digits a card BIN.
fn guess_prefix(value: &str) -> PrefixKind {
    let value = value.trim();
    if value.starts_with('+') {
        PrefixKind::Phone
    } else if value.chars().take(2).all(|c| c.is_ascii_alphabetic()) {
        PrefixKind::Iban
    } else {
        PrefixKind::CardBin
    }
}

fn prefix_name(kind: PrefixKind) -> &'static str {
    match kind {
        PrefixKind::Iban => "iban",
        PrefixKind::CardBin => "card_bin",
        PrefixKind::Phone => "phone",
    }
}

/// The matcher's rule for a stored entry (or for one being added).
fn rule_of(kind: &str, qualifier: Option<&str>, value: &str, ids: &CampaignIds) -> Result<WatchRule, String> {
    let value = value.trim();
    Ok(match kind {
        "exact" => WatchRule::Exact {
            indicator_type: match qualifier {
                Some(qualifier) => indicator_kind(qualifier)?,
                None => return Err("an exact entry needs its indicator type".into()),
            },
            value: value.to_owned(),
        },
        "prefix" => WatchRule::Prefix {
            of: qualifier.map_or_else(|| Ok(guess_prefix(value)), prefix_kind)?,
            prefix: value.to_owned(),
        },
        "domain_suffix" => WatchRule::DomainSuffix { domain: value.to_owned() },
        "regex" => {
            WatchRule::Regex { indicator_type: qualifier.map(indicator_kind).transpose()?, pattern: value.to_owned() }
        }
        "campaign" => WatchRule::Campaign {
            // Entries stored before campaign ids were opaque hold the
            // stored campaign's number, which is still its key.
            campaign: match value.parse::<i64>() {
                Ok(legacy) => legacy,
                Err(_) => ids.decode(value).map(|campaign| campaign.key).ok_or_else(|| {
                    format!("campaign {value:?}: expected a campaign id of this installation ({PREFIX}…)")
                })?,
            },
        },
        "scam_type" => {
            let known = ScamType::parse(&value.to_ascii_lowercase()).ok_or_else(|| {
                let names: Vec<&str> = ScamType::ALL.iter().map(|scam| scam.as_str()).collect();
                format!("scam type {value:?}: expected one of {}", names.join(", "))
            })?;
            WatchRule::ScamType { scam_type: known.as_str().to_owned() }
        }
        other => {
            return Err(format!("watch kind {other:?}: expected one of {}", crackdown_store::WATCH_KINDS.join(", ")));
        }
    })
}

/// The entry in the form it is stored and matched: an exact value
/// normalized as the extractor normalizes indicators (its type recognized
/// when not given), a prefix with its family, a scam type in its spelling.
fn normalize(request: &WatchRequest) -> Result<NewWatchEntry, String> {
    let kind = request.kind.trim();
    let value = request.value.trim();
    if value.is_empty() {
        return Err("the value is empty".into());
    }
    let mut qualifier = request.qualifier.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    let mut stored = value.to_owned();
    match kind {
        "exact" => {
            let parsed = Query::parse(value.as_bytes(), &Context::default()).map_err(|error| error.to_string())?;
            let given = qualifier.as_deref().map(indicator_kind).transpose()?;
            match (given, parsed.kind) {
                (None, None) => {
                    return Err(format!("{value:?} is no indicator crackdown recognizes; give its type"));
                }
                (None, Some(found)) => {
                    qualifier = Some(found.as_str().to_owned());
                    stored = parsed.normalized;
                }
                (Some(given), Some(found)) if given == found => stored = parsed.normalized,
                (Some(_), _) => {}
            }
        }
        "prefix" if qualifier.is_none() => qualifier = Some(prefix_name(guess_prefix(value)).to_owned()),
        "scam_type" => stored = value.to_ascii_lowercase(),
        "domain_suffix" => stored = value.trim_start_matches("*.").trim_matches('.').to_ascii_lowercase(),
        _ => {}
    }
    let label = request.label.as_deref().map(str::trim).unwrap_or_default().to_owned();
    Ok(NewWatchEntry { kind: kind.to_owned(), qualifier, value: stored, label })
}

/// Compiles entries into a watchlist; the error names no internal id.
fn compile(rules: Vec<WatchEntry>) -> Result<Watchlist, String> {
    Watchlist::new(&rules).map_err(|error| match error {
        crackdown_link::WatchError::Invalid { reason, .. } => reason,
        too_large @ crackdown_link::WatchError::TooLarge { .. } => too_large.to_string(),
    })
}

fn entry_of(info: &WatchEntryInfo, ids: &CampaignIds) -> Result<WatchEntry, String> {
    Ok(WatchEntry { id: info.id, rule: rule_of(&info.kind, info.qualifier.as_deref(), &info.value, ids)? })
}

/// Adds an entry to the viewer's organisation's watchlist after checking
/// that it compiles, alone and with the organisation's other entries (a
/// regex too long, too costly to compile or malformed is refused with the
/// reason, as a `StoreError::Invalid`).
pub fn add_watch_entry(
    store: &Store,
    viewer: &Viewer,
    request: &WatchRequest,
    now: DateTime<Utc>,
) -> Result<WatchEntryInfo, StoreError> {
    let entry = normalize(request).map_err(StoreError::Invalid)?;
    let ids = CampaignIds::of(store)?;
    let rule = rule_of(&entry.kind, entry.qualifier.as_deref(), &entry.value, &ids).map_err(StoreError::Invalid)?;
    let mut rules: Vec<WatchEntry> =
        store.watch_entries(viewer)?.iter().filter_map(|info| entry_of(info, &ids).ok()).collect();
    rules.push(WatchEntry { id: 0, rule });
    compile(rules).map_err(StoreError::Invalid)?;
    store.add_watch_entry(viewer, &entry, now)
}

/// The viewer's organisation's watch entries that a report naming
/// `indicator` would hit, matched by the watchlist matcher itself (so the
/// search says exactly what intake would alert on). Entries that no longer
/// compile are left out.
pub(crate) fn entries_hit_by(
    store: &Store,
    viewer: &Viewer,
    indicator: ReportIndicator,
) -> Result<Vec<WatchEntryInfo>, StoreError> {
    let ids = CampaignIds::of(store)?;
    let entries = store.watch_entries(viewer)?;
    let rules: Vec<WatchEntry> = entries.iter().filter_map(|info| entry_of(info, &ids).ok()).collect();
    let Ok(list) = compile(rules) else { return Ok(Vec::new()) };
    let subject = WatchSubject { indicators: std::slice::from_ref(&indicator), campaign: None, scam_type: None };
    let hit: std::collections::BTreeSet<i64> = list.matches(&subject).into_iter().map(|hit| hit.entry).collect();
    Ok(entries.into_iter().filter(|entry| hit.contains(&entry.id)).collect())
}

/// A stored report to match, with the campaign it was linked into if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchedReport {
    pub id: i64,
    pub campaign: Option<CampaignId>,
}

/// Matches linked reports, each with the campaign linking gave it, against
/// every watchlist: the watch step of the intake (`intake::settle`), after
/// linking, so a campaign watch sees a report that just joined its campaign.
/// Returns the number of new alerts.
pub(crate) fn watch_linked(store: &Store, ids: &[i64], now: DateTime<Utc>) -> Result<usize, StoreError> {
    let campaigns = store.campaigns_of(ids)?;
    let reports: Vec<WatchedReport> =
        ids.iter().map(|id| WatchedReport { id: *id, campaign: campaigns.get(id).copied() }).collect();
    watch_reports(store, &reports, now)
}

/// Matches stored reports, each with its campaign when linking gave one,
/// against every organisation's watchlist and records the alerts. An
/// organisation whose list no longer compiles (it was valid when stored)
/// is skipped with a warning rather than failing intake for everyone.
pub fn watch_reports(store: &Store, reports: &[WatchedReport], now: DateTime<Utc>) -> Result<usize, StoreError> {
    if reports.is_empty() {
        return Ok(0);
    }
    let entries = store.all_watch_entries()?;
    if entries.is_empty() {
        return Ok(0);
    }
    let ids = CampaignIds::of(store)?;
    let mut by_org: BTreeMap<i64, Vec<WatchEntry>> = BTreeMap::new();
    // A campaign hit names the campaign as the entry does, never by its key.
    let campaign_entries: BTreeMap<i64, &str> = entries
        .iter()
        .filter(|entry| entry.entry.kind == "campaign")
        .map(|entry| (entry.entry.id, entry.entry.value.as_str()))
        .collect();
    for entry in &entries {
        match entry_of(&entry.entry, &ids) {
            Ok(rule) => by_org.entry(entry.org_id).or_default().push(rule),
            Err(reason) => tracing::warn!(entry = entry.entry.id, %reason, "skipping a watch entry"),
        }
    }
    let lists: Vec<(i64, Watchlist)> = by_org
        .into_iter()
        .filter_map(|(org, rules)| match compile(rules) {
            Ok(list) => Some((org, list)),
            Err(reason) => {
                tracing::warn!(org, %reason, "skipping a watchlist that does not compile");
                None
            }
        })
        .collect();
    let campaigns: BTreeMap<i64, Option<CampaignId>> =
        reports.iter().map(|report| (report.id, report.campaign)).collect();
    let ids: Vec<i64> = campaigns.keys().copied().collect();
    let mut hits = Vec::new();
    for subject in store.watch_subjects(&ids)? {
        let indicators: Vec<ReportIndicator> = subject
            .indicators
            .iter()
            .filter_map(|(kind, value)| {
                indicator_kind(kind).ok().map(|kind| ReportIndicator::new(kind, value.as_str()))
            })
            .collect();
        let watched = WatchSubject {
            indicators: &indicators,
            campaign: campaigns.get(&subject.report_id).copied().flatten(),
            scam_type: subject.scam_type.as_deref(),
        };
        for (org, list) in &lists {
            for hit in list.matches(&watched) {
                hits.push(AlertCandidate {
                    org_id: *org,
                    entry_id: hit.entry,
                    report_id: subject.report_id,
                    matched: campaign_entries.get(&hit.entry).map_or(hit.matched, |&id| id.to_owned()),
                });
            }
        }
    }
    Ok(store.record_alerts(&hits, &delivery_id, now)?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: &str, qualifier: Option<&str>, value: &str) -> WatchRequest {
        WatchRequest { kind: kind.into(), qualifier: qualifier.map(Into::into), value: value.into(), label: None }
    }

    #[test]
    fn entries_are_normalized_like_indicators() {
        let exact = normalize(&request("exact", None, "hxxps://Login.Example[.]com/x")).expect("valid");
        assert_eq!(exact.qualifier.as_deref(), Some("url"));
        assert!(exact.value.starts_with("https://login.example.com"), "{}", exact.value);
        let iban = normalize(&request("exact", None, "GB82 WEST 1234 5698 7654 32")).expect("valid");
        assert_eq!((iban.qualifier.as_deref(), iban.value.as_str()), (Some("iban"), "GB82WEST12345698765432"));
        assert_eq!(normalize(&request("prefix", None, "+66 80")).expect("valid").qualifier.as_deref(), Some("phone"));
        assert_eq!(normalize(&request("prefix", None, "LT12")).expect("valid").qualifier.as_deref(), Some("iban"));
        assert_eq!(normalize(&request("scam_type", None, "Investment")).expect("valid").value, "investment");
        assert!(normalize(&request("exact", None, "  ")).is_err());
    }

    #[test]
    fn bad_entries_say_why() {
        let ids = CampaignIds::from_secret([3; 16]);
        let rule = |kind, qualifier, value| rule_of(kind, qualifier, value, &ids).map(|_| ());
        assert!(rule("regex", None, "(").is_ok(), "compiling is checked separately");
        let unclosed = rule_of("regex", None, "(unclosed", &ids).expect("a rule");
        let reason = compile(vec![WatchEntry { id: 0, rule: unclosed }]).expect_err("bad regex");
        assert!(reason.contains("unclosed"), "{reason}");
        assert!(rule("campaign", None, "abc").is_err_and(|reason| reason.contains("campaign id")));
        let id = ids.encode(crate::campaign_ids::CampaignRef { key: 77, part: None });
        assert!(matches!(rule_of("campaign", None, &id, &ids), Ok(WatchRule::Campaign { campaign: 77 })));
        let foreign =
            CampaignIds::from_secret([4; 16]).encode(crate::campaign_ids::CampaignRef { key: 77, part: None });
        assert!(rule("campaign", None, &foreign).is_err());
        assert!(rule("scam_type", None, "nonsense").is_err_and(|reason| reason.contains("romance")));
        assert!(rule("prefix", Some("swift"), "AB").is_err());
        assert!(rule("exact", Some("fax"), "1").is_err_and(|reason| reason.contains("bank_account")));
        assert!(rule("glob", None, "*").is_err());
    }
}
