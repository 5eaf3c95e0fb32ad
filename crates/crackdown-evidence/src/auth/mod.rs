//! Did a reported e-mail really come from the domain it claims? SPF, DKIM,
//! DMARC and ARC evaluated with `mail-auth` 0.13 (the newest line that shares
//! our mail-parser 0.11), plus sender flags ([`flags`]) that need no DNS.
//!
//! DNS comes from the system resolver by default, or from a fixture file
//! ([`fixture`]) for offline, reproducible runs.
//!
//! The API is async because mail-auth's resolver is: the `crackdown` binary
//! already runs tokio and simply awaits [`Authenticator::authenticate`]. A
//! blocking wrapper would need its own runtime and would panic when called
//! from inside the binary's, so none is offered.
//!
//! SPF needs the connecting IP and HELO name, which a forwarded message only
//! records in its Received headers. [`envelope_from_received`] takes them
//! from the topmost Received header with a public IP: the one added by the
//! victim's own provider, the only hop we can trust. Lower headers can be
//! forged by the sender. The verdict is only as good as that header; when no
//! such header exists SPF (and the SPF half of DMARC) is `none`.

pub mod fixture;
pub mod flags;

use std::net::IpAddr;

use mail_auth::DkimResult as RawDkim;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{AuthenticatedMessage, DmarcResult, MessageAuthenticator, Parameters, SpfResult};
use serde::{Deserialize, Serialize};

pub use fixture::{DnsFixture, FixtureError};
pub use flags::{SenderFlag, sender_flags};

use crate::mail::ParsedMail;

/// The outcome of one mechanism, in the words of RFC 8601.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    SoftFail,
    Neutral,
    None,
    TempError,
    PermError,
}

/// SPF, DKIM, DMARC and ARC verdicts: the `auth` object of `analyze --eml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthResults {
    pub spf: Verdict,
    pub dkim: Verdict,
    pub dmarc: Verdict,
    pub arc: Verdict,
}

/// The SMTP facts SPF is evaluated against, and where they came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub ip: IpAddr,
    pub helo: String,
    /// MAIL FROM address (Return-Path, else the From address).
    pub mail_from: String,
    /// A sentence saying which header supplied `ip` and `helo`.
    pub source: String,
}

/// Verdicts with the reasons behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthReport {
    pub results: AuthResults,
    pub envelope: Option<Envelope>,
    /// One readable line per mechanism: domain checked and why it failed.
    pub details: Vec<String>,
}

/// Could not set up DNS.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot set up the DNS resolver: {0}")]
    Resolver(String),
    #[error("cannot read DNS fixture {path}: {reason}")]
    Fixture { path: String, reason: String },
}

/// Evaluates messages against live DNS or a fixture.
#[derive(Clone)]
pub struct Authenticator {
    resolver: MessageAuthenticator,
    /// Records served instead of DNS; in live mode all maps are empty and
    /// every lookup falls through to the resolver.
    records: DnsFixture,
    offline: bool,
}

impl Authenticator {
    /// Uses the system's DNS configuration (`/etc/resolv.conf`).
    pub fn system() -> Result<Self, AuthError> {
        let resolver = MessageAuthenticator::new_system_conf().map_err(|e| AuthError::Resolver(e.to_string()))?;
        Ok(Self { resolver, records: DnsFixture::default(), offline: false })
    }

    /// Answers every lookup from `fixture`; never touches the network.
    pub fn offline(fixture: DnsFixture) -> Result<Self, AuthError> {
        // No name servers: a lookup the fixture does not answer fails
        // instead of leaking to the network.
        let config = ResolverConfig::from_parts(None, Vec::new(), Vec::new());
        let resolver = MessageAuthenticator::new(config, ResolverOpts::default())
            .map_err(|e| AuthError::Resolver(e.to_string()))?;
        Ok(Self { resolver, records: fixture, offline: true })
    }

    /// Reads a fixture file (`--dns-fixture FILE`); bad lines are returned
    /// alongside the authenticator built from the good ones.
    pub fn from_fixture_file(path: &std::path::Path) -> Result<(Self, Vec<FixtureError>), AuthError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AuthError::Fixture { path: path.display().to_string(), reason: e.to_string() })?;
        let (fixture, errors) = DnsFixture::parse(&text);
        Ok((Self::offline(fixture)?, errors))
    }

    /// True when answering from a fixture.
    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// Evaluates SPF (when an envelope is known), DKIM, ARC and DMARC for
    /// the raw message. `envelope` usually comes from
    /// [`envelope_from_received`].
    pub async fn authenticate(&self, raw: &[u8], envelope: Option<&Envelope>) -> AuthReport {
        let mut details = Vec::new();
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            details.push("message headers could not be parsed for authentication".to_owned());
            return AuthReport {
                results: AuthResults {
                    spf: Verdict::None,
                    dkim: Verdict::PermError,
                    dmarc: Verdict::PermError,
                    arc: Verdict::None,
                },
                envelope: envelope.cloned(),
                details,
            };
        };
        let records = &self.records;
        macro_rules! params {
            ($inner:expr) => {
                Parameters::new($inner)
                    .with_txt_cache(&records.txt)
                    .with_mx_cache(&records.mx)
                    .with_ipv4_cache(&records.ipv4)
                    .with_ipv6_cache(&records.ipv6)
                    .with_ptr_cache(&records.ptr)
            };
        }

        let dkim_outputs = self.resolver.verify_dkim(params!(&message)).await;
        let dkim = dkim_verdict(&dkim_outputs, &mut details);

        let arc_output = self.resolver.verify_arc(params!(&message)).await;
        let arc = dkim_like(arc_output.result());
        if !matches!(arc, Verdict::None) {
            details.push(format!("ARC: {} ({} set(s))", arc_output.result(), arc_output.sets().len()));
        }

        let (spf_output, mail_from_domain) = match envelope {
            Some(envelope) => {
                let domain = envelope.mail_from.rsplit_once('@').map_or(envelope.helo.as_str(), |(_, d)| d).to_owned();
                let output = self
                    .resolver
                    .verify_spf(params!(SpfParameters::verify_mail_from(
                        envelope.ip,
                        &envelope.helo,
                        "crackdown.invalid",
                        &envelope.mail_from,
                    )))
                    .await;
                details.push(format!(
                    "SPF: {} for {} from {} ({})",
                    output.result(),
                    output.domain(),
                    envelope.ip,
                    envelope.source
                ));
                (output, domain)
            }
            None => {
                details.push("SPF: none (no Received header with a public connecting IP)".to_owned());
                (mail_auth::SpfOutput::default(), String::new())
            }
        };
        let spf = match envelope {
            Some(_) => spf_verdict(spf_output.result()),
            None => Verdict::None,
        };

        let dmarc_output = self
            .resolver
            .verify_dmarc(params!(DmarcParameters::new(&message, &dkim_outputs, &mail_from_domain, &spf_output,)))
            .await;
        let dmarc = dmarc_verdict(&dmarc_output.result());
        details.push(format!(
            "DMARC: {} for {} (policy {:?}; SPF alignment {}, DKIM alignment {})",
            dmarc_output.result(),
            dmarc_output.domain(),
            dmarc_output.policy(),
            dmarc_output.spf_result(),
            dmarc_output.dkim_result()
        ));

        AuthReport { results: AuthResults { spf, dkim, dmarc, arc }, envelope: envelope.cloned(), details }
    }
}

/// SPF inputs from the topmost Received header whose connecting IP is
/// public (private, loopback and link-local hops are the receiving side's
/// own relays), with MAIL FROM from Return-Path or else From.
pub fn envelope_from_received(mail: &ParsedMail) -> Option<Envelope> {
    let mail_from = mail
        .return_path
        .clone()
        .filter(|r| r.contains('@'))
        .or_else(|| mail.from.as_ref().map(|f| f.address.clone()))?;
    mail.received.iter().enumerate().find_map(|(index, hop)| {
        let ip = hop.from_ip.filter(|ip| is_public(*ip))?;
        let helo = hop.helo.clone().or_else(|| hop.from_host.clone())?;
        Some(Envelope {
            ip,
            helo,
            mail_from: mail_from.clone(),
            source: format!(
                "Received header {} from the top, added by {}",
                index + 1,
                hop.by_host.as_deref().unwrap_or("an unnamed server")
            ),
        })
    })
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]))
        }
        IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80)
        }
    }
}

fn dkim_like(result: &RawDkim) -> Verdict {
    match result {
        RawDkim::Pass => Verdict::Pass,
        RawDkim::Neutral(_) => Verdict::Neutral,
        RawDkim::Fail(_) => Verdict::Fail,
        RawDkim::PermError(_) => Verdict::PermError,
        RawDkim::TempError(_) => Verdict::TempError,
        RawDkim::None => Verdict::None,
    }
}

/// Pass if any signature passes (RFC 6376 §6.1), else the first failure.
fn dkim_verdict(outputs: &[mail_auth::DkimOutput<'_>], details: &mut Vec<String>) -> Verdict {
    for output in outputs {
        let domain = output.signature().map_or("?", |s| s.d.as_str());
        details.push(format!("DKIM: {} for d={domain}", output.result()));
    }
    if outputs.iter().any(|o| matches!(o.result(), RawDkim::Pass)) {
        return Verdict::Pass;
    }
    outputs.first().map_or(Verdict::None, |o| dkim_like(o.result()))
}

fn spf_verdict(result: SpfResult) -> Verdict {
    match result {
        SpfResult::Pass => Verdict::Pass,
        SpfResult::Fail => Verdict::Fail,
        SpfResult::SoftFail => Verdict::SoftFail,
        SpfResult::Neutral => Verdict::Neutral,
        SpfResult::TempError => Verdict::TempError,
        SpfResult::PermError => Verdict::PermError,
        SpfResult::None => Verdict::None,
    }
}

fn dmarc_verdict(result: &DmarcResult) -> Verdict {
    match result {
        DmarcResult::Pass => Verdict::Pass,
        DmarcResult::Fail(_) => Verdict::Fail,
        DmarcResult::TempError(_) => Verdict::TempError,
        DmarcResult::PermError(_) => Verdict::PermError,
        DmarcResult::None => Verdict::None,
    }
}
