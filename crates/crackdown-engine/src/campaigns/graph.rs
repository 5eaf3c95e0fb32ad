//! A campaign as an indicator–report network with its time line, built
//! only from reports the viewer may read.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_link::minhash::{Signature, text_hash};
use crackdown_link::{FeatureKind, HubReason};
use crackdown_model::{Currency, Money, Viewer};
use crackdown_store::{LinkInput, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;

use super::views::campaign_with_inputs;
use super::{link_config, link_report, money};

/// Nodes a campaign graph holds when the caller names no limit.
pub const GRAPH_DEFAULT_NODES: usize = 2_000;

/// The most nodes a campaign graph may hold: enough for the browser's
/// 5,000-node target with room, small enough to bound the payload.
pub const GRAPH_MAX_NODES: usize = 10_000;

/// Near-duplicate partners kept per report, and candidates compared per
/// report: a campaign of thousands of one template would otherwise draw
/// (and compare) every pair.
const NEAR_EDGES_PER_REPORT: usize = 3;
const NEAR_CANDIDATES_PER_REPORT: usize = 64;

/// A report node of a campaign graph.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphReport {
    pub id: i64,
    pub external_id: Option<String>,
    pub scam_type: Option<String>,
    pub tlp: crackdown_model::Tlp,
    pub received_at: DateTime<Utc>,
    pub loss: Option<Money>,
}

/// An indicator node of a campaign graph: a value its reports name and
/// what it did for linking.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphIndicator {
    /// The value as the linker keys it, and what it did.
    pub indicator: crackdown_link::CampaignIndicator,
    /// The value as the first report naming it gave it, normalized (a
    /// phone in E.164 where the key is its national number).
    pub normalized: String,
    /// On a hub list, or too common in the case to link.
    pub hub: bool,
    /// On an organisation's list of legitimate contacts.
    pub known_legitimate: bool,
}

/// Why two nodes are joined.
#[derive(Clone, Debug, PartialEq)]
pub enum GraphEdge {
    /// The report (index into `reports`) names the indicator (index into
    /// `indicators`).
    Names { report: usize, indicator: usize },
    /// The two reports' texts are near-duplicates.
    NearDuplicate { from: usize, to: usize, similarity: f64 },
}

/// Reports received on one day (UTC) and what they lost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineDay {
    pub day: NaiveDate,
    pub reports: u64,
    /// Loss per currency, exact decimals; an exact resubmission counts once.
    pub loss: BTreeMap<String, String>,
}

/// A campaign as an indicator–report network, as one viewer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignGraph {
    pub campaign: String,
    pub name: String,
    pub reports: Vec<GraphReport>,
    pub indicators: Vec<GraphIndicator>,
    pub edges: Vec<GraphEdge>,
    /// The whole campaign, whatever the node limit.
    pub timeline: Vec<TimelineDay>,
    /// Nodes and edges of the whole campaign, before the limit.
    pub total_nodes: usize,
    pub total_edges: usize,
    pub limit: usize,
}

impl CampaignGraph {
    /// Whether the limit left nodes out.
    pub fn truncated(&self) -> bool {
        self.reports.len() + self.indicators.len() < self.total_nodes
    }

    /// A sentence saying why an edge is there.
    pub fn explain(&self, edge: &GraphEdge) -> String {
        match edge {
            GraphEdge::Names { indicator, .. } => {
                let node = &self.indicators[*indicator];
                let named = format!("names {} {}", node.indicator.kind.as_str(), node.normalized);
                match node.indicator.role {
                    crackdown_link::IndicatorRole::Links => {
                        format!(
                            "{named}, shared by {} reports: links them ({})",
                            node.indicator.reports,
                            specificity_words(node.indicator.weight)
                        )
                    }
                    crackdown_link::IndicatorRole::Unique => format!("{named}, named by this report only"),
                    crackdown_link::IndicatorRole::Hub(reason) => {
                        format!("{named}: a hub ({}), never links", reason.describe())
                    }
                    crackdown_link::IndicatorRole::TooCommon => {
                        format!(
                            "{named}: too common in the case to link ({})",
                            specificity_words(node.indicator.weight)
                        )
                    }
                    role @ crackdown_link::IndicatorRole::Bridge { .. } => format!("{named}: {}", role.describe()),
                }
            }
            GraphEdge::NearDuplicate { similarity, .. } => {
                format!("near-duplicate texts (estimated similarity {:.2})", similarity)
            }
        }
    }

    /// The weight an edge is drawn with: the indicator's specificity, or
    /// the texts' similarity.
    pub fn weight(&self, edge: &GraphEdge) -> f64 {
        match edge {
            GraphEdge::Names { indicator, .. } => self.indicators[*indicator].indicator.weight,
            GraphEdge::NearDuplicate { similarity, .. } => *similarity,
        }
    }
}

/// Near-duplicate pairs among `inputs` (indexes, earlier first): texts
/// sharing a MinHash band and agreeing in enough bins, at most
/// [`NEAR_EDGES_PER_REPORT`] most similar earlier partners per report.
fn near_pairs(inputs: &[&LinkInput], min_bins: usize) -> Vec<(usize, usize, f64)> {
    let signatures: Vec<Option<Signature>> = inputs.par_iter().map(|input| Signature::of(&input.text)).collect();
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut pairs = Vec::new();
    for (index, signature) in signatures.iter().enumerate() {
        let Some(signature) = signature else { continue };
        let mut candidates: Vec<usize> = Vec::new();
        for key in signature.band_keys() {
            let bucket = buckets.entry(key).or_default();
            candidates.extend(bucket.iter().rev().take(NEAR_CANDIDATES_PER_REPORT));
            bucket.push(index);
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.truncate(NEAR_CANDIDATES_PER_REPORT * 2);
        let mut best: Vec<(usize, usize)> = candidates
            .into_iter()
            .filter_map(|other| {
                let agreeing = signatures[other].as_ref()?.agreeing_bins(signature);
                (agreeing >= min_bins).then_some((other, agreeing))
            })
            .collect();
        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (other, _) in best.into_iter().take(NEAR_EDGES_PER_REPORT) {
            let similarity = signatures[other].as_ref().map_or(0.0, |other| other.similarity(signature));
            pairs.push((other, index, similarity));
        }
    }
    pairs
}

/// Loss totals per currency code, in minor units.
type Totals = BTreeMap<&'static str, (i64, Currency)>;

/// Loss per day of `inputs`, an exact resubmission counted once.
fn timeline(inputs: &[&LinkInput]) -> Vec<TimelineDay> {
    let mut days: BTreeMap<NaiveDate, (u64, Totals)> = BTreeMap::new();
    let mut texts: HashSet<u64> = HashSet::new();
    for input in inputs {
        let (reports, loss) = days.entry(input.received_at.date_naive()).or_default();
        *reports += 1;
        if texts.insert(text_hash(&input.text))
            && let Some(amount) = money(&input.loss)
        {
            let total = loss.entry(amount.currency().code()).or_insert((0, amount.currency()));
            total.0 = total.0.saturating_add(amount.minor());
        }
    }
    days.into_iter()
        .map(|(day, (reports, loss))| TimelineDay {
            day,
            reports,
            loss: loss
                .into_iter()
                .map(|(code, (minor, currency))| (code.to_owned(), Money::new(minor, currency).decimal()))
                .collect(),
        })
        .collect()
}

/// Campaign `id` as `viewer` sees it, as a network of its reports and the
/// indicators they name, with near-duplicate text links and a time line.
/// Built only from reports the viewer may read (the campaign is
/// re-partitioned over them first), so no node or edge exists through a
/// report they may not read. At most `limit` nodes (clamped to
/// 1..=[`GRAPH_MAX_NODES`]): reports in order of arrival, each with the
/// indicators it brings, until the next would not fit.
pub fn campaign_graph(store: &Store, viewer: &Viewer, id: &str, limit: usize) -> Result<CampaignGraph, StoreError> {
    let limit = limit.clamp(1, GRAPH_MAX_NODES);
    let config = link_config(store)?;
    let (view, inputs) = campaign_with_inputs(store, &config, viewer, id)?;
    let members: HashSet<i64> = view.report_ids.iter().copied().collect();
    let mut part: Vec<&LinkInput> = inputs.iter().filter(|input| members.contains(&input.id)).collect();
    part.sort_by_key(|input| (input.received_at, input.id));
    let roles: HashMap<(FeatureKind, &str), &crackdown_link::CampaignIndicator> =
        view.indicators.iter().map(|indicator| ((indicator.kind, indicator.value.as_str()), indicator)).collect();
    // Each report's values as the linker keys them, with the normalized
    // form the report gave (a phone's E.164 rather than its national key).
    let features: Vec<Vec<(&crackdown_link::CampaignIndicator, String)>> = part
        .iter()
        .map(|input| {
            let mut named: Vec<(&crackdown_link::CampaignIndicator, String)> = link_report(input)
                .indicators
                .iter()
                .flat_map(|indicator| {
                    crackdown_link::features::features_of(std::slice::from_ref(indicator)).into_iter().map(|feature| {
                        let shown = if feature.kind == FeatureKind::Domain {
                            feature.value.clone()
                        } else {
                            indicator.value.clone()
                        };
                        (feature, shown)
                    })
                })
                .filter_map(|(feature, shown)| {
                    roles.get(&(feature.kind, feature.value.as_str())).map(|role| (*role, shown))
                })
                .collect();
            named.sort_by(|(a, _), (b, _)| (a.kind, &a.value).cmp(&(b.kind, &b.value)));
            named.dedup_by(|(a, _), (b, _)| (a.kind, &a.value) == (b.kind, &b.value));
            named
        })
        .collect();
    let near = near_pairs(&part, config.min_agreeing_bins());
    let total_edges = features.iter().map(Vec::len).sum::<usize>() + near.len();

    let mut graph = CampaignGraph {
        campaign: view.id.clone(),
        name: view.name.clone(),
        reports: Vec::new(),
        indicators: Vec::new(),
        edges: Vec::new(),
        timeline: timeline(&part),
        total_nodes: part.len() + view.indicators.len(),
        total_edges,
        limit,
    };
    let mut indicator_at: HashMap<(FeatureKind, &str), usize> = HashMap::new();
    let mut report_at: HashMap<usize, usize> = HashMap::new();
    for (index, (input, named)) in part.iter().zip(&features).enumerate() {
        let new = named
            .iter()
            .filter(|(indicator, _)| !indicator_at.contains_key(&(indicator.kind, indicator.value.as_str())));
        if graph.reports.len() + graph.indicators.len() + 1 + new.count() > limit {
            break;
        }
        let report = graph.reports.len();
        report_at.insert(index, report);
        graph.reports.push(GraphReport {
            id: input.id,
            external_id: input.external_id.clone(),
            scam_type: input.scam_type.clone(),
            tlp: input.tlp,
            received_at: input.received_at,
            loss: money(&input.loss),
        });
        for (indicator, shown) in named {
            let key = (indicator.kind, indicator.value.as_str());
            let at = *indicator_at.entry(key).or_insert_with(|| {
                graph.indicators.push(GraphIndicator {
                    indicator: (*indicator).clone(),
                    normalized: shown.clone(),
                    hub: matches!(
                        indicator.role,
                        crackdown_link::IndicatorRole::Hub(_) | crackdown_link::IndicatorRole::TooCommon
                    ),
                    known_legitimate: matches!(
                        indicator.role,
                        crackdown_link::IndicatorRole::Hub(HubReason::OfficialHotline | HubReason::Listed)
                    ),
                });
                graph.indicators.len() - 1
            });
            graph.edges.push(GraphEdge::Names { report, indicator: at });
        }
    }
    for (from, to, similarity) in near {
        if let (Some(&from), Some(&to)) = (report_at.get(&from), report_at.get(&to)) {
            graph.edges.push(GraphEdge::NearDuplicate { from, to, similarity });
        }
    }
    Ok(graph)
}

/// An indicator's weight in words. The weight is its specificity,
/// `ln((case reports + prior) / reports naming it)`, so `e^weight` is about
/// how many of the case's reports there are for each one naming the value: a
/// number nobody can read as "5.45" reads as "1 report in 233".
pub fn specificity_words(weight: f64) -> String {
    let one_in = weight.exp().round().max(1.0);
    format!(
        "specificity {weight:.2}: about 1 report in {one_in:.0} of the case names it; the rarer a shared value, the more it says"
    )
}

#[cfg(test)]
mod specificity_tests {
    use super::specificity_words;

    #[test]
    fn specificity_reads_as_one_report_in_so_many() {
        assert!(specificity_words(5.45).contains("about 1 report in 233 of the case"), "{}", specificity_words(5.45));
        // A value every report names: 1 in 1, never "1 in 0".
        assert!(specificity_words(0.0).contains("about 1 report in 1 of"));
    }
}
