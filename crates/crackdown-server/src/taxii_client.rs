//! The HTTP side of `crackdown taxii pull`: GETs pages of one collection's
//! objects from a TAXII 2.1 server for the engine's pull
//! ([`crackdown_engine::taxii_pull`]).
//!
//! Outbound requests follow the webhooks' rules ([`OutboundPolicy`], see
//! `outbox.rs`): every connection resolves the server's name and checks
//! each address before connecting to that very address, so a pull never
//! reaches loopback, the cloud metadata service or a private network unless
//! the operator allowed that range (`--webhook-allow-private`, for an
//! air-gapped partner or a test); plain `http://` only inside such a range.
//! Redirects are not followed (a redirect is another place to be sent to).
//! `https://` servers are verified against the built-in Mozilla roots plus
//! an optional private CA.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Request, StatusCode, header};
use crackdown_engine::taxii_pull::{PageRequest, TaxiiPage, TaxiiSource};
use crackdown_link::outbound::OutboundPolicy;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::outbox::{TlsRoots, connect_verified};
use crate::taxii::{STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE};

/// The largest page body read (1,000 objects of a few kB each, with room).
const MAX_PAGE_BYTES: usize = 64 << 20;
/// Longest one page may take, connecting included.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// How the client proves who it is to the server.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer TOKEN` (crackdown, OpenCTI and most platforms).
    Bearer(String),
    /// HTTP Basic (the OASIS reference server, medallion, and others).
    Basic { user: String, password: String },
}

impl std::fmt::Debug for Credentials {
    /// Never the secret itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Bearer(_) => f.write_str("Bearer(…)"),
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, …)"),
        }
    }
}

impl Credentials {
    fn header(&self) -> String {
        match self {
            Credentials::Bearer(token) => format!("Bearer {token}"),
            Credentials::Basic { user, password } => {
                format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
            }
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), for HTTP Basic: the
/// `base64` crate the mail reader already uses.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One collection of one TAXII 2.1 server, read over HTTP(S).
pub struct HttpTaxiiSource {
    runtime: tokio::runtime::Runtime,
    /// `…/collections/{id}/objects/`.
    objects_url: url::Url,
    credentials: Option<Credentials>,
    policy: OutboundPolicy,
    tls: TlsRoots,
}

impl HttpTaxiiSource {
    /// A source for collection `collection` under the API root `api_root`
    /// (e.g. `https://taxii.partner.example/api1/`), authenticated with
    /// `credentials` when given; `extra_ca` is a PEM file of a private CA.
    pub fn new(
        api_root: &str,
        collection: &str,
        credentials: Option<Credentials>,
        policy: OutboundPolicy,
        extra_ca: Option<&std::path::Path>,
    ) -> Result<HttpTaxiiSource, String> {
        let mut root = url::Url::parse(api_root.trim()).map_err(|error| format!("{api_root:?}: {error}"))?;
        if !matches!(root.scheme(), "https" | "http") {
            return Err(format!("{api_root:?}: scheme {:?}; use https://", root.scheme()));
        }
        if !root.username().is_empty() || root.password().is_some() {
            return Err(format!("{api_root:?} carries a user name or password; use --token"));
        }
        if root.host().is_none() {
            return Err(format!("{api_root:?} has no host"));
        }
        if root.query().is_some() || root.fragment().is_some() {
            return Err(format!("{api_root:?}: give the API root, without ?query or #fragment"));
        }
        if !root.path().ends_with('/') {
            root.set_path(&format!("{}/", root.path()));
        }
        if collection.is_empty() || collection.contains(['/', '?', '#']) {
            return Err(format!("{collection:?} is not a collection id"));
        }
        let objects_url = root
            .join(&format!("collections/{collection}/objects/"))
            .map_err(|error| format!("{api_root:?}: {error}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| format!("cannot start the HTTP client: {error}"))?;
        let tls = TlsRoots::new(extra_ca)?;
        Ok(HttpTaxiiSource { runtime, objects_url, credentials, policy, tls })
    }

    /// The URL of the page `request` asks for.
    fn page_url(&self, request: &PageRequest) -> url::Url {
        let mut url = self.objects_url.clone();
        {
            let mut query = url.query_pairs_mut();
            if request.limit > 0 {
                query.append_pair("limit", &request.limit.to_string());
            }
            if let Some(after) = &request.added_after {
                query.append_pair("added_after", after);
            }
            if let Some(next) = &request.next {
                query.append_pair("next", next);
            }
            if !request.ids.is_empty() {
                query.append_pair("match[id]", &request.ids.join(","));
            }
        }
        url
    }

    async fn get(&self, url: &url::Url) -> Result<(StatusCode, HeaderMap, Bytes), String> {
        let host = url.host_str().ok_or_else(|| format!("{url} has no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let secure = url.scheme() == "https";
        let port = url.port_or_known_default().unwrap_or(if secure { 443 } else { 80 });
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or(host)),
            None => url.host_str().unwrap_or(host).to_owned(),
        };
        let path = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let mut builder = Request::get(path)
            .header(header::HOST, &authority)
            .header(header::ACCEPT, format!("{TAXII_MEDIA_TYPE}, {STIX_MEDIA_TYPE}"))
            .header(header::USER_AGENT, concat!("crackdown/", env!("CARGO_PKG_VERSION")));
        if let Some(credentials) = &self.credentials {
            builder = builder.header(header::AUTHORIZATION, credentials.header());
        }
        let request =
            builder.body(Empty::<Bytes>::new()).map_err(|error| format!("cannot build the request: {error}"))?;
        let stream = connect_verified(host, port, secure, &self.policy, &self.tls, url.as_str(), &authority).await?;
        exchange(stream, request, &authority).await
    }
}

/// One request and its whole answer (at most [`MAX_PAGE_BYTES`]).
async fn exchange<S>(
    stream: S,
    request: Request<Empty<Bytes>>,
    authority: &str,
) -> Result<(StatusCode, HeaderMap, Bytes), String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake with {authority}: {error}"))?;
    let driver = tokio::spawn(connection);
    let answer = sender.send_request(request).await.map_err(|error| format!("GET from {authority}: {error}"));
    let result = match answer {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            Limited::new(body, MAX_PAGE_BYTES)
                .collect()
                .await
                .map(|collected| (parts.status, parts.headers, collected.to_bytes()))
                .map_err(|error| format!("reading the answer of {authority}: {error}"))
        }
        Err(error) => Err(error),
    };
    driver.abort();
    result
}

/// Why a server refused: its TAXII error message's title and description, when it sent one.
fn refusal(status: StatusCode, body: &[u8]) -> String {
    let message: Option<Value> = serde_json::from_slice(body).ok();
    let text = |name: &str| message.as_ref().and_then(|message| message.get(name)?.as_str().map(str::to_owned));
    match (text("title"), text("description")) {
        (Some(title), Some(description)) => format!("the server answered {status}: {title}: {description}"),
        (Some(title), None) => format!("the server answered {status}: {title}"),
        _ => format!("the server answered {status}"),
    }
}

/// A page from an answer's body and headers.
fn read_page(headers: &HeaderMap, body: &[u8], url: &url::Url) -> Result<TaxiiPage, String> {
    let envelope: Value =
        serde_json::from_slice(body).map_err(|error| format!("{url}: the answer is not a TAXII envelope: {error}"))?;
    let objects = match envelope.get("objects") {
        None | Some(Value::Null) if envelope.is_object() => Vec::new(),
        Some(Value::Array(objects)) => objects.clone(),
        _ => return Err(format!("{url}: the answer is not a TAXII envelope (no \"objects\" list)")),
    };
    // A one-object page may carry only `-First` (medallion does so): the same time.
    let date_added_last = ["x-taxii-date-added-last", "x-taxii-date-added-first"]
        .iter()
        .find_map(|name| headers.get(*name).and_then(|value| value.to_str().ok()))
        .map(|value| value.trim().to_owned());
    Ok(TaxiiPage {
        objects,
        more: envelope.get("more").and_then(Value::as_bool).unwrap_or(false),
        next: envelope.get("next").and_then(|next| match next {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }),
        date_added_last,
    })
}

impl TaxiiSource for HttpTaxiiSource {
    fn page(&mut self, request: &PageRequest) -> Result<TaxiiPage, String> {
        let url = self.page_url(request);
        let (status, headers, body) = self
            .runtime
            .block_on(async { tokio::time::timeout(PAGE_TIMEOUT, self.get(&url)).await })
            .map_err(|_| format!("{url}: no answer within {} s", PAGE_TIMEOUT.as_secs()))??;
        if !status.is_success() {
            return Err(format!("{url}: {}", refusal(status, &body)));
        }
        read_page(&headers, &body, &url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_pages_are_built_from_the_api_root() {
        let policy = OutboundPolicy::default();
        let source = HttpTaxiiSource::new("https://taxii.partner.example/api1", "c-1", None, policy.clone(), None)
            .expect("valid");
        let request = PageRequest {
            added_after: Some("2024-01-01T00:00:00.000Z".into()),
            next: Some("a b".into()),
            ids: vec!["indicator--1".into(), "url--2".into()],
            limit: 1000,
        };
        assert_eq!(
            source.page_url(&request).as_str(),
            "https://taxii.partner.example/api1/collections/c-1/objects/?limit=1000&added_after=2024-01-01T00%3A00%3A00.000Z&next=a+b&match%5Bid%5D=indicator--1%2Curl--2"
        );
        for bad in ["ftp://x.example/", "https://user:pw@x.example/", "not a url", "https://x.example/?q=1"] {
            assert!(HttpTaxiiSource::new(bad, "c", None, policy.clone(), None).is_err(), "{bad}");
        }
        assert!(HttpTaxiiSource::new("https://x.example/", "../admin", None, policy, None).is_err());
    }

    #[test]
    fn the_internal_network_is_never_reached() {
        let mut source =
            HttpTaxiiSource::new("http://127.0.0.1:9/taxii2/api/", "c", None, OutboundPolicy::default(), None)
                .expect("valid");
        let error = source.page(&PageRequest::default()).expect_err("refused");
        assert!(error.contains("loopback"), "{error}");
        let mut metadata =
            HttpTaxiiSource::new("https://169.254.169.254/api/", "c", None, OutboundPolicy::default(), None)
                .expect("valid");
        assert!(metadata.page(&PageRequest::default()).expect_err("refused").contains("link-local"));
    }

    #[test]
    fn basic_credentials_are_encoded_as_rfc_4648_says() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
        let basic = Credentials::Basic { user: "user".into(), password: "pass".into() };
        assert_eq!(basic.header(), "Basic dXNlcjpwYXNz");
        assert!(!format!("{basic:?}").contains("pass)"), "no secret in logs");
    }

    #[test]
    fn pages_and_refusals_are_read() {
        let url = url::Url::parse("https://x.example/").expect("url");
        let mut headers = HeaderMap::new();
        headers.insert("x-taxii-date-added-last", "2024-01-01T00:00:00.000Z".parse().expect("value"));
        let page =
            read_page(&headers, br#"{"more": true, "next": "n1", "objects": [{"id": "url--1"}]}"#, &url).expect("page");
        assert_eq!((page.objects.len(), page.more, page.next.as_deref()), (1, true, Some("n1")));
        assert_eq!(page.date_added_last.as_deref(), Some("2024-01-01T00:00:00.000Z"));
        assert!(read_page(&HeaderMap::new(), b"{}", &url).expect("empty").objects.is_empty());
        assert!(read_page(&HeaderMap::new(), b"[1]", &url).is_err());
        let refused = refusal(StatusCode::NOT_FOUND, br#"{"title": "Not found", "description": "no collection"}"#);
        assert!(refused.contains("404") && refused.contains("no collection"), "{refused}");
    }
}
