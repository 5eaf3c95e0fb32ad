//! crackdown's HTTP API. Only this crate knows HTTP.
//!
//! Handlers authenticate the bearer token, then call the store with the
//! resulting `Viewer`; access rules are the store's, so the API cannot show
//! more than the CLI. The store is synchronous, so every call runs on
//! tokio's blocking pool.

mod api;
mod error;
mod public;

use std::net::SocketAddr;
use std::sync::Arc;

use crackdown_store::Store;

pub use api::{ApiDoc, ImportError, router};
pub use error::ApiError;
pub use public::RateLimit;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub(crate) public: Arc<public::PublicGate>,
}

impl AppState {
    pub fn new(store: Arc<Store>) -> AppState {
        AppState::with_public_limit(store, RateLimit::default())
    }

    /// Like [`AppState::new`] with another rate limit for the public endpoint.
    pub fn with_public_limit(store: Arc<Store>, limit: RateLimit) -> AppState {
        AppState { store, public: Arc::new(public::PublicGate::new(limit)) }
    }
}

/// Serves the API on `listen` until Ctrl-C or SIGTERM, then finishes the
/// requests in flight.
pub async fn serve(store: Arc<Store>, listen: SocketAddr, on_ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    on_ready(listener.local_addr()?);
    let app = router(AppState::new(store)).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
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
    tracing::info!("shutting down: finishing requests in flight");
}
