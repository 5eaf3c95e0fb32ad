//! The accept loop of `crackdown serve`: HTTP/1.1 connections with the
//! time limits of [`Timeouts`], each request carrying its peer address, and
//! a graceful shutdown that finishes the requests in flight.
//!
//! `axum::serve` offers no header-read or idle timeout: a client sending
//! one header byte now and then kept a connection (and its task and
//! buffers) forever, and enough of them exhaust file descriptors. Here
//! hyper's header-read timer covers both the first request's head and the
//! wait for the next one on a kept-alive connection; the body deadline
//! (`limits::body_deadline`, a layer of the app) covers the upload.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt as _;

/// How long a connection may take over each stage.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// To send a request's whole header block, counted from when the server
    /// starts waiting for it: after connecting, or after the previous
    /// answer on a kept-alive connection (so it is the idle timeout too).
    pub header_read: Duration,
    /// For a request's whole body to arrive.
    pub body: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts { header_read: crate::limits::HEADER_READ_TIMEOUT, body: crate::limits::BODY_TIMEOUT }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting and waits for the connections' requests in flight.
pub(crate) async fn serve_connections(
    listener: TcpListener,
    app: axum::Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (stop, stopped) = watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, never spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // Reap finished connections so the set stays as large as the live ones.
        while connections.try_join_next().is_some() {}
        let app = app.clone();
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move { Ok::<_, Infallible>(app.oneshot(request).await.unwrap_or_else(|never| match never {})) }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read).keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => log_end(peer, result),
                () = async { drop(stopped.wait_for(|stop| *stop).await) } => {
                    connection.as_mut().graceful_shutdown();
                    log_end(peer, connection.await);
                }
            }
        });
    }
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

fn log_end(peer: SocketAddr, result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        // Timeouts and clients going away are routine; the peer is no personal data of a victim.
        tracing::debug!(%peer, %error, "connection closed");
    }
}
