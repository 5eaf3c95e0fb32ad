//! Offline DNS for `--dns-fixture FILE`: records listed in a text file and
//! served to mail-auth through its resolver caches, so SPF, DKIM, DMARC and
//! ARC evaluate without a network, reproducibly.
//!
//! Format, one record a line; `#` starts a comment; names are
//! case-insensitive and a trailing dot is optional:
//!
//! ```text
//! example.com                 TXT  "v=spf1 ip4:192.0.2.0/24 -all"
//! _dmarc.example.com          TXT  "v=DMARC1; p=reject"
//! sel._domainkey.example.com  TXT  "v=DKIM1; k=ed25519; " "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
//! mail.example.com            A    192.0.2.10
//! mail.example.com            AAAA 2001:db8::10
//! example.com                 MX   10 mail.example.com
//! 192.0.2.10                  PTR  mail.example.com
//! ```
//!
//! Several quoted strings on one TXT line are joined (as DNS joins the
//! character-strings of one record). A TXT name not in the file answers
//! NXDOMAIN. A/AAAA/MX/PTR names not in the file answer an empty set, so an
//! SPF `exists:` mechanism matches any name in fixture mode: list the names
//! such a policy needs.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::dkim::DomainKeyReport;
use mail_auth::dmarc::Dmarc;
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::spf::Spf;
use mail_auth::{DnsError, DnssecStatus, Error, MX, RecordSet, ResolverCache, Txt};

/// A line of the fixture file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("DNS fixture line {line}: {reason}")]
pub struct FixtureError {
    pub line: usize,
    pub reason: String,
}

/// The records of a fixture file, ready to serve.
#[derive(Clone, Default)]
pub struct DnsFixture {
    pub(crate) txt: FixtureMap<Box<str>, Txt>,
    pub(crate) mx: FixtureMap<Box<str>, RecordSet<MX>>,
    pub(crate) ipv4: FixtureMap<Box<str>, RecordSet<Ipv4Addr>>,
    pub(crate) ipv6: FixtureMap<Box<str>, RecordSet<Ipv6Addr>>,
    pub(crate) ptr: FixtureMap<IpAddr, RecordSet<Box<str>>>,
}

impl std::fmt::Debug for DnsFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DnsFixture")
            .field("txt_names", &self.txt.map.len())
            .field("mx_names", &self.mx.map.len())
            .field("a_names", &self.ipv4.map.len())
            .field("aaaa_names", &self.ipv6.map.len())
            .field("ptr_addresses", &self.ptr.map.len())
            .finish()
    }
}

/// A read-only resolver cache: every lookup is answered from the map, and a
/// miss gives `miss` (NXDOMAIN or an empty set) instead of asking the network.
#[derive(Clone)]
pub(crate) struct FixtureMap<K, V> {
    map: HashMap<K, V>,
    miss: Option<V>,
}

impl<K, V> Default for FixtureMap<K, V> {
    fn default() -> Self {
        Self { map: HashMap::new(), miss: None }
    }
}

impl<K: Hash + Eq, V: Clone> ResolverCache<K, V> for FixtureMap<K, V> {
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(name).cloned().or_else(|| self.miss.clone())
    }

    fn remove<Q>(&self, _name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _key: K, _value: V, _valid_until: std::time::Instant) {}
}

fn empty_set<T>() -> RecordSet<T> {
    RecordSet { rrset: Arc::from(Vec::new()), dnssec_status: DnssecStatus::Indeterminate }
}

/// Lower-case, trailing dot: the form mail-auth looks names up by.
fn fqdn(name: &str) -> Box<str> {
    let mut name = name.to_lowercase();
    if !name.ends_with('.') {
        name.push('.');
    }
    name.into_boxed_str()
}

impl DnsFixture {
    /// Parses the fixture format described in the module docs. Every bad
    /// line is reported; the records of good lines are kept.
    pub fn parse(text: &str) -> (DnsFixture, Vec<FixtureError>) {
        let mut errors = Vec::new();
        let mut txt: HashMap<Box<str>, Vec<String>> = HashMap::new();
        let mut mx: HashMap<Box<str>, Vec<(u16, Box<str>)>> = HashMap::new();
        let mut ipv4: HashMap<Box<str>, Vec<Ipv4Addr>> = HashMap::new();
        let mut ipv6: HashMap<Box<str>, Vec<Ipv6Addr>> = HashMap::new();
        let mut ptr: HashMap<IpAddr, Vec<Box<str>>> = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.splitn(3, char::is_whitespace).filter(|f| !f.is_empty());
            let (Some(name), Some(kind)) = (fields.next(), fields.next()) else {
                errors.push(FixtureError { line: number, reason: "expected `name TYPE value`".to_owned() });
                continue;
            };
            let value = line
                .split_once(name)
                .map(|x| x.1)
                .and_then(|rest| rest.trim_start().get(kind.len()..))
                .unwrap_or_default()
                .trim();
            let fail = |reason: String| FixtureError { line: number, reason };
            let result = match kind.to_ascii_uppercase().as_str() {
                "TXT" => quoted_strings(value).map(|v| txt.entry(fqdn(name)).or_default().push(v)).map_err(fail),
                "A" => value
                    .parse()
                    .map(|ip| ipv4.entry(fqdn(name)).or_default().push(ip))
                    .map_err(|e| fail(format!("bad IPv4 address {value:?}: {e}"))),
                "AAAA" => value
                    .parse()
                    .map(|ip| ipv6.entry(fqdn(name)).or_default().push(ip))
                    .map_err(|e| fail(format!("bad IPv6 address {value:?}: {e}"))),
                "MX" => match value.split_whitespace().collect::<Vec<_>>()[..] {
                    [preference, exchange] => preference
                        .parse()
                        .map(|p| mx.entry(fqdn(name)).or_default().push((p, fqdn(exchange))))
                        .map_err(|e| fail(format!("bad MX preference {preference:?}: {e}"))),
                    _ => Err(fail("MX needs `preference exchange`".to_owned())),
                },
                "PTR" => name
                    .parse()
                    .map(|ip| ptr.entry(ip).or_default().push(fqdn(value)))
                    .map_err(|e| fail(format!("PTR name must be an IP address: {e}"))),
                other => Err(fail(format!("unsupported record type {other}; use TXT, A, AAAA, MX or PTR"))),
            };
            if let Err(error) = result {
                errors.push(error);
            }
        }
        let fixture = DnsFixture {
            txt: FixtureMap {
                map: txt
                    .into_iter()
                    .map(|(name, values)| {
                        let parsed = parse_txt(&name, &values);
                        (name, parsed)
                    })
                    .collect(),
                miss: Some(Txt::Error(Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain)))),
            },
            mx: FixtureMap {
                map: mx
                    .into_iter()
                    .map(|(name, mut records)| {
                        records.sort_by_key(|r| r.0);
                        let set = records
                            .into_iter()
                            .map(|(preference, exchange)| MX {
                                preference,
                                exchanges: vec![exchange].into_boxed_slice(),
                            })
                            .collect::<Vec<_>>();
                        (name, RecordSet { rrset: set.into(), dnssec_status: DnssecStatus::Indeterminate })
                    })
                    .collect(),
                miss: Some(empty_set()),
            },
            ipv4: record_sets(ipv4),
            ipv6: record_sets(ipv6),
            ptr: record_sets(ptr),
        };
        (fixture, errors)
    }
}

fn record_sets<K: Hash + Eq, T>(map: HashMap<K, Vec<T>>) -> FixtureMap<K, RecordSet<T>> {
    FixtureMap {
        map: map
            .into_iter()
            .map(|(k, v)| (k, RecordSet { rrset: v.into(), dnssec_status: DnssecStatus::Indeterminate }))
            .collect(),
        miss: Some(empty_set()),
    }
}

/// Parses the TXT records of one name into the record kind mail-auth will
/// ask for there: DMARC under `_dmarc.`, DKIM keys under `._domainkey.`,
/// SPF elsewhere. As in DNS, the first record that parses wins.
fn parse_txt(name: &str, values: &[String]) -> Txt {
    fn first<T: TxtRecordParser + Into<Txt>>(values: &[String]) -> Txt {
        let mut last = Err(Error::Dns(DnsError::InvalidRecordType));
        for value in values {
            last = T::parse(value.as_bytes());
            if last.is_ok() {
                break;
            }
        }
        last.into()
    }
    if name.starts_with("_dmarc.") {
        first::<Dmarc>(values)
    } else if name.starts_with("_report._domainkey.") {
        first::<DomainKeyReport>(values)
    } else if name.contains("._domainkey.") {
        first::<mail_auth::common::verify::DomainKey>(values)
    } else {
        first::<Spf>(values)
    }
}

/// Joins the quoted character-strings of a TXT value; an unquoted value is
/// taken as one string.
fn quoted_strings(value: &str) -> Result<String, String> {
    if !value.starts_with('"') {
        return if value.is_empty() { Err("TXT needs a value".to_owned()) } else { Ok(value.to_owned()) };
    }
    let mut out = String::new();
    let mut chars = value.chars();
    loop {
        match chars.by_ref().find(|c| !c.is_whitespace()) {
            None => return Ok(out),
            Some('"') => {}
            Some(other) => return Err(format!("unexpected {other:?} between quoted strings")),
        }
        loop {
            match chars.next() {
                None => return Err("unterminated quoted string".to_owned()),
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some(escaped) => out.push(escaped),
                    None => return Err("unterminated quoted string".to_owned()),
                },
                Some(c) => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_join() {
        assert_eq!(quoted_strings(r#""v=spf1 " "-all""#), Ok("v=spf1 -all".to_owned()));
        assert_eq!(quoted_strings(r#""a\"b""#), Ok("a\"b".to_owned()));
        assert_eq!(quoted_strings("plain value"), Ok("plain value".to_owned()));
        assert!(quoted_strings(r#""open"#).is_err());
        assert!(quoted_strings(r#""a" b"#).is_err());
    }

    #[test]
    fn bad_lines_are_reported_and_good_ones_kept() {
        let (fixture, errors) = DnsFixture::parse(
            "# comment\nexample.com TXT \"v=spf1 -all\"\nbad.example A 999.1.1.1\nx.example SRV 1\nonlyname\n10.0.0.1 PTR Host.Example.\nexample.com MX 10 mx.example.com\n",
        );
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(matches!(fixture.txt.get("example.com."), Some(Txt::Spf(_))));
        assert!(matches!(fixture.txt.get("missing.example."), Some(Txt::Error(_))));
        let ptr = fixture.ptr.get(&"10.0.0.1".parse::<IpAddr>().expect("literal IP"));
        assert_eq!(ptr.map(|p| p.rrset.to_vec()), Some(vec![Box::from("host.example.")]));
        assert_eq!(fixture.mx.get("example.com.").map(|m| m.rrset.len()), Some(1));
        assert_eq!(fixture.ipv4.get("nothing.example.").map(|m| m.rrset.len()), Some(0));
    }
}
