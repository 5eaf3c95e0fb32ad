//! What an analyst reads about a campaign: its reports, indicators with the
//! weight each carries, victims, losses per currency, time span, scam types,
//! and for every link the shared values or near-duplicate text behind it.
//!
//! Links are a spanning tree of the campaign (each report is explained by
//! the report it was reached from), so a campaign of n reports has n − 1
//! links however many values its reports share. Exact resubmissions (the
//! same normalized text) count as one victim and one loss.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::features::{FeatureKind, HubReason};
use crate::linker::{CampaignId, Linker, ReportId, ValueState};

/// One campaign as a viewer may see it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    /// Report ids, ascending.
    pub reports: Vec<ReportId>,
    /// Every value the campaign's reports name, most reported first (name
    /// phrases of the texts are not values; they appear in `links`).
    pub indicators: Vec<CampaignIndicator>,
    /// Distinct reports once exact resubmissions are counted once.
    pub victims: u64,
    /// Total loss per currency code, as exact decimal strings.
    pub loss: BTreeMap<String, String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Reports per scam type (reports without one are not counted).
    pub scam_types: BTreeMap<String, u64>,
    /// Why the reports are together: one link per report but the first.
    pub links: Vec<Link>,
}

/// A value named in a campaign's reports and what it did for linking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignIndicator {
    #[serde(rename = "type")]
    pub kind: FeatureKind,
    pub value: String,
    /// Reports of this campaign that name it.
    pub reports: u64,
    /// Specificity: `ln((reports in view + prior) / reports naming it)`.
    pub weight: f64,
    pub role: IndicatorRole,
}

/// What a value did for linking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "role", content = "reason")]
pub enum IndicatorRole {
    /// Specific enough, and shared: it links reports.
    Links,
    /// Specific enough, but named by one report only.
    Unique,
    /// On a hub list: never links.
    Hub(HubReason),
    /// In too many reports of the case to say anything about one campaign.
    TooCommon,
    /// Treated as a hub by the data: its reports fall into `groups` groups
    /// that share nothing else (a hotline victims of several operations
    /// quote, a persona or brand several crews use). It relates their
    /// campaigns without merging them.
    Bridge { groups: u32 },
}

impl IndicatorRole {
    /// A sentence for `campaigns show` and the campaign graph.
    pub fn describe(self) -> String {
        match self {
            IndicatorRole::Links => "links the reports naming it".to_owned(),
            IndicatorRole::Unique => "named by one report only".to_owned(),
            IndicatorRole::Hub(reason) => format!("a hub ({}), never links", reason.describe()),
            IndicatorRole::TooCommon => "too common in the case to link".to_owned(),
            IndicatorRole::Bridge { groups } => {
                format!("treated as a hub: {groups} groups share it and nothing else; relates them, never merges")
            }
        }
    }
}

/// Why two reports are in one campaign.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub from: ReportId,
    pub to: ReportId,
    pub reasons: Vec<LinkReason>,
}

/// One piece of evidence for a link.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LinkReason {
    /// Both reports name this value.
    SharedIndicator {
        #[serde(rename = "type")]
        indicator_type: FeatureKind,
        value: String,
        weight: f64,
    },
    /// The texts are near-duplicates (estimated Jaccard similarity of
    /// their character shingles).
    NearDuplicateText { similarity: f64 },
}

/// The state a summary is computed in: a viewer's reports.
pub(crate) struct View<'a> {
    pub linker: &'a Linker,
    /// Reports in the view naming each feature.
    pub counts: &'a [u32],
    /// Reports in the view.
    pub reports: usize,
    pub near: &'a [Vec<u32>],
    /// What each value does among the view's reports.
    pub states: &'a [ValueState],
    /// How many groups of its holders share nothing but each value.
    pub groups: &'a [u32],
}

impl View<'_> {
    /// Not a hub, shared by two reports or more.
    fn judged(&self, feature: u32) -> bool {
        self.linker.feature(feature).1.is_none() && self.counts[feature as usize] >= 2
    }

    fn links(&self, feature: u32) -> bool {
        self.judged(feature) && self.states[feature as usize] == ValueState::Links
    }

    fn weight(&self, feature: u32) -> f64 {
        self.linker.weight(self.reports, self.counts[feature as usize] as usize)
    }

    /// Summarizes one component (internal report numbers).
    pub(crate) fn summarize(&self, members: &[u32]) -> Campaign {
        let mut reports: Vec<(ReportId, u32)> =
            members.iter().map(|&member| (self.linker.entry_at(member).id, member)).collect();
        reports.sort_unstable();
        let first = self.linker.entry_at(reports[0].1);
        let mut first_seen = first.received_at;
        let mut last_seen = first.received_at;
        let mut scam_types: BTreeMap<String, u64> = BTreeMap::new();
        let mut texts: HashSet<u64> = HashSet::new();
        let mut loss: BTreeMap<&'static str, (i128, u8)> = BTreeMap::new();
        let mut named: HashMap<u32, u64> = HashMap::new();
        for &(_, member) in &reports {
            let entry = self.linker.entry_at(member);
            first_seen = first_seen.min(entry.received_at);
            last_seen = last_seen.max(entry.received_at);
            if let Some(scam_type) = entry.scam_type {
                *scam_types.entry(scam_type.to_owned()).or_default() += 1;
            }
            for &feature in entry.features {
                *named.entry(feature).or_default() += 1;
            }
            if texts.insert(entry.text_hash)
                && let Some(money) = entry.loss
            {
                let total = loss.entry(money.currency().code()).or_insert((0, money.currency().minor_units()));
                total.0 += i128::from(money.minor());
            }
        }
        let mut indicators: Vec<CampaignIndicator> = named
            .iter()
            // Names and brand stems are no indicators; they are listed when
            // the data showed them to be hubs, which the analyst must see.
            .filter(|(feature, _)| {
                self.linker.feature(**feature).0.kind.is_indicator()
                    || (self.judged(**feature) && self.states[**feature as usize] == ValueState::Bridge)
            })
            .map(|(&feature, &count)| {
                let (value, hub) = self.linker.feature(feature);
                let role = match hub {
                    Some(reason) => IndicatorRole::Hub(reason),
                    None if self.counts[feature as usize] < 2 => IndicatorRole::Unique,
                    None if self.links(feature) => IndicatorRole::Links,
                    None if self.states[feature as usize] == ValueState::Common => IndicatorRole::TooCommon,
                    None => IndicatorRole::Bridge { groups: self.groups[feature as usize] },
                };
                CampaignIndicator {
                    kind: value.kind,
                    value: value.value.clone(),
                    reports: count,
                    weight: self.weight(feature),
                    role,
                }
            })
            .collect();
        indicators.sort_by(|a, b| b.reports.cmp(&a.reports).then_with(|| (a.kind, &a.value).cmp(&(b.kind, &b.value))));
        Campaign {
            id: reports[0].0,
            reports: reports.iter().map(|(id, _)| *id).collect(),
            indicators,
            victims: texts.len() as u64,
            loss: loss.into_iter().map(|(code, (minor, units))| (code.to_owned(), decimal(minor, units))).collect(),
            first_seen,
            last_seen,
            scam_types,
            links: self.spanning_links(&reports),
        }
    }

    /// A spanning tree of the component from its first report, strongest
    /// values first, with every reason each tree edge has.
    fn spanning_links(&self, reports: &[(ReportId, u32)]) -> Vec<Link> {
        let members: HashSet<u32> = reports.iter().map(|(_, member)| *member).collect();
        let mut reached: HashSet<u32> = HashSet::from([reports[0].1]);
        let mut used_features: HashSet<u32> = HashSet::new();
        let mut queue = std::collections::VecDeque::from([reports[0].1]);
        let mut links = Vec::with_capacity(reports.len().saturating_sub(1));
        while let Some(report) = queue.pop_front() {
            let entry = self.linker.entry_at(report);
            let mut features: Vec<u32> = entry.features.iter().copied().filter(|&f| self.links(f)).collect();
            features.sort_by(|&a, &b| {
                self.weight(b)
                    .total_cmp(&self.weight(a))
                    .then_with(|| self.linker.feature(a).0.cmp(self.linker.feature(b).0))
            });
            let mut next: Vec<u32> = Vec::new();
            for feature in features {
                if !used_features.insert(feature) {
                    continue;
                }
                for &other in self.linker.holders(feature) {
                    if members.contains(&other) && reached.insert(other) {
                        next.push(other);
                    }
                }
            }
            for &other in &self.near[report as usize] {
                if members.contains(&other) && reached.insert(other) {
                    next.push(other);
                }
            }
            next.sort_unstable_by_key(|&other| self.linker.entry_at(other).id);
            for other in next {
                links.push(self.explain(report, other));
                queue.push_back(other);
            }
        }
        links
    }

    fn explain(&self, from: u32, to: u32) -> Link {
        let (a, b) = (self.linker.entry_at(from), self.linker.entry_at(to));
        let mut reasons: Vec<LinkReason> = a
            .features
            .iter()
            .filter(|feature| b.features.binary_search(feature).is_ok() && self.links(**feature))
            .map(|&feature| {
                let (value, _) = self.linker.feature(feature);
                LinkReason::SharedIndicator {
                    indicator_type: value.kind,
                    value: value.value.clone(),
                    weight: self.weight(feature),
                }
            })
            .collect();
        reasons.sort_by(|a, b| match (a, b) {
            (
                LinkReason::SharedIndicator { indicator_type: kind_a, value: value_a, weight: weight_a },
                LinkReason::SharedIndicator { indicator_type: kind_b, value: value_b, weight: weight_b },
            ) => weight_b.total_cmp(weight_a).then_with(|| (kind_a, value_a).cmp(&(kind_b, value_b))),
            _ => std::cmp::Ordering::Equal,
        });
        if self.near[from as usize].contains(&to)
            && let (Some(x), Some(y)) = (a.signature, b.signature)
        {
            reasons.push(LinkReason::NearDuplicateText { similarity: x.similarity(y) });
        }
        Link { from: a.id, to: b.id, reasons }
    }
}

/// Minor units as an exact decimal string, for totals beyond `i64`.
fn decimal(minor: i128, units: u8) -> String {
    let digits = minor.unsigned_abs().to_string();
    let sign = if minor < 0 { "-" } else { "" };
    let width = usize::from(units);
    if width == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>w$}", w = width + 1);
    let (whole, fraction) = padded.split_at(padded.len() - width);
    format!("{sign}{whole}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn totals_print_with_the_currency_decimals() {
        assert_eq!(decimal(123_456, 2), "1234.56");
        assert_eq!(decimal(5, 2), "0.05");
        assert_eq!(decimal(-5, 0), "-5");
        assert_eq!(decimal(i128::from(i64::MAX) * 4, 2), "368934881474191032.28");
    }
}
