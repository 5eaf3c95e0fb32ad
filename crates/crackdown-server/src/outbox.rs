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
//!
//! `https://` receivers are reached over TLS (rustls) and verified against
//! the Mozilla root store built into the binary plus any private CA the
//! operator names ([`TlsRoots`]); `http://` stays for receivers on a
//! private network the operator allowed (`--webhook-allow-private`).
//!
//! Every connection resolves the receiver's name here and checks each
//! address against the [`OutboundPolicy`] before connecting to that very
//! address, so a name re-pointed at 127.0.0.1 after registration (DNS
//! rebinding) reaches nothing.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, Uri, header};
use chrono::Utc;
use crackdown_link::outbound::OutboundPolicy;
use crackdown_link::webhook::{DELIVERY_HEADER, RetryPolicy, SIGNATURE_HEADER, sign};
use crackdown_store::{ClaimedDelivery, DeliveryResult, Store};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use tokio_rustls::TlsConnector;

use crate::watch::AlertItem;

/// The certificate authorities `https://` receivers are verified against.
#[derive(Clone, Debug)]
pub struct TlsRoots(Arc<rustls::ClientConfig>);

impl TlsRoots {
    /// The Mozilla roots built into the binary, plus the PEM certificates
    /// in `extra_ca` when given (a bank's private CA for its receivers).
    pub fn new(extra_ca: Option<&Path>) -> Result<TlsRoots, String> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = extra_ca {
            let shown = path.display();
            let mut added = 0;
            for certificate in
                CertificateDer::pem_file_iter(path).map_err(|error| format!("webhook CA file {shown}: {error}"))?
            {
                let certificate = certificate.map_err(|error| format!("webhook CA file {shown}: {error}"))?;
                roots.add(certificate).map_err(|error| format!("webhook CA file {shown}: {error}"))?;
                added += 1;
            }
            if added == 0 {
                return Err(format!("webhook CA file {shown} holds no PEM certificate"));
            }
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|error| format!("TLS setup: {error}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(TlsRoots(Arc::new(config)))
    }
}

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct OutboxConfig {
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Longest one attempt may take, from connecting to the response head.
    pub timeout: Duration,
    /// How often the outbox is checked when it was found empty.
    pub poll: Duration,
    pub retry: RetryPolicy,
    pub tls: TlsRoots,
    /// Which addresses receivers may have.
    pub policy: OutboundPolicy,
}

impl OutboxConfig {
    /// The production pacing with the given certificate authorities.
    pub fn new(tls: TlsRoots) -> OutboxConfig {
        OutboxConfig {
            concurrency: 8,
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(250),
            retry: RetryPolicy::default(),
            tls,
            policy: OutboundPolicy::default(),
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
                        let config = config.clone();
                        tokio::spawn(async move {
                            attempt(store, delivery, &config).await;
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
async fn attempt(store: Arc<Store>, delivery: ClaimedDelivery, config: &OutboxConfig) {
    let result = match send(&delivery, config).await {
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
async fn send(delivery: &ClaimedDelivery, config: &OutboxConfig) -> Result<(), String> {
    let timeout = config.timeout;
    let payload = Payload {
        delivery_id: &delivery.delivery_id,
        kind: "watch.alert",
        attempt: delivery.attempt,
        alert: AlertItem::from(delivery.alert.clone()),
    };
    let body = serde_json::to_vec(&payload).map_err(|error| format!("cannot encode the alert: {error}"))?;
    let signature = sign(delivery.secret.as_bytes(), Utc::now().timestamp(), &body);
    let posted = post(&delivery.url, &delivery.delivery_id, &signature, body, &config.tls, &config.policy);
    match tokio::time::timeout(timeout, posted).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

async fn post(
    url: &str,
    delivery_id: &str,
    signature: &str,
    body: Vec<u8>,
    tls: &TlsRoots,
    policy: &OutboundPolicy,
) -> Result<(), String> {
    // Checked again: a URL stored before the policy existed is refused here.
    let url = policy.check_url(url)?.0;
    let url = url.as_str();
    let uri: Uri = url.parse().map_err(|error| format!("url {url:?}: {error}"))?;
    let secure = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(format!("url {url:?}: expected http:// or https://")),
    };
    let authority = uri.authority().ok_or_else(|| format!("url {url:?} has no host"))?.clone();
    let host = authority.host().trim_start_matches('[').trim_end_matches(']');
    let port = authority.port_u16().unwrap_or(if secure { 443 } else { 80 });
    // Host is the host and port alone: never a user name or password.
    let host_header = match authority.port() {
        Some(port) => format!("{}:{port}", authority.host()),
        None => authority.host().to_owned(),
    };
    let path = uri.path_and_query().map_or("/", |path| path.as_str());
    let request = Request::post(path)
        .header(header::HOST, host_header)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "crackdown-webhooks")
        .header(SIGNATURE_HEADER, signature)
        .header(DELIVERY_HEADER, delivery_id)
        .body(Full::new(Bytes::from(body)))
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let stream = connect_verified(host, port, secure, policy, tls, &format!("url {url:?}"), authority.as_ref()).await?;
    let status = exchange(stream, request, &authority).await?;
    if status.is_success() { Ok(()) } else { Err(format!("the receiver answered {status}")) }
}

/// A connection HTTP is spoken over: plain TCP or TLS over it.
pub(crate) trait Connection: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Connection for T {}

/// [`connect_checked`], then for `https` TLS verified against `tls`: the one
/// way both outbound clients (webhooks, `taxii pull`) open a connection.
/// `shown` names the URL and `authority` the server in errors.
pub(crate) async fn connect_verified(
    host: &str,
    port: u16,
    secure: bool,
    policy: &OutboundPolicy,
    tls: &TlsRoots,
    shown: &str,
    authority: &str,
) -> Result<Box<dyn Connection>, String> {
    let stream = connect_checked(host, port, secure, policy).await?;
    if !secure {
        return Ok(Box::new(stream));
    }
    let name = ServerName::try_from(host.to_owned()).map_err(|error| format!("{shown}: {error}"))?;
    let stream = TlsConnector::from(Arc::clone(&tls.0))
        .connect(name, stream)
        .await
        .map_err(|error| format!("TLS with {authority}: {error}"))?;
    Ok(Box::new(stream))
}

/// Resolves `host`, keeps the addresses `policy` allows (for plain http:
/// only allowed private ones) and connects to the first that answers.
pub(crate) async fn connect_checked(
    host: &str,
    port: u16,
    secure: bool,
    policy: &OutboundPolicy,
) -> Result<tokio::net::TcpStream, String> {
    let resolved: Vec<std::net::SocketAddr> = match host.parse::<std::net::IpAddr>() {
        Ok(address) => vec![(address, port).into()],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|error| format!("cannot resolve {host}: {error}"))?
            .collect(),
    };
    let mut refusals = Vec::new();
    let mut last_error = None;
    for address in resolved {
        let allowed = policy.allows(address.ip()).and_then(|()| {
            if secure || policy.allows_plain_http(address.ip()) {
                Ok(())
            } else {
                Err(format!("{} is public: plain http is only for allowed internal receivers", address.ip()))
            }
        });
        if let Err(reason) = allowed {
            refusals.push(reason);
            continue;
        }
        match tokio::net::TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = Some(format!("cannot connect to {host}:{port}: {error}")),
        }
    }
    Err(last_error.unwrap_or_else(|| match refusals.first() {
        Some(reason) => format!("refused to connect to {host}: {reason}"),
        None => format!("{host} resolves to no address"),
    }))
}

/// One HTTP/1.1 request and its answer's status over an open connection.
async fn exchange<S>(
    stream: S,
    request: Request<Full<Bytes>>,
    authority: &axum::http::uri::Authority,
) -> Result<axum::http::StatusCode, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake with {authority}: {error}"))?;
    let driver = tokio::spawn(connection);
    let answer = sender.send_request(request).await;
    driver.abort();
    Ok(answer.map_err(|error| format!("POST to {authority}: {error}"))?.status())
}

#[cfg(test)]
mod tests {
    //! The TLS fixtures are a test CA and a `localhost` certificate it
    //! signed (valid until 2126), made with `openssl req`/`openssl x509`.

    use std::path::PathBuf;

    use rustls::pki_types::PrivateKeyDer;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::TlsAcceptor;

    use super::*;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name)
    }

    /// A receiver on 127.0.0.1 that answers one TLS connection with 204 and
    /// hands back the request head it read.
    async fn receiver() -> (u16, tokio::task::JoinHandle<String>) {
        let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture("localhost.pem"))
            .expect("certificate file")
            .collect::<Result<_, _>>()
            .expect("certificates");
        let key = PrivateKeyDer::from_pem_file(fixture("localhost.key")).expect("key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocols")
            .with_no_client_auth()
            .with_single_cert(certificates, key)
            .expect("server config");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let served = tokio::spawn(async move {
            let Ok((stream, _)) = listener.accept().await else {
                return String::new();
            };
            let Ok(mut stream) = acceptor.accept(stream).await else {
                return String::new();
            };
            let mut head = Vec::new();
            let mut buffer = [0_u8; 4096];
            while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(read) => head.extend_from_slice(&buffer[..read]),
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await;
            let _ = stream.shutdown().await;
            String::from_utf8_lossy(&head).into_owned()
        });
        (port, served)
    }

    #[tokio::test]
    async fn https_receivers_are_verified_against_the_configured_authorities() {
        let private_ca = TlsRoots::new(Some(&fixture("ca.pem"))).expect("roots with the test CA");
        let (port, served) = receiver().await;
        let url = format!("https://localhost:{port}/hooks/crackdown");
        let loopback = OutboundPolicy::allowing(vec!["127.0.0.0/8".parse().expect("range")]);
        post(&url, "d-1", "t=1,v1=ab", b"{}".to_vec(), &private_ca, &loopback).await.expect("delivered over TLS");
        let head = served.await.expect("receiver");
        assert!(head.starts_with("POST /hooks/crackdown HTTP/1.1"), "{head}");
        assert!(head.to_ascii_lowercase().contains("crackdown-delivery: d-1"), "{head}");

        // The public roots alone do not vouch for a private CA's certificate.
        let public_only = TlsRoots::new(None).expect("public roots");
        let (port, _served) = receiver().await;
        let error =
            post(&format!("https://localhost:{port}/"), "d-2", "t=1,v1=ab", Vec::new(), &public_only, &loopback)
                .await
                .expect_err("unknown issuer");
        assert!(error.starts_with("TLS with localhost"), "{error}");

        // Without the operator's allowance a loopback receiver is never connected to.
        let (port, served) = receiver().await;
        let error = post(&url_for(port), "d-3", "t=1,v1=ab", Vec::new(), &private_ca, &OutboundPolicy::default())
            .await
            .expect_err("loopback refused");
        assert!(error.contains("loopback"), "{error}");
        served.abort();
    }

    fn url_for(port: u16) -> String {
        format!("https://127.0.0.1:{port}/hooks")
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_at_connect_time() {
        // `localhost` is refused at registration, but a stored URL whose
        // name now resolves to loopback (DNS rebinding) is caught here.
        let error = connect_checked("localhost", 9, true, &OutboundPolicy::default()).await.expect_err("refused");
        assert!(error.contains("refused to connect to localhost"), "{error}");
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused_by_name() {
        let error = TlsRoots::new(Some(&fixture("localhost.key"))).expect_err("a key is no CA");
        assert!(error.contains("localhost.key"), "{error}");
    }
}
