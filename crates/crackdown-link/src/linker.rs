//! Campaigns: reports linked through specific shared values and
//! near-duplicate text, kept up to date report by report.
//!
//! A value (an indicator, a brand stem, a name phrase) may link reports when
//! it is no hub by the lists ([`HubList`]), is shared, and is specific: its
//! weight, the inverse document frequency `ln((reports + prior) /
//! reports_with_it)`, is at least [`LinkConfig::min_weight`] (by default a
//! value in more than 1/60 of the case links nothing).
//!
//! Such a value still links only if its holders are *cohesive*: grouped by
//! the other indicators they share, a holder alone counting as a group of
//! its own when it names an indicator other reports name (it belongs to
//! some operation), the groups outside the largest hold less than
//! [`MINORITY_SHARE`] of them. Otherwise the data shows the value is a hub:
//! several groups share it and nothing else (a hotline victims of many
//! operations quote, a cash-out wallet two crews use). It is a *bridge*: it
//! relates their campaigns ([`Linker::bridges`]) without merging them, and
//! the explanation says how many groups share it. The test runs twice, the
//! second time without the first round's bridges, and a third time for the
//! bridges left, with the common values that link (an operation's main
//! wallet) grouping too, so a value carried across the phases of one
//! operation links.
//!
//! Names and brand stems are weak: they never group the holders of another
//! value (a stock persona or an impersonated courier is shared by crews
//! that share nothing else), and they link only reports that indicators
//! already corroborate as one group (two of its holders share an
//! indicator), with strays joining it. Their groups may also be phases of
//! one operation, which rotates its numbers and sites and keeps its name:
//! groups that follow one another in time ([`in_sequence`]) count as one,
//! while crews that share a name work side by side. No list of brands or
//! names is kept: what is a hub is learned from each case's reports.
//!
//! Near-duplicate texts ([`LinkConfig::min_similarity`]) link too, unless
//! both name indicators and share none (one template, two operations).
//! Campaigns are the connected components of these links.
//!
//! [`Linker::add`] judges anew the values the new report names, merges what
//! they link and splits what a value that stopped linking held together.
//! Without bridges the partition is a pure function of the set of reports
//! and equals [`Linker::rebuild`]'s; with them, adding in another order may
//! differ on a few pairs (a property test holds it to 99%). A rebuild also
//! joins a bridge whose holders the other links hold in one campaign (an
//! operation's phases, joined by a value carried from one to the next):
//! adding leaves that to the next rebuild, since the campaigns it keeps may
//! hold what the bridge itself joined before. Adding also cannot yet tell a
//! name's new phase from a new crew: a phase just begun may stay apart.
//!
//! A campaign's id is the smallest report id in it, so a rebuild gives the
//! same ids, and an id changes only when an older campaign absorbs it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use crackdown_model::Money;
use rayon::prelude::*;
use serde::Serialize;

use crate::features::{Feature, HubList, HubReason, ReportIndicator, report_features};
use crate::minhash::{BANDS, BINS, Signature, mix64, sign};

/// A report's id as the store knows it.
pub type ReportId = i64;

/// A campaign's id: the smallest report id among its reports.
pub type CampaignId = ReportId;

/// What the linker needs of a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkReport {
    pub id: ReportId,
    /// Normalized indicators, as `crackdown-lure` extracts them.
    pub indicators: Vec<ReportIndicator>,
    pub text: String,
    pub received_at: DateTime<Utc>,
    pub loss: Option<Money>,
    pub scam_type: Option<String>,
}

/// What linking derives from one report alone: its link features, the
/// MinHash signature of its text and the text's hash. [`Linker::rebuild`]
/// computes it in parallel; a caller that also stores it (the link index)
/// computes it once and hands it to [`Linker::rebuild_prepared`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub features: Vec<Feature>,
    pub signature: Option<Signature>,
    pub text_hash: u64,
}

impl Prepared {
    pub fn of(indicators: &[ReportIndicator], text: &str) -> Prepared {
        let (signature, text_hash) = sign(text);
        Prepared { features: report_features(indicators, text), signature, text_hash }
    }
}

/// Reports as the link index stores them, column by column
/// ([`Linker::partition_indexed`]): their ids, their link features as
/// numbers into a feature table, and their texts' signatures, at the same
/// position in each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedReports {
    pub ids: Vec<ReportId>,
    pub features: Vec<Vec<u32>>,
    pub signatures: Vec<Option<Signature>>,
    /// When each report was made, if the index keeps it (empty when not):
    /// groups of a name's holders that follow one another in time are the
    /// phases of one operation, so without times names link less.
    pub received_at: Vec<DateTime<Utc>>,
}

/// Tuning of the linker; `Default` is documented field by field.
#[derive(Clone, Debug)]
pub struct LinkConfig {
    pub hubs: HubList,
    /// Reports assumed before the first, so that in a young case a value in
    /// three of twenty reports is not yet "common". Default 500.
    pub prior_reports: u32,
    /// The least weight (inverse document frequency) that links reports.
    /// Default `ln 50`: a value in more than 2% of `reports + prior` is a hub.
    pub min_weight: f64,
    /// The least estimated Jaccard similarity of two texts' shingles that
    /// makes them near-duplicates. Default 0.85: a resubmission with a
    /// corrected amount or a few typos, not two victims using one template.
    pub min_similarity: f64,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig { hubs: HubList::default(), prior_reports: 500, min_weight: 60_f64.ln(), min_similarity: 0.85 }
    }
}

impl LinkConfig {
    /// The most reports a feature may be in and still link them, with
    /// `reports` reports in the case.
    pub fn max_reports(&self, reports: usize) -> usize {
        ((reports as f64 + f64::from(self.prior_reports)) / self.min_weight.exp()).floor() as usize
    }

    /// A feature's weight among `reports` reports when `with_it` hold it.
    fn weight(&self, reports: usize, with_it: usize) -> f64 {
        ((reports as f64 + f64::from(self.prior_reports)) / with_it.max(1) as f64).ln()
    }

    /// Agreeing MinHash bins that make two texts near-duplicates.
    pub fn min_agreeing_bins(&self) -> usize {
        ((self.min_similarity.clamp(0.0, 1.0) * BINS as f64).ceil() as usize).max(1)
    }
}

/// Why linking refused a report.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    #[error("report {0} is already linked")]
    DuplicateReport(ReportId),
}

/// What adding a report did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkOutcome {
    /// The campaign the report is in now.
    pub campaign: CampaignId,
    /// Campaigns (as they were identified before) merged into it because
    /// this report linked them.
    pub merged: Vec<CampaignId>,
    /// Campaigns (as they were identified before) re-partitioned because one
    /// of this report's values became too common to link.
    pub split: Vec<CampaignId>,
}

/// A report as the linker keeps it: no text, only what linking and
/// summaries need.
struct Entry {
    id: ReportId,
    /// Feature numbers, sorted.
    features: Vec<u32>,
    text_hash: u64,
    received_at: DateTime<Utc>,
    loss: Option<Money>,
    scam_type: Option<String>,
}

struct FeatureInfo {
    feature: Feature,
    hub: Option<HubReason>,
    /// Too common in the whole case while a part of it is partitioned, and
    /// held in one campaign there ([`HubList::with_judged_common`]).
    common_in_case: bool,
}

/// The groups a floating cluster of texts touches: one, or several (then
/// its text is a template several operations fill, and links nothing).
#[derive(Default)]
struct Touched {
    group: Option<usize>,
    several: bool,
}

impl Touched {
    fn touch(&mut self, group: usize) {
        match self.group {
            None => self.group = Some(group),
            Some(first) => self.several |= first != group,
        }
    }
}

/// Most reports of one LSH bucket a new text is compared with.
const BUCKET_COMPARISONS: usize = 64;

/// Near-duplicate detection state over some reports.
#[derive(Default)]
struct TextIndex {
    /// Band key → reports (first of each identical text only).
    buckets: HashMap<u64, Vec<u32>>,
    /// [`Linker::identity`] → first report with it.
    identical: HashMap<u64, u32>,
}

impl TextIndex {
    /// Indexes report `index`, whose text's [`Linker::identity`] is
    /// `identity`, and returns the reports it is a near-duplicate of, among
    /// those indexed before.
    fn insert(&mut self, signatures: &[Option<Signature>], index: u32, identity: u64, min_bins: usize) -> Vec<u32> {
        let Some(signature) = &signatures[index as usize] else {
            return Vec::new();
        };
        match self.identical.entry(identity) {
            std::collections::hash_map::Entry::Occupied(first) => return vec![*first.get()],
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
        let mut near = Vec::new();
        for key in signature.band_keys() {
            let bucket = self.buckets.entry(key).or_default();
            // The newest few of a crowded bucket suffice to connect a report
            // to its near-duplicates, and keep a flood of look-alike texts
            // linear instead of quadratic.
            for &other in bucket.iter().rev().take(BUCKET_COMPARISONS) {
                let Some(other_signature) = &signatures[other as usize] else {
                    continue;
                };
                if signature.agreeing_bins(other_signature) >= min_bins {
                    near.push(other);
                }
            }
            bucket.push(index);
        }
        near.sort_unstable();
        near.dedup();
        near
    }
}

/// What a shared value does, judged by the cohesion of its holders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueState {
    /// Its holders form one group (or one dominant group and strays): it
    /// links them.
    Links,
    /// Its holders fall into two or more groups that share nothing else and
    /// none dominates: the value relates those campaigns without merging
    /// them (shared infrastructure, a hub under the frequency limit).
    Bridge,
    /// A name or brand stem no two holders corroborate with anything else:
    /// coincidence is as likely as a common operation.
    Unsupported,
    /// Named by more reports than the frequency limit allows and not
    /// dominated by one group of them: a hub nobody listed.
    Common,
}

/// The share of a value's holders a second group of reports (sharing
/// nothing else with the first) must reach to make the value a bridge: one
/// operation's wallet quoted by a few victims of another, or a stray pair
/// of reports, is not enough, but a tenth of the holders is.
pub const MINORITY_SHARE: f64 = 0.05;

/// The share of a *common* weak value's holders (a name, a brand stem in
/// more reports than the frequency limit allows) that one operation's
/// groups must hold for it to link.
pub const WEAK_CORE_SHARE: f64 = 0.8;

/// The share of a *common* value's holders (more than the frequency limit
/// allows) that one group must hold for it to link anyway. A large campaign
/// is a large share of a case: its persona, brand and main wallet are named
/// by thousands of its victims, most of them corroborated by the campaign's
/// other values, whereas a hub nobody listed (a real hotline, a payment
/// platform) is named by victims of many operations, each a group of its
/// own. Common values never group the holders of other values.
pub const COMMON_CORE_SHARE: f64 = 0.5;

/// Most holders of an indicator a new report names for which [`Linker::add`]
/// judges anew the values its other holders name (their anchoring may have
/// changed): bounds the cost of one add.
const ANCHOR_REJUDGED: u32 = 64;

/// Holders from which [`Linker::add`] judges a common value again only
/// after growth (see `judged_at`); below, every new holder rejudges it, so
/// small cases partition exactly as a rebuild does.
const SETTLED_HOLDERS: u32 = 256;

/// Reusable buffers for [`cohesion`]: `first[feature]` is the first holder
/// position seen with a feature, `u32::MAX` when none.
#[derive(Default)]
pub(crate) struct Scratch {
    first: Vec<u32>,
    /// Holders of each feature among the value's holders.
    local: Vec<u32>,
    /// Whether each holder names an indicator reports outside the holders name.
    anchored: Vec<bool>,
    /// Each group of holders by its root, and whether a member is anchored.
    groups: Vec<Group>,
    grouped: Vec<bool>,
    /// (group root, time) of each holder.
    times: Vec<(u32, i64)>,
    touched: Vec<u32>,
    parent: Vec<u32>,
}

impl Scratch {
    fn fit(&mut self, features: usize) {
        if self.first.len() < features {
            self.first.resize(features, u32::MAX);
            self.local.resize(features, 0);
        }
    }
}

thread_local! {
    /// [`Linker::judge`]'s scratch on each worker thread.
    static THREAD_SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

fn find(parent: &mut [u32], mut at: u32) -> u32 {
    while parent[at as usize] != at {
        parent[at as usize] = parent[parent[at as usize] as usize];
        at = parent[at as usize];
    }
    at
}

/// What judging one value found: its state, and how many groups of its
/// holders share nothing but it (for explanations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Judgement {
    pub state: ValueState,
    pub groups: u32,
}

/// One group of a value's holders: how many, and when they reported.
#[derive(Clone, Copy)]
struct Group {
    holders: u32,
    /// Tenth percentile, median and ninetieth percentile of its holders'
    /// times.
    first: i64,
    middle: i64,
    last: i64,
}

/// Judges one value from its holders: they are grouped by the *other*
/// indicators they share (`usable` says which count; names and brand stems
/// never do), and a holder alone is a group of its own when it names an
/// indicator other reports name (it belongs to some operation). The value
/// is a bridge, a hub by the data, when two groups or more hold it and
/// those outside the largest hold two reports and [`MINORITY_SHARE`] of
/// them, unless the groups follow one another in time
/// ([`in_sequence`]): an operation rotates its numbers and sites and
/// keeps its name, crews sharing a name work side by side. A name or brand
/// stem also needs a group of two corroborated by indicators, and a
/// `common` value (over the frequency limit) a core of [`COMMON_CORE_SHARE`]
/// of its holders ([`WEAK_CORE_SHARE`] for names). `count` gives the
/// reports naming a feature among those judged. Cost: the holders' feature
/// counts, twice.
fn cohesion(
    linker: &Linker,
    value: u32,
    holders: &[u32],
    common: bool,
    usable: &dyn Fn(u32, u32) -> bool,
    count: &dyn Fn(u32) -> usize,
    scratch: &mut Scratch,
) -> Judgement {
    let n = holders.len();
    scratch.fit(linker.features.len());
    scratch.parent.clear();
    scratch.parent.extend(0..n as u32);
    let groups_by = |linker: &Linker, feature: u32| {
        // Names and brand stems never group holders: a stock persona or an
        // impersonated courier is shared by crews that share nothing else,
        // so only indicators say two reports are one operation's.
        feature != value && !linker.weak[feature as usize] && usable(value, feature)
    };
    for (at, &holder) in holders.iter().enumerate() {
        for &feature in &linker.entries[holder as usize].features {
            if !groups_by(linker, feature) {
                continue;
            }
            scratch.local[feature as usize] += 1;
            let first = scratch.first[feature as usize];
            if first == u32::MAX {
                scratch.first[feature as usize] = at as u32;
                scratch.touched.push(feature);
            } else {
                let (a, b) = (find(&mut scratch.parent, first), find(&mut scratch.parent, at as u32));
                scratch.parent[a.max(b) as usize] = a.min(b);
            }
        }
    }
    // A holder naming an indicator that reports outside the holders name
    // too belongs to an operation: a hotline quoted once by victims of
    // each of eight operations is eight groups, not eight strays.
    scratch.anchored.clear();
    scratch.anchored.extend(holders.iter().map(|&holder| {
        linker.entries[holder as usize]
            .features
            .iter()
            .any(|&feature| groups_by(linker, feature) && (scratch.local[feature as usize] as usize) < count(feature))
    }));
    for &feature in &scratch.touched {
        scratch.first[feature as usize] = u32::MAX;
        scratch.local[feature as usize] = 0;
    }
    scratch.touched.clear();
    scratch.groups.clear();
    scratch.groups.resize(n, Group { holders: 0, first: i64::MAX, middle: 0, last: i64::MIN });
    scratch.grouped.clear();
    scratch.grouped.resize(n, false);
    scratch.times.clear();
    for (at, &holder) in holders.iter().enumerate() {
        let root = find(&mut scratch.parent, at as u32);
        scratch.groups[root as usize].holders += 1;
        scratch.grouped[root as usize] |= scratch.anchored[at];
        scratch.times.push((root, linker.entries[holder as usize].received_at.timestamp()));
    }
    // Each group's span: from its tenth to its ninetieth percentile report,
    // so that a report without a date (dated when it was imported) or one
    // made months late does not stretch it.
    scratch.times.sort_unstable();
    for members in scratch.times.chunk_by(|a, b| a.0 == b.0) {
        let last = members.len() - 1;
        let group = &mut scratch.groups[members[0].0 as usize];
        group.first = members[last / 10].1;
        group.middle = members[last / 2].1;
        group.last = members[last - last / 10].1;
    }
    let mut groups: Vec<Group> = scratch
        .groups
        .iter()
        .zip(&scratch.grouped)
        .filter(|(group, anchored)| group.holders >= 2 || (group.holders == 1 && **anchored))
        .map(|(group, _)| *group)
        .collect();
    groups.sort_unstable_by_key(|group| (group.first, group.last));
    let largest = groups.iter().map(|group| group.holders).max().unwrap_or(0);
    let grouped: u32 = groups.iter().map(|group| group.holders).sum();
    let others = grouped - largest;
    let split = groups.len() >= 2 && others >= 2 && f64::from(others) >= MINORITY_SHARE * n as f64;
    let weak = linker.weak[value as usize];
    let sequence = weak && split && linker.times_known && in_sequence(&groups, n);
    // The holders one operation accounts for: its largest group, or every
    // group of a sequence.
    let core = if sequence { grouped } else { largest };
    let state = if common {
        let share = if weak { WEAK_CORE_SHARE.max(COMMON_CORE_SHARE) } else { COMMON_CORE_SHARE };
        if core >= 2 && (!split || sequence) && f64::from(core) >= share * n as f64 {
            ValueState::Links
        } else {
            ValueState::Common
        }
    } else if split && !sequence {
        ValueState::Bridge
    } else if weak && largest < 2 {
        ValueState::Unsupported
    } else {
        ValueState::Links
    };
    Judgement { state, groups: groups.len() as u32 }
}

/// Whether a value's groups of holders follow one another in time, as the
/// phases of one operation do (each rotates the numbers and sites, the name
/// carries over), rather than work side by side as crews sharing a name,
/// a brand or a hotline do: taking the groups of two holders or more
/// holding [`MINORITY_SHARE`] each in order of their median report, each
/// group's median comes after the ninetieth percentile of every group
/// before and its tenth percentile after their medians (victims report
/// days or weeks late, so phases overlap a little; a phase just begun has
/// few reports, all after the last phase's bulk), and smaller groups hold
/// less than [`MINORITY_SHARE`] of the holders in all.
fn in_sequence(groups: &[Group], holders: usize) -> bool {
    let minority = MINORITY_SHARE * holders as f64;
    let substantial = |group: &&Group| group.holders >= 2 && f64::from(group.holders) >= minority;
    let strays: u32 = groups.iter().filter(|group| !substantial(group)).map(|group| group.holders).sum();
    if f64::from(strays) >= minority {
        return false;
    }
    let mut ordered: Vec<&Group> = groups.iter().filter(substantial).collect();
    ordered.sort_unstable_by_key(|group| (group.middle, group.first, group.last));
    // The latest ninetieth percentile and median of the groups before.
    let mut before: Option<(i64, i64)> = None;
    for group in ordered {
        if let Some((last, middle)) = before
            && (group.middle <= last || group.first <= middle)
        {
            return false;
        }
        before = Some(
            before
                .map_or((group.last, group.middle), |(last, middle)| (last.max(group.last), middle.max(group.middle))),
        );
    }
    true
}

/// How far two partitions of the same reports agree: of the pairs of
/// reports together in either, the share together in both (1 when neither
/// puts any two together).
pub fn pair_agreement(a: &[Vec<ReportId>], b: &[Vec<ReportId>]) -> f64 {
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let campaign_in_b: HashMap<ReportId, usize> =
        b.iter().enumerate().flat_map(|(at, campaign)| campaign.iter().map(move |&id| (id, at))).collect();
    let mut both = 0;
    for campaign in a {
        let mut cells: HashMap<Option<usize>, u64> = HashMap::new();
        for id in campaign {
            *cells.entry(campaign_in_b.get(id).copied()).or_default() += 1;
        }
        both += cells.iter().filter(|(cell, _)| cell.is_some()).map(|(_, &n)| pairs(n)).sum::<u64>();
    }
    let in_a: u64 = a.iter().map(|campaign| pairs(campaign.len() as u64)).sum();
    let in_b: u64 = b.iter().map(|campaign| pairs(campaign.len() as u64)).sum();
    let either = in_a + in_b - both;
    if either == 0 { 1.0 } else { both as f64 / either as f64 }
}

/// A set of reports linked together, by internal number.
struct Component {
    reports: Vec<u32>,
    min_id: ReportId,
}

/// Links reports into campaigns as they arrive.
pub struct Linker {
    config: LinkConfig,
    entries: Vec<Entry>,
    /// Each entry's text signature, apart: a rebuild hands them over in a
    /// column of their own.
    signatures: Vec<Option<Signature>>,
    by_id: HashMap<ReportId, u32>,
    features: Vec<FeatureInfo>,
    /// Whether each feature is a name or brand stem ([`FeatureKind::is_weak`]),
    /// as a table: judging asks it for every feature of every holder.
    weak: Vec<bool>,
    feature_numbers: HashMap<Feature, u32>,
    /// Reports holding each feature (empty for listed hubs, which never link).
    postings: Vec<Vec<u32>>,
    /// Reports holding each feature, listed hubs included.
    counts: Vec<u32>,
    /// Features over the frequency limit, to revisit when the limit grows.
    over_limit: HashSet<u32>,
    /// Each value's cohesion with every value counted (first round), and
    /// without the first round's bridges (what linking uses).
    first_round: Vec<ValueState>,
    state: Vec<ValueState>,
    /// How many groups of its holders share nothing but each value.
    groups: Vec<u32>,
    /// Whether reports carry the time they were made (not when the link
    /// index gave none): groups following one another in time are an
    /// operation's phases.
    times_known: bool,
    /// Holders each value had when last judged: [`Linker::add`] judges a
    /// large common value again only once it has grown by a sixteenth.
    judged_at: Vec<u32>,
    scratch: Scratch,
    text: TextIndex,
    /// Near-duplicates of each report (both directions).
    near: Vec<Vec<u32>>,
    /// Templates found ([`Linker::text_templates`]).
    text_templates: usize,
    /// Reports of floating clusters found templates while adding: they
    /// link by text no more.
    template: Vec<bool>,
    /// Component label of each report.
    label: Vec<u32>,
    components: HashMap<u32, Component>,
    /// Scratch marks for traversals, compared against `epoch`.
    report_mark: Vec<u32>,
    feature_mark: Vec<u32>,
    epoch: u32,
}

impl Linker {
    /// An empty linker.
    pub fn new(config: LinkConfig) -> Linker {
        Linker {
            config,
            entries: Vec::new(),
            signatures: Vec::new(),
            by_id: HashMap::new(),
            features: Vec::new(),
            weak: Vec::new(),
            feature_numbers: HashMap::new(),
            postings: Vec::new(),
            counts: Vec::new(),
            over_limit: HashSet::new(),
            first_round: Vec::new(),
            state: Vec::new(),
            groups: Vec::new(),
            times_known: true,
            judged_at: Vec::new(),
            scratch: Scratch::default(),
            text: TextIndex::default(),
            near: Vec::new(),
            text_templates: 0,
            template: Vec::new(),
            label: Vec::new(),
            components: HashMap::new(),
            report_mark: Vec::new(),
            feature_mark: Vec::new(),
            epoch: 0,
        }
    }

    /// How many reports are linked.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn intern(&mut self, feature: Feature) -> u32 {
        if let Some(&number) = self.feature_numbers.get(&feature) {
            return number;
        }
        self.feature_numbers.insert(feature.clone(), self.features.len() as u32);
        self.push_feature(feature)
    }

    /// Numbers a feature known to be new, without the lookup by value.
    fn push_feature(&mut self, feature: Feature) -> u32 {
        let number = self.features.len() as u32;
        let hub = self.config.hubs.classify(&feature);
        let common_in_case = hub.is_none() && self.config.hubs.judged_common(&feature);
        self.weak.push(feature.kind.is_weak());
        self.features.push(FeatureInfo { feature, hub, common_in_case });
        self.postings.push(Vec::new());
        self.counts.push(0);
        self.feature_mark.push(0);
        self.first_round.push(ValueState::Links);
        self.groups.push(0);
        self.judged_at.push(0);
        self.state.push(ValueState::Links);
        number
    }

    /// Turns a report into an entry and its signature; features interned.
    fn entry(&mut self, report: LinkReport, prepared: Prepared) -> (Entry, Option<Signature>) {
        let mut numbers: Vec<u32> = prepared.features.into_iter().map(|feature| self.intern(feature)).collect();
        numbers.sort_unstable();
        numbers.dedup();
        let entry = Entry {
            id: report.id,
            features: numbers,
            text_hash: prepared.text_hash,
            received_at: report.received_at,
            loss: report.loss,
            scam_type: report.scam_type,
        };
        (entry, prepared.signature)
    }

    /// What makes two texts the same report sent again: the same signature
    /// *and* the same values. A signature alone does not: texts filled from
    /// one template with numbers a digit apart can sign alike.
    fn identity(&self, report: u32) -> Option<u64> {
        let digest = self.signatures[report as usize].as_ref()?.digest();
        let features = &self.entries[report as usize].features;
        Some(features.iter().fold(mix64(digest), |hash, &feature| mix64(hash ^ u64::from(feature))))
    }

    /// Whether two near-duplicate texts may link: not when both name
    /// indicators (sharing one that links makes the text link redundant;
    /// sharing only bridges or none is two operations filling one
    /// template), nor when either names a name that other reports name too
    /// and they share none: a text in lower case (which names nobody)
    /// filling a template (a resubmission repeats its links, numbers and
    /// names; a misspelt name is named by nobody else). A rule of the
    /// reports' own values, never of how values are judged, so adding and
    /// rebuilding agree on it.
    /// Identical texts always link (the index reports only the first of
    /// them, so filtering them would make the partition depend on arrival
    /// order).
    fn texts_may_link(&self, a: u32, b: u32) -> bool {
        let identity = self.identity(a);
        if identity.is_some() && identity == self.identity(b) {
            return true;
        }
        if self.anchored(a) && self.anchored(b) {
            return false;
        }
        // Names that other reports name too.
        let names = |report: u32| -> Vec<u32> {
            self.entries[report as usize]
                .features
                .iter()
                .copied()
                .filter(|&feature| {
                    let info = &self.features[feature as usize];
                    info.hub.is_none() && info.feature.kind.is_weak() && self.counts[feature as usize] >= 2
                })
                .collect()
        };
        let (mut left, right) = (names(a), names(b));
        if left.is_empty() && right.is_empty() {
            return true;
        }
        left.retain(|feature| right.binary_search(feature).is_ok());
        !left.is_empty()
    }

    /// Whether a report names an indicator no hub list names: what ties a
    /// report to an operation, where its text only ties it to a template.
    fn anchored(&self, report: u32) -> bool {
        self.entries[report as usize].features.iter().any(|&feature| {
            let info = &self.features[feature as usize];
            info.hub.is_none() && !info.feature.kind.is_weak()
        })
    }

    /// Whether `feature` must not group the holders of `value` in the
    /// second round: it was a bridge in the first, and one piece of shared
    /// infrastructure does not vouch for another.
    fn vouches_not(&self, first_round: &[ValueState], _value: u32, feature: u32) -> bool {
        first_round[feature as usize] == ValueState::Bridge
    }

    /// Whether a value is judged at all: no hub, shared.
    fn is_judged(&self, feature: u32) -> bool {
        self.features[feature as usize].hub.is_none() && self.counts[feature as usize] >= 2
    }

    /// Whether a value is over the frequency limit (or was too common in
    /// the whole case this linker partitions a part of).
    fn common(&self, feature: u32, reports: usize) -> bool {
        let info = &self.features[feature as usize];
        info.common_in_case || self.counts[feature as usize] as usize > self.config.max_reports(reports)
    }

    /// Whether a value groups the holders of other values when they are
    /// judged: judged and not common.
    fn eligible(&self, feature: u32, reports: usize) -> bool {
        self.is_judged(feature) && !self.common(feature, reports)
    }

    fn links(&self, feature: u32) -> bool {
        self.is_judged(feature) && self.state[feature as usize] == ValueState::Links
    }

    /// Recomputes the cohesion of `values` over all reports, both rounds.
    /// (Unlike a rebuild, no bridge is judged against the campaigns: those
    /// adding keeps may hold what the bridge itself joined before.)
    fn restate(&mut self, values: &[u32], reports: usize) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.fit(self.features.len());
        let first: Vec<ValueState> = {
            let eligible = |_: u32, feature: u32| self.eligible(feature, reports);
            values
                .iter()
                .map(|&value| {
                    let common = self.common(value, reports);
                    cohesion(
                        self,
                        value,
                        &self.postings[value as usize],
                        common,
                        &eligible,
                        &|feature| self.counts[feature as usize] as usize,
                        &mut scratch,
                    )
                    .state
                })
                .collect()
        };
        for (&value, state) in values.iter().zip(first) {
            self.first_round[value as usize] = state;
        }
        let usable = |value: u32, feature: u32| {
            self.eligible(feature, reports) && !self.vouches_not(&self.first_round, value, feature)
        };
        let last: Vec<Judgement> = values
            .iter()
            .map(|&value| {
                let common = self.common(value, reports);
                cohesion(
                    self,
                    value,
                    &self.postings[value as usize],
                    common,
                    &usable,
                    &|feature| self.counts[feature as usize] as usize,
                    &mut scratch,
                )
            })
            .collect();
        for (&value, judgement) in values.iter().zip(last) {
            self.state[value as usize] = judgement.state;
            self.groups[value as usize] = judgement.groups;
            self.judged_at[value as usize] = self.counts[value as usize];
        }
        let bridges: Vec<u32> =
            values.iter().copied().filter(|&value| self.state[value as usize] == ValueState::Bridge).collect();
        let usable = |value: u32, feature: u32| {
            (self.eligible(feature, reports) && !self.vouches_not(&self.first_round, value, feature))
                || self.operation_wide(feature, reports)
        };
        let last: Vec<Judgement> = bridges
            .iter()
            .map(|&value| {
                cohesion(
                    self,
                    value,
                    &self.postings[value as usize],
                    false,
                    &usable,
                    &|feature| self.counts[feature as usize] as usize,
                    &mut scratch,
                )
            })
            .collect();
        for (&value, judgement) in bridges.iter().zip(last) {
            self.state[value as usize] = judgement.state;
            self.groups[value as usize] = judgement.groups;
        }
        self.scratch = scratch;
    }

    /// Whether a value groups the holders of a bridge in the third round of
    /// judging: a common value that links (a large operation's persona,
    /// brand or main wallet, one group of its holders dominating them).
    /// The phases of one operation rotate numbers and wallets, so the
    /// holders of a value carried from one phase to the next fall into one
    /// group per phase, a bridge by the first two rounds; the operation's
    /// persona joins those groups, and the value then links all its
    /// holders, those naming nothing else included. A value two operations
    /// share keeps one group per operation: it stays a bridge.
    fn operation_wide(&self, feature: u32, reports: usize) -> bool {
        self.is_judged(feature) && self.common(feature, reports) && self.state[feature as usize] == ValueState::Links
    }

    /// Links one new report and says which campaign it joined.
    pub fn add(&mut self, report: LinkReport) -> Result<LinkOutcome, LinkError> {
        if self.by_id.contains_key(&report.id) {
            return Err(LinkError::DuplicateReport(report.id));
        }
        let prepared = Prepared::of(&report.indicators, &report.text);
        let (entry, signature) = self.entry(report, prepared);
        let index = self.entries.len() as u32;
        let id = entry.id;
        self.by_id.insert(id, index);
        self.entries.push(entry);
        self.signatures.push(signature);
        self.near.push(Vec::new());
        self.template.push(false);
        self.label.push(index);
        self.report_mark.push(0);
        self.components.insert(index, Component { reports: vec![index], min_id: id });

        let reports = self.entries.len();
        let old_limit = self.config.max_reports(reports - 1);
        let new_limit = self.config.max_reports(reports);
        let mut crossed = Vec::new();
        let own: Vec<u32> = self.entries[index as usize].features.clone();
        for &feature in &own {
            let slot = feature as usize;
            self.counts[slot] += 1;
            if self.features[slot].hub.is_some() {
                continue;
            }
            self.postings[slot].push(index);
            let count = self.counts[slot] as usize;
            if count > new_limit && self.over_limit.insert(feature) && count - 1 <= old_limit && count > 2 {
                crossed.push(feature);
            }
        }
        let mut gained = Vec::new();
        if new_limit > old_limit {
            gained =
                self.over_limit.iter().copied().filter(|&f| self.counts[f as usize] as usize <= new_limit).collect();
            gained.sort_unstable();
            for feature in &gained {
                self.over_limit.remove(feature);
            }
        }

        // The cohesion of every value this report names, and of values that
        // may group others again, is judged anew; a value that stopped
        // linking splits what it held together.
        let mut judged: Vec<u32> = own.iter().copied().chain(gained.iter().copied()).collect();
        // A value crossing the limit stops or starts grouping the holders of
        // every value it shares a report with: those are judged anew too.
        for &value in crossed.iter().chain(&gained) {
            for &holder in &self.postings[value as usize] {
                judged.extend(self.entries[holder as usize].features.iter().copied());
            }
        }
        // An indicator named by one more report may anchor its other holders
        // in an operation: the values they name may now see them as groups
        // of their own (`cohesion`), so they are judged anew too, while the
        // indicator is named by few (later, the holders of a value rarely
        // hold all of its other reports' indicators).
        for &value in &own {
            let count = self.counts[value as usize];
            if (2..=ANCHOR_REJUDGED).contains(&count)
                && !self.weak[value as usize]
                && self.features[value as usize].hub.is_none()
            {
                for &holder in self.postings[value as usize].iter().filter(|&&holder| holder != index) {
                    judged.extend(self.entries[holder as usize].features.iter().copied());
                }
            }
        }
        judged.sort_unstable();
        judged.dedup();
        let linked_before: Vec<u32> = judged
            .iter()
            .copied()
            .filter(|&f| {
                let count = self.counts[f as usize] as usize - usize::from(own.binary_search(&f).is_ok());
                self.features[f as usize].hub.is_none() && count >= 2 && self.state[f as usize] == ValueState::Links
            })
            .collect();
        judged.retain(|&f| self.is_judged(f));
        // A common value named by thousands of reports is judged again only
        // once it has grown by a sixteenth: one more holder rarely changes
        // which group dominates, and judging it costs all its holders.
        let settled = |f: u32| {
            let (count, at) = (self.counts[f as usize], self.judged_at[f as usize]);
            count >= SETTLED_HOLDERS && self.common(f, reports) && !crossed.contains(&f) && count < at + at / 16
        };
        let mut to_judge = judged.clone();
        to_judge.retain(|&f| !settled(f));
        self.restate(&to_judge, reports);
        let mut lost: Vec<u32> = linked_before.iter().copied().filter(|&feature| !self.links(feature)).collect();
        lost.sort_unstable();

        // Values that stopped linking: recompute what they held together.
        let mut split = Vec::new();
        let mut to_split: Vec<u32> = lost
            .iter()
            .flat_map(|&feature| self.postings[feature as usize].iter().filter(|&&r| r != index))
            .map(|&r| self.label[r as usize])
            .collect();
        to_split.sort_unstable();
        to_split.dedup();
        for label in to_split {
            if let Some(campaign) = self.recompute(label) {
                split.push(campaign);
            }
        }
        let mut merged = Vec::new();

        // New edges: the report's linking values and values that link again
        // join all their holders; near-duplicate texts.
        for &feature in &judged {
            if !self.links(feature) {
                continue;
            }
            let holders = &self.postings[feature as usize];
            if linked_before.binary_search(&feature).is_ok() {
                // Its other holders are one campaign already.
                if let (Some(&first), true) = (holders.first(), own.binary_search(&feature).is_ok()) {
                    self.union(first, index, &mut merged);
                }
                continue;
            }
            let holders = holders.clone();
            for &holder in &holders[1..] {
                self.union(holders[0], holder, &mut merged);
            }
        }
        let min_bins = self.config.min_agreeing_bins();
        let identity = self.identity(index).unwrap_or_default();
        let mut near = self.text.insert(&self.signatures, index, identity, min_bins);
        near.retain(|&other| self.texts_may_link(index, other));
        let templates = self.keep_unambiguous_text_links(index, &mut near);
        if !templates.is_empty() {
            self.text_templates += 1;
            split.extend(self.cut_templates(templates));
        }
        for other in near {
            self.near[index as usize].push(other);
            self.near[other as usize].push(index);
            self.union(index, other, &mut merged);
        }
        let campaign = self.components[&self.label[index as usize]].min_id;
        merged.retain(|&absorbed| absorbed != campaign && absorbed != id);
        merged.sort_unstable();
        merged.dedup();
        Ok(LinkOutcome { campaign, merged, split })
    }

    /// What [`Linker::partition`] does with floating clusters (reports
    /// naming no indicator of their own, joined by text), as far as one new
    /// report can tell: a floating report links by text only when its
    /// near-duplicates' groups are one, and an anchored report meeting a
    /// floating one another group holds makes that one's cluster a template:
    /// it leaves that group and links by text no more. Identical texts
    /// always link. Returns the reports whose clusters turned templates. (A
    /// rebuild judges whole clusters after every group is known: adding may
    /// differ on the few reports of a template several operations fill.)
    fn keep_unambiguous_text_links(&self, index: u32, near: &mut Vec<u32>) -> Vec<u32> {
        let identity = self.identity(index);
        let own = self.label[index as usize];
        let holds_anchored = |label: u32| {
            self.components
                .get(&label)
                .is_some_and(|component| component.reports.iter().any(|&report| self.anchored(report)))
        };
        let mut templates = Vec::new();
        if self.anchored(index) {
            let mut verdicts: HashMap<u32, bool> = HashMap::new();
            near.retain(|&other| {
                let label = self.label[other as usize];
                if self.identity(other) == identity || label == own && !self.template[other as usize] {
                    return true;
                }
                let held = *verdicts.entry(label).or_insert_with(|| holds_anchored(label));
                if held && !self.template[other as usize] {
                    templates.push(other);
                }
                !held && !self.template[other as usize]
            });
        } else {
            let mut groups: Vec<u32> = near.iter().map(|&other| self.label[other as usize]).collect();
            groups.push(own);
            groups.sort_unstable();
            groups.dedup();
            groups.retain(|&label| {
                self.components.get(&label).is_some_and(|component| component.reports.len() >= 2)
                    || holds_anchored(label)
            });
            if groups.len() > 1 || near.iter().any(|&other| self.template[other as usize]) {
                templates.push(index);
                templates.extend(near.iter().copied().filter(|&other| !self.anchored(other)));
                near.retain(|&other| self.identity(other) == identity);
            }
        }
        templates
    }

    /// Marks the floating clusters of `reports` as templates and cuts their
    /// text links but those between identical texts; returns the campaigns
    /// that fell apart.
    fn cut_templates(&mut self, reports: Vec<u32>) -> Vec<CampaignId> {
        let mut labels = Vec::new();
        let mut stack = reports;
        while let Some(report) = stack.pop() {
            if std::mem::replace(&mut self.template[report as usize], true) {
                continue;
            }
            labels.push(self.label[report as usize]);
            let identity = self.identity(report);
            let links = std::mem::take(&mut self.near[report as usize]);
            for other in links {
                if self.identity(other) == identity {
                    self.near[report as usize].push(other);
                    continue;
                }
                self.near[other as usize].retain(|&back| back != report);
                if !self.anchored(other) && !self.template[other as usize] {
                    stack.push(other);
                }
            }
        }
        labels.sort_unstable();
        labels.dedup();
        labels.into_iter().filter_map(|label| self.recompute(label)).collect()
    }

    /// Joins the components of two reports; records the id of each joined
    /// component (before the join) in `merged`.
    fn union(&mut self, a: u32, b: u32, merged: &mut Vec<CampaignId>) {
        let (label_a, label_b) = (self.label[a as usize], self.label[b as usize]);
        if label_a == label_b {
            return;
        }
        let size = |label: u32| self.components.get(&label).map_or(0, |component| component.reports.len());
        let (keep, gone) = if size(label_a) >= size(label_b) { (label_a, label_b) } else { (label_b, label_a) };
        let Some(absorbed) = self.components.remove(&gone) else {
            return;
        };
        for &report in &absorbed.reports {
            self.label[report as usize] = keep;
        }
        if let Some(kept) = self.components.get_mut(&keep) {
            merged.push(kept.min_id);
            merged.push(absorbed.min_id);
            kept.min_id = kept.min_id.min(absorbed.min_id);
            kept.reports.extend(absorbed.reports);
        }
    }

    /// Recomputes the components of the reports labelled `label` from the
    /// current edges; returns the component's id if it fell apart.
    fn recompute(&mut self, label: u32) -> Option<CampaignId> {
        let component = self.components.remove(&label)?;
        self.epoch = self.epoch.wrapping_add(1);
        let epoch = self.epoch;
        let mut pieces = 0;
        for &start in &component.reports {
            if self.report_mark[start as usize] == epoch {
                continue;
            }
            pieces += 1;
            let mut piece = Component { reports: Vec::new(), min_id: self.entries[start as usize].id };
            let mut stack = vec![start];
            self.report_mark[start as usize] = epoch;
            while let Some(report) = stack.pop() {
                self.label[report as usize] = start;
                piece.reports.push(report);
                piece.min_id = piece.min_id.min(self.entries[report as usize].id);
                for &feature in &self.entries[report as usize].features {
                    if self.feature_mark[feature as usize] == epoch || !self.links(feature) {
                        continue;
                    }
                    self.feature_mark[feature as usize] = epoch;
                    for &other in &self.postings[feature as usize] {
                        if self.report_mark[other as usize] != epoch && self.label[other as usize] == label {
                            self.report_mark[other as usize] = epoch;
                            stack.push(other);
                        }
                    }
                }
                for &other in &self.near[report as usize] {
                    if self.report_mark[other as usize] != epoch && self.label[other as usize] == label {
                        self.report_mark[other as usize] = epoch;
                        stack.push(other);
                    }
                }
            }
            self.components.insert(start, piece);
        }
        (pieces > 1).then_some(component.min_id)
    }

    /// Links all reports at once: the same partition as adding them one by
    /// one, faster (signatures in parallel, no splits).
    pub fn rebuild(config: LinkConfig, reports: Vec<LinkReport>) -> Result<Linker, LinkError> {
        let prepared: Vec<Prepared> =
            reports.par_iter().map(|report| Prepared::of(&report.indicators, &report.text)).collect();
        Linker::rebuild_prepared(config, reports.into_iter().zip(prepared).collect())
    }

    /// [`Linker::rebuild`] of reports whose [`Prepared`] the caller already
    /// has (their `text` and `indicators` are not read again).
    pub fn rebuild_prepared(config: LinkConfig, reports: Vec<(LinkReport, Prepared)>) -> Result<Linker, LinkError> {
        let mut linker = Linker::new(config);
        for (report, prepared) in reports {
            if linker.by_id.contains_key(&report.id) {
                return Err(LinkError::DuplicateReport(report.id));
            }
            let (entry, signature) = linker.entry(report, prepared);
            linker.by_id.insert(entry.id, linker.entries.len() as u32);
            linker.load(entry);
            linker.signatures.push(signature);
        }
        linker.settle();
        Ok(linker)
    }

    /// The partition [`Linker::rebuild`] gives (sorted lists of report ids,
    /// as [`Linker::partition_ids`]), of reports whose features were derived
    /// and numbered before: `features[n]` is feature number `n`. The link
    /// index stores what [`Prepared`] derives, so a rebuild reads it back
    /// instead of each report's text; and as nothing is added afterwards,
    /// none of what [`Linker::add`] needs is kept.
    pub fn partition_indexed(
        config: LinkConfig,
        features: Vec<Feature>,
        reports: IndexedReports,
    ) -> Result<Vec<Vec<ReportId>>, LinkError> {
        let mut linker = Linker::new(config);
        for feature in features {
            linker.push_feature(feature);
        }
        let IndexedReports { ids, features: mut report_features, mut signatures, received_at } = reports;
        report_features.resize(ids.len(), Vec::new());
        signatures.resize(ids.len(), None);
        linker.times_known = received_at.len() == ids.len();
        // In id order, as a rebuild reads them: which of two identical
        // texts comes first decides nothing, but the order of a crowded
        // LSH bucket decides which neighbours a text is compared with.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        if !ids.is_sorted() {
            order.sort_unstable_by_key(|&at| ids[at]);
            signatures = order.iter().map(|&at| signatures[at].clone()).collect();
        }
        if let Some(pair) = order.windows(2).find(|pair| ids[pair[0]] == ids[pair[1]]) {
            return Err(LinkError::DuplicateReport(ids[pair[0]]));
        }
        let known = linker.features.len();
        linker.entries.reserve(ids.len());
        for at in order {
            let id = ids[at];
            let mut features = std::mem::take(&mut report_features[at]);
            features.retain(|&feature| (feature as usize) < known);
            features.sort_unstable();
            features.dedup();
            // Summaries are never asked of this linker: their fields stay empty.
            linker.load(Entry {
                id,
                features,
                text_hash: 0,
                received_at: received_at.get(at).copied().unwrap_or(DateTime::UNIX_EPOCH),
                loss: None,
                scam_type: None,
            });
        }
        linker.signatures = signatures;
        let all: Vec<u32> = (0..linker.entries.len() as u32).collect();
        let partition = linker.partition(&all, &|feature| linker.counts[feature as usize] as usize, all.len());
        let mut campaigns: Vec<Vec<ReportId>> = partition
            .components
            .into_iter()
            .map(|component| {
                let mut ids = linker.ids(&component.reports);
                ids.sort_unstable();
                ids
            })
            .collect();
        campaigns.sort_unstable();
        Ok(campaigns)
    }

    /// Adds an entry to the reports and to its features' counts and holders
    /// (not to `by_id`: a linker that only partitions never looks one up).
    fn load(&mut self, entry: Entry) {
        let index = self.entries.len() as u32;
        for &feature in &entry.features {
            self.counts[feature as usize] += 1;
            if self.features[feature as usize].hub.is_none() {
                self.postings[feature as usize].push(index);
            }
        }
        self.entries.push(entry);
    }

    /// After [`Linker::load`]ing every report: partitions them and keeps
    /// what [`Linker::add`] needs.
    fn settle(&mut self) {
        let count = self.entries.len();
        self.near = vec![Vec::new(); count];
        self.report_mark = vec![0; count];
        let all: Vec<u32> = (0..count as u32).collect();
        let partition = self.partition(&all, &|feature| self.counts[feature as usize] as usize, count);
        let limit = self.config.max_reports(count);
        self.over_limit = (0..self.features.len() as u32)
            .filter(|&f| self.features[f as usize].hub.is_none() && self.counts[f as usize] as usize > limit)
            .collect();
        self.near = partition.near;
        self.text_templates = partition.templates;
        self.template = vec![false; count];
        for report in partition.template_members {
            self.template[report as usize] = true;
        }
        // What a later add compares its text with: the first of each
        // identical signature, in its buckets.
        let mut text = TextIndex::default();
        for (index, signature) in self.signatures.iter().enumerate() {
            if let (Some(signature), Some(identity)) = (signature, self.identity(index as u32))
                && let std::collections::hash_map::Entry::Vacant(slot) = text.identical.entry(identity)
            {
                slot.insert(index as u32);
                for key in signature.band_keys() {
                    text.buckets.entry(key).or_default().push(index as u32);
                }
            }
        }
        self.text = text;
        self.first_round = partition.first_round;
        self.state = partition.state;
        self.groups = partition.groups;
        self.judged_at = self.counts.clone();
        self.label = vec![0; count];
        for component in partition.components {
            let label = component.reports[0];
            for &report in &component.reports {
                self.label[report as usize] = label;
            }
            self.components.insert(label, component);
        }
    }

    /// Judges `values` in two rounds: first with every eligible value
    /// grouping holders, then without the first round's bridges (so that
    /// one piece of shared infrastructure does not vouch for another);
    /// `common` values are held to [`COMMON_CORE_SHARE`].
    /// Returns the first round's and the final states, indexed by feature.
    fn judge<'a>(
        &'a self,
        values: &[u32],
        holders: &(dyn Fn(u32) -> Cow<'a, [u32]> + Sync),
        eligible: &(dyn Fn(u32) -> bool + Sync),
        common: &(dyn Fn(u32) -> bool + Sync),
        count: &(dyn Fn(u32) -> usize + Sync),
    ) -> (Vec<ValueState>, Vec<ValueState>, Vec<u32>) {
        // Whether each value groups holders, as a table: the inner loop asks
        // for every feature of every holder.
        let grouping: Vec<bool> = (0..self.features.len() as u32).into_par_iter().map(eligible).collect();
        let mut groups = vec![0_u32; self.features.len()];
        let mut round = |values: &[u32], states: &mut Vec<ValueState>, usable: &(dyn Fn(u32, u32) -> bool + Sync)| {
            let chunk = (values.len() / 64).max(256);
            let judged: Vec<Judgement> = values
                .par_chunks(chunk)
                .flat_map_iter(|part| {
                    // One scratch per thread: its table spans every feature,
                    // too large to allocate per chunk of values.
                    THREAD_SCRATCH.with_borrow_mut(|scratch| {
                        part.iter()
                            .map(|&value| cohesion(self, value, &holders(value), common(value), usable, count, scratch))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for (&value, judgement) in values.iter().zip(judged) {
                states[value as usize] = judgement.state;
                groups[value as usize] = judgement.groups;
            }
        };
        let mut first = vec![ValueState::Links; self.features.len()];
        round(values, &mut first, &|_, feature| grouping[feature as usize]);
        // The second round differs from the first only for values whose
        // holders also hold a first-round bridge: only those are judged again.
        let mut again = vec![false; self.features.len()];
        for &bridge in values {
            if first[bridge as usize] != ValueState::Bridge || !grouping[bridge as usize] {
                continue;
            }
            for &holder in holders(bridge).iter() {
                for &feature in &self.entries[holder as usize].features {
                    again[feature as usize] = true;
                }
            }
        }
        let again: Vec<u32> = values.iter().copied().filter(|&value| again[value as usize]).collect();
        let mut last = first.clone();
        round(&again, &mut last, &|value, feature| {
            grouping[feature as usize] && !self.vouches_not(&first, value, feature)
        });
        // The third round ([`Linker::operation_wide`]): the bridges left,
        // with common values that link grouping their holders too.
        let mut operation_wide = vec![false; self.features.len()];
        for &value in values {
            operation_wide[value as usize] = common(value) && last[value as usize] == ValueState::Links;
        }
        let bridges: Vec<u32> =
            values.iter().copied().filter(|&value| last[value as usize] == ValueState::Bridge).collect();
        round(&bridges, &mut last, &|value, feature| {
            (grouping[feature as usize] && !self.vouches_not(&first, value, feature))
                || operation_wide[feature as usize]
        });
        (first, last, groups)
    }

    /// The connected components over `subset` (internal numbers),
    /// with feature counts given by `count` among `reports` reports: values
    /// are judged among the subset's reports only.
    fn partition(&self, subset: &[u32], count: &(dyn Fn(u32) -> usize + Sync), reports: usize) -> Partition {
        let limit = self.config.max_reports(reports);
        let mut parent: Vec<usize> = (0..subset.len()).collect();
        fn find(parent: &mut [usize], mut at: usize) -> usize {
            while parent[at] != at {
                parent[at] = parent[parent[at]];
                at = parent[at];
            }
            at
        }
        let judged = |feature: u32| self.features[feature as usize].hub.is_none() && count(feature) >= 2;
        let common = |feature: u32| self.features[feature as usize].common_in_case || count(feature) > limit;
        let eligible = |feature: u32| judged(feature) && !common(feature);
        let whole = subset.len() == self.entries.len();
        let mut inside = vec![whole; if whole { 0 } else { self.entries.len() }];
        for &report in subset.iter().filter(|_| !whole) {
            inside[report as usize] = true;
        }
        let mut values: Vec<u32> = if whole {
            (0..self.features.len() as u32).filter(|&feature| judged(feature)).collect()
        } else {
            subset.iter().flat_map(|&report| self.entries[report as usize].features.iter().copied()).collect()
        };
        values.sort_unstable();
        values.dedup();
        values.retain(|&feature| judged(feature));
        let holders = |feature: u32| -> Cow<'_, [u32]> {
            let all = &self.postings[feature as usize];
            if whole {
                Cow::Borrowed(all.as_slice())
            } else {
                Cow::Owned(all.iter().copied().filter(|&report| inside[report as usize]).collect())
            }
        };
        let (first_round, mut state, groups) = self.judge(&values, &holders, &eligible, &common, count);
        // The first holder's position of each linking value (`usize::MAX`
        // before it).
        let mut first_holder = vec![usize::MAX; self.features.len()];
        for (at, &report) in subset.iter().enumerate() {
            for &feature in &self.entries[report as usize].features {
                if !judged(feature) || state[feature as usize] != ValueState::Links {
                    continue;
                }
                let first = &mut first_holder[feature as usize];
                if *first == usize::MAX {
                    *first = at;
                }
                let first = *first;
                let (a, b) = (find(&mut parent, first), find(&mut parent, at));
                parent[a.max(b)] = a.min(b);
            }
        }
        self.join_bridges_of_one_campaign(subset, whole, &values, &holders, &judged, &mut parent, &mut state);
        let pairs: Vec<(usize, usize)> = self
            .near_pairs(subset)
            .into_par_iter()
            .filter(|&(at, other)| self.texts_may_link(subset[at as usize], subset[other as usize]))
            .map(|(at, other)| (at as usize, other as usize))
            .collect();
        let anchored: Vec<bool> = subset.par_iter().map(|&report| self.anchored(report)).collect();
        let mut group_size = vec![0_u32; subset.len()];
        for at in 0..subset.len() {
            group_size[find(&mut parent, at)] += 1;
        }
        // Reports naming no indicator of their own, joined by their texts
        // (floating clusters), and the groups each touches: a group of two
        // reports or more a member belongs to through its values, or an
        // anchored report a member's text is a near-duplicate of.
        let mut cluster: Vec<usize> = (0..subset.len()).collect();
        for &(at, other) in &pairs {
            if !anchored[at] && !anchored[other] {
                let (a, b) = (find(&mut cluster, at), find(&mut cluster, other));
                cluster[a.max(b)] = a.min(b);
            }
        }
        let mut touched: HashMap<usize, Touched> = HashMap::new();
        for at in (0..subset.len()).filter(|&at| !anchored[at]) {
            let group = find(&mut parent, at);
            if group_size[group] >= 2 {
                touched.entry(find(&mut cluster, at)).or_default().touch(group);
            }
        }
        for &(at, other) in &pairs {
            for (floating, anchor) in [(at, other), (other, at)] {
                if !anchored[floating] && anchored[anchor] {
                    let group = find(&mut parent, anchor);
                    touched.entry(find(&mut cluster, floating)).or_default().touch(group);
                }
            }
        }
        let template: Vec<bool> = (0..subset.len())
            .map(|at| !anchored[at] && touched.get(&find(&mut cluster, at)).is_some_and(|touched| touched.several))
            .collect();
        let mut near = vec![Vec::new(); self.entries.len()];
        for (at, other) in pairs {
            let (report, other_report) = (subset[at], subset[other]);
            if (template[at] || template[other]) && self.identity(report) != self.identity(other_report) {
                continue;
            }
            near[report as usize].push(other_report);
            near[other_report as usize].push(report);
            let (a, b) = (find(&mut parent, at), find(&mut parent, other));
            parent[a.max(b)] = a.min(b);
        }
        let mut by_root: HashMap<usize, Component> = HashMap::new();
        for (at, &report) in subset.iter().enumerate() {
            let root = find(&mut parent, at);
            let id = self.entries[report as usize].id;
            let component = by_root.entry(root).or_insert(Component { reports: Vec::new(), min_id: id });
            component.reports.push(report);
            component.min_id = component.min_id.min(id);
        }
        let mut components: Vec<Component> = by_root.into_values().collect();
        components.sort_by_key(|component| component.min_id);
        let templates = touched.values().filter(|touched| touched.several).count();
        let template_members: Vec<u32> = (0..subset.len()).filter(|&at| template[at]).map(|at| subset[at]).collect();
        Partition { components, near, templates, template_members, first_round, state, groups }
    }

    /// Bridges whose groups of holders the other values joined into one
    /// campaign after all (an operation's phases, joined by a value carried
    /// from one to the next, that the bridge's holders do not name): judged
    /// against the campaigns the linking values form without them, a value
    /// whose holders are in one campaign of two reports or more, and strays,
    /// links. Every bridge is judged against the same campaigns before any
    /// joins, so the result does not depend on their order.
    #[allow(clippy::too_many_arguments)]
    fn join_bridges_of_one_campaign<'a>(
        &'a self,
        subset: &[u32],
        whole: bool,
        values: &[u32],
        holders: &dyn Fn(u32) -> Cow<'a, [u32]>,
        judged: &dyn Fn(u32) -> bool,
        parent: &mut [usize],
        state: &mut [ValueState],
    ) {
        fn find(parent: &mut [usize], mut at: usize) -> usize {
            while parent[at] != at {
                parent[at] = parent[parent[at]];
                at = parent[at];
            }
            at
        }
        let bridges: Vec<u32> = values
            .iter()
            .copied()
            .filter(|&value| judged(value) && state[value as usize] == ValueState::Bridge)
            .collect();
        if bridges.is_empty() {
            return;
        }
        let position: HashMap<u32, usize> =
            if whole { HashMap::new() } else { subset.iter().enumerate().map(|(at, &report)| (report, at)).collect() };
        let at_of = |report: u32| if whole { Some(report as usize) } else { position.get(&report).copied() };
        let mut size = vec![0_u32; parent.len()];
        for at in 0..parent.len() {
            size[find(parent, at)] += 1;
        }
        let mut joining: Vec<(u32, Vec<usize>)> = Vec::new();
        for value in bridges {
            let members: Vec<usize> = holders(value).iter().filter_map(|&report| at_of(report)).collect();
            let mut campaigns: Vec<usize> =
                members.iter().map(|&at| find(parent, at)).filter(|&root| size[root] >= 2).collect();
            campaigns.sort_unstable();
            campaigns.dedup();
            if campaigns.len() == 1 {
                joining.push((value, members));
            }
        }
        for (value, members) in joining {
            state[value as usize] = ValueState::Links;
            for pair in members.windows(2) {
                let (a, b) = (find(parent, pair[0]), find(parent, pair[1]));
                parent[a.max(b)] = a.min(b);
            }
        }
    }

    /// The near-duplicate pairs among `subset` (positions in it, the later
    /// first, ascending) that inserting its reports one by one into a
    /// [`TextIndex`] finds, found in parallel: an identical text pairs with
    /// the first of its kind only, and any other text with the (at most
    /// [`BUCKET_COMPARISONS`]) texts before it in each of its LSH buckets.
    fn near_pairs(&self, subset: &[u32]) -> Vec<(u32, u32)> {
        let min_bins = self.config.min_agreeing_bins();
        let signature = |at: u32| self.signatures[subset[at as usize] as usize].as_ref();
        let digests: Vec<Option<u64>> =
            (0..subset.len() as u32).into_par_iter().map(|at| self.identity(subset[at as usize])).collect();
        let mut first_of: HashMap<u64, u32> = HashMap::with_capacity(subset.len());
        let mut pairs = Vec::new();
        let mut firsts = Vec::new();
        for (at, digest) in digests.into_iter().enumerate() {
            let Some(digest) = digest else { continue };
            match first_of.entry(digest) {
                std::collections::hash_map::Entry::Occupied(first) => pairs.push((at as u32, *first.get())),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(at as u32);
                    firsts.push(at as u32);
                }
            }
        }
        drop(first_of);
        // One band at a time: an eighth of the memory of all bands' keys.
        let mut keys: Vec<(u64, u32)> = Vec::with_capacity(firsts.len());
        for band in 0..BANDS {
            keys.clear();
            keys.par_extend(firsts.par_iter().filter_map(|&at| signature(at).map(|own| (own.band_key(band), at))));
            keys.par_sort_unstable();
            // Cut into pieces at bucket boundaries, to compare in parallel.
            let mut pieces = Vec::new();
            let step = (keys.len() / 64).max(4096);
            let mut start = 0;
            while start < keys.len() {
                let mut end = (start + step).min(keys.len());
                while end < keys.len() && keys[end].0 == keys[end - 1].0 {
                    end += 1;
                }
                pieces.push(&keys[start..end]);
                start = end;
            }
            let found: Vec<(u32, u32)> = pieces
                .into_par_iter()
                .flat_map_iter(|piece| {
                    let mut found = Vec::new();
                    for bucket in piece.chunk_by(|a, b| a.0 == b.0) {
                        for (at, &(_, report)) in bucket.iter().enumerate().skip(1) {
                            let Some(own) = signature(report) else { continue };
                            for &(_, other) in &bucket[at.saturating_sub(BUCKET_COMPARISONS)..at] {
                                if signature(other).is_some_and(|other| own.agreeing_bins(other) >= min_bins) {
                                    found.push((report, other));
                                }
                            }
                        }
                    }
                    found
                })
                .collect();
            pairs.extend(found);
        }
        drop(keys);
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }

    /// How many clusters of texts naming no indicator of their own were
    /// found near-duplicates of several groups' reports, and so left
    /// unlinked by text (one template several operations fill): by the last
    /// rebuild, plus the reports added since whose text links were cut so.
    pub fn text_templates(&self) -> usize {
        self.text_templates
    }

    /// Values that link reports, with the ids of the reports naming them.
    pub fn linking_values(&self) -> Vec<(&Feature, Vec<ReportId>)> {
        (0..self.features.len() as u32)
            .filter(|&feature| self.links(feature))
            .map(|feature| (&self.features[feature as usize].feature, self.ids(&self.postings[feature as usize])))
            .collect()
    }

    /// Bridge values and the campaigns each relates without merging them
    /// (ascending ids): shared infrastructure between operations.
    pub fn bridges(&self) -> Vec<(&Feature, Vec<CampaignId>)> {
        let reports = self.entries.len();
        (0..self.features.len() as u32)
            .filter(|&feature| self.eligible(feature, reports) && self.state[feature as usize] == ValueState::Bridge)
            .map(|feature| {
                let mut campaigns: Vec<CampaignId> = self.postings[feature as usize]
                    .iter()
                    .filter_map(|&report| self.components.get(&self.label[report as usize]).map(|c| c.min_id))
                    .collect();
                campaigns.sort_unstable();
                campaigns.dedup();
                (&self.features[feature as usize].feature, campaigns)
            })
            .collect()
    }

    /// The reports naming a value (none for listed hubs), by id.
    pub fn holder_ids(&self, feature: &Feature) -> Option<Vec<ReportId>> {
        self.feature_numbers.get(feature).map(|&number| self.ids(&self.postings[number as usize]))
    }

    fn ids(&self, reports: &[u32]) -> Vec<ReportId> {
        reports.iter().map(|&report| self.entries[report as usize].id).collect()
    }

    /// The campaign a report is in, over all reports (for the operator and
    /// for alerting; a user's view comes from [`Linker::campaigns`]).
    pub fn campaign_of(&self, report: ReportId) -> Option<CampaignId> {
        let index = *self.by_id.get(&report)?;
        self.components.get(&self.label[index as usize]).map(|component| component.min_id)
    }

    /// The partition over all reports, as sorted lists of report ids sorted
    /// by campaign id: for tests and for persisting.
    pub fn partition_ids(&self) -> Vec<Vec<ReportId>> {
        let mut campaigns: Vec<Vec<ReportId>> = self
            .components
            .values()
            .map(|component| {
                let mut ids: Vec<ReportId> =
                    component.reports.iter().map(|&report| self.entries[report as usize].id).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        campaigns.sort();
        campaigns
    }

    /// The campaigns a viewer may see, computed only from the reports in
    /// `readable`: links, weights and hub decisions use nothing else, so a
    /// report the viewer cannot read never joins two they can (no leak
    /// through correlation). Single-report campaigns included; sorted by id.
    pub fn campaigns(&self, readable: &HashSet<ReportId>) -> Vec<crate::summary::Campaign> {
        // In id order, so that the view does not depend on arrival order.
        let mut subset: Vec<u32> = readable.iter().filter_map(|id| self.by_id.get(id).copied()).collect();
        subset.sort_unstable_by_key(|&report| self.entries[report as usize].id);
        let reports = subset.len();
        let counts = if reports == self.entries.len() {
            self.counts.clone()
        } else {
            let mut counts = vec![0_u32; self.features.len()];
            for &report in &subset {
                for &feature in &self.entries[report as usize].features {
                    counts[feature as usize] += 1;
                }
            }
            counts
        };
        let partition = self.partition(&subset, &|feature| counts[feature as usize] as usize, reports);
        let view = crate::summary::View {
            linker: self,
            counts: &counts,
            reports,
            near: &partition.near,
            states: &partition.state,
            groups: &partition.groups,
        };
        partition.components.iter().map(|component| view.summarize(&component.reports)).collect()
    }

    pub(crate) fn entry_at(&self, report: u32) -> EntryView<'_> {
        let entry = &self.entries[report as usize];
        EntryView {
            id: entry.id,
            features: &entry.features,
            signature: self.signatures[report as usize].as_ref(),
            text_hash: entry.text_hash,
            received_at: entry.received_at,
            loss: entry.loss,
            scam_type: entry.scam_type.as_deref(),
        }
    }

    pub(crate) fn feature(&self, feature: u32) -> (&Feature, Option<HubReason>) {
        let info = &self.features[feature as usize];
        (&info.feature, info.hub)
    }

    /// Reports (internal numbers) naming a feature; empty for listed hubs.
    pub(crate) fn holders(&self, feature: u32) -> &[u32] {
        &self.postings[feature as usize]
    }

    pub(crate) fn weight(&self, reports: usize, with_it: usize) -> f64 {
        self.config.weight(reports, with_it)
    }
}

/// Read access to one stored report, for summaries.
pub(crate) struct EntryView<'a> {
    pub id: ReportId,
    pub features: &'a [u32],
    pub signature: Option<&'a Signature>,
    pub text_hash: u64,
    pub received_at: DateTime<Utc>,
    pub loss: Option<Money>,
    pub scam_type: Option<&'a str>,
}

struct Partition {
    components: Vec<Component>,
    near: Vec<Vec<u32>>,
    /// Floating clusters found to be templates ([`Touched::several`]),
    /// and their reports.
    templates: usize,
    template_members: Vec<u32>,
    first_round: Vec<ValueState>,
    state: Vec<ValueState>,
    /// How many groups of its holders share nothing but each value (for
    /// explaining bridges).
    groups: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureKind;
    use crate::summary::{IndicatorRole, LinkReason};
    use crackdown_lure::IndicatorKind;
    use crackdown_model::Currency;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    fn report(id: ReportId, indicators: &[(IndicatorKind, &str)], text: &str) -> LinkReport {
        LinkReport {
            id,
            indicators: indicators.iter().map(|(kind, value)| ReportIndicator::new(*kind, *value)).collect(),
            text: text.to_owned(),
            received_at: DateTime::from_timestamp(1_700_000_000 + id * 3600, 0).unwrap_or_default(),
            loss: None,
            scam_type: None,
        }
    }

    fn everyone(linker: &Linker) -> HashSet<ReportId> {
        linker.entries.iter().map(|entry| entry.id).collect()
    }

    const HOTLINE: &str = "+6627777777";

    fn hotline_config() -> LinkConfig {
        LinkConfig { hubs: HubList::new([HOTLINE.to_owned()], []), ..LinkConfig::default() }
    }

    #[test]
    fn shared_specific_values_link_and_a_listed_hotline_does_not() {
        let mut linker = Linker::new(hotline_config());
        let phone_a = (IndicatorKind::Phone, "+66811111111");
        let phone_b = (IndicatorKind::Phone, "+66822222222");
        let hotline = (IndicatorKind::Phone, HOTLINE);
        assert_eq!(linker.add(report(1, &[phone_a, hotline], "a")).map(|o| o.campaign), Ok(1));
        assert_eq!(linker.add(report(2, &[phone_b, hotline], "b")).map(|o| o.campaign), Ok(2));
        let third = linker.add(report(3, &[phone_a, (IndicatorKind::Whatsapp, "+66822222222")], "c"));
        assert_eq!(third, Ok(LinkOutcome { campaign: 1, merged: vec![2], split: vec![] }));
        assert_eq!(linker.partition_ids(), vec![vec![1, 2, 3]]);
        assert_eq!(linker.add(report(3, &[], "again")), Err(LinkError::DuplicateReport(3)));

        let campaigns = linker.campaigns(&everyone(&linker));
        assert_eq!(campaigns.len(), 1);
        let hotline_key = crate::features::phone_key(HOTLINE);
        let hotline_row = campaigns[0].indicators.iter().find(|row| row.value == hotline_key).expect("listed");
        assert_eq!(hotline_row.role, IndicatorRole::Hub(HubReason::OfficialHotline));
        assert_eq!(campaigns[0].links.len(), 2);
        for link in &campaigns[0].links {
            assert!(link.reasons.iter().all(|reason| !matches!(reason,
                LinkReason::SharedIndicator { value, .. } if *value == hotline_key)));
            assert!(!link.reasons.is_empty());
        }
    }

    #[test]
    fn a_rotated_wallet_campaign_links_through_its_persona_and_a_common_phrase_or_hub_does_not_glue() {
        // Ten reports of one operation, each with its own wallet (rotated),
        // naming the persona; ten of another with their own persona; every
        // report quotes the shortener host and says "Then" and "WhatsApp".
        // With 20 reports and a prior of 20, a value in more than a third of
        // the case is too common.
        let config = LinkConfig { prior_reports: 20, min_weight: 3_f64.ln(), ..LinkConfig::default() };
        let mut linker = Linker::new(config);
        let shortener = (IndicatorKind::Url, "https://bit.ly/");
        for id in 1..=20 {
            let wallet = format!("TRotatedWallet{id:020}");
            let persona = if id <= 10 { "Jessica Lim" } else { "Mentor Kalovex" };
            let filler = ["it was a trap", "I lost my savings", "please help", "my family is angry"][id as usize % 4];
            let text = format!("Then {persona} told me on WhatsApp to deposit. {filler}");
            let mut named = vec![shortener, (IndicatorKind::Tron, wallet.as_str())];
            // The first two reports of each operation name one phone: a
            // name only joins reports to a group indicators corroborate.
            let phone = if id <= 10 { "+66811111111" } else { "+66822222222" };
            if id % 10 == 1 || id % 10 == 2 {
                named.push((IndicatorKind::Phone, phone));
            }
            linker.add(report(id, &named, &text)).expect("new id");
        }
        assert_eq!(linker.partition_ids(), vec![(1..=10).collect::<Vec<_>>(), (11..=20).collect()]);
        let campaigns = linker.campaigns(&everyone(&linker));
        assert!(campaigns[0].indicators.iter().all(|row| row.kind != FeatureKind::Phrase));
        let reasons: Vec<&LinkReason> = campaigns[0].links.iter().flat_map(|link| &link.reasons).collect();
        let mut phrase_links = 0;
        for reason in reasons {
            // Identical texts (the same filler) are near-duplicates too.
            let LinkReason::SharedIndicator { indicator_type, value, weight } = reason else {
                continue;
            };
            if *indicator_type == FeatureKind::Phone {
                assert_eq!(value, &crate::features::phone_key("+66811111111"));
                continue;
            }
            assert_eq!(*indicator_type, FeatureKind::Phrase);
            assert!(value == "jessica lim" || value == "then jessica lim", "{value}");
            assert!(*weight >= 3_f64.ln());
            // What `campaigns show` prints for it.
            let shown = format!("shares {} {value} (weight {weight:.2})", indicator_type.as_str());
            assert!(shown.starts_with("shares phrase "), "{shown}");
            phrase_links += 1;
        }
        assert!(phrase_links >= 8, "{:?}", campaigns[0].links);
    }

    /// One operation in two phases (own phones `+6682…` then `+6683…`,
    /// persona "Jessica Lim" throughout, one value carried between them),
    /// whose phone `P` four reports of each phase and two lone reports
    /// name; with `shared`, a second operation's reports name `P` too.
    fn phased_operation(shared: bool) -> Vec<LinkReport> {
        const P: (IndicatorKind, &str) = (IndicatorKind::Phone, "+66811111111");
        let mut reports = Vec::new();
        for id in 1..=16 {
            let own = (IndicatorKind::Phone, if id <= 8 { "+66822222222" } else { "+66833333333" });
            let mut named = vec![own];
            if id % 8 != 0 && id % 8 <= 4 {
                named.push(P);
            }
            if id == 5 || id == 13 {
                named.push((IndicatorKind::Phone, "+66844444444"));
            }
            reports.push(report(id, &named, "Jessica Lim called."));
        }
        reports.extend([report(17, &[P], ""), report(18, &[P], "")]);
        for id in (21..=28).filter(|_| shared) {
            let own = (IndicatorKind::Phone, "+66855555555");
            let named = if id <= 24 { vec![own, P] } else { vec![own] };
            reports.push(report(id, &named, "Mentor Kalovex called."));
        }
        reports
    }

    #[test]
    fn a_value_carried_across_the_phases_of_one_operation_links_and_one_two_operations_share_does_not() {
        // Limit (reports + prior) / 4: 12 of 18, 15 of 26. The persona is
        // too common to group the holders of other values, but it links
        // the phases (one group dominates its holders).
        let config = |prior| LinkConfig { prior_reports: prior, min_weight: 4_f64.ln(), ..LinkConfig::default() };
        let rebuilt = Linker::rebuild(config(30), phased_operation(false)).expect("distinct ids");
        assert_eq!(rebuilt.partition_ids(), vec![(1..=18).collect::<Vec<_>>()]);
        let lone = rebuilt.campaigns(&everyone(&rebuilt))[0]
            .links
            .iter()
            .find(|link| link.to == 17)
            .map(|link| link.reasons.clone())
            .expect("17 is linked");
        let key = crate::features::phone_key("+66811111111");
        assert!(
            lone.iter().any(|reason| matches!(reason, LinkReason::SharedIndicator { value, .. } if *value == key)),
            "{lone:?}"
        );
        // Adding judges the shared phone against its holders only: the two
        // phases (joined by the carried value) stay one campaign, the lone
        // reports naming only that phone wait for a rebuild.
        let mut order: Vec<usize> = (0..18).collect();
        let phases = vec![(1..=16).collect::<Vec<_>>(), vec![17], vec![18]];
        assert_eq!(add_all(&config(30), &phased_operation(false), &order).partition_ids(), phases);
        order.reverse();
        assert_eq!(add_all(&config(30), &phased_operation(false), &order).partition_ids(), phases);

        let rebuilt = Linker::rebuild(config(34), phased_operation(true)).expect("distinct ids");
        let mut expected = vec![(1..=16).collect::<Vec<_>>(), vec![17], vec![18], (21..=28).collect()];
        expected.sort();
        assert_eq!(rebuilt.partition_ids(), expected);
        assert_eq!(rebuilt.bridges().len(), 1);
    }

    #[test]
    fn a_value_that_becomes_common_splits_what_it_held_together() {
        // Limit (n + 2) / 2: with two reports a value may be in two, with
        // eight reports in five, so the pasted link in six of eight is a hub.
        let config = LinkConfig { prior_reports: 2, min_weight: 2_f64.ln(), ..LinkConfig::default() };
        let mut linker = Linker::new(config.clone());
        let pasted = (IndicatorKind::Url, "https://bit.ly/Shared1");
        let mut outcomes = Vec::new();
        for id in 1..=8 {
            let own = format!("+6681000000{}", id % 2);
            let indicators: Vec<(IndicatorKind, &str)> =
                if id <= 6 { vec![pasted, (IndicatorKind::Phone, &own)] } else { vec![(IndicatorKind::Phone, &own)] };
            outcomes.push(linker.add(report(id, &indicators, "")).expect("new id"));
        }
        assert_eq!(linker.partition_ids(), vec![vec![1, 3, 5, 7], vec![2, 4, 6, 8]]);
        assert!(outcomes.iter().any(|outcome| !outcome.split.is_empty()), "{outcomes:?}");
        let all: Vec<LinkReport> = (1..=8)
            .map(|id| {
                let own = format!("+6681000000{}", id % 2);
                let mut indicators = vec![(IndicatorKind::Phone, own.as_str())];
                if id <= 6 {
                    indicators.push(pasted);
                }
                report(id, &indicators, "")
            })
            .collect();
        let rebuilt = Linker::rebuild(config, all).expect("distinct ids");
        assert_eq!(rebuilt.partition_ids(), linker.partition_ids());
        let campaigns = rebuilt.campaigns(&everyone(&rebuilt));
        let key = crate::features::url_key(pasted.1);
        let row = campaigns[0].indicators.iter().find(|row| row.value == key).expect("named");
        assert_eq!(row.role, IndicatorRole::TooCommon);
    }

    #[test]
    fn a_template_two_operations_fill_does_not_join_them_through_a_wallet_they_both_quote() {
        // Two operations, eight reports each, write one template with their
        // own LINE handle; every report quotes one wallet, which links
        // nothing (both operations are large groups of its holders). The
        // texts are near-duplicates across the operations, and would glue
        // them if a wallet shared without linking vouched for their text.
        let template = "Someone claiming to be the police said my account was involved in money \
                        laundering and that I had to transfer money for checking or be arrested. \
                        USDT to the wallet, contact on LINE";
        let wallet = (IndicatorKind::Tron, "TQuotedByBothOperations000000000");
        let reports: Vec<LinkReport> = (1..=16)
            .map(|id| {
                let handle = if id <= 8 { "polltwichai862" } else { "agenthelen67" };
                let text = format!("{template} {handle}");
                report(id, &[wallet, (IndicatorKind::Line, handle)], &text)
            })
            .collect();
        let expected = vec![(1..=8).collect::<Vec<_>>(), (9..=16).collect()];
        let rebuilt = Linker::rebuild(LinkConfig::default(), reports.clone()).expect("unique ids");
        assert_eq!(rebuilt.partition_ids(), expected);
        assert!(rebuilt.linking_values().iter().all(|(feature, _)| !feature.value.contains("TQuoted")));
        let mut added = Linker::new(LinkConfig::default());
        for report in reports {
            added.add(report).expect("unique id");
        }
        assert_eq!(added.partition_ids(), expected);
    }

    #[test]
    fn a_text_naming_nothing_of_its_own_joins_the_one_operation_its_template_points_to_not_two() {
        // Two operations write one template with their own phone. A victim
        // who wrote it without a number (a lone report, or two alike) joins
        // an operation only while the template points to that one.
        let template = "Someone claiming to be the police said my account was involved in money \
                        laundering and that I had to transfer money for checking or be arrested";
        let operation = |first: ReportId, phone: &'static str| {
            (first..first + 4)
                .map(move |id| report(id, &[(IndicatorKind::Phone, phone)], &format!("{template} {phone}")))
        };
        let floating = report(20, &[], &format!("{template}."));
        let mut reports: Vec<LinkReport> = operation(1, "+66811111111").chain([floating]).collect();
        let rebuilt = Linker::rebuild(LinkConfig::default(), reports.clone()).expect("unique ids");
        assert_eq!(rebuilt.partition_ids(), vec![vec![1, 2, 3, 4, 20]]);
        assert_eq!(rebuilt.text_templates(), 0);
        reports.extend(operation(10, "+66822222222"));
        let rebuilt = Linker::rebuild(LinkConfig::default(), reports.clone()).expect("unique ids");
        assert_eq!(rebuilt.partition_ids(), vec![vec![1, 2, 3, 4], vec![10, 11, 12, 13], vec![20]]);
        assert_eq!(rebuilt.text_templates(), 1);
        let mut added = Linker::new(LinkConfig::default());
        for report in reports.into_iter().rev() {
            added.add(report).expect("unique id");
        }
        assert_eq!(added.partition_ids(), rebuilt.partition_ids());
    }

    #[test]
    fn near_duplicate_texts_link_and_count_as_one_victim() {
        let story = "They called me from the bank and said my account was used for money laundering, \
                     I had to move 20,000 baht into a safe account to prove my innocence.";
        let mut linker = Linker::new(LinkConfig::default());
        let thb = Currency::from_code("THB").expect("known");
        let mut first = report(10, &[], story);
        first.loss = Some(Money::new(2_000_000, thb));
        first.scam_type = Some("impersonation".to_owned());
        let mut copy = report(11, &[], story);
        copy.loss = first.loss;
        copy.scam_type = first.scam_type.clone();
        let mut edited = report(12, &[], &story.replace("20,000", "25,000"));
        edited.loss = Some(Money::new(2_500_000, thb));
        let unrelated = report(13, &[], "A woman on a dating app asked me to invest in gold trading with her uncle.");
        for item in [first, copy, edited, unrelated] {
            linker.add(item).expect("new id");
        }
        assert_eq!(linker.partition_ids(), vec![vec![10, 11, 12], vec![13]]);
        let campaigns = linker.campaigns(&everyone(&linker));
        assert_eq!(campaigns[0].victims, 2);
        assert_eq!(campaigns[0].loss.get("THB").map(String::as_str), Some("45000.00"));
        assert_eq!(campaigns[0].scam_types.get("impersonation"), Some(&2));
        assert!(campaigns[0].links.iter().all(|link| {
            link.reasons
                .iter()
                .any(|reason| matches!(reason, LinkReason::NearDuplicateText { similarity } if *similarity >= 0.85))
        }));
    }

    #[test]
    fn a_report_the_viewer_cannot_read_never_joins_two_they_can() {
        // A real (checksummed) address: mistyped ones do not link.
        let wallet = (IndicatorKind::Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
        let reports = vec![
            report(1, &[(IndicatorKind::Phone, "+66811111111")], ""),
            report(2, &[(IndicatorKind::Phone, "+66822222222")], ""),
            // RED report naming both phones: it alone links 1 and 2.
            report(3, &[(IndicatorKind::Phone, "+66811111111"), (IndicatorKind::Phone, "+66822222222"), wallet], ""),
            report(4, &[wallet], ""),
        ];
        let linker = Linker::rebuild(LinkConfig::default(), reports.clone()).expect("distinct ids");
        assert_eq!(linker.partition_ids(), vec![vec![1, 2, 3, 4]]);
        let readable: HashSet<ReportId> = [1, 2, 4].into();
        let seen = linker.campaigns(&readable);
        let ids: Vec<Vec<ReportId>> = seen.iter().map(|campaign| campaign.reports.clone()).collect();
        assert_eq!(ids, vec![vec![1], vec![2], vec![4]]);
        assert!(seen.iter().all(|campaign| campaign.indicators.iter().all(|row| row.reports == 1)));
        // Exactly what a linker that never saw report 3 shows.
        let alone = Linker::rebuild(LinkConfig::default(), reports.into_iter().filter(|r| r.id != 3).collect())
            .expect("distinct ids");
        assert_eq!(alone.campaigns(&readable), seen);
    }

    /// Small worlds where values repeat, texts repeat, and the hub limit is
    /// low enough that values cross it.
    /// A report of a generated world: readability seed, values named, text.
    type Spec = (u8, Vec<u8>, u8);

    fn world() -> impl Strategy<Value = (Vec<Spec>, Vec<usize>)> {
        proptest::collection::vec((0_u8..40, proptest::collection::vec(0_u8..12, 0..4), 0_u8..6), 1..40).prop_flat_map(
            |reports| {
                let order: Vec<usize> = (0..reports.len()).collect();
                (Just(reports), Just(order).prop_shuffle())
            },
        )
    }

    const TEXTS: [&str; 6] = [
        "",
        "short",
        "I was added to a Telegram group where a teacher gave free stock tips every day and then a new app",
        "I was added to a Telegram group where a teacher gave free stock tips every day and then a new apps",
        "A courier said my parcel was held at customs and I must pay a fine to the police officer today",
        "A woman on a dating app asked me to invest in gold trading with her uncle who works at a big bank",
    ];

    fn build(spec: &[Spec]) -> Vec<LinkReport> {
        let values: Vec<String> = (0..12).map(|value| format!("+668100000{value:02}")).collect();
        spec.iter()
            .enumerate()
            .map(|(index, (_, picks, text))| {
                let indicators: Vec<(IndicatorKind, &str)> =
                    picks.iter().map(|&pick| (IndicatorKind::Phone, values[usize::from(pick)].as_str())).collect();
                report(index as ReportId * 7 + 3, &indicators, TEXTS[usize::from(*text)])
            })
            .collect()
    }

    /// Whether any value of the case was a bridge in either round.
    fn has_bridges(linker: &Linker) -> bool {
        let reports = linker.entries.len();
        (0..linker.features.len() as u32).any(|feature| {
            linker.eligible(feature, reports)
                && (linker.state[feature as usize] == ValueState::Bridge
                    || linker.first_round[feature as usize] == ValueState::Bridge)
        })
    }

    fn add_all(config: &LinkConfig, reports: &[LinkReport], order: &[usize]) -> Linker {
        let mut incremental = Linker::new(config.clone());
        for &index in order {
            let outcome = incremental.add(reports[index].clone()).expect("distinct ids");
            assert_eq!(Some(outcome.campaign), incremental.campaign_of(reports[index].id));
        }
        incremental
    }

    proptest! {
        // Where no value is a bridge, the partition is a pure function of
        // the set of reports, so adding in any order gives the rebuild.
        // Bridges make it depend on order a little: a report judges anew
        // only the values it names (and those a limit crossing touches), not
        // every value whose second round used one of them; see
        // `adding_agrees_with_rebuilding_on_nearly_all_pairs`.
        #[test]
        fn adding_in_any_order_gives_the_rebuilt_partition_without_bridges_or_templates((spec, order) in world()) {
            let config = LinkConfig { prior_reports: 3, min_weight: 5_f64.ln(), ..LinkConfig::default() };
            let reports = build(&spec);
            let rebuilt = Linker::rebuild(config.clone(), reports.clone()).expect("distinct ids");
            let incremental = add_all(&config, &reports, &order);
            // A template cut by adding may have been judged once groups
            // merged, by a rebuild: `adding_agrees_with_rebuilding_on_nearly_all_pairs`.
            if !has_bridges(&rebuilt) && rebuilt.text_templates() == 0 && incremental.text_templates() == 0 {
                prop_assert_eq!(incremental.partition_ids(), rebuilt.partition_ids());
                prop_assert_eq!(
                    incremental.campaigns(&everyone(&incremental)),
                    rebuilt.campaigns(&everyone(&rebuilt))
                );
            }
            // A viewer's campaigns are those of a case holding only what they read.
            let readable: HashSet<ReportId> =
                reports.iter().map(|r| r.id).filter(|id| spec[(*id as usize - 3) / 7].0 % 3 != 0).collect();
            let alone = Linker::rebuild(config, reports.into_iter().filter(|r| readable.contains(&r.id)).collect())
                .expect("distinct ids");
            prop_assert_eq!(incremental.campaigns(&readable), alone.campaigns(&everyone(&alone)));
        }
    }

    #[test]
    fn adding_agrees_with_rebuilding_on_nearly_all_pairs() {
        // Random worlds of 400 reports over 150 phone numbers with a low hub
        // limit: many values are bridges. Over all worlds, 99% of the pairs
        // together in either partition are together in both.
        let config = LinkConfig { prior_reports: 20, min_weight: 12_f64.ln(), ..LinkConfig::default() };
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = proptest::collection::vec((proptest::collection::vec(0_u8..150, 1..4), 0_u8..6), 400)
            .prop_flat_map(|reports| {
                let order: Vec<usize> = (0..reports.len()).collect();
                (Just(reports), Just(order).prop_shuffle())
            });
        let (mut agreeing, mut bridged) = (0.0, 0);
        let worlds = 12;
        for _ in 0..worlds {
            let (picks, order) = strategy.new_tree(&mut runner).expect("strategy").current();
            let values: Vec<String> = (0..150).map(|value| format!("+66810000{value:03}")).collect();
            let reports: Vec<LinkReport> = picks
                .iter()
                .enumerate()
                .map(|(index, (named, text))| {
                    let indicators: Vec<(IndicatorKind, &str)> =
                        named.iter().map(|&pick| (IndicatorKind::Phone, values[usize::from(pick)].as_str())).collect();
                    report(index as ReportId + 1, &indicators, TEXTS[usize::from(*text)])
                })
                .collect();
            let rebuilt = Linker::rebuild(config.clone(), reports.clone()).expect("distinct ids");
            let incremental = add_all(&config, &reports, &order);
            bridged += usize::from(has_bridges(&rebuilt));
            agreeing += pair_agreement(&incremental.partition_ids(), &rebuilt.partition_ids());
        }
        assert!(bridged > worlds / 2, "the worlds exercise bridges: {bridged}");
        assert!(agreeing / worlds as f64 >= 0.99, "{}", agreeing / worlds as f64);
    }

    /// A case large enough in prior that no value of these small worlds is
    /// too common: only the data's groups decide.
    fn roomy() -> LinkConfig {
        LinkConfig { prior_reports: 5_000, ..LinkConfig::default() }
    }

    #[test]
    fn a_number_victims_of_several_operations_quote_is_a_hub_by_the_data_with_no_list() {
        // Four operations of five reports, each naming its own phone; one
        // victim of each also quotes a hotline no organisation listed. The
        // four share the hotline and nothing else.
        let hotline = "+6621111111";
        let mut reports = Vec::new();
        for operation in 0..4_i64 {
            let own = format!("+6681000000{operation}");
            for victim in 0..5 {
                let mut named = vec![(IndicatorKind::Phone, own.as_str())];
                if victim == 0 {
                    named.push((IndicatorKind::Phone, hotline));
                }
                reports.push(report(operation * 10 + victim + 1, &named, ""));
            }
        }
        let linker = Linker::rebuild(roomy(), reports.clone()).expect("distinct ids");
        let expected: Vec<Vec<ReportId>> = (0..4).map(|op| (op * 10 + 1..=op * 10 + 5).collect()).collect();
        assert_eq!(linker.partition_ids(), expected);
        let key = crate::features::phone_key(hotline);
        let campaigns = linker.campaigns(&everyone(&linker));
        let row = campaigns[0].indicators.iter().find(|row| row.value == key).expect("named");
        assert_eq!(row.role, IndicatorRole::Bridge { groups: 4 });
        assert_eq!(
            row.role.describe(),
            "treated as a hub: 4 groups share it and nothing else; relates them, never merges"
        );
        let mut added = Linker::new(roomy());
        for report in reports {
            added.add(report).expect("distinct ids");
        }
        assert_eq!(added.partition_ids(), expected);
    }

    #[test]
    fn a_name_crews_use_side_by_side_is_a_hub_and_one_operations_name_across_its_phases_links() {
        let day = |days: i64| DateTime::from_timestamp(1_700_000_000 + days * 86_400, 0).unwrap_or_default();
        let mut reports = Vec::new();
        // Three crews at the same time, each with its own phone, all using
        // the stock persona "Jason Lee".
        for crew in 0..3_i64 {
            let phone = format!("+6682000000{crew}");
            for victim in 0..6 {
                let mut one =
                    report(crew * 10 + victim + 1, &[(IndicatorKind::Phone, &phone)], "Jason Lee asked me to invest");
                one.received_at = day(victim * 5);
                reports.push(one);
            }
        }
        // One operation in three phases of a month, each with its own phone,
        // one persona throughout.
        for phase in 0..3_i64 {
            let phone = format!("+6683000000{phase}");
            for victim in 0..6 {
                let text = "Mentor Kalovex showed me the app";
                let mut one = report(100 + phase * 10 + victim, &[(IndicatorKind::Phone, &phone)], text);
                one.received_at = day(phase * 30 + victim * 4);
                reports.push(one);
            }
        }
        let linker = Linker::rebuild(roomy(), reports).expect("distinct ids");
        let partition = linker.partition_ids();
        let crews: Vec<Vec<ReportId>> = (0..3).map(|crew| (crew * 10 + 1..=crew * 10 + 6).collect()).collect();
        for crew in &crews {
            assert!(partition.contains(crew), "{partition:?}");
        }
        let phases: Vec<ReportId> = (0..3).flat_map(|phase| 100 + phase * 10..106 + phase * 10).collect();
        assert!(partition.contains(&phases), "{partition:?}");
        let campaigns = linker.campaigns(&everyone(&linker));
        let persona = campaigns[0].indicators.iter().find(|row| row.value == "jason lee").expect("a hub is shown");
        assert_eq!(persona.role, IndicatorRole::Bridge { groups: 3 });
        // Undated reports (a link index without times) cannot tell phases
        // from crews: the persona then links neither.
        let mut index = IndexedReports::default();
        let mut numbers: HashMap<Feature, u32> = HashMap::new();
        for campaign in &campaigns {
            for &id in &campaign.reports {
                let entry = &linker.entries[linker.by_id[&id] as usize];
                index.ids.push(id);
                index.features.push(entry.features.clone());
                index.signatures.push(None);
            }
        }
        for info in &linker.features {
            let next = numbers.len() as u32;
            numbers.insert(info.feature.clone(), next);
        }
        let table: Vec<Feature> = linker.features.iter().map(|info| info.feature.clone()).collect();
        let undated = Linker::partition_indexed(roomy(), table, index).expect("distinct ids");
        assert!(!undated.contains(&phases), "{undated:?}");
        assert!(undated.iter().all(|campaign| campaign.len() <= 6), "{undated:?}");
    }

    #[test]
    fn partitioning_the_index_gives_the_rebuilt_partition() {
        // Reports as the link index hands them back: features numbered in
        // another order, reports not in id order, near-duplicate texts and
        // bridges among 150 phone numbers.
        let config = LinkConfig { prior_reports: 20, min_weight: 12_f64.ln(), ..LinkConfig::default() };
        let values: Vec<String> = (0..150).map(|value| format!("+66810000{value:03}")).collect();
        let reports: Vec<LinkReport> = (0..400_usize)
            .map(|index| {
                let named = [values[index * 7 % 150].as_str(), values[index * index % 150].as_str()];
                let indicators: Vec<(IndicatorKind, &str)> =
                    named.iter().take(1 + index % 2).map(|&value| (IndicatorKind::Phone, value)).collect();
                report(index as ReportId + 1, &indicators, TEXTS[index % TEXTS.len()])
            })
            .collect();
        let rebuilt = Linker::rebuild(config.clone(), reports.clone()).expect("distinct ids");
        assert!(has_bridges(&rebuilt), "the case exercises bridges");
        let mut numbers: HashMap<Feature, u32> = HashMap::new();
        let mut index = IndexedReports::default();
        for report in reports.iter().rev() {
            let prepared = Prepared::of(&report.indicators, &report.text);
            let mut features: Vec<Feature> = prepared.features;
            features.reverse();
            let numbered = features
                .into_iter()
                .map(|feature| {
                    let next = numbers.len() as u32;
                    *numbers.entry(feature).or_insert(next)
                })
                .collect();
            index.ids.push(report.id);
            index.features.push(numbered);
            index.signatures.push(prepared.signature);
            index.received_at.push(report.received_at);
        }
        let mut table = vec![Feature { kind: FeatureKind::Phrase, value: String::new() }; numbers.len()];
        for (feature, number) in numbers {
            table[number as usize] = feature;
        }
        let indexed = Linker::partition_indexed(config, table, index).expect("distinct ids");
        assert_eq!(indexed, rebuilt.partition_ids());
        assert!(indexed.iter().any(|campaign| campaign.len() > 2));
    }

    #[test]
    fn pair_agreement_counts_pairs_together_in_either() {
        assert_eq!(pair_agreement(&[vec![1, 2, 3]], &[vec![1, 2, 3]]), 1.0);
        assert_eq!(pair_agreement(&[vec![1], vec![2]], &[vec![1], vec![2]]), 1.0);
        // Together: {12, 13, 23} against {12}: one of three.
        assert!((pair_agreement(&[vec![1, 2, 3]], &[vec![1, 2], vec![3]]) - 1.0 / 3.0).abs() < 1e-9);
    }
}
