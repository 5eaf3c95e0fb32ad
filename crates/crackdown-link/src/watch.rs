//! Watchlists: what an organisation wants to hear about, and the matcher
//! that says which entries a new report hits.
//!
//! Entry kinds: an exact indicator; a prefix of an IBAN (country and bank
//! code), a card BIN or a phone number (a country or operator range); a
//! domain suffix (a brand's domain and every subdomain, in URLs, domains and
//! e-mail addresses); a bounded regular expression over indicator values; a
//! campaign; a scam type.
//!
//! Matching costs a few hash lookups per indicator whatever the number of
//! entries: exact values are one lookup, prefixes one lookup per prefix
//! length of the value (values are short), domain suffixes one per label of
//! the host. Only regexes are scanned together, as one `RegexSet` (linear
//! time, no backtracking), built with a size limit so a pattern cannot ask
//! for unbounded memory.

use std::collections::{BTreeSet, HashMap};

use crackdown_lure::IndicatorKind;
use regex::{RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

use crate::features::{ReportIndicator, url_host_and_path};
use crate::linker::CampaignId;

/// Longest regex source accepted.
pub const MAX_PATTERN_BYTES: usize = 256;
/// Compiled size limit of all regexes of one watchlist, in bytes.
pub const MAX_COMPILED_BYTES: usize = 2 << 20;
/// Values longer than this are not tested against regexes (URLs beyond it
/// are padding, not links).
pub const MAX_VALUE_BYTES: usize = 4096;

/// What a prefix entry applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrefixKind {
    /// IBAN prefix: country, check digits and bank code, e.g. `GB29NWBK`.
    Iban,
    /// Card BIN: the first 6 to 8 digits.
    CardBin,
    /// Phone prefix in E.164, e.g. `+6680`.
    Phone,
}

/// One entry of a watchlist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WatchRule {
    Exact {
        #[serde(rename = "type")]
        indicator_type: IndicatorKind,
        value: String,
    },
    Prefix {
        of: PrefixKind,
        prefix: String,
    },
    DomainSuffix {
        domain: String,
    },
    Regex {
        /// Restricts the pattern to one kind of indicator.
        #[serde(rename = "type")]
        indicator_type: Option<IndicatorKind>,
        pattern: String,
    },
    Campaign {
        campaign: CampaignId,
    },
    ScamType {
        scam_type: String,
    },
}

/// A rule with the id the store gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchEntry {
    pub id: i64,
    pub rule: WatchRule,
}

/// Why a watchlist could not be built, naming the entry.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WatchError {
    #[error("watch entry {id}: {reason}")]
    Invalid { id: i64, reason: String },
    #[error("watch entries {ids:?}: the patterns together exceed the size limit of {limit} bytes")]
    TooLarge { ids: Vec<i64>, limit: usize },
}

/// What a report is matched on: its indicators, its campaign and scam type.
#[derive(Clone, Copy, Debug, Default)]
pub struct WatchSubject<'a> {
    pub indicators: &'a [ReportIndicator],
    pub campaign: Option<CampaignId>,
    pub scam_type: Option<&'a str>,
}

/// One entry hit by a report, with the value that hit it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct WatchMatch {
    pub entry: i64,
    /// The indicator value, campaign id or scam type that matched.
    pub matched: String,
}

/// A compiled watchlist.
#[derive(Debug)]
pub struct Watchlist {
    exact: HashMap<(IndicatorKind, String), Vec<i64>>,
    prefixes: HashMap<(PrefixKind, String), Vec<i64>>,
    /// Longest prefix per kind, to bound lookups.
    longest_prefix: HashMap<PrefixKind, usize>,
    domains: HashMap<String, Vec<i64>>,
    campaigns: HashMap<CampaignId, Vec<i64>>,
    scam_types: HashMap<String, Vec<i64>>,
    regexes: Option<RegexSet>,
    /// Per pattern of `regexes`: its entry and kind restriction.
    regex_entries: Vec<(i64, Option<IndicatorKind>)>,
}

/// Records the entries `ids` as hit by `matched`.
fn hit(found: &mut BTreeSet<WatchMatch>, ids: Option<&Vec<i64>>, matched: &str) {
    for &entry in ids.into_iter().flatten() {
        found.insert(WatchMatch { entry, matched: matched.to_owned() });
    }
}

fn invalid(id: i64, reason: impl Into<String>) -> WatchError {
    WatchError::Invalid { id, reason: reason.into() }
}

/// A prefix entry in the form indicators are normalized to, or why not.
fn normalize_prefix(of: PrefixKind, prefix: &str) -> Result<String, String> {
    let compact: String = prefix.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    match of {
        PrefixKind::Iban => {
            let upper = compact.to_ascii_uppercase();
            let shaped = upper.len() >= 4
                && upper.len() <= 34
                && upper[..2].bytes().all(|b| b.is_ascii_uppercase())
                && upper.bytes().all(|b| b.is_ascii_alphanumeric());
            if shaped {
                Ok(upper)
            } else {
                Err(format!("{prefix:?} is not an IBAN prefix (country, check digits, bank)"))
            }
        }
        PrefixKind::CardBin => {
            let shaped = (6..=8).contains(&compact.len()) && compact.bytes().all(|b| b.is_ascii_digit());
            if shaped { Ok(compact) } else { Err(format!("{prefix:?} is not a card BIN (6 to 8 digits)")) }
        }
        PrefixKind::Phone => {
            let digits = compact.strip_prefix('+').unwrap_or(&compact);
            let shaped = !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
            if shaped { Ok(format!("+{digits}")) } else { Err(format!("{prefix:?} is not a phone prefix (+digits)")) }
        }
    }
}

impl Watchlist {
    /// Compiles entries; an invalid entry is an error naming it.
    pub fn new(entries: &[WatchEntry]) -> Result<Watchlist, WatchError> {
        let mut list = Watchlist {
            exact: HashMap::new(),
            prefixes: HashMap::new(),
            longest_prefix: HashMap::new(),
            domains: HashMap::new(),
            campaigns: HashMap::new(),
            scam_types: HashMap::new(),
            regexes: None,
            regex_entries: Vec::new(),
        };
        let mut patterns = Vec::new();
        for entry in entries {
            let id = entry.id;
            match &entry.rule {
                WatchRule::Exact { indicator_type, value } => {
                    let value = value.trim();
                    if value.is_empty() {
                        return Err(invalid(id, "empty value"));
                    }
                    let kind = if *indicator_type == IndicatorKind::Whatsapp && value.starts_with('+') {
                        IndicatorKind::Phone
                    } else {
                        *indicator_type
                    };
                    list.exact.entry((kind, value.to_owned())).or_default().push(id);
                }
                WatchRule::Prefix { of, prefix } => {
                    let prefix = normalize_prefix(*of, prefix).map_err(|reason| invalid(id, reason))?;
                    let longest = list.longest_prefix.entry(*of).or_default();
                    *longest = (*longest).max(prefix.len());
                    list.prefixes.entry((*of, prefix)).or_default().push(id);
                }
                WatchRule::DomainSuffix { domain } => {
                    let domain = domain.trim().trim_start_matches("*.").trim_matches('.').to_ascii_lowercase();
                    if domain.is_empty() || !domain.contains('.') || domain.contains(['/', '@', ' ']) {
                        return Err(invalid(id, format!("{domain:?} is not a domain")));
                    }
                    list.domains.entry(domain).or_default().push(id);
                }
                WatchRule::Regex { indicator_type, pattern } => {
                    if pattern.len() > MAX_PATTERN_BYTES {
                        return Err(invalid(
                            id,
                            format!("pattern of {} bytes; the limit is {MAX_PATTERN_BYTES}", pattern.len()),
                        ));
                    }
                    RegexSetBuilder::new([pattern])
                        .size_limit(MAX_COMPILED_BYTES)
                        .dfa_size_limit(MAX_COMPILED_BYTES)
                        .build()
                        .map_err(|error| invalid(id, format!("pattern {pattern:?}: {error}")))?;
                    patterns.push(pattern.clone());
                    list.regex_entries.push((id, *indicator_type));
                }
                WatchRule::Campaign { campaign } => list.campaigns.entry(*campaign).or_default().push(id),
                WatchRule::ScamType { scam_type } => {
                    list.scam_types.entry(scam_type.trim().to_ascii_lowercase()).or_default().push(id);
                }
            }
        }
        if !patterns.is_empty() {
            let set = RegexSetBuilder::new(&patterns)
                .size_limit(MAX_COMPILED_BYTES)
                .dfa_size_limit(MAX_COMPILED_BYTES)
                .build()
                .map_err(|_| WatchError::TooLarge {
                    ids: list.regex_entries.iter().map(|(id, _)| *id).collect(),
                    limit: MAX_COMPILED_BYTES,
                })?;
            list.regexes = Some(set);
        }
        Ok(list)
    }

    /// Every entry the subject hits, each once (with the first value that
    /// hit it), sorted by entry id.
    pub fn matches(&self, subject: &WatchSubject<'_>) -> Vec<WatchMatch> {
        let mut found: BTreeSet<WatchMatch> = BTreeSet::new();
        for indicator in subject.indicators {
            let value = indicator.value.as_str();
            let kind = match indicator.kind {
                IndicatorKind::Whatsapp if value.starts_with('+') => IndicatorKind::Phone,
                kind => kind,
            };
            hit(&mut found, self.exact.get(&(kind, value.to_owned())), value);
            let prefix_kind = match kind {
                IndicatorKind::Iban => Some(PrefixKind::Iban),
                IndicatorKind::Card => Some(PrefixKind::CardBin),
                IndicatorKind::Phone => Some(PrefixKind::Phone),
                _ => None,
            };
            if let Some(of) = prefix_kind {
                let longest = self.longest_prefix.get(&of).copied().unwrap_or(0).min(value.len());
                for end in 1..=longest {
                    if let Some(prefix) = value.get(..end) {
                        hit(&mut found, self.prefixes.get(&(of, prefix.to_owned())), value);
                    }
                }
            }
            let host = match kind {
                IndicatorKind::Url => url_host_and_path(value).map(|(host, _)| host),
                IndicatorKind::Domain => Some(value),
                IndicatorKind::Email => value.rsplit_once('@').map(|(_, host)| host),
                _ => None,
            };
            if let Some(host) = host {
                let host = host.to_ascii_lowercase();
                let mut suffix = host.as_str();
                loop {
                    hit(&mut found, self.domains.get(suffix), value);
                    match suffix.split_once('.') {
                        Some((_, rest)) if rest.contains('.') => suffix = rest,
                        _ => break,
                    }
                }
            }
            if let Some(set) = &self.regexes
                && value.len() <= MAX_VALUE_BYTES
            {
                for pattern in set.matches(value).iter() {
                    let (entry, only) = self.regex_entries[pattern];
                    if only.is_none_or(|only| only == indicator.kind) {
                        found.insert(WatchMatch { entry, matched: value.to_owned() });
                    }
                }
            }
        }
        if let Some(campaign) = subject.campaign {
            hit(&mut found, self.campaigns.get(&campaign), &campaign.to_string());
        }
        if let Some(scam_type) = subject.scam_type {
            let scam_type = scam_type.to_ascii_lowercase();
            hit(&mut found, self.scam_types.get(&scam_type), &scam_type);
        }
        let mut seen = std::collections::HashSet::new();
        found.into_iter().filter(|found| seen.insert(found.entry)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<WatchEntry> {
        let rule = |id, rule| WatchEntry { id, rule };
        vec![
            rule(1, WatchRule::Exact { indicator_type: IndicatorKind::Phone, value: "+66812345678".into() }),
            rule(2, WatchRule::Prefix { of: PrefixKind::Iban, prefix: "lt12 1000".into() }),
            rule(3, WatchRule::Prefix { of: PrefixKind::CardBin, prefix: "411111".into() }),
            rule(4, WatchRule::Prefix { of: PrefixKind::Phone, prefix: "+855".into() }),
            rule(5, WatchRule::DomainSuffix { domain: "siamcommerce.co.th".into() }),
            rule(6, WatchRule::Regex { indicator_type: Some(IndicatorKind::Tron), pattern: "^TX[a-zA-Z0-9]+$".into() }),
            rule(7, WatchRule::Campaign { campaign: 42 }),
            rule(8, WatchRule::ScamType { scam_type: "Investment".into() }),
        ]
    }

    fn check(indicators: &[(IndicatorKind, &str)], campaign: Option<i64>, scam_type: Option<&str>, expected: &[i64]) {
        let list = Watchlist::new(&entries()).expect("valid entries");
        let indicators: Vec<ReportIndicator> =
            indicators.iter().map(|(kind, value)| ReportIndicator::new(*kind, *value)).collect();
        let subject = WatchSubject { indicators: &indicators, campaign, scam_type };
        let hits: Vec<i64> = list.matches(&subject).iter().map(|hit| hit.entry).collect();
        assert_eq!(hits, expected);
    }

    #[test]
    fn each_kind_of_entry_matches_what_it_should_and_nothing_else() {
        check(&[(IndicatorKind::Whatsapp, "+66812345678")], None, None, &[1]);
        check(&[(IndicatorKind::Phone, "+66812345679")], None, None, &[]);
        check(&[(IndicatorKind::Iban, "LT121000011101001000")], None, None, &[2]);
        check(&[(IndicatorKind::Iban, "LT601010012345678901")], None, None, &[]);
        check(&[(IndicatorKind::Card, "411111******1111")], None, None, &[3]);
        check(&[(IndicatorKind::Phone, "+85512345678")], None, None, &[4]);
        check(&[(IndicatorKind::Url, "https://login.siamcommerce.co.th.evil.example/x")], None, None, &[]);
        check(&[(IndicatorKind::Url, "https://login.siamcommerce.co.th/x")], None, None, &[5]);
        check(&[(IndicatorKind::Email, "alerts@siamcommerce.co.th")], None, None, &[5]);
        check(&[(IndicatorKind::Domain, "fakesiamcommerce.co.th")], None, None, &[]);
        check(&[(IndicatorKind::Tron, "TXabc123")], None, None, &[6]);
        check(&[(IndicatorKind::Telegram, "TXabc123")], None, None, &[]);
        check(&[], Some(42), Some("investment"), &[7, 8]);
        check(&[], Some(41), Some("romance"), &[]);
    }

    #[test]
    fn bad_entries_are_rejected_with_their_id() {
        let one = |rule| Watchlist::new(&[WatchEntry { id: 9, rule }]).map(|_| ());
        let too_long = "a".repeat(MAX_PATTERN_BYTES + 1);
        assert!(matches!(
            one(WatchRule::Regex { indicator_type: None, pattern: too_long }),
            Err(WatchError::Invalid { id: 9, .. })
        ));
        // Small to write, huge to compile: refused by the size limit.
        let explosive = r"(?:\w{100}){100}".to_owned();
        assert!(matches!(
            one(WatchRule::Regex { indicator_type: None, pattern: explosive }),
            Err(WatchError::Invalid { id: 9, .. })
        ));
        assert!(one(WatchRule::Regex { indicator_type: None, pattern: "(".into() }).is_err());
        assert!(one(WatchRule::Prefix { of: PrefixKind::CardBin, prefix: "41".into() }).is_err());
        assert!(one(WatchRule::Prefix { of: PrefixKind::Phone, prefix: "+66abc".into() }).is_err());
        assert!(one(WatchRule::DomainSuffix { domain: "localhost".into() }).is_err());
        assert!(one(WatchRule::Exact { indicator_type: IndicatorKind::Phone, value: " ".into() }).is_err());
    }

    #[test]
    fn matching_many_entries_stays_a_lookup() {
        let entries: Vec<WatchEntry> = (0..50_000)
            .map(|id| WatchEntry {
                id,
                rule: WatchRule::Exact { indicator_type: IndicatorKind::Phone, value: format!("+6680{id:07}") },
            })
            .collect();
        let list = Watchlist::new(&entries).expect("valid entries");
        let indicators = [ReportIndicator::new(IndicatorKind::Phone, "+66800012345")];
        let hits = list.matches(&WatchSubject { indicators: &indicators, ..WatchSubject::default() });
        assert_eq!(hits, vec![WatchMatch { entry: 12_345, matched: "+66800012345".into() }]);
    }
}
