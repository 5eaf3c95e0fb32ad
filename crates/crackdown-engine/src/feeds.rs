//! Sharing feeds (served as TAXII 2.1 collections by `crackdown serve`):
//! one for the caller's organisation and one per community it belongs to.
//! A feed's objects are exactly the STIX objects the caller's own partner
//! export of the feed's reports contains ([`crate::export`]): the same
//! access rules, markings and omissions, with nothing decided here beyond
//! which reports a feed is drawn from and how high its marking goes.
//!
//! - The organisation's feed: its reports the caller may read, up to
//!   AMBER+STRICT (the caller's own organisation may hold those). RED never:
//!   it is for named recipients, not for a machine feed.
//! - A community's feed: what its members share in it (CLEAR and GREEN
//!   reports of member organisations, their AMBER reports shared with the
//!   community) that the caller may read, up to AMBER.
//!
//! Feed ids are keyed hashes of the organisation or community id under an
//! installation secret: stable, and saying nothing about the store.

use chrono::{DateTime, Utc};
use crackdown_model::{Tlp, Viewer};
use crackdown_share::ids::stable_uuid;
use crackdown_store::{FeedScope, Store, StoreError};
use serde_json::Value;

use crate::export::{self, ExportError, ExportRequest, Selection, ShareFormat};

/// The installation secret feed ids are derived under.
const SECRET: &str = "feed-ids";

/// One feed the caller may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    /// A UUID (the TAXII collection id).
    pub id: String,
    pub title: String,
    pub description: String,
    pub scope: FeedScope,
}

impl Feed {
    /// The most restricted marking the feed carries.
    pub fn tlp_max(&self) -> Tlp {
        match self.scope {
            FeedScope::OwnOrg => Tlp::AmberStrict,
            FeedScope::Community(_) => Tlp::Amber,
        }
    }
}

/// The feeds `viewer` may read: their organisation's, then one per
/// community their organisation belongs to (an operator admin, who may list
/// every community, still gets only their organisation's).
pub fn feeds(store: &Store, viewer: &Viewer) -> Result<Vec<Feed>, StoreError> {
    let secret: String = store.installation_secret(SECRET)?.iter().map(|byte| format!("{byte:02x}")).collect();
    let id = |kind: &str, of: i64| stable_uuid(&[&secret, kind, &of.to_string()]).to_string();
    let org = store.own_org_name(viewer)?;
    let mut feeds = vec![Feed {
        id: id("org", viewer.org_id),
        title: format!("{org}: own reports"),
        description: format!("Reports of {org} up to TLP:AMBER+STRICT, as its partner export carries them."),
        scope: FeedScope::OwnOrg,
    }];
    for community in store.communities(viewer)? {
        if !community.members.contains(&org) {
            continue;
        }
        feeds.push(Feed {
            id: id("community", community.id),
            title: format!("Community {}", community.name),
            description: format!(
                "What the members of {} share in it (CLEAR, GREEN, and AMBER shared with it).",
                community.name
            ),
            scope: FeedScope::Community(community.id),
        });
    }
    Ok(feeds)
}

/// One STIX object of a feed, with when the feed added it.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedObject {
    pub id: String,
    /// When the object (in this version) entered the feed: the time of the
    /// report that brought it (see [`feed_objects`]).
    pub date_added: DateTime<Utc>,
    /// The object's version: its `modified`, else `created`, else `date_added`.
    pub version: String,
    pub object: Value,
}

/// The objects of `feed` as `viewer` may read them, ordered by date added,
/// then id (the order feed pages follow).
///
/// The store keeps no separate "added" time, so it is derived from the
/// objects' own times, which the export derives from the reports: a report
/// is added when received, an indicator when first named, a campaign when
/// last seen; an observable with its indicator (the object written after
/// it); relationships and the producer's identity, which carry the export's
/// creation time, at the newest report's time, so they stay put until a new
/// report arrives.
pub fn feed_objects(store: &Store, viewer: &Viewer, feed: &Feed) -> Result<Vec<FeedObject>, ExportError> {
    let reports = store.feed_reports(viewer, feed.scope, feed.tlp_max())?;
    let Some(newest) = reports.iter().map(|(_, received)| *received).max() else {
        return Ok(Vec::new());
    };
    let request = ExportRequest {
        format: ShareFormat::Stix,
        selection: Selection::Reports(reports.iter().map(|(id, _)| *id).collect()),
        tlp_max: feed.tlp_max(),
        with_text: false,
    };
    let mut bundle = Vec::new();
    export::export(store, viewer, &request, newest, &mut bundle)?;
    let bundle: Value = serde_json::from_slice(&bundle).map_err(|error| {
        ExportError::Share(crackdown_share::ShareError::Io(std::io::Error::other(format!(
            "the STIX export is not JSON: {error}"
        ))))
    })?;
    let Some(Value::Array(objects)) = bundle.get("objects").cloned() else {
        return Ok(Vec::new());
    };
    Ok(dated(objects, newest))
}

fn time_of(object: &Value, property: &str) -> Option<DateTime<Utc>> {
    object
        .get(property)
        .and_then(Value::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|time| time.to_utc())
}

/// Dates the objects (see [`feed_objects`]), keeps the first of any
/// repeated id, and orders them.
fn dated(objects: Vec<Value>, fallback: DateTime<Utc>) -> Vec<FeedObject> {
    let mut out: Vec<FeedObject> = Vec::with_capacity(objects.len());
    let mut undated: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |out: &mut Vec<FeedObject>, object: Value, date_added: DateTime<Utc>| {
        let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_owned) else {
            return;
        };
        if !seen.insert(id.clone()) {
            return;
        }
        let version = ["modified", "created"]
            .iter()
            .find_map(|property| object.get(*property).and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| crackdown_share::stix::timestamp(date_added));
        out.push(FeedObject { id, date_added, version, object });
    };
    for object in objects {
        let Some(date_added) = time_of(&object, "modified").or_else(|| time_of(&object, "created")) else {
            undated.push(object);
            continue;
        };
        for observable in undated.drain(..) {
            push(&mut out, observable, date_added);
        }
        push(&mut out, object, date_added);
    }
    for observable in undated {
        push(&mut out, observable, fallback);
    }
    out.sort_by(|left, right| left.date_added.cmp(&right.date_added).then_with(|| left.id.cmp(&right.id)));
    out
}
