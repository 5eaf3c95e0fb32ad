//! Where the server may send webhooks: public addresses over https, and the
//! private ranges an operator names for internal receivers.
//!
//! An organisation admin registers a webhook URL and the server POSTs to
//! it: without a rule, that is a request forgery into the server's own
//! network (its loopback ports, the cloud metadata service at
//! 169.254.169.254, a database on 10.x), and the delivery counts
//! (pending, delivered, failed) tell the admin which internal ports answer.
//! So a URL is checked twice:
//!
//! - at registration ([`OutboundPolicy::check_url`]): parsed the way
//!   browsers parse URLs (WHATWG), so `0x7f000001`, `2130706433` and
//!   `0177.0.0.1` are read as the 127.0.0.1 they are and refused; user
//!   names and passwords refused; an IP literal must be public or inside an
//!   allowed range; `localhost` refused; plain `http://` only where private
//!   ranges are allowed (an internal receiver);
//! - at every connection ([`OutboundPolicy::allows`] on each resolved
//!   address, done by the sender): a name that resolved to a public address
//!   at registration and to 127.0.0.1 now (DNS rebinding) is refused, and
//!   the sender connects to the very address it checked.
//!
//! Pure: no resolution or I/O here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An address range such as `10.0.0.0/8` or `fd00::/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `address` lies in the range (an IPv4 range never holds an IPv6 address).
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// `ADDRESS/PREFIX`, or a bare address for a single host.
    fn from_str(text: &str) -> Result<Cidr, String> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr =
            address.parse().map_err(|_| format!("{text:?} is not an address range such as 10.0.0.0/8"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= bits)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {bits}"))?,
            None => bits,
        };
        Ok(Cidr { network, prefix })
    }
}

/// Which kind of non-public address an address is, or `None` when public.
pub fn non_public_kind(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(address: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = address.octets();
    Some(match (a, b, c) {
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, 16..=31, _) => "private",
        (100, 64..=127, _) => "carrier-grade NAT",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn v6_kind(address: Ipv6Addr) -> Option<&'static str> {
    let segments = address.segments();
    if address.is_unspecified() {
        return Some("unspecified");
    }
    if address.is_loopback() {
        return Some("loopback");
    }
    let embedding_v4 = [
        ("::ffff:0:0/96", "IPv4-mapped"),
        ("::/96", "IPv4-compatible"),
        ("64:ff9b::/96", "NAT64"),
        ("64:ff9b:1::/48", "NAT64"),
        ("2002::/16", "6to4"),
        ("2001::/32", "Teredo"),
        ("100::/64", "discard"),
        ("2001:db8::/32", "documentation"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    ];
    for (range, kind) in embedding_v4 {
        if range.parse::<Cidr>().is_ok_and(|range| range.contains(IpAddr::V6(address))) {
            return Some(kind);
        }
    }
    // Outside 2000::/3 nothing is allocated for the public Internet.
    (segments[0] & 0xe000 != 0x2000).then_some("reserved")
}

/// A webhook URL that passed [`OutboundPolicy::check_url`], normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedUrl(pub String);

/// The operator's rule for outbound webhook connections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Non-public ranges that are allowed anyway (`serve --webhook-allow-private`).
    pub allow_private: Vec<Cidr>,
}

impl OutboundPolicy {
    /// Allows the given private ranges besides public addresses.
    pub fn allowing(ranges: Vec<Cidr>) -> OutboundPolicy {
        OutboundPolicy { allow_private: ranges }
    }

    /// Why `address` may not be connected to, or `Ok` when it may.
    pub fn allows(&self, address: IpAddr) -> Result<(), String> {
        if self.allow_private.iter().any(|range| range.contains(address)) {
            return Ok(());
        }
        match non_public_kind(address) {
            None => Ok(()),
            Some(kind) => Err(format!(
                "{address} is a {kind} address; webhooks and TAXII pulls reach public addresses only \
                 (an operator may allow internal ranges with --webhook-allow-private)"
            )),
        }
    }

    /// Whether plain `http://` may be used to reach `address`: only inside an
    /// allowed private range (an internal receiver on the operator's network).
    pub fn allows_plain_http(&self, address: IpAddr) -> bool {
        self.allow_private.iter().any(|range| range.contains(address))
    }

    /// Checks and normalizes a webhook URL at registration; see the module docs.
    pub fn check_url(&self, text: &str) -> Result<CheckedUrl, String> {
        let url = url::Url::parse(text.trim()).map_err(|error| format!("webhook url {text:?}: {error}"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("webhook url {text:?}: scheme {other:?}; use https://")),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "webhook url {text:?} carries a user name or password; deliveries are authenticated by their signature"
            ));
        }
        let literal = match url.host() {
            None => return Err(format!("webhook url {text:?} has no host")),
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.');
                let loopback_allowed = self.allows(IpAddr::V4(Ipv4Addr::LOCALHOST)).is_ok();
                if (name == "localhost" || name.ends_with(".localhost")) && !loopback_allowed {
                    return Err(format!("webhook url {text:?} names this machine"));
                }
                None
            }
        };
        if let Some(address) = literal {
            self.allows(address).map_err(|reason| format!("webhook url {text:?}: {reason}"))?;
        }
        if !https {
            let internal = literal.is_some_and(|address| self.allows_plain_http(address))
                || (literal.is_none() && !self.allow_private.is_empty());
            if !internal {
                return Err(format!(
                    "webhook url {text:?}: plain http is only for internal receivers in --webhook-allow-private ranges; use https://"
                ));
            }
        }
        Ok(CheckedUrl(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probes_addresses_are_refused_at_registration() {
        let policy = OutboundPolicy::default();
        for url in [
            "http://127.0.0.1:8080/",
            "https://127.0.0.1:8080/",
            "https://0x7f000001/",
            "https://2130706433/",
            "https://0177.0.0.1/",
            "https://[::1]:22/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:8.8.8.8]/",
            "https://169.254.169.254/latest/meta-data/",
            "https://10.1.2.3/",
            "https://172.20.0.1/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://224.0.0.1/",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://localhost:8080/api/v1/reports",
            "http://localhost:8080/api/v1/reports",
            "https://user:pass@receiver.example.org/",
            "https://token@receiver.example.org/",
            "http://receiver.example.org/",
            "ftp://receiver.example.org/",
        ] {
            assert!(policy.check_url(url).is_err(), "{url} was accepted");
        }
        assert_eq!(
            policy.check_url("https://fraud.bank.example/crackdown").expect("public"),
            CheckedUrl("https://fraud.bank.example/crackdown".into())
        );
        assert!(policy.check_url("https://8.8.8.8/hook").is_ok());
        assert!(policy.check_url("https://[2001:4860:4860::8888]/hook").is_ok());
    }

    #[test]
    fn allowed_private_ranges_admit_internal_receivers_over_plain_http() {
        let policy = OutboundPolicy::allowing(vec!["127.0.0.0/8".parse().expect("range")]);
        assert!(policy.check_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(policy.check_url("http://0x7f000001:9000/hook").is_ok());
        assert!(policy.check_url("https://10.0.0.1/hook").is_err(), "only the named range");
        assert!(policy.allows("127.9.9.9".parse().expect("ip")).is_ok());
        assert!(policy.allows("::1".parse().expect("ip")).is_err());
    }

    #[test]
    fn ranges_parse_and_contain() {
        let range: Cidr = "10.0.0.0/8".parse().expect("range");
        assert!(range.contains("10.255.0.1".parse().expect("ip")));
        assert!(!range.contains("11.0.0.1".parse().expect("ip")));
        assert!("0.0.0.0/0".parse::<Cidr>().expect("all").contains("8.8.8.8".parse().expect("ip")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("ten".parse::<Cidr>().is_err());
        assert_eq!(non_public_kind("2001:4860::1".parse().expect("ip")), None);
        assert_eq!(non_public_kind("8.8.8.8".parse().expect("ip")), None);
    }
}
