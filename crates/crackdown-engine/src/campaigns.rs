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

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_link::lookup::{
    MatchLevel, PublicAnswer, Query, QueryError, Tally, public_answer_from_tally, publishable,
};
use crackdown_link::minhash::{Signature, text_hash};
use crackdown_link::{
    Campaign, Feature, FeatureKind, HubList, HubReason, IndexedReports, LinkConfig, LinkReport, Linker, Prepared,
    ReportIndicator,
};
use crackdown_lure::{Context, IndicatorKind};
use crackdown_model::{Currency, Money, Viewer};
use crackdown_store::{CommonFeature, LinkInput, LinkRecord, LinkTx, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;

use crate::allowlist::vouching_keys;

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
        for report in prepared.iter().filter(|report| pending.contains(&report.record.report_id)) {
            linked += 1;
            add_one(tx, &config, report, linked)?;
        }
        Ok(pending.len())
    })
}

/// Links one report against the stored index, with `linked` reports in the
/// case counting it.
fn add_one(tx: &mut LinkTx<'_>, config: &LinkConfig, report: &Ready, linked: usize) -> Result<(), StoreError> {
    let (old_limit, limit) = (config.max_reports(linked - 1), config.max_reports(linked));
    let mut merged = Vec::new();
    let mut crossed = Vec::new();
    let mut contested = Vec::new();
    let mut common = Vec::new();
    for feature in &report.prepared.features {
        if config.hubs.classify(feature).is_some() {
            continue;
        }
        let holders = tx.holders(feature.kind.as_str(), &feature.value)?;
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
        && tx.members(only)?.len() > CONTESTED_MEMBERS
    {
        // One campaign too large to judge at intake holds every holder of
        // a common value: it dominates them. Smaller ones are left to a
        // rebuild, which judges the value over all its holders (at intake
        // the first holders of a hub are often one campaign by chance).
        merged.push(only);
    }
    merged.sort_unstable();
    merged.dedup();
    let campaign = merged.first().copied().map_or(report.record.report_id, |first| first.min(report.record.report_id));
    tx.record(&report.record, campaign, &merged)?;
    crossed.sort_unstable();
    crossed.dedup();
    for old in crossed {
        repartition(tx, config, &[old], linked)?;
    }
    contested.sort_unstable();
    contested.dedup();
    if !contested.is_empty() {
        // The new report's campaign with those its contested values reach,
        // partitioned together with the bridge test; when they are too
        // large to read at intake, the values stay bridges until a rebuild.
        let mut reached = vec![campaign];
        reached.extend(contested.into_iter().filter(|&other| other != campaign));
        let mut size = 0;
        for &other in &reached {
            size += tx.members(other)?.len();
        }
        if size <= CONTESTED_MEMBERS {
            repartition(tx, config, &reached, linked)?;
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
    let mut members = Vec::new();
    let mut common = Vec::new();
    for &campaign in campaigns {
        members.extend(tx.members(campaign)?);
        common.extend(tx.common_features(campaign, config.max_reports(linked) as i64)?);
    }
    if members.len() < 2 {
        return Ok(());
    }
    let inputs = tx.inputs(&members)?;
    let part = part_config(config, common, inputs.len(), linked);
    let linker = Linker::rebuild(part, inputs.iter().map(link_report).collect())
        .map_err(|error| StoreError::Invalid(error.to_string()))?;
    let moves: Vec<(i64, i64)> = linker
        .partition_ids()
        .into_iter()
        .flat_map(|piece| {
            let id = piece[0];
            piece.into_iter().map(move |report| (report, id))
        })
        .collect();
    tx.reassign(&moves)
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
                let parsed = Signature::from_hex(signature)
                    .ok_or_else(|| StoreError::Schema(format!("report {report}: malformed signature")))?;
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
    let reports = IndexedReports { ids, features: report_features, signatures, received_at };
    let partition =
        Linker::partition_indexed(config, features, reports).map_err(|error| StoreError::Invalid(error.to_string()))?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "rebuild: partitioned");
    let changed: Vec<(i64, i64)> = partition
        .iter()
        .flat_map(|piece| piece.iter().map(move |&report| (report, piece[0])))
        .filter(|&(report, campaign)| {
            let before = stored.binary_search_by_key(&report, |&(id, _)| id).ok().and_then(|at| stored[at].1);
            before != Some(campaign)
        })
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

/// A campaign as a viewer sees it: the fields, with reports named by
/// the id given at import when there is one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignView {
    pub id: i64,
    pub reports: Vec<serde_json::Value>,
    pub indicators: Vec<crackdown_link::CampaignIndicator>,
    pub victims: u64,
    pub loss: BTreeMap<String, String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub scam_types: BTreeMap<String, u64>,
    /// Internal report ids, ascending (the same order as `reports`).
    #[serde(skip)]
    pub report_ids: Vec<i64>,
    /// Why the reports are together.
    #[serde(skip)]
    pub links: Vec<crackdown_link::Link>,
}

/// The campaigns the viewer's readable reports form inside one stored
/// campaign.
fn view_part(
    store: &Store,
    config: &LinkConfig,
    campaign: i64,
    inputs: &[&LinkInput],
    linked: usize,
) -> Result<Vec<CampaignView>, StoreError> {
    let common =
        if inputs.len() > 1 { store.common_features(campaign, config.max_reports(linked) as i64)? } else { Vec::new() };
    let part = part_config(config, common, inputs.len(), linked);
    let linker = Linker::rebuild(part, inputs.iter().map(|input| link_report(input)).collect())
        .map_err(|error| StoreError::Invalid(error.to_string()))?;
    let names: HashMap<i64, serde_json::Value> = inputs
        .iter()
        .map(|input| {
            let name = input.external_id.clone().map_or_else(|| input.id.into(), serde_json::Value::String);
            (input.id, name)
        })
        .collect();
    let readable: HashSet<i64> = inputs.iter().map(|input| input.id).collect();
    Ok(linker.campaigns(&readable).into_iter().map(|campaign| to_view(campaign, &names)).collect())
}

fn to_view(campaign: Campaign, names: &HashMap<i64, serde_json::Value>) -> CampaignView {
    CampaignView {
        id: campaign.id,
        reports: campaign.reports.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| (*id).into())).collect(),
        indicators: campaign.indicators,
        victims: campaign.victims,
        loss: campaign.loss,
        first_seen: campaign.first_seen,
        last_seen: campaign.last_seen,
        scam_types: campaign.scam_types,
        report_ids: campaign.reports,
        links: campaign.links,
    }
}

/// The campaigns `viewer` may see, by id; single-report ones only with
/// `all`.
pub fn campaigns(store: &Store, viewer: &Viewer, all: bool) -> Result<Vec<CampaignView>, StoreError> {
    let config = link_config(store)?;
    let linked = store.linked_reports()? as usize;
    let stored = store.visible_campaigns(viewer, if all { 1 } else { 2 })?;
    let ids: Vec<i64> = stored.iter().flat_map(|(_, members)| members.iter().copied()).collect();
    let inputs = store.visible_link_inputs(viewer, &ids)?;
    let by_id: HashMap<i64, &LinkInput> = inputs.iter().map(|input| (input.id, input)).collect();
    let mut views = Vec::new();
    for (campaign, members) in &stored {
        let part: Vec<&LinkInput> = members.iter().filter_map(|id| by_id.get(id).copied()).collect();
        if part.is_empty() {
            continue;
        }
        views.extend(view_part(store, &config, *campaign, &part, linked)?);
    }
    if !all {
        views.retain(|view| view.report_ids.len() > 1);
    }
    views.sort_by_key(|view| view.id);
    Ok(views)
}

/// One campaign the viewer may see, by its id (the smallest report id in
/// it as they see it).
pub fn campaign(store: &Store, viewer: &Viewer, id: i64) -> Result<CampaignView, StoreError> {
    let config = link_config(store)?;
    campaign_with_inputs(store, &config, viewer, id).map(|(view, _)| view)
}

/// The viewer's campaign `id` with the link inputs of the readable reports
/// of its stored campaign.
fn campaign_with_inputs(
    store: &Store,
    config: &LinkConfig,
    viewer: &Viewer,
    id: i64,
) -> Result<(CampaignView, Vec<LinkInput>), StoreError> {
    let linked = store.linked_reports()? as usize;
    let (stored, members) = store.visible_campaign_of(viewer, id)?;
    let inputs = store.visible_link_inputs(viewer, &members)?;
    let part: Vec<&LinkInput> = inputs.iter().collect();
    let view = view_part(store, config, stored, &part, linked)?
        .into_iter()
        .find(|view| view.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))?;
    Ok((view, inputs))
}

/// The campaign (of two reports or more, as the viewer sees it) of each of
/// `reports` the viewer may read, for linking reports to their campaign.
/// Reports the viewer may not read, or alone in their campaign, are absent.
pub fn campaigns_of_reports(store: &Store, viewer: &Viewer, reports: &[i64]) -> Result<BTreeMap<i64, i64>, StoreError> {
    let config = link_config(store)?;
    let linked = store.linked_reports()? as usize;
    let wanted: HashSet<i64> = reports.iter().copied().collect();
    let mut found: BTreeMap<i64, i64> = BTreeMap::new();
    let mut done: HashSet<i64> = HashSet::new();
    for &report in reports {
        if !done.insert(report) {
            continue;
        }
        let (stored, members) = match store.visible_campaign_of(viewer, report) {
            Ok(found) => found,
            Err(StoreError::NotFound(_)) => continue,
            Err(error) => return Err(error),
        };
        done.extend(members.iter().copied());
        let inputs = store.visible_link_inputs(viewer, &members)?;
        let part: Vec<&LinkInput> = inputs.iter().collect();
        for view in view_part(store, &config, stored, &part, linked)? {
            if view.report_ids.len() < 2 {
                continue;
            }
            for id in view.report_ids.iter().filter(|id| wanted.contains(id)) {
                found.insert(*id, view.id);
            }
        }
    }
    Ok(found)
}

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
    pub campaign: i64,
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
                            "{named}, shared by {} reports: links them (weight {:.2})",
                            node.indicator.reports, node.indicator.weight
                        )
                    }
                    crackdown_link::IndicatorRole::Unique => format!("{named}, named by this report only"),
                    crackdown_link::IndicatorRole::Hub(reason) => {
                        format!("{named}: a hub ({}), never links", reason.describe())
                    }
                    crackdown_link::IndicatorRole::TooCommon => {
                        format!("{named}: too common in the case to link (weight {:.2})", node.indicator.weight)
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
pub fn campaign_graph(store: &Store, viewer: &Viewer, id: i64, limit: usize) -> Result<CampaignGraph, StoreError> {
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
        campaign: view.id,
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
    /// Campaigns those reports are in.
    pub campaigns: Vec<i64>,
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
    let mut campaigns: Vec<i64> = rows.iter().filter_map(|row| row.campaign_id).collect();
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
