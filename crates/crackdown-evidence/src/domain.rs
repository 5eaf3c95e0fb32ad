//! Small domain-name helpers shared by the e-mail parser and the sender checks:
//! host extraction from URLs and visible link text, registrable domains from
//! the Public Suffix List, and Unicode (punycode) forms.
//!
//! This is not a URL parser: it only finds the host, which is all the
//! link-mismatch and look-alike checks need. Full indicator extraction and
//! normalisation belong to the indicator crate.

/// Lower-cases `host`, strips a trailing dot and converts Unicode labels to
/// punycode, so that equal domains compare equal.
pub fn normalize_host(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    if host.is_ascii() {
        let lower = host.to_ascii_lowercase();
        let valid = lower.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
        return (valid && lower.contains('.')).then_some(lower);
    }
    let ascii = idna::domain_to_ascii(host).ok()?;
    ascii.contains('.').then_some(ascii)
}

/// The registrable domain ("example.co.uk" for "mail.example.co.uk"), or the
/// host itself when the Public Suffix List knows no suffix for it.
pub fn registrable_domain(host: &str) -> String {
    psl::domain_str(host).map_or_else(|| host.to_owned(), str::to_owned)
}

/// The Unicode form of a punycode host, for showing and for confusable checks.
pub fn unicode_host(host: &str) -> String {
    let (unicode, result) = idna::domain_to_unicode(host);
    if result.is_ok() { unicode } else { host.to_owned() }
}

/// The host of an absolute URL (`scheme://[user@]host[:port]/...`) or of a
/// `mailto:` address, normalised.
pub fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    if let Some(rest) = strip_prefix_ignore_case(url, "mailto:") {
        let address = rest.split(['?', ',']).next().unwrap_or_default();
        return address.rsplit_once('@').and_then(|(_, d)| normalize_host(d));
    }
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
        return None;
    }
    host_of_authority(rest)
}

/// The host a piece of visible link text names, if it looks like a URL or a
/// bare domain ("www.bank.com", "bank.com/login"); `None` for ordinary words.
pub fn text_host(text: &str) -> Option<String> {
    let text = text.trim();
    if text.contains("://") || strip_prefix_ignore_case(text, "mailto:").is_some() {
        return url_host(text);
    }
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return None;
    }
    let host = host_of_authority(text)?;
    let tld = host.rsplit('.').next().unwrap_or_default();
    let alphabetic_tld = tld.len() >= 2 && (tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--"));
    alphabetic_tld.then_some(host)
}

fn host_of_authority(rest: &str) -> Option<String> {
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().unwrap_or_default().trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    normalize_host(host)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// The domain part of an e-mail address, normalised.
pub fn address_domain(address: &str) -> Option<String> {
    address.rsplit_once('@').and_then(|(_, domain)| normalize_host(domain.trim_end_matches('>')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_url(input: &str, expected: Option<&str>) {
        assert_eq!(url_host(input).as_deref(), expected, "url {input:?}");
    }

    fn check_text(input: &str, expected: Option<&str>) {
        assert_eq!(text_host(input).as_deref(), expected, "text {input:?}");
    }

    #[test]
    fn hosts_of_urls() {
        check_url("https://Login.Example.COM/path?q=1", Some("login.example.com"));
        check_url("http://user:pw@evil.example.net:8080/", Some("evil.example.net"));
        check_url("mailto:Help@Bank.example?subject=x", Some("bank.example"));
        check_url("javascript:alert(1)", None);
        check_url("https://bücher.example/", Some("xn--bcher-kva.example"));
        check_url("https://[2001:db8::1]/", None);
    }

    #[test]
    fn hosts_of_visible_text() {
        check_text("www.mybank.com", Some("www.mybank.com"));
        check_text("https://mybank.com/login", Some("mybank.com"));
        check_text("mybank.com/login", Some("mybank.com"));
        check_text("Click here", None);
        check_text("v1.2", None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("mail.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("a.b.paypal.com"), "paypal.com");
    }

    #[test]
    fn address_domains() {
        assert_eq!(address_domain("Bob@Mail.Example.ORG").as_deref(), Some("mail.example.org"));
        assert_eq!(address_domain("no-at-sign"), None);
    }
}
