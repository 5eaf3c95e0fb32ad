//! TAXII 2.1 writes: `POST …/collections/{id}/objects/` of an envelope and
//! `GET …/status/{id}/`.
//!
//! An envelope is what a partner shares: it goes through the engine's
//! import of shared STIX ([`crackdown_engine::share_import`], the one intake
//! path of shared intelligence), so its objects are analysed, linked and
//! watched, keep their markings (never lowered) and provenance (the
//! caller's organisation and user, the collection, when), and reach the
//! public lookup only when CLEAR. Posted into a community's collection,
//! the AMBER reports it makes are shared with that community.
//!
//! An envelope imports whole or not at all, at once: the status answered
//! with 202 is already `complete`, every object a success, or every object
//! a failure whose message names the object that was refused and why. The
//! status is stored, so every server process on the database answers
//! `GET …/status/{id}/`, and only to the organisation that posted it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use crackdown_engine::export::ShareFormat;
use crackdown_engine::feeds::{self, Feed};
use crackdown_engine::share_import::{SharedImport, SharedImportError, import_shared_into};
use crackdown_model::Viewer;
use crackdown_share::Provenance;
use crackdown_share::stix::timestamp;
use crackdown_store::{FeedScope, ShareOptions, Store};
use serde_json::{Value, json};

use crate::api::{Auth, blocking};
use crate::taxii::{MAX_CONTENT_LENGTH, TAXII_MEDIA_TYPE, TaxiiError, caller, taxii_json};
use crate::{ApiError, AppState};

/// Whether a `Content-Type` is a TAXII 2.1 envelope's (the version may be
/// left out; another version may not).
fn is_taxii_content(content_type: &str) -> bool {
    let mut parts = content_type.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default();
    media.eq_ignore_ascii_case("application/taxii+json")
        && parts.all(|parameter| match parameter.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("version") => {
                value.trim().trim_matches('"') == "2.1"
            }
            _ => true,
        })
}

/// The caller's collection `collection` and whether they may write to it,
/// with the community name a community collection shares into.
fn writable_feed(store: &Store, viewer: &Viewer, collection: &str) -> Result<Option<(Feed, ShareOptions)>, ApiError> {
    let Some(feed) = feeds::feeds(store, viewer)?.into_iter().find(|feed| feed.id == collection) else {
        return Ok(None);
    };
    let mut share = ShareOptions::default();
    if let FeedScope::Community(id) = feed.scope {
        let community = store.communities(viewer)?.into_iter().find(|community| community.id == id);
        share.communities.extend(community.map(|community| community.name));
    }
    Ok(Some((feed, share)))
}

/// One object of an envelope as its status names it: id and version (its
/// `modified`, else `created`; an unversioned object, an SCO, by the time
/// of the request).
fn status_entry(object: &Value, requested: &str, message: &str) -> Value {
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    json!({
        "id": text("id").unwrap_or(""),
        "version": text("modified").or(text("created")).unwrap_or(requested),
        "message": message,
    })
}

/// The status resource of an envelope that was imported (`Ok`) or refused
/// whole (`Err` with the reason naming the refused object).
fn status_resource(
    id: &str,
    requested_at: DateTime<Utc>,
    objects: &[Value],
    outcome: &Result<SharedImport, String>,
) -> Value {
    let requested = timestamp(requested_at);
    let (successes, failures): (Vec<Value>, Vec<Value>) = match outcome {
        Ok(summary) => {
            let message = format!(
                "imported with its envelope: {} report(s) stored, {} already stored",
                summary.imported, summary.duplicates
            );
            (objects.iter().map(|object| status_entry(object, &requested, &message)).collect(), Vec::new())
        }
        Err(reason) => {
            let message = format!("the envelope was refused whole: {reason}");
            (Vec::new(), objects.iter().map(|object| status_entry(object, &requested, &message)).collect())
        }
    };
    json!({
        "id": id,
        "status": "complete",
        "request_timestamp": requested,
        "total_count": objects.len(),
        "success_count": successes.len(),
        "successes": successes,
        "failure_count": failures.len(),
        "failures": failures,
        "pending_count": 0,
        "pendings": [],
    })
}

/// A new status id: a UUID drawn at random (no counter to guess others' by).
fn new_status_id() -> Result<String, ApiError> {
    let mut random = [0_u8; 16];
    getrandom::fill(&mut random).map_err(ApiError::internal)?;
    let hex: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(crackdown_share::ids::stable_uuid(&["taxii-status", &hex]).to_string())
}

/// Reads the envelope, imports it whole as `viewer` and keeps its status.
fn import_envelope(
    store: &Store,
    viewer: &Viewer,
    collection: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Value>, TaxiiError> {
    let Some((feed, share)) = writable_feed(store, viewer, collection)? else {
        return Ok(None);
    };
    if !viewer.role.may_write() {
        return Err(TaxiiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "your role may read this collection but not add to it",
        ));
    }
    let envelope: Value = serde_json::from_slice(body)
        .map_err(|error| TaxiiError::bad_request(format!("the body is not a TAXII envelope (JSON): {error}")))?;
    let objects = match envelope.get("objects") {
        None | Some(Value::Null) if envelope.is_object() => Vec::new(),
        Some(Value::Array(objects)) => objects.clone(),
        _ => return Err(TaxiiError::bad_request("the body is not a TAXII envelope: no \"objects\" list")),
    };
    let status_id = new_status_id()?;
    let bundle = serde_json::to_vec(&json!({
        "type": "bundle",
        "id": format!("bundle--{status_id}"),
        "objects": objects,
    }))
    .map_err(ApiError::internal)?;
    let partner = store.own_org_name(viewer).map_err(ApiError::from)?;
    let provenance =
        Provenance { partner, feed: format!("TAXII collection {} ({})", feed.title, feed.id), received_at: now };
    let outcome = if objects.is_empty() {
        Ok(SharedImport::default())
    } else {
        match import_shared_into(store, viewer, ShareFormat::Stix, bundle.as_slice(), &provenance, share) {
            Ok(summary) => Ok(summary),
            Err(SharedImportError::Read(error)) => Err(error.to_string()),
            Err(SharedImportError::Store(error)) => return Err(ApiError::from(error).into()),
        }
    };
    let resource = status_resource(&status_id, now, &objects, &outcome);
    store.save_taxii_status(viewer, &status_id, &feed.id, now, &resource.to_string()).map_err(ApiError::from)?;
    Ok(Some(resource))
}

/// Adds the objects of a TAXII envelope to a collection; answers 202 with
/// their status (complete: the envelope imports whole or not at all).
#[utoipa::path(post, path = "/taxii2/api/collections/{collection}/objects/", tag = "taxii",
    params(("collection" = String, Path, description = "A collection id from the collections list")),
    request_body(content = serde_json::Value, content_type = "application/taxii+json;version=2.1", description = "A TAXII envelope: {\"objects\": [STIX 2.1 objects]}"),
    responses((status = 202, description = "The status of the envelope's objects", content_type = "application/taxii+json;version=2.1"),
        (status = 400), (status = 401), (status = 403), (status = 404), (status = 406), (status = 413), (status = 415)))]
pub(crate) async fn add_objects(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path(collection): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, TaxiiError> {
    let viewer = caller(auth)?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    if !is_taxii_content(content_type) {
        return Err(TaxiiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            format!("send the envelope as {TAXII_MEDIA_TYPE}, not {content_type:?}"),
        ));
    }
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let description = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!("the envelope is larger than {MAX_CONTENT_LENGTH} bytes (the API root's max_content_length)")
        } else {
            rejection.body_text()
        };
        TaxiiError::new(status, status.canonical_reason().unwrap_or("Bad request"), description)
    })?;
    let store = std::sync::Arc::clone(&state.store);
    let now = Utc::now();
    let resource =
        crate::limits::parse_upload(move || import_envelope(&store, &viewer, &collection, &body, now)).await??;
    let resource = resource.ok_or_else(|| TaxiiError::not_found("collection"))?;
    let mut response = taxii_json(&resource, HeaderMap::new());
    *response.status_mut() = StatusCode::ACCEPTED;
    Ok(response)
}

/// The status of an envelope someone of the caller's organisation posted.
#[utoipa::path(get, path = "/taxii2/api/status/{status}/", tag = "taxii",
    params(("status" = String, Path, description = "The id a POST of objects answered")),
    responses((status = 200, description = "The status resource", content_type = "application/taxii+json;version=2.1"), (status = 401), (status = 404), (status = 406)))]
pub(crate) async fn status(
    State(state): State<AppState>,
    auth: Result<Auth, ApiError>,
    Path(status_id): Path<String>,
) -> Result<Response, TaxiiError> {
    let viewer = caller(auth)?;
    let stored = blocking(&state, move |store| Ok(store.taxii_status(&viewer, &status_id)?)).await?;
    let stored = stored.ok_or_else(|| TaxiiError::not_found("status"))?;
    let resource: Value = serde_json::from_str(&stored.resource).map_err(ApiError::internal)?;
    Ok(taxii_json(&resource, HeaderMap::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_taxii_2_1_envelopes_are_read() {
        for good in
            ["application/taxii+json;version=2.1", "application/taxii+json", "Application/TAXII+JSON; version=\"2.1\""]
        {
            assert!(is_taxii_content(good), "{good}");
        }
        for bad in ["application/json", "application/taxii+json;version=2.0", "application/stix+json;version=2.1", ""] {
            assert!(!is_taxii_content(bad), "{bad}");
        }
    }

    #[test]
    fn a_refused_envelope_fails_every_object_with_the_reason() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let objects = vec![
            json!({"type": "indicator", "id": "indicator--1", "modified": "2024-01-01T00:00:00.000Z"}),
            json!({"type": "url", "id": "url--2"}),
        ];
        let refused = status_resource("s", at, &objects, &Err("STIX, object 2 (url--2): no value".into()));
        assert_eq!((refused["success_count"].as_u64(), refused["failure_count"].as_u64()), (Some(0), Some(2)));
        assert_eq!(refused["failures"][1]["version"], timestamp(at), "an SCO's version is the request time");
        assert!(refused["failures"][0]["message"].as_str().is_some_and(|text| text.contains("object 2 (url--2)")));
        let imported = status_resource("s", at, &objects, &Ok(SharedImport::default()));
        assert_eq!((imported["success_count"].as_u64(), imported["total_count"].as_u64()), (Some(2), Some(2)));
        assert_eq!(imported["successes"][0]["version"], "2024-01-01T00:00:00.000Z");
        assert_eq!(imported["status"], "complete");
    }
}
