//! Staff sign-in for the web UI: passkeys (WebAuthn) first, one-time sign-in
//! links for a browser that has none yet, and sessions in cookies.
//!
//! Passkeys are phishing-resistant: the browser binds each assertion to the
//! origin, so a look-alike site gets nothing it can replay. The relying
//! party is the host of the public URL (`--public-url`, by default
//! `http://localhost:PORT` for a loopback address: browsers refuse WebAuthn
//! on bare IP addresses). A ceremony's state is kept in the store for at
//! most [`CEREMONY_TTL`] and is used once, so a ceremony begun through one
//! server process may finish through another behind a load balancer.
//!
//! The session cookie is `HttpOnly` (no script reads it), `SameSite=Strict`
//! (no other site's page sends it) and `Secure` whenever the public URL is
//! https or a loopback host: browsers treat `http://localhost` and
//! `http://127.0.0.1` as potentially trustworthy and keep Secure cookies
//! there. On plain http to another host a Secure cookie would be dropped,
//! so the flag is left off and a warning logged. As a second guard against
//! cross-site requests, any state-changing request that relies on the cookie
//! must carry an `Origin` naming this host.

use std::sync::Arc;

use axum::extract::{FromRef, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use crackdown_model::{Viewer, hex};
use crackdown_store::{CreatedSession, PasskeyInfo};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid,
    Webauthn, WebauthnBuilder,
};

use crate::api::{Auth, blocking};
use crate::{ApiError, AppState};

/// The cookie holding the session secret.
pub const COOKIE: &str = "crackdown_session";
/// How long a browser session lasts before signing in again.
const SESSION_LIFETIME: Duration = Duration::hours(12);
/// How long a one-time sign-in link stays valid.
pub const LINK_LIFETIME: Duration = Duration::minutes(30);
/// How long a started WebAuthn ceremony may take.
const CEREMONY_TTL: Duration = Duration::minutes(5);
/// Ceremonies in flight at once; beyond this, new ones are refused rather
/// than letting anonymous requests grow the ceremonies table.
const MAX_CEREMONIES: usize = 10_000;
/// Ceremonies one client address may have in flight: a person signs in
/// with one or two; a single client starting thousands would otherwise
/// fill [`MAX_CEREMONIES`] and lock everyone out of signing in.
pub const MAX_CEREMONIES_PER_CLIENT: usize = 16;

/// Where the UI is reached, and so which origin passkeys are bound to.
#[derive(Clone, Debug)]
pub struct PublicUrl(Url);

impl PublicUrl {
    /// `http://localhost:PORT` for a loopback address; otherwise the address
    /// itself, where passkeys will not work until `--public-url` names a host.
    pub fn for_listen(address: std::net::SocketAddr) -> Result<PublicUrl, String> {
        let host = match address.ip() {
            ip if ip.is_loopback() => "localhost".to_owned(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            std::net::IpAddr::V4(ip) => ip.to_string(),
        };
        PublicUrl::parse(&format!("http://{host}:{}/", address.port()))
    }

    /// Parses `--public-url`: an http(s) URL, of which the origin counts.
    pub fn parse(text: &str) -> Result<PublicUrl, String> {
        let url = Url::parse(text).map_err(|error| format!("--public-url {text:?}: {error}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("--public-url {text:?} must be an http:// or https:// URL with a host"));
        }
        Ok(PublicUrl(url))
    }

    /// The origin, e.g. `http://localhost:8080`, without a trailing slash.
    pub fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }

    /// A one-time sign-in link: the code travels in the fragment, so it never
    /// reaches a server log or a Referer header.
    pub fn signin_link(&self, code: &str) -> String {
        format!("{}/signin#code={code}", self.origin())
    }

    fn loopback(&self) -> bool {
        match self.0.host() {
            Some(url::Host::Domain(domain)) => domain == "localhost" || domain.ends_with(".localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }
}

/// A begun WebAuthn ceremony as the store keeps it (the library's own JSON
/// form of its state: the challenge and what it will accept).
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Ceremony {
    Register { user_id: i64, state: PasskeyRegistration },
    Signin { passkeys: Vec<(i64, Passkey)>, state: PasskeyAuthentication },
}

const CEREMONY_CAPS: crackdown_store::CeremonyCaps = crackdown_store::CeremonyCaps {
    per_client: MAX_CEREMONIES_PER_CLIENT,
    total: MAX_CEREMONIES,
    lifetime: CEREMONY_TTL,
};

/// Keeps a begun ceremony in the store for any process to finish; blocks.
fn start_ceremony(
    store: &crackdown_store::Store,
    ceremony: &Ceremony,
    client: std::net::IpAddr,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let state = serde_json::to_string(ceremony).map_err(ApiError::internal)?;
    let id = Uuid::new_v4().simple().to_string();
    match store.start_ceremony(&id, &client.to_string(), &state, CEREMONY_CAPS, now)? {
        crackdown_store::CeremonyStart::Started => Ok(id),
        crackdown_store::CeremonyStart::ClientBusy => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many passkey ceremonies started from your address; finish one or wait five minutes",
        )),
        crackdown_store::CeremonyStart::Full => {
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "too many sign-ins in progress; try again"))
        }
    }
}

/// Takes a begun ceremony out of the store, once; blocks.
fn finish_ceremony(store: &crackdown_store::Store, id: &str, now: DateTime<Utc>) -> Result<Ceremony, ApiError> {
    let Some(state) = store.finish_ceremony(id, now)? else {
        return Err(ApiError::bad_request("this passkey ceremony is unknown or expired; start again"));
    };
    serde_json::from_str(&state).map_err(ApiError::internal)
}

/// Sign-in state shared by the session routes.
pub struct Sessions {
    webauthn: Option<Webauthn>,
    public: PublicUrl,
    secure_cookie: bool,
}

impl Sessions {
    pub fn new(public: PublicUrl) -> Sessions {
        let webauthn = public.0.host_str().and_then(|host| {
            WebauthnBuilder::new(host, &public.0)
                .and_then(|builder| builder.rp_name("crackdown").build())
                .map_err(|error| {
                    tracing::warn!(%error, url = %public.0, "passkeys are off: the public URL needs a domain name");
                })
                .ok()
        });
        let secure_cookie = public.0.scheme() == "https" || public.loopback();
        if !secure_cookie {
            tracing::warn!(url = %public.0, "plain http to a non-local host: sessions are not protected in transit");
        }
        Sessions { webauthn, public, secure_cookie }
    }

    fn webauthn(&self) -> Result<&Webauthn, ApiError> {
        self.webauthn.as_ref().ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("passkeys need a domain name in --public-url (now {})", self.public.origin()),
            )
        })
    }

    fn cookie(&self, session: &CreatedSession, now: DateTime<Utc>) -> HeaderValue {
        let max_age = (session.expires_at - now).num_seconds().max(0);
        self.cookie_value(&session.secret, max_age)
    }

    fn cookie_value(&self, secret: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        let text = format!("{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
        // Secrets are hex with an ASCII prefix, so the value is always valid.
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("crackdown_session=; Max-Age=0"))
    }
}

/// State of the session routes: the API's plus the sign-in state.
#[derive(Clone)]
pub struct WebState {
    pub app: AppState,
    pub sessions: Arc<Sessions>,
}

impl FromRef<WebState> for AppState {
    fn from_ref(state: &WebState) -> AppState {
        state.app.clone()
    }
}

pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/api/v1/session", get(session_info).delete(sign_out))
        .route("/api/v1/session/link", post(sign_in_with_link))
        .route("/api/v1/session/passkey", post(start_passkey_signin))
        .route("/api/v1/session/passkey/finish", post(finish_passkey_signin))
        .route("/api/v1/passkeys", get(list_passkeys).post(start_passkey_registration))
        .route("/api/v1/passkeys/finish", post(finish_passkey_registration))
        .route("/api/v1/passkeys/{id}", delete(remove_passkey))
        .route("/api/v1/signin-links", post(create_signin_link))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(paths(
    session_info,
    sign_out,
    sign_in_with_link,
    start_passkey_signin,
    finish_passkey_signin,
    list_passkeys,
    start_passkey_registration,
    finish_passkey_registration,
    remove_passkey,
    create_signin_link
))]
pub struct SessionDoc;

fn session_secret(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
}

/// Refuses a state-changing browser request from another site: its
/// `Origin` must name the host the request was sent to.
fn check_origin(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let origin = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok());
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok());
    let same = match (origin.and_then(|origin| Url::parse(origin).ok()), host) {
        (Some(origin), Some(host)) => {
            let origin_host = match (origin.host_str(), origin.port()) {
                (Some(name), Some(port)) => format!("{name}:{port}"),
                (Some(name), None) => name.to_owned(),
                _ => String::new(),
            };
            origin_host.eq_ignore_ascii_case(host)
        }
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::FORBIDDEN, "cross-site request refused: Origin must match this host"))
    }
}

/// The viewer of the session cookie, for `Auth`; `None` without a cookie.
pub(crate) async fn cookie_viewer(state: &AppState, parts: &Parts) -> Result<Option<Viewer>, ApiError> {
    let Some(secret) = session_secret(&parts.headers).map(str::to_owned) else { return Ok(None) };
    check_origin(&parts.method, &parts.headers)?;
    blocking(state, move |store| Ok(store.session(&secret, Utc::now())?)).await
}

/// Who is signed in.
#[derive(Serialize, ToSchema)]
struct SignedIn {
    user: String,
    org: String,
    role: String,
    /// What the role may do beyond reading (`triage`, `ledger`, `watch`;
    /// `screening` for a member of a case team, in the session's answer),
    /// so a client offers only pages and buttons the API then allows.
    may: Vec<String>,
}

impl SignedIn {
    fn of(user: &crackdown_store::User) -> SignedIn {
        SignedIn {
            user: user.name.clone(),
            org: user.org.clone(),
            role: user.role.to_string(),
            may: user.role.capabilities().into_iter().map(str::to_owned).collect(),
        }
    }
}

/// What the sign-in page needs to know.
#[derive(Serialize, ToSchema)]
struct SessionInfo {
    /// Absent when nobody is signed in.
    user: Option<SignedIn>,
    /// Whether passkeys work at this address.
    passkeys: bool,
    /// The address passkeys are bound to; sign in there.
    origin: String,
}

/// The current session, if any, and how to sign in; needs no login.
#[utoipa::path(get, path = "/api/v1/session", security(()), responses((status = 200, body = SessionInfo)))]
async fn session_info(State(state): State<WebState>, headers: HeaderMap) -> Result<Json<SessionInfo>, ApiError> {
    let secret = session_secret(&headers).map(str::to_owned);
    let user = match secret {
        Some(secret) => {
            blocking(&state.app, move |store| {
                let Some(viewer) = store.session(&secret, Utc::now())? else { return Ok(None) };
                let user = store.user(&viewer.user_name)?;
                let mut signed_in = SignedIn::of(&user);
                // Screening pages are offered to members of a case team only
                // (everyone else would find nothing there; the API refuses them anyway).
                if matches!(viewer.role, crackdown_model::Role::Admin | crackdown_model::Role::Analyst)
                    && !store.screening_teams(&viewer)?.is_empty()
                {
                    signed_in.may.push("screening".to_owned());
                }
                Ok(Some(signed_in))
            })
            .await?
        }
        None => None,
    };
    Ok(Json(SessionInfo { user, passkeys: state.sessions.webauthn.is_some(), origin: state.sessions.public.origin() }))
}

fn signed_in(state: &WebState, session: &CreatedSession, now: DateTime<Utc>) -> Response {
    let body = SignedIn::of(&session.user);
    let mut response = Json(body).into_response();
    response.headers_mut().insert(header::SET_COOKIE, state.sessions.cookie(session, now));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Ends the session and clears its cookie.
#[utoipa::path(delete, path = "/api/v1/session", security(()), responses((status = 204), (status = 403)))]
async fn sign_out(State(state): State<WebState>, method: Method, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(secret) = session_secret(&headers).map(str::to_owned) {
        check_origin(&method, &headers)?;
        blocking(&state.app, move |store| Ok(store.end_session(&secret, Utc::now())?)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, state.sessions.cookie_value("", 0));
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
struct LinkCode {
    /// The code from the one-time link (the part after `#code=`).
    code: String,
}

/// Signs in with a one-time code; the code is spent even if the browser
/// never stores the cookie.
#[utoipa::path(post, path = "/api/v1/session/link", security(()), request_body = LinkCode, responses((status = 200, body = SignedIn), (status = 401), (status = 403)))]
async fn sign_in_with_link(
    State(state): State<WebState>,
    method: Method,
    headers: HeaderMap,
    Json(body): Json<LinkCode>,
) -> Result<Response, ApiError> {
    check_origin(&method, &headers)?;
    let now = Utc::now();
    let code = body.code.trim().to_owned();
    let session = blocking(&state.app, move |store| Ok(store.signin_with_code(&code, SESSION_LIFETIME, now)?)).await?;
    let session = session.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this sign-in link is unknown, used already or expired; ask for a new one",
        )
    })?;
    Ok(signed_in(&state, &session, now))
}

#[derive(Deserialize, ToSchema)]
struct PasskeySigninStart {
    user: String,
}

/// A started WebAuthn ceremony: hand `options` to the browser's WebAuthn
/// call and send its answer back with `ceremony`.
#[derive(Serialize, ToSchema)]
struct Challenge {
    ceremony: String,
    /// `PublicKeyCredentialCreationOptions` or `...RequestOptions` in the
    /// WebAuthn JSON form (binary fields base64url), under `publicKey`.
    options: serde_json::Value,
}

fn json<T: Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(ApiError::internal)
}

fn passkey_failed(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, format!("the passkey was not accepted: {error}"))
}

/// Starts signing in with a passkey of `user`.
#[utoipa::path(post, path = "/api/v1/session/passkey", security(()), request_body = PasskeySigninStart, responses((status = 200, body = Challenge), (status = 400), (status = 503)))]
async fn start_passkey_signin(
    State(state): State<WebState>,
    method: Method,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Json(body): Json<PasskeySigninStart>,
) -> Result<Json<Challenge>, ApiError> {
    check_origin(&method, &headers)?;
    let client = crate::public::client_address(&extensions, &headers, &state.app.trusted_proxies);
    let webauthn = state.sessions.webauthn()?;
    let user = body.user.trim().to_owned();
    let stored = blocking(&state.app, move |store| Ok(store.passkeys_for_signin(&user)?)).await?;
    let passkeys: Vec<(i64, Passkey)> = stored
        .into_iter()
        .filter_map(|stored| match serde_json::from_str(&stored.passkey) {
            Ok(passkey) => Some((stored.id, passkey)),
            Err(error) => {
                tracing::error!(%error, passkey = stored.id, "stored passkey does not parse; skipped");
                None
            }
        })
        .collect();
    if passkeys.is_empty() {
        return Err(ApiError::bad_request(format!(
            "no passkey is registered for {:?}: sign in with a one-time link first, then add a passkey",
            body.user
        )));
    }
    let keys: Vec<Passkey> = passkeys.iter().map(|(_, key)| key.clone()).collect();
    let (options, ceremony) = webauthn.start_passkey_authentication(&keys).map_err(ApiError::internal)?;
    let ceremony = Ceremony::Signin { passkeys, state: ceremony };
    let ceremony = blocking(&state.app, move |store| start_ceremony(store, &ceremony, client, Utc::now())).await?;
    Ok(Json(Challenge { ceremony, options: json(&options)? }))
}

#[derive(Deserialize, ToSchema)]
struct PasskeySigninFinish {
    ceremony: String,
    /// The browser's `PublicKeyCredential` in WebAuthn JSON form.
    credential: serde_json::Value,
}

/// Finishes a passkey sign-in and opens a session.
#[utoipa::path(post, path = "/api/v1/session/passkey/finish", security(()), request_body = PasskeySigninFinish, responses((status = 200, body = SignedIn), (status = 400), (status = 401)))]
async fn finish_passkey_signin(
    State(state): State<WebState>,
    method: Method,
    headers: HeaderMap,
    Json(body): Json<PasskeySigninFinish>,
) -> Result<Response, ApiError> {
    check_origin(&method, &headers)?;
    let webauthn = state.sessions.webauthn()?;
    let id = body.ceremony.clone();
    let ceremony = blocking(&state.app, move |store| finish_ceremony(store, &id, Utc::now())).await?;
    let Ceremony::Signin { passkeys, state: ceremony } = ceremony else {
        return Err(ApiError::bad_request("this ceremony is a registration, not a sign-in"));
    };
    let credential: PublicKeyCredential = serde_json::from_value(body.credential)
        .map_err(|error| ApiError::bad_request(format!("credential: {error}")))?;
    let result = webauthn.finish_passkey_authentication(&credential, &ceremony).map_err(passkey_failed)?;
    let (id, mut passkey) = passkeys
        .into_iter()
        .find(|(_, passkey)| passkey.cred_id() == result.cred_id())
        .ok_or_else(|| passkey_failed("unknown credential"))?;
    let updated = match passkey.update_credential(&result) {
        Some(true) => Some(serde_json::to_string(&passkey).map_err(ApiError::internal)?),
        _ => None,
    };
    let now = Utc::now();
    let session = blocking(&state.app, move |store| {
        Ok(store.signin_with_passkey(id, updated.as_deref(), SESSION_LIFETIME, now)?)
    })
    .await?;
    Ok(signed_in(&state, &session, now))
}

/// A registered passkey.
#[derive(Serialize, ToSchema)]
struct PasskeyItem {
    id: i64,
    label: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<PasskeyInfo> for PasskeyItem {
    fn from(info: PasskeyInfo) -> PasskeyItem {
        PasskeyItem { id: info.id, label: info.label, created_at: info.created_at, last_used_at: info.last_used_at }
    }
}

/// The caller's passkeys.
#[utoipa::path(get, path = "/api/v1/passkeys", responses((status = 200, body = [PasskeyItem]), (status = 401)))]
async fn list_passkeys(State(state): State<WebState>, Auth(viewer): Auth) -> Result<Json<Vec<PasskeyItem>>, ApiError> {
    let keys = blocking(&state.app, move |store| Ok(store.passkeys(&viewer)?)).await?;
    Ok(Json(keys.into_iter().map(PasskeyItem::from).collect()))
}

/// Starts registering a passkey for the caller.
#[utoipa::path(post, path = "/api/v1/passkeys", responses((status = 200, body = Challenge), (status = 401), (status = 503)))]
async fn start_passkey_registration(
    State(state): State<WebState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Auth(viewer): Auth,
) -> Result<Json<Challenge>, ApiError> {
    let client = crate::public::client_address(&extensions, &headers, &state.app.trusted_proxies);
    let webauthn = state.sessions.webauthn()?;
    let fresh = Uuid::new_v4();
    let user_id = viewer.user_id;
    let name = viewer.user_name.clone();
    let (handle, existing) = blocking(&state.app, move |store| {
        let handle = store.webauthn_handle(&viewer, &fresh.to_string())?;
        Ok((handle, store.passkey_credential_ids(&viewer)?))
    })
    .await?;
    let handle = Uuid::parse_str(&handle).map_err(ApiError::internal)?;
    let exclude: Vec<Vec<u8>> = existing.iter().filter_map(|id| unhex(id)).collect();
    let (options, ceremony) = webauthn
        .start_passkey_registration(handle, &name, &name, Some(exclude).filter(|list| !list.is_empty()))
        .map_err(ApiError::internal)?;
    let ceremony = Ceremony::Register { user_id, state: ceremony };
    let ceremony = blocking(&state.app, move |store| start_ceremony(store, &ceremony, client, Utc::now())).await?;
    Ok(Json(Challenge { ceremony, options: json(&options)? }))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|index| text.get(index..index + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

#[derive(Deserialize, ToSchema)]
struct PasskeyRegistrationFinish {
    ceremony: String,
    /// A name to tell this passkey from others, e.g. "work laptop".
    label: String,
    /// The browser's new `PublicKeyCredential` in WebAuthn JSON form.
    credential: serde_json::Value,
}

/// Finishes registering a passkey for the caller.
#[utoipa::path(post, path = "/api/v1/passkeys/finish", request_body = PasskeyRegistrationFinish, responses((status = 201, body = PasskeyItem), (status = 400), (status = 401), (status = 409)))]
async fn finish_passkey_registration(
    State(state): State<WebState>,
    Auth(viewer): Auth,
    Json(body): Json<PasskeyRegistrationFinish>,
) -> Result<(StatusCode, Json<PasskeyItem>), ApiError> {
    let webauthn = state.sessions.webauthn()?;
    let id = body.ceremony.clone();
    let ceremony = blocking(&state.app, move |store| finish_ceremony(store, &id, Utc::now())).await?;
    let Ceremony::Register { user_id, state: ceremony } = ceremony else {
        return Err(ApiError::bad_request("this ceremony is a sign-in, not a registration"));
    };
    if user_id != viewer.user_id {
        return Err(ApiError::bad_request("this registration was started by another user"));
    }
    let credential: RegisterPublicKeyCredential = serde_json::from_value(body.credential)
        .map_err(|error| ApiError::bad_request(format!("credential: {error}")))?;
    let passkey = webauthn
        .finish_passkey_registration(&credential, &ceremony)
        .map_err(|error| ApiError::bad_request(format!("the passkey could not be registered: {error}")))?;
    let credential_id = hex(passkey.cred_id());
    let stored = serde_json::to_string(&passkey).map_err(ApiError::internal)?;
    let info = blocking(&state.app, move |store| {
        Ok(store.add_passkey(&viewer, &credential_id, &body.label, &stored, Utc::now())?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(info.into())))
}

/// Removes one of the caller's passkeys.
#[utoipa::path(delete, path = "/api/v1/passkeys/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 404)))]
async fn remove_passkey(
    State(state): State<WebState>,
    Auth(viewer): Auth,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    blocking(&state.app, move |store| Ok(store.remove_passkey(&viewer, id, Utc::now())?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct SigninLinkRequest {
    /// Whose link; admins may name users of their organisation.
    user: String,
}

#[derive(Serialize, ToSchema)]
struct SigninLink {
    user: String,
    /// Single use; hand it to that user only.
    url: String,
    expires_at: DateTime<Utc>,
}

/// Makes a one-time sign-in link (for oneself, or as an admin for a user).
#[utoipa::path(post, path = "/api/v1/signin-links", request_body = SigninLinkRequest, responses((status = 201, body = SigninLink), (status = 403), (status = 404)))]
async fn create_signin_link(
    State(state): State<WebState>,
    Auth(viewer): Auth,
    Json(body): Json<SigninLinkRequest>,
) -> Result<(StatusCode, Json<SigninLink>), ApiError> {
    let code = blocking(&state.app, move |store| {
        Ok(store.create_signin_code(&viewer, &body.user, LINK_LIFETIME, Utc::now())?)
    })
    .await?;
    let url = state.sessions.public.signin_link(&code.code);
    Ok((StatusCode::CREATED, Json(SigninLink { user: code.user, url, expires_at: code.expires_at })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let map = headers(&[(header::COOKIE, "a=1; crackdown_session=cds_ab ; b=2")]);
        assert_eq!(session_secret(&map), Some("cds_ab"));
        assert_eq!(session_secret(&headers(&[(header::COOKIE, "crackdown_sessionx=1")])), None);
        assert_eq!(session_secret(&HeaderMap::new()), None);
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let same = headers(&[(header::ORIGIN, "http://localhost:8080"), (header::HOST, "localhost:8080")]);
        assert!(check_origin(&Method::POST, &same).is_ok());
        let other = headers(&[(header::ORIGIN, "https://evil.example"), (header::HOST, "localhost:8080")]);
        assert!(check_origin(&Method::POST, &other).is_err());
        let missing = headers(&[(header::HOST, "localhost:8080")]);
        assert!(check_origin(&Method::DELETE, &missing).is_err());
        assert!(check_origin(&Method::GET, &other).is_ok());
        let null = headers(&[(header::ORIGIN, "null"), (header::HOST, "localhost:8080")]);
        assert!(check_origin(&Method::POST, &null).is_err());
    }

    #[test]
    fn cookies_are_secure_on_loopback_and_https_only() {
        let local = Sessions::new(PublicUrl::for_listen("127.0.0.1:8080".parse().expect("address")).expect("url"));
        assert_eq!(local.public.origin(), "http://localhost:8080");
        assert!(local.webauthn.is_some());
        let cookie = local.cookie_value("cds_x", 60);
        let cookie = cookie.to_str().expect("ascii");
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/", "Max-Age=60"] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        let lan = Sessions::new(PublicUrl::parse("http://192.168.1.5:8080").expect("url"));
        assert!(!lan.cookie_value("cds_x", 60).to_str().expect("ascii").contains("Secure"));
        assert!(lan.webauthn.is_none(), "no passkeys on an IP address");
        let public = Sessions::new(PublicUrl::parse("https://crackdown.example.org/").expect("url"));
        assert!(public.cookie_value("cds_x", 60).to_str().expect("ascii").contains("Secure"));
        assert_eq!(public.public.signin_link("cdl_1"), "https://crackdown.example.org/signin#code=cdl_1");
        assert!(PublicUrl::parse("ftp://x").is_err());
    }

    fn temp_store() -> (tempfile::TempDir, crackdown_store::Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crackdown_store::Store::open_sqlite(dir.path()).expect("store");
        (dir, store)
    }

    #[test]
    fn ceremonies_are_single_use_and_survive_the_store_round_trip() {
        let (_dir, store) = temp_store();
        let sessions = Sessions::new(PublicUrl::for_listen("127.0.0.1:8080".parse().expect("address")).expect("url"));
        let webauthn = sessions.webauthn().expect("passkeys on localhost");
        let (_, state) = webauthn.start_passkey_registration(Uuid::new_v4(), "a", "a", None).expect("start");
        let client = std::net::IpAddr::from([192, 0, 2, 7]);
        let now = Utc::now();
        let id = start_ceremony(&store, &Ceremony::Register { user_id: 7, state }, client, now).expect("stored");
        match finish_ceremony(&store, &id, now) {
            Ok(Ceremony::Register { user_id: 7, .. }) => {}
            Ok(_) => panic!("another kind of ceremony came back"),
            Err(error) => panic!("not finished: {error:?}"),
        }
        assert!(finish_ceremony(&store, &id, now).is_err(), "used once");
        assert!(finish_ceremony(&store, "unknown", now).is_err());
        let (_, state) = webauthn.start_passkey_registration(Uuid::new_v4(), "a", "a", None).expect("start");
        let late = start_ceremony(&store, &Ceremony::Register { user_id: 7, state }, client, now).expect("stored");
        assert!(finish_ceremony(&store, &late, now + CEREMONY_TTL).is_err(), "expired");
    }

    #[test]
    fn one_client_cannot_take_every_ceremony() {
        let (_dir, store) = temp_store();
        let sessions = Sessions::new(PublicUrl::for_listen("127.0.0.1:8080".parse().expect("address")).expect("url"));
        let webauthn = sessions.webauthn().expect("passkeys on localhost");
        let start = |client: std::net::IpAddr| {
            let (_, state) = webauthn.start_passkey_registration(Uuid::new_v4(), "a", "a", None).expect("start");
            start_ceremony(&store, &Ceremony::Register { user_id: 1, state }, client, Utc::now())
        };
        let greedy = std::net::IpAddr::from([192, 0, 2, 7]);
        for _ in 0..MAX_CEREMONIES_PER_CLIENT {
            start(greedy).expect("within the per-client allowance");
        }
        let refused = start(greedy).expect_err("over the allowance");
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        start(std::net::IpAddr::from([198, 51, 100, 1])).expect("another client still starts one");
    }

    #[test]
    fn credential_ids_round_trip_through_hex() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("zz"), None);
    }
}
