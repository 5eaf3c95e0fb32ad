//! Campaigns and the public lookup as use cases.
//!
//! Linking is installation-wide and incremental: [`link_reports`] links the
//! reports an intake just stored against everything stored (shared
//! specific values and near-duplicate texts merge campaigns; a value the
//! report shares with several campaigns re-partitions them together, so the
//! linker's bridge test decides whether it merges them; a value that just
//! became too common re-partitions the campaign it held together), and
//! [`rebuild`] relinks everything in one pass with `crackdown-link`'s
//! [`Linker`]. Reading is per viewer: [`campaigns`] and [`campaign`]
//! re-partition each stored campaign over the reports the viewer may read,
//! with the case's hub decisions, so an unreadable report never joins two
//! readable ones (no leak through correlation).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use crackdown_link::lookup::publishable;
use crackdown_link::minhash::Signature;
use crackdown_link::{
    Feature, FeatureKind, HubList, IndexedReports, LinkConfig, LinkReport, Linker, Prepared, ReportIndicator,
};
use crackdown_lure::IndicatorKind;
use crackdown_model::{Currency, Money};
use crackdown_store::{CommonFeature, IndexedMembers, LinkInput, LinkRecord, LinkTx, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;

use crate::campaign_ids;
use holders::HolderCache;

mod graph;
mod holders;
mod lookup;
mod views;

pub use graph::{
    CampaignGraph, GRAPH_DEFAULT_NODES, GRAPH_MAX_NODES, GraphEdge, GraphIndicator, GraphReport, TimelineDay,
    campaign_graph,
};
pub use lookup::{CheckAnswer, LookupError, Risk, check, lookup, lookup_context, lookup_parsed};
pub use views::{CampaignView, campaign, campaigns, campaigns_of_reports};

/// New reports above which (and above a quarter of the linked ones) an
/// intake relinks everything instead of linking one by one: a bulk import
/// is faster as one rebuild. A case of at most this many reports is
/// relinked whenever a batch adds a quarter to it.
const BULK_LINK: usize = 2_000;

/// Reports read per page by [`rebuild`].
const REBUILD_PAGE: usize = 50_000;

/// The linker's configuration with the hub lists of this installation: the
/// values organisations vouch for (their hotlines, their domains).
pub fn link_config(store: &Store) -> Result<LinkConfig, StoreError> {
    let mut hotlines = Vec::new();
    let mut domains = Vec::new();
    for (kind, value) in store.known_legitimate_values()? {
        match kind.as_str() {
            "phone" => hotlines.push(value),
            "domain" => domains.push(value),
            _ => {}
        }
    }
    Ok(LinkConfig { hubs: HubList::new(hotlines, domains), ..LinkConfig::default() })
}

fn indicator_kind(text: &str) -> Option<IndicatorKind> {
    IndicatorKind::ALL.into_iter().find(|kind| kind.as_str() == text)
}

fn money(loss: &Option<(i64, String)>) -> Option<Money> {
    loss.as_ref().and_then(|(minor, code)| Currency::from_code(code).map(|currency| Money::new(*minor, currency)))
}

fn link_report(input: &LinkInput) -> LinkReport {
    LinkReport {
        id: input.id,
        indicators: input
            .indicators
            .iter()
            .filter_map(|(kind, value)| indicator_kind(kind).map(|kind| ReportIndicator::new(kind, value.clone())))
            .collect(),
        text: input.text.clone(),
        received_at: input.received_at,
        loss: money(&input.loss),
        scam_type: input.scam_type.clone(),
    }
}

/// The public lookup keys of a publishable report: each value, and for
/// links and domains their host and registrable domain, for a WhatsApp
/// number the phone. Never cards (the victim's own), never text.
fn lookup_keys(input: &LinkInput) -> Vec<(String, String)> {
    if !publishable(input.tlp, input.consent_publish) {
        return Vec::new();
    }
    let mut keys = Vec::new();
    for (kind, value) in &input.indicators {
        let host = match indicator_kind(kind) {
            Some(IndicatorKind::Card) | None => continue,
            Some(IndicatorKind::Url) => crackdown_link::features::url_host(value),
            Some(IndicatorKind::Domain) => Some(value.clone()),
            Some(_) => None,
        };
        keys.push((kind.clone(), value.clone()));
        // A WhatsApp number is a phone too: the phone key then holds every
        // report a phone lookup counts (the store's answers rely on it).
        if indicator_kind(kind) == Some(IndicatorKind::Whatsapp) && value.starts_with('+') {
            keys.push((IndicatorKind::Phone.as_str().to_owned(), value.clone()));
        }
        if let Some(host) = host {
            if let Some(domain) = crackdown_lure::registrable_domain(&host) {
                keys.push(("domain".to_owned(), domain));
            }
            keys.push(("domain".to_owned(), host));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// A report ready for the link index: what the linker derives from it
/// alone, and the index rows of that.
struct Ready {
    record: LinkRecord,
    prepared: Prepared,
}

fn prepare(input: &LinkInput) -> Ready {
    let report = link_report(input);
    let prepared = Prepared::of(&report.indicators, &report.text);
    let record = LinkRecord {
        report_id: input.id,
        features: prepared
            .features
            .iter()
            .map(|feature| (feature.kind.as_str().to_owned(), feature.value.clone()))
            .collect(),
        signature: prepared.signature.as_ref().map(Signature::to_hex),
        bands: prepared
            .signature
            .as_ref()
            .map_or_else(Vec::new, |signature| signature.band_keys().iter().map(|&key| key as i64).collect()),
        lookup_keys: lookup_keys(input),
        text_key: prepared.text_hash as i64,
        received_at: input.received_at,
        scam_type: input.scam_type.clone(),
    };
    Ready { record, prepared }
}

/// Links stored reports that are in no campaign yet, one by one (or by a
/// rebuild when there are very many). Returns how many were linked.
pub fn link_reports(store: &Store, ids: &[i64], now: DateTime<Utc>) -> Result<usize, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let linked = store.linked_reports()? as usize;
    // A batch that is a large share of the case is linked by a rebuild: in
    // a small case that costs less than a second and is exact, in a large
    // one it is faster than adding thousands one by one.
    if ids.len() > linked / 4 && (ids.len() > BULK_LINK || linked + ids.len() <= BULK_LINK) {
        return rebuild(store, now, false, |_| {}).map(|summary| summary.reports.min(ids.len()));
    }
    let config = link_config(store)?;
    let inputs = store.link_inputs(ids)?;
    let prepared: Vec<Ready> = inputs.par_iter().map(prepare).collect();
    store.linking(now, |tx| {
        let pending: HashSet<i64> = tx.unlinked(ids)?.into_iter().collect();
        let mut linked = tx.linked_reports()? as usize;
        let pending: Vec<&Ready> =
            prepared.iter().filter(|report| pending.contains(&report.record.report_id)).collect();
        let values = pending.iter().flat_map(|report| report.record.features.iter().cloned()).collect();
        let mut holders = HolderCache::read(tx, values, whole_up_to(&config, linked + pending.len()))?;
        for report in &pending {
            linked += 1;
            add_one(tx, &mut holders, &config, report, linked)?;
        }
        Ok(pending.len())
    })
}

/// The most holders a value may have for intake to need every campaign of
/// them with `linked` reports in the case: up to the hub limit it merges
/// or is contested, and just past it what it held together is redrawn.
fn whole_up_to(config: &LinkConfig, linked: usize) -> i64 {
    i64::try_from(config.max_reports(linked)).unwrap_or(i64::MAX)
}

/// Links one report against the stored index, with `linked` reports in the
/// case counting it.
fn add_one(
    tx: &mut LinkTx<'_>,
    cache: &mut HolderCache,
    config: &LinkConfig,
    report: &Ready,
    linked: usize,
) -> Result<(), StoreError> {
    let (old_limit, limit) = (config.max_reports(linked - 1), config.max_reports(linked));
    let mut merged = Vec::new();
    let mut crossed = Vec::new();
    let mut contested = Vec::new();
    let mut common = Vec::new();
    for feature in &report.prepared.features {
        if config.hubs.classify(feature).is_some() {
            continue;
        }
        let holders = cache.holders(tx, feature.kind.as_str(), &feature.value, whole_up_to(config, linked))?;
        let count = holders.reports as usize + 1;
        if count > limit && count - 1 > old_limit {
            // Common: it links only when one group holds most of its
            // holders.
            common.extend(holders.campaigns);
        } else if count <= limit && holders.campaigns.len() > 1 {
            // Held in several campaigns: a bridge unless the report's
            // evidence makes them one; the linker judges that below.
            contested.extend(holders.campaigns);
        } else if count <= limit {
            merged.extend(holders.campaigns);
        } else if count - 1 <= old_limit && count > 2 {
            // Just became too common: what it held together may fall apart.
            crossed.extend(holders.campaigns);
        }
    }
    if let Some(signature) = &report.prepared.signature {
        let min_bins = config.min_agreeing_bins();
        for candidate in tx.band_candidates(&report.record.bands)? {
            if Signature::from_hex(&candidate.signature)
                .is_some_and(|other| signature.agreeing_bins(&other) >= min_bins)
            {
                merged.push(candidate.campaign_id);
            }
        }
    }
    common.sort_unstable();
    common.dedup();
    if let [only] = common[..]
        && tx.campaign_sizes(&[only])?.get(&only).is_some_and(|&size| size > CONTESTED_MEMBERS)
    {
        // One campaign too large to judge at intake holds every holder of
        // a common value: it dominates them. Smaller ones are left to a
        // rebuild, which judges the value over all its holders (at intake
        // the first holders of a hub are often one campaign by chance).
        merged.push(only);
    }
    merged.sort_unstable();
    merged.dedup();
    // The merged campaign continues the largest of those it joins (its id
    // stays); a report joining none starts a campaign with a fresh key.
    let campaign = match merged[..] {
        [] => campaign_ids::fresh_key()?,
        [only] => only,
        _ => {
            let sizes = tx.campaign_sizes(&merged)?;
            merged.iter().copied().max_by_key(|key| (sizes.get(key).copied().unwrap_or(0), -key)).unwrap_or(merged[0])
        }
    };
    tx.record(&report.record, campaign, &merged)?;
    cache.recorded(&report.record.features, campaign, &merged);
    crossed.sort_unstable();
    crossed.dedup();
    for old in crossed {
        repartition(tx, config, &[old], linked)?;
        cache.repartitioned(&[old]);
    }
    contested.sort_unstable();
    contested.dedup();
    if !contested.is_empty() {
        // The new report's campaign with those its contested values reach,
        // partitioned together with the bridge test; when they are too
        // large to read at intake, the values stay bridges until a rebuild.
        let mut reached = vec![campaign];
        reached.extend(contested.into_iter().filter(|&other| other != campaign));
        let size: usize = tx.campaign_sizes(&reached)?.values().sum();
        if size <= CONTESTED_MEMBERS {
            repartition(tx, config, &reached, linked)?;
            cache.repartitioned(&reached);
        }
    }
    Ok(())
}

/// Most reports an intake re-partitions to judge values held in several
/// campaigns (a few hundred milliseconds of work).
const CONTESTED_MEMBERS: usize = 5_000;

/// The configuration to partition part of a case of `linked` reports with:
/// the case's hub decisions come from `common` (values too common in the case are hubs,
/// unless the case holds all their reports in one campaign: those are judged), weights count
/// the whole case.
fn part_config(config: &LinkConfig, common: Vec<CommonFeature>, part: usize, linked: usize) -> LinkConfig {
    let (judged, hubs): (Vec<CommonFeature>, Vec<CommonFeature>) =
        common.into_iter().partition(|feature| feature.in_one_campaign);
    let features = |common: Vec<CommonFeature>| {
        common
            .into_iter()
            .filter_map(|common| FeatureKind::parse(&common.kind).map(|kind| Feature { kind, value: common.value }))
    };
    LinkConfig {
        hubs: config.hubs.clone().with_common(features(hubs)).with_judged_common(features(judged)),
        prior_reports: u32::try_from((linked + config.prior_reports as usize).saturating_sub(part)).unwrap_or(u32::MAX),
        min_weight: 0.0,
        min_similarity: config.min_similarity,
    }
}

/// Recomputes stored campaigns together: after a value in one became a hub,
/// or to judge values a new report shares with several.
fn repartition(tx: &mut LinkTx<'_>, config: &LinkConfig, campaigns: &[i64], linked: usize) -> Result<(), StoreError> {
    let mut common = Vec::new();
    for &campaign in campaigns {
        common.extend(tx.common_features(campaign, config.max_reports(linked) as i64)?);
    }
    let indexed = tx.indexed_members(campaigns)?;
    if indexed.members.len() < 2 {
        return Ok(());
    }
    let old: HashMap<i64, i64> = indexed.members.iter().map(|member| (member.report, member.campaign)).collect();
    let part = part_config(config, common, indexed.members.len(), linked);
    let (features, reports) = indexed_reports(indexed)?;
    let pieces =
        Linker::partition_indexed(part, features, reports).map_err(|error| StoreError::Invalid(error.to_string()))?;
    let keys = campaign_ids::inherit(&pieces, |report| old.get(&report).copied())?;
    let moves: Vec<(i64, i64)> = pieces
        .iter()
        .zip(keys)
        .flat_map(|(piece, key)| piece.iter().map(move |&report| (report, key)))
        .filter(|(report, key)| old.get(report) != Some(key))
        .collect();
    tx.reassign(&moves)
}

/// Numbers the features of index rows read for a re-partition and lays the
/// rows out as the linker partitions them, exactly as a rebuild reads the
/// whole index (so intake and rebuild judge from the same derived rows).
fn indexed_reports(indexed: IndexedMembers) -> Result<(Vec<Feature>, IndexedReports), StoreError> {
    let IndexedMembers { mut members, features: rows, signatures: texts } = indexed;
    members.sort_unstable_by_key(|member| member.report);
    let position = |report: i64| members.binary_search_by_key(&report, |member| member.report).ok();
    let mut numbers: HashMap<(String, String), u32> = HashMap::new();
    let mut features: Vec<Feature> = Vec::new();
    let mut report_features = vec![Vec::new(); members.len()];
    for (report, kind, value) in rows {
        let (Some(at), Some(parsed)) = (position(report), FeatureKind::parse(&kind)) else { continue };
        let next = features.len() as u32;
        let number = *numbers.entry((kind, value)).or_insert_with_key(|(_, value)| {
            features.push(Feature { kind: parsed, value: value.clone() });
            next
        });
        report_features[at].push(number);
    }
    let mut signatures = vec![None; members.len()];
    for (report, hex) in texts {
        let parsed = stored_signature(report, &hex)?;
        if let Some(at) = position(report) {
            signatures[at] = Some(parsed);
        }
    }
    let reports = IndexedReports {
        ids: members.iter().map(|member| member.report).collect(),
        features: report_features,
        signatures,
        received_at: members.iter().map(|member| member.at).collect(),
    };
    Ok((features, reports))
}

/// A report's MinHash signature as the link index stores it (hex).
fn stored_signature(report: i64, hex: &str) -> Result<Signature, StoreError> {
    Signature::from_hex(hex).ok_or_else(|| StoreError::Schema(format!("report {report}: malformed signature")))
}

/// What `crackdown link --rebuild` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RebuildSummary {
    pub reports: usize,
    pub campaigns: usize,
    /// Campaigns of two reports or more.
    pub linked_campaigns: usize,
    pub largest: usize,
}

/// The link index as a rebuild holds it: every report's feature numbers
/// and signature, and the campaign stored for it.
#[derive(Default)]
struct Index {
    /// Feature number → feature.
    features: Vec<Feature>,
    /// Report ids, ascending for those read from the store.
    ids: Vec<i64>,
    /// The position in `ids` of report `first + n` at `n` (`u32::MAX`
    /// for none): ids are dense, and a rebuild looks one up per row read.
    slots: Vec<u32>,
    first: i64,
    /// Each report's feature numbers and signature, and the campaign stored
    /// for it (`None` for reports new to the index).
    report_features: Vec<Vec<u32>>,
    signatures: Vec<Option<Signature>>,
    /// When each report was made (else when it arrived).
    received_at: Vec<DateTime<Utc>>,
    stored: Vec<Option<i64>>,
}

/// Features read from the link index, by number, and the (report
/// position, feature number) of every row read.
type FeatureRows = (Vec<Feature>, Vec<(u32, u32)>);

/// The kind where the link features are cut into two ranges read side by
/// side: about half the rows of a generated case are of kinds below it.
const FEATURE_KIND_SPLIT: &str = "line";

/// Most slots per report of [`Index::slots`] before sparse ids are looked
/// up by binary search instead.
const SLOTS_PER_REPORT: usize = 8;

impl Index {
    /// Reads the stored index: the linked reports first, then their
    /// features and signatures side by side on two connections.
    fn read(store: &Store) -> Result<Index, StoreError> {
        let mut index = Index::default();
        store.read_link_members(&mut |report, campaign| {
            index.ids.push(report);
            index.stored.push(Some(campaign));
        })?;
        if let (Some(&first), Some(&last)) = (index.ids.first(), index.ids.last())
            && usize::try_from(last - first).is_ok_and(|span| span < index.ids.len() * SLOTS_PER_REPORT)
        {
            index.first = first;
            index.slots = vec![u32::MAX; (last - first + 1) as usize];
            for (at, &id) in index.ids.iter().enumerate() {
                index.slots[(id - first) as usize] = at as u32;
            }
        }
        let count = index.ids.len();
        let index_ref = &index;
        // The features of kinds below the split and from it, and the
        // signatures, side by side.
        let read_features = |from: &str, below: Option<&str>| -> Result<FeatureRows, StoreError> {
            let mut features: Vec<Feature> = Vec::new();
            // (report position, feature number) of every row.
            let mut held = Vec::new();
            // The number of the (kind, value) group being read, if its kind
            // is known.
            let mut current: Option<u32> = None;
            store.read_link_features(from, below, &mut |kind, value, report| {
                let same = features.last().is_some_and(|last| last.value == value && last.kind.as_str() == kind);
                if !same {
                    current = FeatureKind::parse(kind).map(|kind| {
                        features.push(Feature { kind, value: value.to_owned() });
                        features.len() as u32 - 1
                    });
                }
                if let (Some(number), Some(at)) = (current, index_ref.position(report)) {
                    held.push((at as u32, number));
                }
            })?;
            Ok((features, held))
        };
        let read_texts = || -> Result<Vec<Option<Signature>>, StoreError> {
            let mut signatures = vec![None; count];
            store.read_link_texts(&mut |report, signature| {
                let parsed = stored_signature(report, signature)?;
                if let Some(at) = index_ref.position(report) {
                    signatures[at] = Some(parsed);
                }
                Ok(())
            })?;
            Ok(signatures)
        };
        let read_times = || -> Result<Vec<DateTime<Utc>>, StoreError> {
            let mut times = vec![DateTime::<Utc>::UNIX_EPOCH; count];
            store.read_link_times(&mut |report, at| {
                if let Some(position) = index_ref.position(report) {
                    times[position] = at;
                }
                Ok(())
            })?;
            Ok(times)
        };
        let ((low, high), (signatures, times)) = rayon::join(
            || rayon::join(|| read_features("", Some(FEATURE_KIND_SPLIT)), || read_features(FEATURE_KIND_SPLIT, None)),
            || rayon::join(read_texts, read_times),
        );
        let ((mut features, low), (high_features, high)) = (low?, high?);
        let offset = features.len() as u32;
        features.extend(high_features);
        // Each report's feature numbers, from the rows' pairs: counted
        // first, so that each list is allocated once.
        let mut sizes = vec![0_usize; count];
        for &(at, _) in low.iter().chain(&high) {
            sizes[at as usize] += 1;
        }
        let mut report_features: Vec<Vec<u32>> = sizes.into_iter().map(Vec::with_capacity).collect();
        for (at, number) in low.into_iter().chain(high.into_iter().map(|(at, number)| (at, number + offset))) {
            report_features[at as usize].push(number);
        }
        index.features = features;
        index.report_features = report_features;
        index.signatures = signatures?;
        index.received_at = times?;
        Ok(index)
    }

    /// The position of a report read from the store.
    fn position(&self, report: i64) -> Option<usize> {
        if self.slots.is_empty() {
            return self.ids.binary_search(&report).ok();
        }
        let slot = usize::try_from(report - self.first).ok()?;
        self.slots.get(slot).filter(|&&at| at != u32::MAX).map(|&at| at as usize)
    }

    /// Adds a report new to the index, derived from its text; `numbers`
    /// numbers the features of such reports.
    fn add(&mut self, numbers: &mut HashMap<Feature, u32>, id: i64, received_at: DateTime<Utc>, prepared: Prepared) {
        if numbers.is_empty() {
            numbers.extend(self.features.iter().enumerate().map(|(at, feature)| (feature.clone(), at as u32)));
        }
        let features = prepared
            .features
            .into_iter()
            .map(|feature| {
                let next = self.features.len() as u32;
                *numbers.entry(feature).or_insert_with_key(|feature| {
                    self.features.push(feature.clone());
                    next
                })
            })
            .collect();
        self.ids.push(id);
        self.report_features.push(features);
        self.signatures.push(prepared.signature);
        self.received_at.push(received_at);
        self.stored.push(None);
    }
}

/// Relinks every stored report in one pass and writes the campaigns that
/// changed. Reports the link index holds are relinked from their stored
/// features and signatures (no text is read); the others, and with
/// `reindex` all of them, are derived from their text and indicators and
/// their index rows written (`reindex` replaces the whole index: after an
/// upgrade that derives features differently). `progress` hears the
/// reports read so far.
pub fn rebuild(
    store: &Store,
    now: DateTime<Utc>,
    reindex: bool,
    mut progress: impl FnMut(usize),
) -> Result<RebuildSummary, StoreError> {
    let config = link_config(store)?;
    let started = std::time::Instant::now();
    let mut index = if reindex { Index::default() } else { Index::read(store)? };
    // A reindex starts from an empty index, but campaigns keep their keys.
    let mut kept: Vec<(i64, i64)> = Vec::new();
    if reindex {
        store.read_link_members(&mut |report, campaign| kept.push((report, campaign)))?;
    }
    progress(index.ids.len());
    tracing::debug!(reports = index.ids.len(), seconds = started.elapsed().as_secs_f64(), "rebuild: link index read");
    let mut numbers = HashMap::new();
    let mut records = Vec::new();
    let mut after = 0;
    // Finding the unlinked reports walks the reports table: not when the
    // index holds them all.
    let mut pending = reindex || store.unlinked_count()? > 0;
    while pending {
        let page = if reindex {
            store.link_inputs_page(after, REBUILD_PAGE)?
        } else {
            let ids = store.unlinked_reports(after, REBUILD_PAGE)?;
            store.link_inputs(&ids)?
        };
        pending = page.len() == REBUILD_PAGE;
        let Some(last) = page.last() else { break };
        after = last.id;
        // Each report is featurized and signed once, for the index rows and
        // for the linker; its text is dropped with the page.
        let ready: Vec<Ready> = page.par_iter().map(prepare).collect();
        for Ready { record, prepared } in ready {
            index.add(&mut numbers, record.report_id, record.received_at, prepared);
            records.push(record);
        }
        progress(index.ids.len());
    }
    drop(numbers);
    tracing::debug!(derived = records.len(), seconds = started.elapsed().as_secs_f64(), "rebuild: new reports derived");
    let Index { features, ids, report_features, signatures, received_at, stored, .. } = index;
    // By report id, to compare each report's new campaign with.
    let mut stored: Vec<(i64, Option<i64>)> = ids.iter().copied().zip(stored).collect();
    stored.sort_unstable_by_key(|&(report, _)| report);
    let old_key = |report: i64| match reindex {
        true => kept.binary_search_by_key(&report, |&(id, _)| id).ok().map(|at| kept[at].1),
        false => stored.binary_search_by_key(&report, |&(id, _)| id).ok().and_then(|at| stored[at].1),
    };
    let reports = IndexedReports { ids, features: report_features, signatures, received_at };
    let partition =
        Linker::partition_indexed(config, features, reports).map_err(|error| StoreError::Invalid(error.to_string()))?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "rebuild: partitioned");
    let keys = campaign_ids::inherit(&partition, old_key)?;
    // A reindex emptied the members: all are written.
    let changed: Vec<(i64, i64)> = partition
        .iter()
        .zip(keys)
        .flat_map(|(piece, key)| piece.iter().map(move |&report| (report, key)))
        .filter(|&(report, key)| reindex || old_key(report) != Some(key))
        .collect();
    store.write_rebuild(&records, &changed, reindex, now)?;
    tracing::debug!(changed = changed.len(), seconds = started.elapsed().as_secs_f64(), "rebuild: written");
    Ok(RebuildSummary {
        reports: stored.len(),
        campaigns: partition.len(),
        linked_campaigns: partition.iter().filter(|piece| piece.len() > 1).count(),
        largest: partition.iter().map(Vec::len).max().unwrap_or(0),
    })
}
