//! crackdown's HTTP API. Only this crate knows HTTP.
//!
//! Handlers authenticate the bearer token, then call the store with the
//! resulting `Viewer`; access rules are the store's, so the API cannot show
//! more than the CLI. The store is synchronous, so every call runs on
//! tokio's blocking pool.

mod api;
mod campaigns;
pub mod connections;
mod dashboard;
mod error;
mod ledger_import;
pub mod limits;
pub mod outbox;
mod public;
mod screening;
mod search;
pub mod session;
mod share;
mod taxii;
pub mod taxii_client;
mod taxii_write;
mod trail;
pub mod ui;
mod watch;

use std::net::SocketAddr;
use std::sync::Arc;

use crackdown_store::Store;

pub use api::{ApiDoc, ImportError, router};
pub use error::ApiError;
pub use public::RateLimit;
pub use session::PublicUrl;
use utoipa::OpenApi as _;

/// Receives public reports unless `--public-org` names another organisation.
pub const DEFAULT_PUBLIC_ORG: &str = "local";

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub(crate) public: Arc<public::PublicGate>,
    /// Per-client allowance of the public lookup (looser than submissions).
    pub(crate) lookups: Arc<public::PublicGate>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub(crate) trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Recent public lookup answers (see [`public::LOOKUP_CACHE_TTL`]).
    pub(crate) lookup_answers: Arc<public::LookupCache>,
    /// Loaded ledgers by organisation (see `trail.rs`).
    pub(crate) ledgers: Arc<crackdown_engine::trail::LedgerCache>,
    /// The organisation that receives public reports.
    pub(crate) public_org: Arc<str>,
    /// Where webhooks may point (checked at registration; the outbox checks
    /// again at every connection).
    pub(crate) outbound: Arc<crackdown_link::outbound::OutboundPolicy>,
}

impl AppState {
    pub fn new(store: Arc<Store>) -> AppState {
        AppState::with_public_limit(store, RateLimit::default())
    }

    /// Like [`AppState::new`] with another rate limit for the public endpoint.
    pub fn with_public_limit(store: Arc<Store>, limit: RateLimit) -> AppState {
        AppState {
            store,
            public: Arc::new(public::PublicGate::new(public::SUBMIT_SCOPE, limit)),
            lookups: Arc::new(public::PublicGate::new(public::LOOKUP_SCOPE, public::LOOKUP_LIMIT)),
            lookup_answers: Arc::default(),
            trusted_proxies: Arc::new([]),
            ledgers: Arc::new(crackdown_engine::trail::LedgerCache::new()),
            public_org: Arc::from(DEFAULT_PUBLIC_ORG),
            outbound: Arc::default(),
        }
    }

    /// The same state with another rule for webhook addresses.
    pub fn with_outbound(mut self, policy: crackdown_link::outbound::OutboundPolicy) -> AppState {
        self.outbound = Arc::new(policy);
        self
    }
}

/// The OpenAPI document of every route: the API's and the sign-in routes'.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(session::SessionDoc::openapi());
    document.merge(dashboard::DashboardDoc::openapi());
    document.merge(trail::TrailDoc::openapi());
    document.merge(ledger_import::LedgerImportDoc::openapi());
    document.merge(campaigns::CampaignsDoc::openapi());
    document.merge(share::ShareDoc::openapi());
    document.merge(taxii::TaxiiDoc::openapi());
    document.merge(search::SearchDoc::openapi());
    document.merge(watch::WatchDoc::openapi());
    document.merge(screening::ScreeningDoc::openapi());
    document
}

/// Everything `crackdown serve` answers: the API, the sign-in routes and
/// the embedded web UI for any other path.
pub fn app(store: Arc<Store>, public: PublicUrl) -> axum::Router {
    app_with(AppState::new(store), public)
}

/// Empties the lookup cache after every successful write: a new report, an
/// allow-list change or a status change may change public answers.
async fn forget_lookups_after_writes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let response = next.run(request).await;
    if writes && response.status().is_success() {
        state.lookup_answers.clear();
    }
    response
}

fn app_with(state: AppState, public: PublicUrl) -> axum::Router {
    app_with_timeout(state, public, connections::Timeouts::default().body)
}

/// The app whose request bodies must arrive within `body_timeout`.
fn app_with_timeout(state: AppState, public: PublicUrl, body_timeout: std::time::Duration) -> axum::Router {
    let web = session::WebState { app: state.clone(), sessions: Arc::new(session::Sessions::new(public)) };
    // `router` traces its own requests; these routes get the same layer.
    let more = dashboard::router(state.clone())
        .merge(watch::router(state.clone()))
        .merge(session::router(web))
        .layer(limits::request_trace());
    let forget = axum::middleware::from_fn_with_state(state.clone(), forget_lookups_after_writes);
    router(state)
        .merge(more)
        .merge(ui::router())
        .layer(forget)
        .layer(axum::middleware::from_fn_with_state(body_timeout, limits::body_deadline))
}

/// How [`serve`] runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// The URL browsers use (by default derived from the bound address, see
    /// [`PublicUrl::for_listen`]).
    pub public: Option<PublicUrl>,
    /// Public lookups per second per client after the burst (default
    /// [`public::LOOKUP_LIMIT`]'s 10).
    pub lookup_rate: Option<u32>,
    /// Private certificate authorities of `https://` webhook receivers.
    pub webhook_ca: Option<std::path::PathBuf>,
    /// Reverse proxies in front of the server: behind them, the per-client
    /// allowances count the address they forward, not theirs.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The organisation that receives public reports (default [`DEFAULT_PUBLIC_ORG`]).
    pub public_org: Option<String>,
    /// Private ranges webhooks may reach besides public addresses
    /// (`--webhook-allow-private`, for receivers on the operator's network).
    pub webhook_allow_private: Vec<crackdown_link::outbound::Cidr>,
    /// Time limits of connections and requests.
    pub timeouts: connections::Timeouts,
}

impl ServeOptions {
    /// Listening on `listen` with every other option at its default.
    pub fn new(listen: SocketAddr) -> ServeOptions {
        ServeOptions {
            listen,
            public: None,
            lookup_rate: None,
            webhook_ca: None,
            trusted_proxies: Vec::new(),
            public_org: None,
            webhook_allow_private: Vec::new(),
            timeouts: connections::Timeouts::default(),
        }
    }
}

/// Where a started server is: the socket it bound and the URL people use.
pub struct Endpoint {
    pub address: SocketAddr,
    pub public: PublicUrl,
}

/// Serves the API and the UI until Ctrl-C or SIGTERM, then finishes the
/// requests in flight.
pub async fn serve(store: Arc<Store>, options: ServeOptions, on_ready: impl FnOnce(&Endpoint)) -> std::io::Result<()> {
    let tls = outbox::TlsRoots::new(options.webhook_ca.as_deref()).map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    let address = listener.local_addr()?;
    let public = match options.public {
        Some(public) => public,
        None => PublicUrl::for_listen(address).map_err(std::io::Error::other)?,
    };
    if let Some(org) = &options.public_org {
        let operator = store.operator(chrono::Utc::now()).map_err(std::io::Error::other)?;
        let orgs = store.orgs(&operator).map_err(std::io::Error::other)?;
        if !orgs.iter().any(|known| known.name == *org) {
            return Err(std::io::Error::other(format!(
                "--public-org {org:?}: no such organisation (crackdown org add)"
            )));
        }
    }
    // Whatever an intake of an earlier run stored but did not link or
    // watch (the process died after its commit) is finished first.
    let settling = Arc::clone(&store);
    match tokio::task::spawn_blocking(move || crackdown_engine::intake::settle(&settling, chrono::Utc::now())).await {
        Ok(Ok(settled)) if settled.linked + settled.watched > 0 => {
            tracing::info!(linked = settled.linked, watched = settled.watched, "finished an earlier intake");
        }
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::error!(%error, "cannot finish an earlier intake; it is retried at the next intake"),
        Err(error) => tracing::error!(%error, "finishing an earlier intake panicked"),
    }
    on_ready(&Endpoint { address, public: public.clone() });
    let policy = crackdown_link::outbound::OutboundPolicy::allowing(options.webhook_allow_private);
    let mut outbox_config = outbox::OutboxConfig::new(tls);
    outbox_config.policy = policy.clone();
    tokio::spawn(outbox::run(Arc::clone(&store), outbox_config));
    let mut state = AppState::new(store).with_outbound(policy);
    if let Some(org) = options.public_org {
        state.public_org = Arc::from(org);
    }
    if let Some(rate) = options.lookup_rate {
        state.lookups = Arc::new(public::PublicGate::new(public::LOOKUP_SCOPE, public::RateLimit::per_second(rate)));
    }
    state.trusted_proxies = options.trusted_proxies.into();
    trail::warm_in_background(&state);
    let app = app_with_timeout(state, public, options.timeouts.body);
    connections::serve_connections(listener, app, options.timeouts, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
