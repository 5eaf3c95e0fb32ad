//! `crackdown taxii pull`: reads a partner's TAXII 2.1 collection page by
//! page and stores what it holds through the one intake path of shared
//! imports ([`crate::share_import`]), with the server and collection as the
//! feed, resuming where the organisation's previous pull of that collection
//! ended (kept in the database, so any machine running the pull resumes).
//!
//! The transport is a [`TaxiiSource`] (the binary's HTTP client, which
//! applies the outbound address rules; a fake in tests), so the paging,
//! resume and import rules here are the same for every server.
//!
//! What a pull reads since its resume point is imported as one bundle:
//! whole or not at all, and the resume point moves only when it was stored.
//! A collection pages by date added, so an object added since may refer to
//! one the previous pull already read (a new report naming an indicator
//! first seen long ago); such references are fetched by id
//! (`match[id]`) so the bundle is whole, as the STIX reader requires.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use crackdown_model::Viewer;
use crackdown_share::Provenance;
use crackdown_share::markings::well_known_marking;
use crackdown_store::{ShareOptions, Store, StoreError};
use serde_json::Value;

use crate::export::ShareFormat;
use crate::share_import::{SharedImport, SharedImportError, import_shared_into};

/// Objects asked for per page (servers may send fewer; ours sends at most 1,000).
pub const PAGE_LIMIT: usize = 1_000;
/// Ids asked for at once when fetching referenced objects (they go in the query string).
const IDS_PER_REQUEST: usize = 50;
/// Pages one pull reads at most: a server answering `more` forever is cut off.
const MAX_PAGES: usize = 100_000;

/// One request for a page of a collection's objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// `added_after`, as the server wrote it.
    pub added_after: Option<String>,
    /// `next` of the previous page.
    pub next: Option<String>,
    /// `match[id]`: only these objects.
    pub ids: Vec<String>,
    pub limit: usize,
}

/// One page of objects as the server sent it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaxiiPage {
    pub objects: Vec<Value>,
    pub more: bool,
    pub next: Option<String>,
    /// `X-TAXII-Date-Added-Last`: when the page's newest object was added.
    pub date_added_last: Option<String>,
}

/// Where pages come from: one collection of one TAXII server.
pub trait TaxiiSource {
    /// The page `request` asks for, or why the server could not be read.
    fn page(&mut self, request: &PageRequest) -> Result<TaxiiPage, String>;
}

/// What to pull and under which names.
#[derive(Clone, Debug)]
pub struct PullRequest {
    /// The server's API root, as given (kept with the resume point).
    pub server_url: String,
    pub collection: String,
    /// Who shares it (kept with every report; the server's host by default).
    pub partner: String,
    /// Start after this time instead of the stored resume point.
    pub added_after: Option<DateTime<Utc>>,
}

/// What a pull did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PullSummary {
    pub server_url: String,
    pub collection: String,
    /// Where it started (`added_after`), if anywhere.
    pub resumed_from: Option<String>,
    pub pages: usize,
    /// Objects the pages held.
    pub objects: usize,
    /// Objects fetched by id because new objects referred to them.
    pub referenced: usize,
    /// Where the next pull starts.
    pub resume_point: Option<String>,
    pub import: SharedImport,
}

/// Why a pull stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("{0}")]
    Source(String),
    #[error(transparent)]
    Import(#[from] SharedImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads `request.collection` from `source` since the resume point and
/// stores it as `viewer`; `progress` hears one line per step.
pub fn pull(
    store: &Store,
    viewer: &Viewer,
    source: &mut dyn TaxiiSource,
    request: &PullRequest,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&str),
) -> Result<PullSummary, PullError> {
    let resumed_from = match request.added_after {
        Some(time) => Some(crackdown_share::stix::timestamp(time)),
        None => store.taxii_pull_resume(viewer, &request.server_url, &request.collection)?,
    };
    let mut summary = PullSummary {
        server_url: request.server_url.clone(),
        collection: request.collection.clone(),
        resumed_from: resumed_from.clone(),
        resume_point: resumed_from.clone(),
        ..PullSummary::default()
    };
    let mut objects: Vec<Value> = Vec::new();
    let mut page_request =
        PageRequest { added_after: resumed_from.clone(), next: None, ids: Vec::new(), limit: PAGE_LIMIT };
    loop {
        let page = source.page(&page_request).map_err(PullError::Source)?;
        summary.pages += 1;
        summary.objects += page.objects.len();
        if let Some(last) = &page.date_added_last
            && summary.resume_point.as_ref().is_none_or(|point| later(last, point))
        {
            summary.resume_point = Some(last.clone());
        }
        progress(&format!("page {}: {} object(s), {} so far", summary.pages, page.objects.len(), summary.objects));
        let received = page.objects.len();
        objects.extend(page.objects);
        if !page.more {
            break;
        }
        if summary.pages >= MAX_PAGES {
            return Err(PullError::Source(format!("the server still says more after {MAX_PAGES} pages")));
        }
        match page.next {
            Some(next) if page_request.next.as_ref() != Some(&next) => page_request.next = Some(next),
            // A server without `next` pages by `added_after` alone (TAXII 2.1 §3.4.2).
            _ if received > 0 && page.date_added_last.is_some() => {
                page_request.next = None;
                page_request.added_after = page.date_added_last;
            }
            _ => return Err(PullError::Source("the server says more but gives no way to the next page".into())),
        }
    }
    if objects.is_empty() {
        progress("nothing new");
        return Ok(summary);
    }
    let missing = missing_references(&objects);
    if !missing.is_empty() {
        progress(&format!("fetching {} object(s) the new ones refer to", missing.len()));
        let fetched = fetch_by_id(source, &missing)?;
        summary.referenced = fetched.len();
        objects.extend(fetched);
    }
    let bundle_id = crackdown_share::ids::stable_uuid(&[
        &request.server_url,
        &request.collection,
        resumed_from.as_deref().unwrap_or(""),
        &crackdown_share::stix::timestamp(now),
    ]);
    let bundle = serde_json::to_vec(&serde_json::json!({
        "type": "bundle",
        "id": format!("bundle--{bundle_id}"),
        "objects": objects,
    }))
    .map_err(|error| PullError::Source(format!("cannot assemble the bundle: {error}")))?;
    let provenance = Provenance { partner: request.partner.clone(), feed: feed_name(request), received_at: now };
    summary.import =
        import_shared_into(store, viewer, ShareFormat::Stix, bundle.as_slice(), &provenance, ShareOptions::default())?;
    if let Some(point) = &summary.resume_point {
        store.save_taxii_pull_resume(viewer, &request.server_url, &request.collection, point, now)?;
    }
    progress(&format!("stored {} report(s), {} already stored", summary.import.imported, summary.import.duplicates));
    Ok(summary)
}

/// The feed a pull's reports name: the server and the collection.
pub fn feed_name(request: &PullRequest) -> String {
    format!("TAXII {} collection {}", request.server_url, request.collection)
}

/// Whether timestamp `left` is after `right` (compared as times; as text
/// when either is no RFC 3339 time, which a server should not send).
fn later(left: &str, right: &str) -> bool {
    match (DateTime::parse_from_rfc3339(left), DateTime::parse_from_rfc3339(right)) {
        (Ok(left), Ok(right)) => left > right,
        _ => left > right,
    }
}

/// Ids the objects refer to (contents, relationship ends, markings other
/// than the official TLP ones) that are not among them.
fn missing_references(objects: &[Value]) -> Vec<String> {
    let present: HashSet<&str> = objects.iter().filter_map(|object| object.get("id")?.as_str()).collect();
    let mut missing: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for object in objects {
        let lists = ["object_refs", "object_marking_refs"]
            .iter()
            .filter_map(|name| object.get(*name)?.as_array())
            .flatten()
            .filter_map(Value::as_str);
        let ends = ["source_ref", "target_ref"].iter().filter_map(|name| object.get(*name)?.as_str());
        for reference in lists.chain(ends) {
            if present.contains(reference) || well_known_marking(reference).is_some() || !seen.insert(reference) {
                continue;
            }
            missing.push(reference.to_owned());
        }
    }
    missing
}

/// The objects with these ids, as the collection holds them (those it does
/// not hold are left out: the import then names the dangling reference).
fn fetch_by_id(source: &mut dyn TaxiiSource, ids: &[String]) -> Result<Vec<Value>, PullError> {
    let mut fetched = Vec::new();
    for chunk in ids.chunks(IDS_PER_REQUEST) {
        let mut request = PageRequest { ids: chunk.to_vec(), limit: PAGE_LIMIT, ..PageRequest::default() };
        for _ in 0..MAX_PAGES {
            let page = source.page(&request).map_err(PullError::Source)?;
            fetched.extend(page.objects);
            match (page.more, page.next) {
                (true, Some(next)) if request.next.as_ref() != Some(&next) => request.next = Some(next),
                _ => break,
            }
        }
    }
    Ok(fetched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_outside_the_pages_are_found_once_official_markings_never() {
        let objects = vec![
            json!({"id": "report--1", "object_refs": ["indicator--a", "indicator--b", "indicator--a"],
                   "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}),
            json!({"id": "indicator--b"}),
            json!({"id": "relationship--1", "source_ref": "indicator--b", "target_ref": "campaign--c",
                   "object_marking_refs": ["marking-definition--custom"]}),
        ];
        assert_eq!(missing_references(&objects), ["indicator--a", "marking-definition--custom", "campaign--c"]);
    }

    /// A collection of (date added, object), paged two at a time, with or
    /// without `next` cursors; `broken_next` answers `more` with the same
    /// cursor forever.
    struct FakeServer {
        objects: Vec<(String, Value)>,
        with_next: bool,
        broken_next: bool,
        requests: usize,
    }

    impl TaxiiSource for FakeServer {
        fn page(&mut self, request: &PageRequest) -> Result<TaxiiPage, String> {
            self.requests += 1;
            if !request.ids.is_empty() {
                let objects = self
                    .objects
                    .iter()
                    .filter(|(_, object)| request.ids.iter().any(|id| object["id"] == id.as_str()))
                    .map(|(_, object)| object.clone())
                    .collect();
                return Ok(TaxiiPage { objects, ..TaxiiPage::default() });
            }
            let after: Vec<&(String, Value)> = self
                .objects
                .iter()
                .filter(|(added, _)| request.added_after.as_ref().is_none_or(|after| later(added, after)))
                .collect();
            let start: usize = request.next.as_deref().map_or(Ok(0), str::parse).map_err(|_| "bad next")?;
            let page: Vec<&(String, Value)> = after.iter().skip(start).take(2).copied().collect();
            let more = self.broken_next || start + page.len() < after.len();
            Ok(TaxiiPage {
                objects: page.iter().map(|(_, object)| object.clone()).collect(),
                more,
                next: (more && self.with_next)
                    .then(|| if self.broken_next { "0".into() } else { (start + 2).to_string() }),
                date_added_last: page.last().map(|(added, _)| added.clone()),
            })
        }
    }

    const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

    fn phone(n: u32, added: &str) -> (String, Value) {
        let object = json!({"type": "phone-number", "spec_version": "2.1", "value": format!("+6681234{n:04}"),
            "id": format!("phone-number--00000000-0000-4000-8000-{n:012}"), "object_marking_refs": [CLEAR]});
        (added.to_owned(), object)
    }

    fn setup() -> (tempfile::TempDir, Store, Viewer) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open_sqlite(dir.path()).expect("store");
        let operator = store.operator(Utc::now()).expect("operator");
        (dir, store, operator)
    }

    fn request() -> PullRequest {
        PullRequest {
            server_url: "https://taxii.partner.example/api1/".into(),
            collection: "c-1".into(),
            partner: "partner".into(),
            added_after: None,
        }
    }

    #[test]
    fn a_server_without_cursors_pages_by_added_after_and_the_next_pull_resumes() {
        let (_dir, store, operator) = setup();
        let mut server = FakeServer {
            objects: (1..=5).map(|n| phone(n, &format!("2024-01-0{n}T00:00:00.000Z"))).collect(),
            with_next: false,
            broken_next: false,
            requests: 0,
        };
        let summary = pull(&store, &operator, &mut server, &request(), Utc::now(), &mut |_| {}).expect("pull");
        assert_eq!((summary.objects, summary.pages, summary.import.imported), (5, 3, 5), "{summary:?}");
        assert_eq!(summary.resume_point.as_deref(), Some("2024-01-05T00:00:00.000Z"));
        server.objects.push(phone(6, "2024-01-06T00:00:00.000Z"));
        let again = pull(&store, &operator, &mut server, &request(), Utc::now(), &mut |_| {}).expect("pull");
        assert_eq!(again.resumed_from.as_deref(), Some("2024-01-05T00:00:00.000Z"));
        assert_eq!((again.objects, again.import.imported), (1, 1), "only the new object: {again:?}");
    }

    #[test]
    fn a_refused_pull_stores_nothing_and_keeps_the_resume_point() {
        let (_dir, store, operator) = setup();
        let report = json!({"type": "report", "spec_version": "2.1", "id": "report--00000000-0000-4000-8000-000000000001",
            "created": "2024-01-02T00:00:00.000Z", "modified": "2024-01-02T00:00:00.000Z", "name": "r",
            "published": "2024-01-02T00:00:00.000Z",
            "object_refs": ["indicator--00000000-0000-4000-8000-00000000dead"]});
        let mut server = FakeServer {
            objects: vec![phone(1, "2024-01-01T00:00:00.000Z"), ("2024-01-02T00:00:00.000Z".into(), report)],
            with_next: true,
            broken_next: false,
            requests: 0,
        };
        let error = pull(&store, &operator, &mut server, &request(), Utc::now(), &mut |_| {}).expect_err("dangling");
        assert!(error.to_string().contains("indicator--00000000-0000-4000-8000-00000000dead"), "{error}");
        assert_eq!(server.requests, 2, "one page, one fetch of the missing object by id");
        assert_eq!(store.taxii_pull_resume(&operator, &request().server_url, "c-1").expect("read"), None);

        let mut endless = FakeServer { broken_next: true, ..server };
        let error = pull(&store, &operator, &mut endless, &request(), Utc::now(), &mut |_| {}).expect_err("loop");
        assert!(error.to_string().contains("no way to the next page"), "{error}");
    }

    #[test]
    fn times_compare_as_times() {
        assert!(later("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.000Z"));
        assert!(!later("2024-01-01T01:00:00+02:00", "2024-01-01T00:00:00Z"));
    }
}
