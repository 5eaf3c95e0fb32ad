//! The webhook outbox worker: drains `webhook_deliveries` in the
//! background of `crackdown serve`, POSTing each alert signed with its
//! webhook's secret, retrying failures with backoff.
//!
//! Delivery is at least once: a delivery counts as done only when the
//! receiver answered 2xx and that was recorded. A server killed between
//! the receiver's answer and the record sends it again after restart, with
//! the same `delivery_id` (body and `Crackdown-Delivery` header), so a
//! receiver that keeps the ids it has processed sees every alert exactly
//! once. Intake never waits for this: it only inserts rows; here at most
//! [`OutboxConfig::concurrency`] requests run at once, each bounded by
//! [`OutboxConfig::timeout`] (connect included), so a slow or unreachable
//! receiver delays only its own deliveries.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, Uri, header};
use chrono::Utc;
use crackdown_link::webhook::{DELIVERY_HEADER, RetryPolicy, SIGNATURE_HEADER, sign};
use crackdown_store::{ClaimedDelivery, DeliveryResult, Store};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::watch::AlertItem;

/// How the worker paces itself.
#[derive(Clone, Copy, Debug)]
pub struct OutboxConfig {
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Longest one attempt may take, from connecting to the response head.
    pub timeout: Duration,
    /// How often the outbox is checked when it was found empty.
    pub poll: Duration,
    pub retry: RetryPolicy,
}

impl Default for OutboxConfig {
    fn default() -> OutboxConfig {
        OutboxConfig {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(250),
            retry: RetryPolicy::default(),
        }
    }
}

impl OutboxConfig {
    /// How long a claimed attempt is not handed out again: the attempt's
    /// timeout plus a margin. A worker that dies mid-attempt leaves the
    /// delivery to be retried when this runs out.
    fn lease(&self) -> Duration {
        self.timeout + Duration::from_secs(5)
    }
}

/// The JSON body of a delivery.
#[derive(Serialize)]
struct Payload<'a> {
    delivery_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    attempt: u32,
    alert: AlertItem,
}

/// Runs until the runtime stops: claims due deliveries as permits free up
/// and sends each on its own task.
pub async fn run(store: Arc<Store>, config: OutboxConfig) {
    let permits = Arc::new(Semaphore::new(config.concurrency.max(1)));
    loop {
        let free = permits.available_permits();
        let mut claimed_all = false;
        if free > 0 {
            let claim_store = Arc::clone(&store);
            let lease = config.lease();
            let claimed =
                tokio::task::spawn_blocking(move || claim_store.claim_deliveries(Utc::now(), lease, free)).await;
            match claimed {
                Ok(Ok(deliveries)) => {
                    claimed_all = deliveries.len() == free;
                    for delivery in deliveries {
                        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                            return;
                        };
                        let store = Arc::clone(&store);
                        tokio::spawn(async move {
                            attempt(store, delivery, config).await;
                            drop(permit);
                        });
                    }
                }
                Ok(Err(error)) => tracing::error!(%error, "cannot read the webhook outbox"),
                Err(error) => tracing::error!(%error, "the webhook outbox task failed"),
            }
        }
        if !claimed_all {
            tokio::time::sleep(config.poll).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
}

/// One attempt of one delivery, recorded in the outbox.
async fn attempt(store: Arc<Store>, delivery: ClaimedDelivery, config: OutboxConfig) {
    let result = match send(&delivery, config.timeout).await {
        Ok(()) => DeliveryResult::Delivered,
        Err(error) => {
            let mut random = [0_u8; 8];
            // Without randomness the retry is merely not jittered.
            let _ = getrandom::fill(&mut random);
            let retry_at = config
                .retry
                .delay_after(delivery.attempt, u64::from_le_bytes(random))
                .and_then(|delay| chrono::Duration::from_std(delay).ok())
                .map(|delay| Utc::now() + delay);
            tracing::warn!(delivery = %delivery.delivery_id, attempt = delivery.attempt, %error, ?retry_at, "webhook delivery failed");
            DeliveryResult::Failed { error, retry_at }
        }
    };
    let id = delivery.id;
    let recorded = tokio::task::spawn_blocking(move || store.finish_delivery(id, &result, Utc::now())).await;
    if let Err(error) = recorded.map_err(|error| error.to_string()).and_then(|done| done.map_err(|e| e.to_string())) {
        tracing::error!(delivery = id, %error, "cannot record a webhook delivery; it will be sent again");
    }
}

/// POSTs the delivery; `Ok` only on a 2xx answer within `timeout`.
async fn send(delivery: &ClaimedDelivery, timeout: Duration) -> Result<(), String> {
    let payload = Payload {
        delivery_id: &delivery.delivery_id,
        kind: "watch.alert",
        attempt: delivery.attempt,
        alert: AlertItem::from(delivery.alert.clone()),
    };
    let body = serde_json::to_vec(&payload).map_err(|error| format!("cannot encode the alert: {error}"))?;
    let signature = sign(delivery.secret.as_bytes(), Utc::now().timestamp(), &body);
    match tokio::time::timeout(timeout, post(&delivery.url, &delivery.delivery_id, &signature, body)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

async fn post(url: &str, delivery_id: &str, signature: &str, body: Vec<u8>) -> Result<(), String> {
    let uri: Uri = url.parse().map_err(|error| format!("url {url:?}: {error}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "url {url:?}: only http:// receivers are supported by this build (use a TLS-terminating relay)"
        ));
    }
    let authority = uri.authority().ok_or_else(|| format!("url {url:?} has no host"))?.clone();
    let host = authority.host().trim_start_matches('[').trim_end_matches(']');
    let port = authority.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|error| format!("cannot connect to {authority}: {error}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake with {authority}: {error}"))?;
    let driver = tokio::spawn(connection);
    let path = uri.path_and_query().map_or("/", |path| path.as_str());
    let request = Request::post(path)
        .header(header::HOST, authority.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "crackdown-webhooks")
        .header(SIGNATURE_HEADER, signature)
        .header(DELIVERY_HEADER, delivery_id)
        .body(Full::new(Bytes::from(body)))
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let answer = sender.send_request(request).await;
    driver.abort();
    let status = answer.map_err(|error| format!("POST to {authority}: {error}"))?.status();
    if status.is_success() { Ok(()) } else { Err(format!("the receiver answered {status}")) }
}
