//! Campaigns as one viewer sees them: each stored campaign re-partitioned
//! over the reports the viewer may read, with the case's hub decisions, so
//! an unreadable report never joins two readable ones; each named by its
//! opaque id ([`crate::campaign_ids`]) and a readable name.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use crackdown_link::{Campaign, CampaignIndicator, FeatureKind, IndicatorRole, LinkConfig, Linker};
use crackdown_model::Viewer;
use crackdown_store::{LinkInput, Store, StoreError};
use serde::Serialize;

use super::{link_config, link_report, part_config};
use crate::campaign_ids::{CampaignIds, CampaignRef};

/// A campaign as a viewer sees it: the fields, with reports named by
/// the id given at import when there is one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignView {
    /// Opaque and stable (see [`crate::campaign_ids`]).
    pub id: String,
    /// Readable: its scam type and its most specific indicator.
    pub name: String,
    pub reports: Vec<serde_json::Value>,
    pub indicators: Vec<CampaignIndicator>,
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

/// One stored campaign as the caller reads it: its key, how many reports
/// it holds in all, and the readable ones.
struct StoredPart<'a> {
    key: i64,
    size: usize,
    inputs: Vec<&'a LinkInput>,
}

/// The campaigns the viewer's readable reports form inside one stored
/// campaign: the whole of it keeps the stored campaign's id, a part (the
/// viewer may not read all, or the unreadable reports were what held it
/// together) is named by its smallest report.
fn view_part(
    store: &Store,
    config: &LinkConfig,
    ids: &CampaignIds,
    stored: &StoredPart<'_>,
    linked: usize,
) -> Result<Vec<CampaignView>, StoreError> {
    let inputs = &stored.inputs;
    let common = if inputs.len() > 1 {
        store.common_features(stored.key, config.max_reports(linked) as i64)?
    } else {
        Vec::new()
    };
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
    Ok(linker
        .campaigns(&readable)
        .into_iter()
        .map(|campaign| {
            let whole = campaign.reports.len() == stored.size;
            let id = ids.encode(CampaignRef { key: stored.key, part: (!whole).then_some(campaign.id) });
            to_view(campaign, id, &names, inputs)
        })
        .collect())
}

fn to_view(
    campaign: Campaign,
    id: String,
    names: &HashMap<i64, serde_json::Value>,
    inputs: &[&LinkInput],
) -> CampaignView {
    CampaignView {
        id,
        name: name_of(&campaign, inputs),
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

/// "delivery toll · etollservices.asia": the scam type most of its reports
/// have and the most specific value that links them (a value, not a name
/// phrase or brand stem, when there is one), so that people can tell
/// campaigns apart in a list and say which one they mean.
fn name_of(campaign: &Campaign, inputs: &[&LinkInput]) -> String {
    let scam_type = campaign
        .scam_types
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(scam_type, _)| scam_type.replace('_', " "));
    let is_value = |indicator: &&CampaignIndicator| !matches!(indicator.kind, FeatureKind::Phrase | FeatureKind::Brand);
    let linking = |indicator: &&CampaignIndicator| indicator.role == IndicatorRole::Links;
    let key = most_specific(campaign.indicators.iter().filter(linking).filter(is_value).collect())
        .or_else(|| most_specific(campaign.indicators.iter().filter(linking).collect()))
        .or_else(|| campaign.indicators.iter().find(is_value))
        .map(|indicator| shown(indicator, inputs));
    match (scam_type, key) {
        (Some(scam_type), Some(key)) => format!("{scam_type} · {key}"),
        (Some(scam_type), None) => format!("{scam_type} · {} reports", campaign.reports.len()),
        (None, Some(key)) => key,
        (None, None) => format!("{} reports", campaign.reports.len()),
    }
}

/// A value as the reports wrote it normalized: a phone links by its national
/// digits, but people know it by its international form.
fn shown(indicator: &CampaignIndicator, inputs: &[&LinkInput]) -> String {
    if indicator.kind != FeatureKind::Phone {
        return indicator.value.clone();
    }
    inputs
        .iter()
        .flat_map(|input| &input.indicators)
        .find(|(kind, value)| (kind == "phone" || kind == "whatsapp") && value.ends_with(&indicator.value))
        .map_or_else(|| indicator.value.clone(), |(_, value)| value.clone())
}

/// The value with the most weight, then the most reports.
fn most_specific(candidates: Vec<&CampaignIndicator>) -> Option<&CampaignIndicator> {
    candidates
        .into_iter()
        .max_by(|a, b| a.weight.total_cmp(&b.weight).then(a.reports.cmp(&b.reports)).then(b.value.cmp(&a.value)))
}

/// The stored campaigns among `stored` (key and readable members) with the
/// readable inputs of each.
fn stored_parts<'a>(
    store: &Store,
    stored: &[(i64, Vec<i64>)],
    by_id: &HashMap<i64, &'a LinkInput>,
) -> Result<Vec<StoredPart<'a>>, StoreError> {
    let keys: Vec<i64> = stored.iter().map(|(key, _)| *key).collect();
    let sizes = store.campaign_sizes(&keys)?;
    Ok(stored
        .iter()
        .map(|(key, members)| StoredPart {
            key: *key,
            size: sizes.get(key).copied().unwrap_or(0),
            inputs: members.iter().filter_map(|id| by_id.get(id).copied()).collect(),
        })
        .filter(|part| !part.inputs.is_empty())
        .collect())
}

/// The campaigns `viewer` may see, oldest first; single-report ones only
/// with `all`.
pub fn campaigns(store: &Store, viewer: &Viewer, all: bool) -> Result<Vec<CampaignView>, StoreError> {
    let config = link_config(store)?;
    let ids = CampaignIds::of(store)?;
    let linked = store.linked_reports()? as usize;
    let stored = store.visible_campaigns(viewer, if all { 1 } else { 2 })?;
    let members: Vec<i64> = stored.iter().flat_map(|(_, members)| members.iter().copied()).collect();
    let inputs = store.visible_link_inputs(viewer, &members)?;
    let by_id: HashMap<i64, &LinkInput> = inputs.iter().map(|input| (input.id, input)).collect();
    let mut views = Vec::new();
    for part in stored_parts(store, &stored, &by_id)? {
        views.extend(view_part(store, &config, &ids, &part, linked)?);
    }
    if !all {
        views.retain(|view| view.report_ids.len() > 1);
    }
    views.sort_by_key(|view| (view.first_seen, view.report_ids.first().copied()));
    Ok(views)
}

/// One campaign the viewer may see, by its id.
pub fn campaign(store: &Store, viewer: &Viewer, id: &str) -> Result<CampaignView, StoreError> {
    let config = link_config(store)?;
    campaign_with_inputs(store, &config, viewer, id).map(|(view, _)| view)
}

/// The viewer's campaign `id` with the link inputs of the readable reports
/// of its stored campaign. An id that is no campaign of this installation,
/// or one the viewer cannot see (all of it, or that part), is not found.
pub(super) fn campaign_with_inputs(
    store: &Store,
    config: &LinkConfig,
    viewer: &Viewer,
    id: &str,
) -> Result<(CampaignView, Vec<LinkInput>), StoreError> {
    let not_found = || StoreError::NotFound(format!("campaign {id}"));
    let ids = CampaignIds::of(store)?;
    let wanted = ids.decode(id).ok_or_else(not_found)?;
    let linked = store.linked_reports()? as usize;
    let members = store.visible_campaign(viewer, wanted.key)?;
    if members.is_empty() || wanted.part.is_some_and(|first| !members.contains(&first)) {
        return Err(not_found());
    }
    let inputs = store.visible_link_inputs(viewer, &members)?;
    let by_id: HashMap<i64, &LinkInput> = inputs.iter().map(|input| (input.id, input)).collect();
    let mut view = None;
    for part in stored_parts(store, &[(wanted.key, members.clone())], &by_id)? {
        view = view_part(store, config, &ids, &part, linked)?.into_iter().find(|view| view.id == id.trim());
    }
    let view = view.ok_or_else(not_found)?;
    Ok((view, inputs))
}

/// The campaign (of two reports or more, as the viewer sees it) of each of
/// `reports` the viewer may read, for linking reports to their campaign.
/// Reports the viewer may not read, or alone in their campaign, are absent.
pub fn campaigns_of_reports(
    store: &Store,
    viewer: &Viewer,
    reports: &[i64],
) -> Result<BTreeMap<i64, String>, StoreError> {
    let config = link_config(store)?;
    let ids = CampaignIds::of(store)?;
    let linked = store.linked_reports()? as usize;
    let wanted: HashSet<i64> = reports.iter().copied().collect();
    let mut found: BTreeMap<i64, String> = BTreeMap::new();
    let mut done: HashSet<i64> = HashSet::new();
    for &report in reports {
        if !done.insert(report) {
            continue;
        }
        let (key, members) = match store.visible_campaign_of(viewer, report) {
            Ok(found) => found,
            Err(StoreError::NotFound(_)) => continue,
            Err(error) => return Err(error),
        };
        done.extend(members.iter().copied());
        let inputs = store.visible_link_inputs(viewer, &members)?;
        let by_id: HashMap<i64, &LinkInput> = inputs.iter().map(|input| (input.id, input)).collect();
        for part in stored_parts(store, &[(key, members)], &by_id)? {
            for view in view_part(store, &config, &ids, &part, linked)? {
                if view.report_ids.len() < 2 {
                    continue;
                }
                for report in view.report_ids.iter().filter(|report| wanted.contains(report)) {
                    found.insert(*report, view.id.clone());
                }
            }
        }
    }
    Ok(found)
}
