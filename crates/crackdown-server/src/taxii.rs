//! TAXII 2.1 under `/taxii2/`: discovery, one API root, the caller's
//! collections and their objects, manifests and versions, so a partner's
//! threat-intelligence platform can poll what the caller may share; and
//! (`taxii_write.rs`) adding objects to a collection and their status.
//! Collections are the engine's feeds ([`crackdown_engine::feeds`]): the
//! engine decides what the caller may read; this module only pages and
//! filters what it returns.
//!
//! Every answer is `application/taxii+json;version=2.1`; errors are TAXII
//! error messages. A request whose `Accept` admits neither TAXII nor STIX
//! 2.1 JSON is refused with 406 before anything else. The bearer token is
//! the API's (`Authorization: Bearer cdk_…`).

use std::collections::HashSet;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use crackdown_engine::feeds::{self, Feed, FeedObject};
use crackdown_share::stix::timestamp;
use serde_json::{Value, json};
use utoipa::OpenApi;

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

/// The media type of every TAXII answer.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// The media type of the objects collections hold.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// Where the one API root lives.
const API_ROOT: &str = "/taxii2/api/";
/// Objects per page unless the client asks for fewer.
const DEFAULT_LIMIT: usize = 100;
/// The most objects one page holds, whatever the client asks.
const MAX_LIMIT: usize = 1_000;
/// The largest request body the API root accepts (the API's own limit).
pub(crate) const MAX_CONTENT_LENGTH: usize = 16 << 20;

#[derive(OpenApi)]
#[openapi(paths(
    discovery,
    api_root,
    collections,
    collection,
    objects,
    object,
    versions,
    manifest,
    crate::taxii_write::add_objects,
    crate::taxii_write::status
))]
pub struct TaxiiDoc;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/api/", get(api_root))
        .route("/taxii2/api/collections/", get(collections))
        .route("/taxii2/api/collections/{collection}/", get(collection))
        .route("/taxii2/api/collections/{collection}/objects/", get(objects).post(crate::taxii_write::add_objects))
        .route("/taxii2/api/collections/{collection}/objects/{object}/", get(object))
        .route("/taxii2/api/collections/{collection}/objects/{object}/versions/", get(versions))
        .route("/taxii2/api/collections/{collection}/manifest/", get(manifest))
        .route("/taxii2/api/status/{status}/", get(crate::taxii_write::status))
        .layer(axum::middleware::from_fn(negotiate))
}

/// Whether an `Accept` header admits a TAXII 2.1 answer: one of its media
/// ranges (not weighted `q=0`) is TAXII or STIX JSON at version 2.1 (or
/// without a version), `application/*` or `*/*`. No header admits anything.
pub(crate) fn accepts_taxii(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let mut version_ok = true;
        let mut weighted_out = false;
        for parameter in parts {
            let Some((name, value)) = parameter.split_once('=') else { continue };
            let value = value.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "version" => version_ok = value == "2.1",
                "q" => weighted_out = value.parse::<f32>().is_ok_and(|q| q <= 0.0),
                _ => {}
            }
        }
        !weighted_out
            && match media.as_str() {
                "*/*" | "application/*" => true,
                "application/taxii+json" | "application/stix+json" => version_ok,
                _ => false,
            }
    })
}

/// Refuses, with 406 and a TAXII error, a request whose `Accept` admits no
/// TAXII 2.1 answer (TAXII 2.1 §1.6.8).
async fn negotiate(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let accept =
        request.headers().get_all(header::ACCEPT).iter().map(|value| value.to_str().unwrap_or("")).collect::<Vec<_>>();
    if !accept.is_empty() && !accepts_taxii(&accept.join(",")) {
        return TaxiiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "Not acceptable",
            format!(
                "this server answers {TAXII_MEDIA_TYPE} (objects also as {STIX_MEDIA_TYPE}); Accept admits neither"
            ),
        )
        .into_response();
    }
    next.run(request).await
}

/// A TAXII error message, answered with its status.
#[derive(Debug)]
pub(crate) struct TaxiiError {
    status: StatusCode,
    title: String,
    description: String,
}

impl TaxiiError {
    pub(crate) fn new(status: StatusCode, title: &str, description: impl Into<String>) -> TaxiiError {
        TaxiiError { status, title: title.to_owned(), description: description.into() }
    }

    pub(crate) fn bad_request(description: impl Into<String>) -> TaxiiError {
        TaxiiError::new(StatusCode::BAD_REQUEST, "Bad request", description)
    }

    pub(crate) fn not_found(what: &str) -> TaxiiError {
        TaxiiError::new(StatusCode::NOT_FOUND, "Not found", format!("no {what} you may read has this id"))
    }
}

impl From<ApiError> for TaxiiError {
    /// The API's errors (a failed token, a store failure) in TAXII's form;
    /// their messages are already safe to show.
    fn from(error: ApiError) -> TaxiiError {
        let status = error.status();
        let description = match status {
            StatusCode::UNAUTHORIZED => "send a valid bearer token (Authorization: Bearer cdk_...)".to_owned(),
            StatusCode::INTERNAL_SERVER_ERROR => "internal error; the server log has the details".to_owned(),
            _ => status.canonical_reason().unwrap_or("error").to_owned(),
        };
        TaxiiError::new(status, status.canonical_reason().unwrap_or("Error"), description)
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.title,
            "description": self.description,
            "http_status": self.status.as_u16().to_string(),
        });
        let mut response = taxii_json(&body, HeaderMap::new());
        *response.status_mut() = self.status;
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"crackdown TAXII\""));
        }
        response
    }
}

/// A TAXII answer with `headers` added.
pub(crate) fn taxii_json(body: &Value, mut headers: HeaderMap) -> Response {
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    (headers, body.to_string()).into_response()
}

/// The caller, or 401 with `WWW-Authenticate`.
pub(crate) fn caller(auth: Result<Auth, ApiError>) -> Result<crackdown_model::Viewer, TaxiiError> {
    auth.map(|Auth(viewer)| viewer).map_err(TaxiiError::from)
}

/// Server discovery: the one API root.
#[utoipa::path(get, path = "/taxii2/", tag = "taxii",
    responses((status = 200, description = "Server discovery", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn discovery(auth: Result<Auth, ApiError>) -> Result<Response, TaxiiError> {
    caller(auth)?;
    let body = json!({
        "title": "crackdown",
        "description": "Scam reports, indicators and campaigns the caller may share, as STIX 2.1.",
        "default": API_ROOT,
        "api_roots": [API_ROOT],
    });
    Ok(taxii_json(&body, HeaderMap::new()))
}

/// The API root's information.
#[utoipa::path(get, path = "/taxii2/api/", tag = "taxii",
    responses((status = 200, description = "The API root", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn api_root(auth: Result<Auth, ApiError>) -> Result<Response, TaxiiError> {
    caller(auth)?;
    let body = json!({
        "title": "crackdown sharing",
        "description": "One collection for the caller's organisation and one per community it belongs to.",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": MAX_CONTENT_LENGTH,
    });
    Ok(taxii_json(&body, HeaderMap::new()))
}

/// A collection as TAXII describes it. The caller may add objects to each
/// of their collections when their role may create reports: what they add
/// is stored as their organisation's reports (shared with the community
/// whose collection it is), so no other rule is needed.
fn collection_resource(feed: &Feed, viewer: &crackdown_model::Viewer) -> Value {
    json!({
        "id": feed.id,
        "title": feed.title,
        "description": feed.description,
        "can_read": true,
        "can_write": viewer.role.may_write(),
        "media_types": [STIX_MEDIA_TYPE],
    })
}

#[utoipa::path(get, path = "/taxii2/api/collections/", tag = "taxii",
    responses((status = 200, description = "The caller's collections", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn collections(State(state): State<AppState>, auth: Result<Auth, ApiError>) -> Result<Response, TaxiiError> {
    let viewer = caller(auth)?;
    let reader = viewer.clone();
    let feeds = blocking(&state, move |store| Ok(feeds::feeds(store, &reader)?)).await?;
    let body =
        json!({ "collections": feeds.iter().map(|feed| collection_resource(feed, &viewer)).collect::<Vec<_>>() });
    Ok(taxii_json(&body, HeaderMap::new()))
}

#[utoipa::path(get, path = "/taxii2/api/collections/{collection}/", tag = "taxii",
    params(("collection" = String, Path, description = "A collection id from the collections list")),
    responses((status = 200, description = "One collection", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn collection(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path(collection): Path<String>,
) -> Result<Response, TaxiiError> {
    let viewer = caller(auth)?;
    let reader = viewer.clone();
    let feeds = blocking(&state, move |store| Ok(feeds::feeds(store, &reader)?)).await?;
    let feed = feeds.iter().find(|feed| feed.id == collection).ok_or_else(|| TaxiiError::not_found("collection"))?;
    Ok(taxii_json(&collection_resource(feed, &viewer), HeaderMap::new()))
}

/// Which versions of an object `match[version]` asks for.
#[derive(Debug, Default, PartialEq)]
enum VersionMatch {
    /// Each object's newest version (the default).
    #[default]
    Last,
    First,
    All,
    /// The versions whose timestamp is one of these.
    At(Vec<DateTime<Utc>>),
}

/// The filters and paging of an objects or manifest request.
#[derive(Debug, Default)]
struct Filters {
    added_after: Option<DateTime<Utc>>,
    limit: Option<usize>,
    /// The last (date added, id) of the previous page.
    after: Option<(DateTime<Utc>, String)>,
    ids: Option<HashSet<String>>,
    types: Option<HashSet<String>>,
    spec_versions: Option<HashSet<String>>,
    version: VersionMatch,
}

fn parse_time(parameter: &str, text: &str) -> Result<DateTime<Utc>, TaxiiError> {
    DateTime::parse_from_rfc3339(text.trim()).map(|time| time.to_utc()).map_err(|error| {
        TaxiiError::bad_request(format!("{parameter}: {text:?} is not an RFC 3339 timestamp ({error})"))
    })
}

fn list(text: &str) -> HashSet<String> {
    text.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

/// The `next` cursor: the last page's final (date added, id), hex-encoded
/// so clients treat it as the opaque string it is.
fn encode_cursor(object: &FeedObject) -> String {
    let plain = format!("{}|{}", object.date_added.timestamp_micros(), object.id);
    plain.bytes().map(|byte| format!("{byte:02x}")).collect()
}

fn decode_cursor(text: &str) -> Result<(DateTime<Utc>, String), TaxiiError> {
    let invalid = || TaxiiError::bad_request(format!("next: {text:?} is not a cursor this server gave"));
    if !text.is_ascii() || !text.len().is_multiple_of(2) {
        return Err(invalid());
    }
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|at| text.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect::<Option<_>>()
        .ok_or_else(invalid)?;
    let plain = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (micros, id) = plain.split_once('|').filter(|(_, id)| id.contains("--")).ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    let time = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok((time, id.to_owned()))
}

impl Filters {
    fn parse(query: Option<&str>) -> Result<Filters, TaxiiError> {
        let mut filters = Filters::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match name.as_ref() {
                "added_after" => filters.added_after = Some(parse_time("added_after", &value)?),
                "limit" => {
                    let limit: usize = value.trim().parse().map_err(|_| {
                        TaxiiError::bad_request(format!("limit: {value:?} is not a non-negative whole number"))
                    })?;
                    // 0 (what some clients send for "the server's default") means the default.
                    filters.limit = (limit > 0).then_some(limit);
                }
                "next" => filters.after = Some(decode_cursor(&value)?),
                "match[id]" => filters.ids = Some(list(&value)),
                "match[type]" => filters.types = Some(list(&value)),
                "match[spec_version]" => filters.spec_versions = Some(list(&value)),
                "match[version]" => {
                    let items = list(&value);
                    filters.version = if items.contains("all") {
                        VersionMatch::All
                    } else if items.contains("last") {
                        VersionMatch::Last
                    } else if items.contains("first") {
                        VersionMatch::First
                    } else {
                        VersionMatch::At(
                            items.iter().map(|item| parse_time("match[version]", item)).collect::<Result<_, _>>()?,
                        )
                    };
                }
                other => {
                    return Err(TaxiiError::bad_request(format!(
                        "{other}: unknown parameter (added_after, limit, next, match[id|type|version|spec_version])"
                    )));
                }
            }
        }
        Ok(filters)
    }

    /// Whether `object` passes every filter but paging. Each object has one
    /// version here (the feed is rebuilt from the store, which keeps the
    /// current state), so `first`, `last` and `all` all select it.
    fn admits(&self, object: &FeedObject) -> bool {
        let object_type = object.id.split("--").next().unwrap_or_default();
        let spec_version = object.object.get("spec_version").and_then(Value::as_str).unwrap_or("2.1");
        self.added_after.is_none_or(|after| object.date_added > after)
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&object.id))
            && self.types.as_ref().is_none_or(|types| types.contains(object_type))
            && self.spec_versions.as_ref().is_none_or(|versions| versions.contains(spec_version))
            && match &self.version {
                VersionMatch::Last | VersionMatch::First | VersionMatch::All => true,
                VersionMatch::At(times) => DateTime::parse_from_rfc3339(&object.version)
                    .is_ok_and(|version| times.iter().any(|time| *time == version.to_utc())),
            }
            && self.after.as_ref().is_none_or(|(date, id)| (object.date_added, &object.id) > (*date, id))
    }
}

/// One page of a collection's objects that pass `filters`, and whether more follow.
struct Paged {
    page: Vec<FeedObject>,
    more: bool,
}

/// The feed's objects (as the caller may read them) passing `filters`,
/// one page of them.
async fn page(
    state: &AppState,
    viewer: crackdown_model::Viewer,
    collection: String,
    filters: &Filters,
) -> Result<Paged, TaxiiError> {
    let objects = blocking(state, move |store| {
        let feeds = feeds::feeds(store, &viewer)?;
        let Some(feed) = feeds.into_iter().find(|feed| feed.id == collection) else {
            return Ok(None);
        };
        feeds::feed_objects(store, &viewer, &feed).map(Some).map_err(|error| match error {
            crackdown_engine::export::ExportError::Store(error) => ApiError::from(error),
            crackdown_engine::export::ExportError::Share(error) => ApiError::internal(error),
        })
    })
    .await?
    .ok_or_else(|| TaxiiError::not_found("collection"))?;
    let limit = filters.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let mut matching = objects.into_iter().filter(|object| filters.admits(object));
    let page: Vec<FeedObject> = matching.by_ref().take(limit).collect();
    let more = matching.next().is_some();
    Ok(Paged { page, more })
}

/// `X-TAXII-Date-Added-First` and `-Last` of a page.
fn date_headers(page: &[FeedObject]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, object) in [("x-taxii-date-added-first", page.first()), ("x-taxii-date-added-last", page.last())] {
        if let Some(value) = object.and_then(|object| HeaderValue::from_str(&timestamp(object.date_added)).ok()) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers
}

/// The envelope of a page: `more`, `next` when more follow, the objects.
fn envelope(paged: &Paged, key: &str, item: impl Fn(&FeedObject) -> Value) -> Value {
    let mut body = json!({ "more": paged.more });
    if let (true, Some(last)) = (paged.more, paged.page.last()) {
        body["next"] = Value::from(encode_cursor(last));
    }
    if !paged.page.is_empty() {
        body[key] = Value::Array(paged.page.iter().map(item).collect());
    }
    body
}

#[utoipa::path(get, path = "/taxii2/api/collections/{collection}/objects/", tag = "taxii",
    params(("collection" = String, Path, description = "A collection id from the collections list"),
        ("added_after" = Option<String>, Query, description = "Only objects added after this RFC 3339 time"),
        ("limit" = Option<u32>, Query, description = "Objects per page (default 100, at most 1,000)"),
        ("next" = Option<String>, Query, description = "The `next` of the previous page"),
        ("match[type]" = Option<String>, Query, description = "Comma-separated STIX types"),
        ("match[id]" = Option<String>, Query, description = "Comma-separated STIX ids"),
        ("match[version]" = Option<String>, Query, description = "last (default), first, all or timestamps"),
        ("match[spec_version]" = Option<String>, Query, description = "Comma-separated STIX versions")),
    responses((status = 200, description = "An envelope of objects", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn objects(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let viewer = caller(auth)?;
    let filters = Filters::parse(query.as_deref())?;
    let paged = page(&state, viewer, collection, &filters).await?;
    let body = envelope(&paged, "objects", |object| object.object.clone());
    Ok(taxii_json(&body, date_headers(&paged.page)))
}

#[utoipa::path(get, path = "/taxii2/api/collections/{collection}/objects/{object}/", tag = "taxii",
    params(("collection" = String, Path, description = "A collection id from the collections list"), ("object" = String, Path, description = "A STIX object id")),
    responses((status = 200, description = "An envelope of the object", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn object(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path((collection, object_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let paged = one_object(&state, auth, (collection, object_id), query, None).await?;
    let body = envelope(&paged, "objects", |object| object.object.clone());
    Ok(taxii_json(&body, date_headers(&paged.page)))
}

/// The page of one object's entries (its versions when `version` says so),
/// 404 when the caller's collection has no such object.
async fn one_object(
    state: &AppState,
    auth: Result<Auth, ApiError>,
    (collection, object_id): (String, String),
    query: Option<String>,
    version: Option<VersionMatch>,
) -> Result<Paged, TaxiiError> {
    let viewer = caller(auth)?;
    let mut filters = Filters::parse(query.as_deref())?;
    filters.ids = Some(HashSet::from([object_id]));
    if let Some(version) = version {
        filters.version = version;
    }
    let paged = page(state, viewer, collection, &filters).await?;
    if paged.page.is_empty() {
        return Err(TaxiiError::not_found("object"));
    }
    Ok(paged)
}

#[utoipa::path(get, path = "/taxii2/api/collections/{collection}/objects/{object}/versions/", tag = "taxii",
    params(("collection" = String, Path, description = "A collection id from the collections list"), ("object" = String, Path, description = "A STIX object id")),
    responses((status = 200, description = "The object's versions", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn versions(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path((collection, object_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let paged = one_object(&state, auth, (collection, object_id), query, Some(VersionMatch::All)).await?;
    let body = envelope(&paged, "versions", |object| Value::from(object.version.clone()));
    Ok(taxii_json(&body, date_headers(&paged.page)))
}

#[utoipa::path(get, path = "/taxii2/api/collections/{collection}/manifest/", tag = "taxii",
    params(("collection" = String, Path, description = "A collection id from the collections list"),
        ("added_after" = Option<String>, Query, description = "Only objects added after this RFC 3339 time"),
        ("limit" = Option<u32>, Query, description = "Objects per page (default 100, at most 1,000)"),
        ("next" = Option<String>, Query, description = "The `next` of the previous page"),
        ("match[type]" = Option<String>, Query, description = "Comma-separated STIX types"),
        ("match[id]" = Option<String>, Query, description = "Comma-separated STIX ids"),
        ("match[version]" = Option<String>, Query, description = "last (default), first, all or timestamps"),
        ("match[spec_version]" = Option<String>, Query, description = "Comma-separated STIX versions")),
    responses((status = 200, description = "A page of the manifest", content_type = "application/taxii+json;version=2.1"), (status = 400), (status = 401), (status = 404)))]
async fn manifest(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let viewer = caller(auth)?;
    let filters = Filters::parse(query.as_deref())?;
    let paged = page(&state, viewer, collection, &filters).await?;
    let body = envelope(&paged, "objects", |object| {
        json!({
            "id": object.id,
            "date_added": timestamp(object.date_added),
            "version": object.version,
            "media_type": STIX_MEDIA_TYPE,
        })
    });
    Ok(taxii_json(&body, date_headers(&paged.page)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(micros: i64, id: &str) -> FeedObject {
        let date_added = DateTime::from_timestamp_micros(micros).unwrap_or_default();
        FeedObject {
            id: id.to_owned(),
            date_added,
            version: timestamp(date_added),
            object: json!({"type": id.split("--").next(), "id": id, "spec_version": "2.1"}),
        }
    }

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let last = object(1_700_000_000_123_456, "report--1f0e");
        let cursor = encode_cursor(&last);
        assert_eq!(decode_cursor(&cursor).ok(), Some((last.date_added, last.id.clone())));
        for bad in ["zz", "abc", "7c", "31327c", "é"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn filters_parse_and_select() {
        let filters = Filters::parse(Some(
            "match%5Btype%5D=report,indicator&added_after=2023-11-14T22:13:20Z&limit=0&match%5Bversion%5D=last",
        ))
        .expect("valid");
        assert_eq!((filters.limit, &filters.version), (None, &VersionMatch::Last));
        assert!(!filters.admits(&object(1_700_000_000_000_000, "report--a")), "not after added_after");
        assert!(filters.admits(&object(1_700_000_000_000_001, "report--a")));
        assert!(!filters.admits(&object(1_700_000_000_000_001, "identity--a")), "type filtered");
        for bad in ["limit=-1", "added_after=yesterday", "match%5Bversion%5D=soon", "nope=1", "next=00"] {
            let error = Filters::parse(Some(bad)).expect_err(bad);
            assert_eq!(error.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        let at = Filters::parse(Some("match%5Bversion%5D=2023-11-14T22:13:20.000Z")).expect("valid");
        assert!(at.admits(&object(1_700_000_000_000_000, "report--a")));
        assert!(!at.admits(&object(1_700_000_000_001_000, "report--a")));
    }

    #[test]
    fn accept_headers_admit_taxii_or_stix_2_1() {
        for admitted in [
            "application/taxii+json;version=2.1",
            "application/taxii+json",
            "application/stix+json; version=2.1",
            "text/html, */*;q=0.1",
            "application/*",
            "APPLICATION/TAXII+JSON;VERSION=2.1",
        ] {
            assert!(accepts_taxii(admitted), "{admitted}");
        }
        for refused in [
            "text/html",
            "application/json",
            "application/taxii+json;version=2.0",
            "application/taxii+json;version=2.1;q=0",
            "application/xml, text/plain",
        ] {
            assert!(!accepts_taxii(refused), "{refused}");
        }
    }

    #[test]
    fn pages_continue_strictly_after_the_cursor() {
        let first = object(5, "report--b");
        let filters = Filters { after: decode_cursor(&encode_cursor(&first)).ok(), ..Filters::default() };
        assert!(!filters.admits(&object(5, "report--a")));
        assert!(!filters.admits(&first));
        assert!(filters.admits(&object(5, "report--c")));
        assert!(filters.admits(&object(6, "report--a")));
    }
}
