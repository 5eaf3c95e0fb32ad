//! The public report endpoint: no account, so it defends itself.
//!
//! - Size: bodies over [`MAX_PUBLIC_BODY`] are refused before parsing.
//! - Rate: a token bucket per client address, kept in the store so every
//!   server process on the database shares it, answers 429 with `Retry-After`.
//! - Isolation: at most [`MAX_CONCURRENT_WRITES`] public submissions touch
//!   the store at once; the rest are turned away at once (503), so a flood
//!   never queues work in front of the authenticated API.
//! - CSRF: a request that carries cookies (a browser) must come from our own
//!   origin and echo the `crackdown_csrf` cookie in `X-CSRF-Token` (double
//!   submit, token from `GET /api/v1/public/csrf`). A request without cookies
//!   (a mobile app, a partner's hotline system) is accepted as plain JSON —
//!   a cross-site browser cannot send `application/json` without a CORS
//!   preflight, which this server never grants.
//! - Privacy: the answer is a receipt id only; nothing is readable back.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use crackdown_ingest::reports::{Defaults, Format, for_each_report};
use crackdown_link::lookup::PublicAnswer;
use crackdown_model::{Channel, NewReport, Tlp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use utoipa::ToSchema;

use crate::api::blocking;
use crate::{ApiError, AppState};

/// The largest public submission accepted.
pub const MAX_PUBLIC_BODY: usize = 64 * 1024;
/// Public submissions written to the store at the same time.
pub const MAX_CONCURRENT_WRITES: usize = 2;
const CSRF_COOKIE: &str = "crackdown_csrf";
const CSRF_HEADER: &str = "x-csrf-token";

/// The shared bucket of public submissions (see [`PublicGate`]).
pub(crate) const SUBMIT_SCOPE: &str = "submit";
/// The shared bucket of public lookups.
pub(crate) const LOOKUP_SCOPE: &str = "lookup";

/// The public lookup's allowance per client: a person checking a few
/// numbers never meets it; a scraper walking the index does.
pub const LOOKUP_LIMIT: RateLimit = RateLimit { burst: 120, refill_every: Duration::from_millis(100) };
/// How long a public answer is served from memory. Answers are bucketed
/// counts and days, so a few seconds of staleness tell nobody anything;
/// any write through this server empties the cache at once, and writes by
/// other processes (a CLI import) show within this time.
pub const LOOKUP_CACHE_TTL: Duration = Duration::from_secs(30);
/// Recognized values whose answers are kept at most; a full cache starts over.
const LOOKUP_CACHE_ENTRIES: usize = 200_000;

/// Lookups reading the store at once. Each read takes a blocking thread and,
/// past the pool's idle connections, would open a database connection of its
/// own; a burst of public lookups waits for a permit instead, which costs
/// nothing, and often finds its answer cached by the time it gets one.
const LOOKUP_READERS: usize = 4;

/// Public lookup answers, by recognized value (`v` keys) and by the text as
/// pasted with its country and language (`s` keys): popular scam numbers are
/// checked again and again, mostly as the same text, and recognizing a value
/// runs the whole indicator extractor.
pub struct LookupCache {
    answers: Mutex<HashMap<String, (Instant, PublicAnswer)>>,
    readers: Semaphore,
}

impl Default for LookupCache {
    fn default() -> LookupCache {
        LookupCache { answers: Mutex::default(), readers: Semaphore::new(LOOKUP_READERS) }
    }
}

impl LookupCache {
    fn get(&self, key: &str, now: Instant) -> Option<PublicAnswer> {
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        answers.get(key).filter(|(at, _)| now.duration_since(*at) < LOOKUP_CACHE_TTL).map(|(_, answer)| answer.clone())
    }

    fn put(&self, key: String, answer: PublicAnswer, now: Instant) {
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if answers.len() >= LOOKUP_CACHE_ENTRIES {
            answers.clear();
        }
        answers.insert(key, (now, answer));
    }

    /// Forgets every answer (after a write that may change them).
    pub(crate) fn clear(&self) {
        self.answers.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

/// The longest lookup query accepted (a URL with its path is well under it).
const MAX_LOOKUP_QUERY: usize = 2048;

/// How many submissions a client may make in a burst, and how fast its
/// allowance comes back.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub burst: u32,
    pub refill_every: Duration,
}

impl RateLimit {
    /// The lookup's burst refilled at `rate` requests per second.
    pub fn per_second(rate: u32) -> RateLimit {
        RateLimit { burst: LOOKUP_LIMIT.burst, refill_every: Duration::from_secs(1) / rate.max(1) }
    }
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit { burst: 5, refill_every: Duration::from_secs(12) }
    }
}

/// What a gate decided for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    Admitted,
    /// Refused; one token is back after this long.
    Refused(Duration),
}

/// What this process knows of one client's shared bucket.
struct Held {
    /// Tokens taken from the shared bucket ahead of need, still to spend.
    tokens: u32,
    /// When unspent tokens lapse, so a client that slowed down does not
    /// keep tokens the shared bucket could give to another process. Held
    /// tokens were taken from the shared bucket, so over time the client
    /// never gets more than its rate; at one moment, at most the burst
    /// plus what processes hold ([`PublicGate::lease_cap`] each).
    until: Instant,
    /// Tokens to ask for next time: doubles while the client keeps
    /// spending, up to [`PublicGate::lease_cap`].
    next_ask: u32,
    /// The shared bucket refused until then: no need to ask again sooner,
    /// as no process can refill it faster.
    refused_until: Option<Instant>,
}

/// The least time tokens taken ahead are held: at a high allowance (the
/// benchmark's million lookups a second) the refill time of a few tokens is
/// microseconds, and every request would ask the store again.
const LEASE_HOLD: Duration = Duration::from_secs(1);

/// How often a process deletes the shared buckets that are full again.
const BUCKET_CLEANUP_EVERY: Duration = Duration::from_secs(60);

/// Everything the public endpoint keeps between requests. The allowance
/// itself is in the store (`rate_buckets`), shared by every server process
/// on the database; a process keeps only tokens it took ahead and the
/// refusals it knows of, so most requests of a busy client cost no store
/// round trip.
pub struct PublicGate {
    /// The shared bucket this gate draws on.
    scope: &'static str,
    limit: RateLimit,
    held: Mutex<HashMap<IpAddr, Held>>,
    last_cleanup: Mutex<Instant>,
    writes: Semaphore,
    /// Random per process: links one client's submissions within a run
    /// without storing its address.
    salt: [u8; 16],
}

/// Microseconds since the epoch, the clock the shared buckets keep.
fn wall_clock_us() -> i64 {
    Utc::now().timestamp_micros()
}

impl PublicGate {
    pub fn new(scope: &'static str, limit: RateLimit) -> PublicGate {
        let mut salt = [0_u8; 16];
        if let Err(error) = getrandom::fill(&mut salt) {
            tracing::warn!(%error, "no randomness for the client-hash salt; hashes are unsalted");
        }
        PublicGate {
            scope,
            limit,
            held: Mutex::new(HashMap::new()),
            last_cleanup: Mutex::new(Instant::now()),
            writes: Semaphore::new(MAX_CONCURRENT_WRITES),
            salt,
        }
    }

    fn rule(&self) -> crackdown_store::BucketRule {
        let interval_us = i64::try_from(self.limit.refill_every.as_micros()).unwrap_or(i64::MAX).max(1);
        crackdown_store::BucketRule { burst: self.limit.burst.max(1), interval_us }
    }

    /// The most tokens taken ahead at once: an eighth of the burst, so a
    /// process never holds much of a client's allowance; 1 (no taking
    /// ahead, every request asks the store) for small bursts such as the
    /// public form's 5.
    fn lease_cap(&self) -> u32 {
        (self.limit.burst / 8).max(1)
    }

    /// Spends a held token, refuses from a known refusal, or says how many
    /// tokens to ask the shared bucket for.
    fn decide_locally(&self, client: IpAddr, now: Instant) -> Result<Admission, u32> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.len() > 100_000 {
            // Forget clients this process holds nothing for, so memory stays bounded.
            held.retain(|_, entry| {
                (entry.tokens > 0 && entry.until > now) || entry.refused_until.is_some_and(|until| until > now)
            });
        }
        let Some(entry) = held.get_mut(&client) else { return Err(1) };
        if let Some(until) = entry.refused_until.filter(|until| *until > now) {
            return Ok(Admission::Refused(until - now));
        }
        if entry.tokens > 0 && entry.until > now {
            entry.tokens -= 1;
            return Ok(Admission::Admitted);
        }
        if entry.tokens > 0 {
            // Tokens lapsed unspent: the client slowed down, so take less ahead.
            entry.tokens = 0;
            entry.next_ask = (entry.next_ask / 2).max(1);
        }
        Err(entry.next_ask.max(1))
    }

    /// Records what the shared bucket granted for an ask of `asked` and
    /// decides the request with it.
    fn record_grant(&self, client: IpAddr, now: Instant, asked: u32, grant: crackdown_store::RateGrant) -> Admission {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = held.entry(client).or_insert(Held { tokens: 0, until: now, next_ask: 1, refused_until: None });
        if grant.granted == 0 {
            let wait = Duration::from_micros(u64::try_from(grant.retry_after_us).unwrap_or(1));
            entry.refused_until = Some(now + wait);
            entry.next_ask = 1;
            return Admission::Refused(wait);
        }
        entry.refused_until = None;
        let extra = grant.granted - 1;
        if extra > 0 {
            let lapse = now + (self.limit.refill_every * grant.granted).max(LEASE_HOLD);
            entry.tokens = if entry.until > now { entry.tokens + extra } else { extra };
            entry.until = entry.until.max(lapse);
        }
        entry.next_ask = if grant.granted >= asked { asked.saturating_mul(2).min(self.lease_cap()) } else { 1 };
        Admission::Admitted
    }

    /// Decides one request of `client` at `now` (`now_us` on the wall
    /// clock the shared buckets keep), asking the store when this process
    /// holds no token for the client. Blocks on the store.
    fn admit_with(
        &self,
        store: &crackdown_store::Store,
        client: IpAddr,
        now: Instant,
        now_us: i64,
    ) -> Result<Admission, crackdown_store::StoreError> {
        let asked = match self.decide_locally(client, now) {
            Ok(admission) => return Ok(admission),
            Err(asked) => asked,
        };
        let grant = store.take_rate_tokens(self.scope, &client.to_string(), self.rule(), asked, now_us)?;
        let admission = self.record_grant(client, now, asked, grant);
        let due = {
            let mut last = self.last_cleanup.lock().unwrap_or_else(PoisonError::into_inner);
            let due = now.duration_since(*last) >= BUCKET_CLEANUP_EVERY;
            if due {
                *last = now;
            }
            due
        };
        if due && let Err(error) = store.forget_full_rate_buckets(now_us) {
            tracing::warn!(%error, "cannot delete full rate-limit buckets; the next clean-up tries again");
        }
        Ok(admission)
    }

    /// Decides one request of `client`: from what this process holds when
    /// it can, else from the shared bucket on the blocking pool.
    pub(crate) async fn admit(self: &Arc<Self>, state: &AppState, client: IpAddr) -> Result<Admission, ApiError> {
        if let Ok(admission) = self.decide_locally(client, Instant::now()) {
            return Ok(admission);
        }
        let gate = Arc::clone(self);
        blocking(state, move |store| Ok(gate.admit_with(store, client, Instant::now(), wall_clock_us())?)).await
    }

    fn client_hash(&self, client: IpAddr) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(client.to_string().as_bytes());
        crackdown_model::hex(&hasher.finalize()[..12])
    }
}

fn refuse(status: StatusCode, message: &str, retry_after: Option<Duration>) -> Response {
    let mut response = ApiError::new(status, message).into_response();
    if let Some(wait) = retry_after {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The CSRF rule of the module docs; `Err` says why a request is refused.
fn check_csrf(headers: &HeaderMap) -> Result<(), &'static str> {
    let json = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(|value| {
        value.split(';').next().is_some_and(|kind| kind.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json {
        return Err("send the report as application/json");
    }
    if !headers.contains_key(header::COOKIE) {
        return Ok(());
    }
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or("");
    let same_origin = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()).is_some_and(|origin| {
        origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")).is_some_and(|rest| rest == host)
    });
    if !same_origin {
        return Err("a browser submission must come from this site's own page");
    }
    let expected = cookie(headers, CSRF_COOKIE);
    let given = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok());
    match (expected, given) {
        (Some(expected), Some(given)) if !expected.is_empty() && expected == given => Ok(()),
        _ => Err("missing or wrong CSRF token: fetch /api/v1/public/csrf and send it as X-CSRF-Token"),
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CsrfToken {
    /// Send back as the `X-CSRF-Token` header with the report.
    token: String,
}

/// A CSRF token for the public web form, also set as a SameSite=Strict cookie.
#[utoipa::path(get, path = "/api/v1/public/csrf", security(()), responses((status = 200, body = CsrfToken)))]
pub(crate) async fn csrf() -> Response {
    let mut random = [0_u8; 16];
    if getrandom::fill(&mut random).is_err() {
        return ApiError::internal("no randomness for a CSRF token").into_response();
    }
    let token = crackdown_model::hex(&random);
    let mut response = Json(CsrfToken { token: token.clone() }).into_response();
    let cookie = format!("{CSRF_COOKIE}={token}; Path=/api/v1/public; SameSite=Strict; HttpOnly");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Receipt {
    /// Quote this id when you contact the team; the report itself cannot be read back.
    /// Four groups of four Crockford base-32 characters, e.g. `7KQM-2XHD-9PRA-W3TN`.
    receipt: String,
}

/// Validates the public form: the bulk schema's fields, with both consent
/// answers required explicitly (true or false), never defaulted.
fn parse_public(body: &[u8]) -> Result<NewReport, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| ApiError::bad_request(format!("malformed JSON: {error}")))?;
    let object = value.as_object().ok_or_else(|| ApiError::bad_request("expected a JSON object"))?;
    for field in ["consent_share", "consent_publish"] {
        if !object.get(field).is_some_and(serde_json::Value::is_boolean) {
            return Err(ApiError::bad_request(format!("field {field:?}: answer true or false explicitly")));
        }
    }
    let mut allowed = serde_json::Map::new();
    for field in [
        "text",
        "language",
        "country",
        "reported_at",
        "loss_amount",
        "loss_currency",
        "consent_share",
        "consent_publish",
    ] {
        if let Some(value) = object.get(field) {
            allowed.insert(field.to_owned(), value.clone());
        }
    }
    if let Some(contact) = object.get("contact").or_else(|| object.get("victim_contact")) {
        allowed.insert("victim_contact".to_owned(), contact.clone());
    }
    let array = serde_json::Value::Array(vec![serde_json::Value::Object(allowed)]).to_string();
    let mut parsed = None;
    for_each_report(
        array.as_bytes(),
        Format::JsonArray,
        &Defaults { tlp: Tlp::Amber, channel: Channel::Web },
        |(_, result)| {
            parsed = Some(result);
        },
    )
    .map_err(|error| ApiError::bad_request(error.to_string()))?;
    match parsed {
        Some(Ok(report)) => Ok(report),
        Some(Err(error)) => Err(ApiError::bad_request(match error.field {
            Some(field) => format!("field {field:?}: {}", error.reason),
            None => error.reason,
        })),
        None => Err(ApiError::bad_request("no report in the body")),
    }
}

/// The client a request's allowance is counted for: the peer, or — when
/// the peer is one of the operator's reverse proxies — the nearest address
/// in `X-Forwarded-For` that is not a trusted proxy (the rightmost entries
/// are the ones the operator's proxies wrote; a client can forge the
/// others). All clients share one bucket when the server runs without
/// connection info, as in router tests.
pub(crate) fn client_address(extensions: &Extensions, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(address)| address.ip());
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok());
    let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).map(str::trim).collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(address) if trusted_proxies.contains(&address) => continue,
            Ok(address) => return address,
            Err(_) => return peer,
        }
    }
    peer
}

/// Report a scam without an account. Fields: `text` (required), `language`,
/// `country` (where you are: phone numbers without a country code are read
/// in it), `reported_at`, `loss_amount` (decimal string), `loss_currency`, `contact`
/// (how to reach you; seen only by the team), `consent_share` and
/// `consent_publish` (both required, true or false). Marked AMBER until triage.
#[utoipa::path(post, path = "/api/v1/public/reports", security(()), request_body = serde_json::Value,
    responses((status = 202, body = Receipt), (status = 400), (status = 403), (status = 413), (status = 415), (status = 429), (status = 503)))]
pub(crate) async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let client = client_address(request.extensions(), request.headers(), &state.trusted_proxies);
    let gate = Arc::clone(&state.public);
    let admission = match gate.admit(&state, client).await {
        Ok(admission) => admission,
        Err(error) => return error.into_response(),
    };
    if let Admission::Refused(wait) = admission {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too many reports from your address; try again later",
            Some(wait),
        );
    }
    if let Err(reason) = check_csrf(request.headers()) {
        let status = if reason.contains("application/json") {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        } else {
            StatusCode::FORBIDDEN
        };
        return refuse(status, reason, None);
    }
    let body = match axum::body::to_bytes(request.into_body(), MAX_PUBLIC_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "a public report may be at most 64 KiB", None);
        }
    };
    let report = match crate::limits::parse_upload(move || parse_public(&body)).await {
        Ok(Ok(report)) => report,
        Ok(Err(error)) | Err(error) => return error.into_response(),
    };
    let Ok(_permit) = gate.writes.try_acquire() else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "busy; try again in a moment", Some(Duration::from_secs(1)));
    };
    let client_hash = gate.client_hash(client);
    let org = Arc::clone(&state.public_org);
    let stored = move |store: &crackdown_store::Store| {
        let analyzer = crackdown_engine::shipped_analyzer();
        Ok(crackdown_engine::intake::submit_public(store, analyzer, &org, &report, &client_hash, Utc::now())?)
    };
    match blocking(&state, stored).await {
        Ok(receipt) => (StatusCode::ACCEPTED, Json(Receipt { receipt })).into_response(),
        Err(error) => error.into_response(),
    }
}

/// The public "check before you pay" question.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LookupParams {
    /// A phone number in any format, a link (defanged too), a wallet, an IBAN or an account.
    q: Option<String>,
    /// Country of a national phone number (ISO 3166 code).
    country: Option<String>,
    /// Language whose country a national phone number is read in (th, my, zh, ...).
    lang: Option<String>,
}

/// Whether a value has been reported, from publishable reports only (CLEAR
/// or with the reporter's consent to publish): counts, dates and scam types,
/// never a text, name or contact. No sign-in; rate limited per client.
#[utoipa::path(get, path = "/api/v1/lookup", security(()), params(LookupParams),
    responses((status = 200, description = "The public answer", body = serde_json::Value), (status = 400), (status = 429)))]
pub(crate) async fn lookup(State(state): State<AppState>, request: Parts) -> Response {
    let client = client_address(&request.extensions, &request.headers, &state.trusted_proxies);
    let admission = match state.lookups.admit(&state, client).await {
        Ok(admission) => admission,
        Err(error) => return error.into_response(),
    };
    if let Admission::Refused(wait) = admission {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too many lookups from your address; try again later",
            Some(wait),
        );
    }
    let Ok(Query(params)) = Query::<LookupParams>::try_from_uri(&request.uri) else {
        return refuse(StatusCode::BAD_REQUEST, "the query string is not valid UTF-8 or percent-encoding", None);
    };
    let Some(value) = params.q.filter(|value| !value.trim().is_empty()) else {
        return refuse(StatusCode::BAD_REQUEST, "give the value to check as ?q=", None);
    };
    // Query decoding replaces invalid UTF-8 with U+FFFD, which no phone,
    // link, wallet or account contains.
    if value.contains('\u{FFFD}') {
        return refuse(StatusCode::BAD_REQUEST, "the value is not valid UTF-8", None);
    }
    if value.len() > MAX_LOOKUP_QUERY {
        // The same words as the parser's own refusal, with the limit that applies.
        let reason =
            crackdown_link::QueryError::TooLong { bytes: value.len(), limit: crackdown_link::lookup::MAX_QUERY_BYTES };
        return refuse(StatusCode::BAD_REQUEST, &reason.to_string(), None);
    }
    let (country, lang) = (params.country.as_deref(), params.lang.as_deref());
    let surface = format!("s\u{0}{value}\u{0}{}\u{0}{}", country.unwrap_or_default(), lang.unwrap_or_default());
    let cache = &state.lookup_answers;
    if let Some(answer) = cache.get(&surface, Instant::now()) {
        return Json(answer).into_response();
    }
    let context = crackdown_engine::campaigns::lookup_context(country, lang);
    let query = match crackdown_link::Query::parse(value.as_bytes(), &context) {
        Ok(query) => query,
        Err(error) => return refuse(StatusCode::BAD_REQUEST, &error.to_string(), None),
    };
    let key =
        format!("v\u{0}{}\u{0}{}\u{0}{}", query.kind.map_or("", |kind| kind.as_str()), query.normalized, query.valid);
    let cached = |query: &crackdown_link::Query| {
        cache.get(&key, Instant::now()).map(|mut answer| {
            answer.query.clone_from(&query.query);
            cache.put(surface.clone(), answer.clone(), Instant::now());
            answer
        })
    };
    if let Some(answer) = cached(&query) {
        return Json(answer).into_response();
    }
    // The semaphore is never closed; without a permit the read just goes ahead.
    let _permit = cache.readers.acquire().await.ok();
    if let Some(answer) = cached(&query) {
        return Json(answer).into_response();
    }
    let cache = Arc::clone(&state.lookup_answers);
    let answer = blocking(&state, move |store| {
        let answer = crackdown_engine::campaigns::lookup_parsed(store, &query)?;
        let now = Instant::now();
        cache.put(key, answer.clone(), now);
        cache.put(surface, answer.clone(), now);
        Ok(answer)
    })
    .await;
    match answer {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_clients_count_only_behind_a_trusted_proxy() {
        let proxy = IpAddr::from([10, 0, 0, 2]);
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from((proxy, 40000))));
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.9, 10.0.0.3"));
        let trusted = [proxy, IpAddr::from([10, 0, 0, 3])];
        assert_eq!(client_address(&extensions, &headers, &trusted), IpAddr::from([203, 0, 113, 9]));
        // Without trusting the peer, the header is the client's word only.
        assert_eq!(client_address(&extensions, &headers, &[]), proxy);
        headers.insert("x-forwarded-for", HeaderValue::from_static("not-an-address"));
        assert_eq!(client_address(&extensions, &headers, &trusted), proxy);
    }

    fn temp_store() -> (tempfile::TempDir, crackdown_store::Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crackdown_store::Store::open_sqlite(dir.path()).expect("store");
        (dir, store)
    }

    const START_US: i64 = 1_790_000_000_000_000;

    #[test]
    fn buckets_refill_and_say_when() {
        let (_dir, store) = temp_store();
        let gate = PublicGate::new(SUBMIT_SCOPE, RateLimit { burst: 2, refill_every: Duration::from_secs(10) });
        let client = IpAddr::from([192, 0, 2, 1]);
        let start = Instant::now();
        let admit = |client, seconds: u64| {
            let at = start + Duration::from_secs(seconds);
            gate.admit_with(&store, client, at, START_US + seconds as i64 * 1_000_000).expect("store")
        };
        assert_eq!(admit(client, 0), Admission::Admitted);
        assert_eq!(admit(client, 0), Admission::Admitted);
        let Admission::Refused(wait) = admit(client, 0) else { panic!("bucket empty") };
        assert_eq!(wait, Duration::from_secs(10));
        assert_eq!(admit(IpAddr::from([192, 0, 2, 2]), 0), Admission::Admitted, "another client has its own bucket");
        assert_eq!(admit(client, 4), Admission::Refused(Duration::from_secs(6)), "known refusal, shorter wait");
        assert_eq!(admit(client, 10), Admission::Admitted);
    }

    #[test]
    fn two_processes_share_one_allowance() {
        let (_dir, store) = temp_store();
        let limit = RateLimit { burst: 5, refill_every: Duration::from_secs(12) };
        let (first, second) = (PublicGate::new(SUBMIT_SCOPE, limit), PublicGate::new(SUBMIT_SCOPE, limit));
        let client = IpAddr::from([198, 51, 100, 4]);
        let now = Instant::now();
        for turn in 0..5 {
            let gate = if turn % 2 == 0 { &first } else { &second };
            assert_eq!(gate.admit_with(&store, client, now, START_US).expect("store"), Admission::Admitted);
        }
        assert!(matches!(second.admit_with(&store, client, now, START_US), Ok(Admission::Refused(_))));
        assert!(matches!(first.admit_with(&store, client, now, START_US), Ok(Admission::Refused(_))));
    }

    #[test]
    fn busy_clients_take_tokens_ahead_without_exceeding_the_burst() {
        let (_dir, store) = temp_store();
        let (first, second) =
            (PublicGate::new(LOOKUP_SCOPE, LOOKUP_LIMIT), PublicGate::new(LOOKUP_SCOPE, LOOKUP_LIMIT));
        assert_eq!(first.lease_cap(), 15);
        let client = IpAddr::from([203, 0, 113, 9]);
        let now = Instant::now();
        let mut admitted = 0;
        for turn in 0..400 {
            let gate = if (turn / 10) % 2 == 0 { &first } else { &second };
            if gate.admit_with(&store, client, now, START_US).expect("store") == Admission::Admitted {
                admitted += 1;
            }
        }
        let held = |gate: &PublicGate| gate.held.lock().expect("lock").get(&client).map_or(0, |entry| entry.tokens);
        let unspent = held(&first) + held(&second);
        assert!(unspent > 0 || admitted == 120, "tokens were taken ahead");
        assert_eq!(admitted + unspent as usize, LOOKUP_LIMIT.burst as usize, "never more than the burst");
        assert!(unspent <= 2 * first.lease_cap(), "{unspent} held unspent");
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    #[test]
    fn csrf_rules() {
        let json = ("content-type", "application/json");
        assert!(check_csrf(&headers(&[json])).is_ok(), "an app without cookies");
        assert!(check_csrf(&headers(&[("content-type", "text/plain")])).is_err(), "a cross-site simple request");
        let browser = [json, ("host", "crackdown.example"), ("cookie", "crackdown_csrf=abc; other=1")];
        assert!(check_csrf(&headers(&browser)).is_err(), "no origin, no token");
        let mut good = browser.to_vec();
        good.extend([("origin", "https://crackdown.example"), ("x-csrf-token", "abc")]);
        assert!(check_csrf(&headers(&good)).is_ok());
        let mut forged = browser.to_vec();
        forged.extend([("origin", "https://evil.example"), ("x-csrf-token", "abc")]);
        assert!(check_csrf(&headers(&forged)).is_err(), "foreign origin");
        let mut wrong = browser.to_vec();
        wrong.extend([("origin", "https://crackdown.example"), ("x-csrf-token", "abd")]);
        assert!(check_csrf(&headers(&wrong)).is_err(), "token mismatch");
    }
}
