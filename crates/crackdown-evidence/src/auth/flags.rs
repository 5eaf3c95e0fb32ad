//! Sender red flags that need no DNS: a display name claiming another
//! sender, a Reply-To that diverts answers to another domain, and domains
//! that imitate a protected brand (typos, homoglyphs, punycode, the brand
//! name in a foreign domain).
//!
//! Domains are compared by registrable domain (Public Suffix List), so
//! `mail.bank.example` and `bank.example` are the same sender. Look-alikes
//! use the UTS #39 confusable skeleton, Levenshtein distance on the label
//! left of the public suffix, and containment of the brand label.

use serde::{Deserialize, Serialize};
use unicode_security::{MixedScript, confusable_detection::skeleton};

use crate::domain;
use crate::mail::ParsedMail;

/// Which red flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    DisplayNameSpoof,
    ReplyToMismatch,
    LookalikeDomain,
}

/// One red flag with the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderFlag {
    pub kind: FlagKind,
    pub detail: String,
}

/// All sender flags of a message. `protected` lists the brand domains an
/// organisation cares about (e.g. its bank's domains); look-alikes of them
/// are searched in From, Reply-To, Return-Path and link targets.
pub fn sender_flags(mail: &ParsedMail, protected: &[String]) -> Vec<SenderFlag> {
    let protected: Vec<Protected> = protected.iter().filter_map(|p| Protected::new(p)).collect();
    sender_flags_of(mail, &protected)
}

fn sender_flags_of(mail: &ParsedMail, protected: &[Protected]) -> Vec<SenderFlag> {
    let mut flags = Vec::new();
    let from_domain = mail.from.as_ref().and_then(|f| f.domain());

    if let (Some(from), Some(from_domain)) = (&mail.from, &from_domain) {
        if let Some(name) = &from.name
            && let Some(detail) = display_name_spoof(name, from_domain, protected)
        {
            flags.push(SenderFlag { kind: FlagKind::DisplayNameSpoof, detail });
        }
        let from_org = domain::registrable_domain(from_domain);
        for reply in &mail.reply_to {
            if let Some(reply_domain) = reply.domain()
                && domain::registrable_domain(&reply_domain) != from_org
            {
                flags.push(SenderFlag {
                    kind: FlagKind::ReplyToMismatch,
                    detail: format!(
                        "replies go to {} ({reply_domain}), not to the From domain {from_domain}",
                        reply.address
                    ),
                });
            }
        }
    }

    let mut seen = std::collections::HashSet::new();
    let mut candidates: Vec<(String, &str)> = Vec::new();
    candidates.extend(from_domain.iter().map(|d| (d.clone(), "From")));
    candidates.extend(mail.reply_to.iter().filter_map(|r| r.domain()).map(|d| (d, "Reply-To")));
    candidates.extend(mail.return_path.as_deref().and_then(domain::address_domain).map(|d| (d, "Return-Path")));
    candidates.extend(mail.links.iter().filter_map(|l| l.target_domain.clone()).map(|d| (d, "link")));
    for (host, place) in candidates {
        if !seen.insert(domain::registrable_domain(&host)) {
            continue;
        }
        for brand in protected {
            if let Some(reason) = brand.imitated_by(&host) {
                flags.push(SenderFlag {
                    kind: FlagKind::LookalikeDomain,
                    detail: format!(
                        "{place} domain {} imitates protected {}: {reason}",
                        domain::unicode_host(&host),
                        brand.domain
                    ),
                });
            }
        }
    }
    for attached in &mail.attached_messages {
        for mut flag in sender_flags_of(attached, protected) {
            flag.detail = format!("attached message: {}", flag.detail);
            flags.push(flag);
        }
    }
    flags
}

/// A protected brand domain, pre-split for comparisons.
struct Protected {
    domain: String,
    /// The label left of the public suffix ("paypal" for paypal.co.uk).
    label: String,
    skeleton: String,
}

impl Protected {
    fn new(domain_name: &str) -> Option<Self> {
        let domain = domain::normalize_host(domain_name)?;
        let domain = domain::registrable_domain(&domain);
        let label = brand_label(&domain);
        let skeleton = skeleton(&domain::unicode_host(&label)).collect();
        Some(Self { domain, label, skeleton })
    }

    /// Why `host` imitates this brand, or `None` if it is the brand itself
    /// or unrelated. The whole label left of the suffix is compared, then
    /// each hyphen-separated piece of it and each subdomain label, so
    /// `paypa1-secure.example` and `paypal.com.verify.example` are caught.
    fn imitated_by(&self, host: &str) -> Option<String> {
        let registrable = domain::registrable_domain(host);
        if registrable == self.domain {
            return None;
        }
        let label = brand_label(&registrable);
        if label == self.label {
            return Some(format!("same name under another suffix ({registrable})"));
        }
        if let Some(reason) = self.resembles(&label) {
            return Some(reason);
        }
        if self.label.chars().count() < 4 {
            return None;
        }
        let pieces = label.split('-').filter(|piece| *piece != label);
        for piece in pieces {
            if let Some(reason) = self.resembles(piece) {
                return Some(format!("brand-like piece in {registrable}: {reason}"));
            }
            if piece == self.label {
                return Some(format!("brand name inside a foreign domain ({registrable})"));
            }
        }
        let subdomains = host
            .strip_suffix(&registrable)
            .unwrap_or_default()
            .trim_end_matches('.')
            .split('.')
            .filter(|l| !l.is_empty());
        for sub in subdomains {
            if sub == self.label || self.resembles(sub).is_some() {
                return Some(format!("brand name as a subdomain of {registrable}"));
            }
        }
        None
    }

    /// Confusable or near-miss spelling of the brand label.
    fn resembles(&self, label: &str) -> Option<String> {
        if label == self.label {
            return None;
        }
        let unicode_label = domain::unicode_host(label);
        let host_skeleton: String = skeleton(&unicode_label).collect();
        if host_skeleton == self.skeleton {
            let mixed = if unicode_label.is_single_script() { "" } else { ", mixed scripts" };
            return Some(format!("visually confusable characters ({unicode_label}{mixed})"));
        }
        let distance = strsim::levenshtein(&unicode_label, &self.label);
        let allowed = if self.label.chars().count() >= 8 { 2 } else { 1 };
        (self.label.chars().count() >= 4 && distance <= allowed)
            .then(|| format!("{distance} character(s) from the brand name ({unicode_label})"))
    }
}

/// The registrable domain without its public suffix.
fn brand_label(registrable: &str) -> String {
    let suffix_len = psl::suffix_str(registrable).map_or(0, str::len);
    registrable[..registrable.len().saturating_sub(suffix_len)].trim_end_matches('.').to_owned()
}

/// The display name claims a sender the address does not belong to: it
/// contains another address or domain, or names a protected brand.
fn display_name_spoof(name: &str, from_domain: &str, protected: &[Protected]) -> Option<String> {
    let from_org = domain::registrable_domain(from_domain);
    for token in name.split(|c: char| c.is_whitespace() || "<>()\"',;[]".contains(c)) {
        let claimed = if token.contains('@') { domain::address_domain(token) } else { domain::text_host(token) };
        if let Some(claimed) = claimed
            && domain::registrable_domain(&claimed) != from_org
        {
            return Some(format!("display name {name:?} names {claimed} but the address is at {from_domain}"));
        }
    }
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    let compact: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    protected
        .iter()
        .filter(|brand| brand.label.len() >= 3 && from_org != brand.domain)
        .find(|brand| {
            words.contains(&brand.label.as_str()) || (brand.label.len() >= 5 && compact.contains(&brand.label))
        })
        .map(|brand| {
            format!(
                "display name {name:?} names the protected brand {} but the address is at {from_domain}",
                brand.domain
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse_mail;

    fn flags_of(headers: &str, protected: &[&str]) -> Vec<(FlagKind, String)> {
        let raw = format!("{headers}\r\nSubject: t\r\n\r\nbody\r\n");
        let mail = parse_mail(raw.as_bytes()).expect("test message parses");
        let protected: Vec<String> = protected.iter().map(|p| (*p).to_owned()).collect();
        sender_flags(&mail, &protected).into_iter().map(|f| (f.kind, f.detail)).collect()
    }

    fn kinds(headers: &str, protected: &[&str]) -> Vec<FlagKind> {
        flags_of(headers, protected).into_iter().map(|f| f.0).collect()
    }

    #[test]
    fn legitimate_sender_has_no_flags() {
        assert_eq!(
            kinds("From: PayPal <service@mail.paypal.com>\r\nReply-To: help@paypal.com", &["paypal.com"]),
            vec![]
        );
    }

    #[test]
    fn display_name_claims_other_address_or_brand() {
        assert_eq!(kinds("From: \"service@paypal.com\" <x@evil.example>", &[]), vec![FlagKind::DisplayNameSpoof]);
        assert_eq!(kinds("From: PayPal Support <x@evil.example>", &["paypal.com"]), vec![FlagKind::DisplayNameSpoof]);
        assert_eq!(kinds("From: Jane Doe <jane@evil.example>", &["paypal.com"]), vec![]);
    }

    #[test]
    fn reply_to_elsewhere() {
        assert_eq!(kinds("From: a@bank.example\r\nReply-To: b@gmail.com", &[]), vec![FlagKind::ReplyToMismatch]);
        assert_eq!(kinds("From: a@mail.bank.example\r\nReply-To: b@bank.example", &[]), vec![]);
    }

    #[test]
    fn lookalikes() {
        let check = |from: &str, expect: bool| {
            let got = kinds(&format!("From: x@{from}"), &["paypal.com", "kasikornbank.com"]);
            assert_eq!(got.contains(&FlagKind::LookalikeDomain), expect, "{from}: {got:?}");
        };
        check("paypa1.com", true);
        check("paypal.co", true);
        check("xn--pypal-4ve.com", true); // pаypal with a Cyrillic а
        check("paypal-secure.net", true);
        check("paypal.com.verify.example", true);
        check("kasikornbamk.com", true);
        check("paypa1-secure.example", true);
        check("secure-pay.example", false);
        check("paypal.com", false);
        check("www.paypal.com", false);
        check("example.org", false);
    }
}
