//! Indicator extraction: every phone, URL, domain, e-mail, IP, wallet, IBAN,
//! bank account, card and messenger handle in a text, normalized,
//! checksum-validated and located by byte span in the original text.
//!
//! Extraction runs on the [`Refanged`] copy of the text, so defanged and
//! obfuscated forms are found, and maps spans back. All patterns use the
//! `regex` crate (no backtracking) and every kind stops after
//! [`MAX_CANDIDATES_PER_KIND`] candidates, so time is bounded on any input.
//! Overlaps are resolved by a fixed priority (a wallet inside a URL belongs to
//! the URL). E-mail headers and MIME are not handled here.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use unicode_script::{Script, UnicodeScript};

use crate::checksum;
use crate::text::Refanged;

/// Candidates looked at per kind and text; beyond this a text is not a
/// message but an attack on the extractor.
pub const MAX_CANDIDATES_PER_KIND: usize = 10_000;

/// Longer "URLs" are padding or attacks, not links anyone can follow.
const MAX_URL_BYTES: usize = 8192;

/// What a report says about where it comes from, used for phone numbers
/// written without a country prefix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// ISO 3166 alpha-2 country of the report, e.g. `TH`.
    pub country: Option<String>,
    /// BCP 47 language of the report, e.g. `th` or `en-GB`.
    pub language: Option<String>,
}

impl Context {
    /// A context with neither country nor language.
    pub fn none() -> Context {
        Context::default()
    }

    /// The region national phone numbers are read in: the country if given,
    /// else the region subtag or main country of the language.
    pub fn phone_region(&self) -> Option<phonenumber::country::Id> {
        let from_code = |code: &str| code.trim().to_ascii_uppercase().parse().ok();
        if let Some(region) = self.country.as_deref().and_then(from_code) {
            return Some(region);
        }
        let language = self.language.as_deref()?.trim().to_ascii_lowercase();
        let mut parts = language.split(['-', '_']);
        let primary = parts.next()?;
        if let Some(region) = parts.find(|part| part.len() == 2).and_then(from_code) {
            return Some(region);
        }
        let country = match primary {
            "th" => "TH",
            "my" => "MM",
            "zh" => "CN",
            "tl" | "fil" => "PH",
            "vi" => "VN",
            "id" => "ID",
            "ms" => "MY",
            "km" => "KH",
            "lo" => "LA",
            "ja" => "JP",
            "ko" => "KR",
            "hi" => "IN",
            _ => return None,
        };
        from_code(country)
    }
}

/// The kinds of indicator, spelled as in the CLI contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Url,
    Domain,
    Email,
    Phone,
    Ipv4,
    Ipv6,
    Btc,
    Eth,
    Tron,
    Sol,
    Ltc,
    Iban,
    BankAccount,
    Card,
    Telegram,
    Whatsapp,
    Line,
    Wechat,
}

impl IndicatorKind {
    /// Every kind, in declaration order.
    pub const ALL: [IndicatorKind; 18] = [
        IndicatorKind::Url,
        IndicatorKind::Domain,
        IndicatorKind::Email,
        IndicatorKind::Phone,
        IndicatorKind::Ipv4,
        IndicatorKind::Ipv6,
        IndicatorKind::Btc,
        IndicatorKind::Eth,
        IndicatorKind::Tron,
        IndicatorKind::Sol,
        IndicatorKind::Ltc,
        IndicatorKind::Iban,
        IndicatorKind::BankAccount,
        IndicatorKind::Card,
        IndicatorKind::Telegram,
        IndicatorKind::Whatsapp,
        IndicatorKind::Line,
        IndicatorKind::Wechat,
    ];

    /// The contract's spelling (`bank_account`, `ipv4`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Url => "url",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Email => "email",
            IndicatorKind::Phone => "phone",
            IndicatorKind::Ipv4 => "ipv4",
            IndicatorKind::Ipv6 => "ipv6",
            IndicatorKind::Btc => "btc",
            IndicatorKind::Eth => "eth",
            IndicatorKind::Tron => "tron",
            IndicatorKind::Sol => "sol",
            IndicatorKind::Ltc => "ltc",
            IndicatorKind::Iban => "iban",
            IndicatorKind::BankAccount => "bank_account",
            IndicatorKind::Card => "card",
            IndicatorKind::Telegram => "telegram",
            IndicatorKind::Whatsapp => "whatsapp",
            IndicatorKind::Line => "line",
            IndicatorKind::Wechat => "wechat",
        }
    }
}

impl std::fmt::Display for IndicatorKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One indicator found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    #[serde(rename = "type")]
    pub kind: IndicatorKind,
    /// The text as written (cards masked), from the original text.
    pub value: String,
    /// The canonical form that links reports: E.164 phones, lower-case
    /// punycode hosts, lower-case wallets, IBANs without spaces.
    pub normalized: String,
    /// Whether the checksum or format holds; look-alikes come back `false`.
    pub valid: bool,
    /// Byte offsets into the original text.
    pub start: usize,
    pub end: usize,
    /// A host mixing scripts (Latin with Cyrillic or Greek): a look-alike of
    /// some other domain. Not part of the JSON contract; the analyzer turns it
    /// into a reason.
    #[serde(skip)]
    pub lookalike: bool,
}

impl Indicator {
    /// The registrable domain (Public Suffix List) of a url, domain or
    /// e-mail indicator: what one registrant controls.
    pub fn registrable_domain(&self) -> Option<String> {
        let host = match self.kind {
            IndicatorKind::Domain => self.normalized.as_str(),
            IndicatorKind::Email => self.normalized.rsplit_once('@')?.1,
            IndicatorKind::Url => url_host(&self.normalized)?,
            _ => return None,
        };
        registrable_domain(host)
    }
}

/// The registrable domain of a lower-case ASCII host, per the embedded
/// Public Suffix List.
pub fn registrable_domain(host: &str) -> Option<String> {
    let domain = psl::domain(host.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    std::str::from_utf8(domain.as_bytes()).ok().map(str::to_owned)
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    Some(host_port.split(':').next().unwrap_or(host_port))
}

/// A match on the cleaned text before it is mapped back.
struct Candidate {
    start: usize,
    end: usize,
    kind: IndicatorKind,
    normalized: String,
    valid: bool,
    lookalike: bool,
    /// Replaces the original text as `value` (masked cards).
    masked_value: Option<String>,
}

impl Candidate {
    fn new(start: usize, end: usize, kind: IndicatorKind, normalized: String, valid: bool) -> Candidate {
        Candidate { start, end, kind, normalized, valid, lookalike: false, masked_value: None }
    }
}

/// Extracts every indicator of `text`, in order of position.
pub fn extract(text: &str, context: &Context) -> Vec<Indicator> {
    let refanged = Refanged::new(text);
    let clean = refanged.clean.as_str();
    let mut accepted: BTreeMap<usize, Candidate> = BTreeMap::new();
    let mut offer = |candidate: Candidate| {
        let overlaps_before =
            accepted.range(..candidate.end).next_back().is_some_and(|(_, previous)| previous.end > candidate.start);
        if !overlaps_before && candidate.start < candidate.end {
            accepted.insert(candidate.start, candidate);
        }
    };
    // In priority order: earlier finders win overlaps. Each finder runs only
    // when the bytes it needs are present (one cheap pass saves regex passes).
    let shape = Shape::of(clean);
    if shape.messenger_link {
        messenger_links(clean, &mut offer);
    }
    if shape.scheme {
        urls_with_scheme(clean, &mut offer);
    }
    if shape.at {
        emails(clean, &mut offer);
    }
    let has_digit = shape.digits > 0;
    let has_dot = shape.dot;
    if has_digit {
        if shape.hex_prefix {
            eth(clean, &mut offer);
        }
        if shape.segwit {
            segwit(clean, &mut offer);
        }
        if shape.iban_start {
            ibans(clean, &mut offer);
        }
        if shape.digits >= 13 {
            cards(clean, &mut offer);
        }
    }
    if shape.longest_word >= 25 {
        base58_wallets(clean, &mut offer);
    }
    if has_dot {
        bare_domains(clean, &mut offer);
    }
    if shape.colon {
        ipv6(clean, &mut offer);
    }
    if has_digit && has_dot {
        ipv4(clean, &mut offer);
    }
    if MESSENGER_CUE.is_match(clean) {
        messenger_handles(clean, context, &mut offer);
    }
    if clean.contains('@') {
        bare_telegram_handles(clean, &mut offer);
    }
    if shape.digits >= 5 && ACCOUNT_CUE.is_match(clean) {
        bank_accounts(clean, &mut offer);
    }
    if shape.digits >= 7 {
        phones(clean, context, &mut offer);
    }
    accepted
        .into_values()
        .map(|candidate| {
            let start = refanged.original_start(candidate.start);
            let end = refanged.original_end(candidate.end).max(start);
            Indicator {
                kind: candidate.kind,
                value: candidate.masked_value.unwrap_or_else(|| text.get(start..end).unwrap_or_default().to_owned()),
                normalized: candidate.normalized,
                valid: candidate.valid,
                start,
                end,
                lookalike: candidate.lookalike,
            }
        })
        .collect()
}

/// What one cheap pass over the bytes tells about a text, so finders whose
/// pattern cannot match are skipped without a regex pass.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// ASCII digits in the text.
    digits: usize,
    /// Longest run of ASCII letters and digits (base58 wallets need 25).
    longest_word: usize,
    /// Two letters followed by two digits somewhere: an IBAN may start there.
    iban_start: bool,
    dot: bool,
    at: bool,
    colon: bool,
    /// `://` somewhere: a URL with a scheme may start there.
    scheme: bool,
    /// `0x` in any case: an Ethereum address may start there.
    hex_prefix: bool,
    /// `1q`, `1p` or `c1` in any case: a segwit address may be there.
    segwit: bool,
    /// `.me/`, `lin.ee/` or `whatsapp.com/` in any case: a messenger link.
    messenger_link: bool,
}

/// Whether `bytes[index..]` starts with `needle` (lower-case ASCII), ignoring ASCII case.
fn starts_with_ignore_case(bytes: &[u8], index: usize, needle: &[u8]) -> bool {
    bytes.get(index..index + needle.len()).is_some_and(|window| window.eq_ignore_ascii_case(needle))
}

impl Shape {
    fn of(text: &str) -> Shape {
        let mut shape = Shape::default();
        let mut run = 0;
        let bytes = text.as_bytes();
        for (index, &byte) in bytes.iter().enumerate() {
            if byte.is_ascii_alphanumeric() {
                run += 1;
                shape.longest_word = shape.longest_word.max(run);
            } else {
                run = 0;
            }
            let next = bytes.get(index + 1).map_or(0, u8::to_ascii_lowercase);
            match byte.to_ascii_lowercase() {
                b'0'..=b'9' => {
                    shape.digits += 1;
                    shape.iban_start |= index >= 3
                        && bytes[index - 1].is_ascii_digit()
                        && bytes[index - 2].is_ascii_alphabetic()
                        && bytes[index - 3].is_ascii_alphabetic();
                    shape.hex_prefix |= byte == b'0' && next == b'x';
                    shape.segwit |= byte == b'1' && matches!(next, b'q' | b'p');
                }
                b'.' => {
                    shape.dot = true;
                    shape.messenger_link |= starts_with_ignore_case(bytes, index, b".me/");
                }
                b'@' => shape.at = true,
                b':' => {
                    shape.colon = true;
                    shape.scheme |= starts_with_ignore_case(bytes, index, b"://");
                }
                b'c' => shape.segwit |= next == b'1',
                b'l' => shape.messenger_link |= starts_with_ignore_case(bytes, index, b"lin.ee/"),
                b'w' => shape.messenger_link |= starts_with_ignore_case(bytes, index, b"whatsapp.com/"),
                _ => {}
            }
        }
        shape
    }
}

/// Words without which `messenger_handles` cannot match: one Aho-Corasick
/// pass instead of its large case-insensitive pattern on every text.
static MESSENGER_CUE: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build([
            "tele",
            "tg",
            "whats",
            "wa",
            "line",
            "ไลน์",
            "wechat",
            "weixin",
            "vx",
            "v信",
            "威信",
            "微信",
            "电报",
            "纸飞机",
            "เทเลแกรม",
            "วอทส์แอป",
            "วอทแอป",
        ])
        .expect("fixed cue words")
});

/// Words without which `bank_accounts` cannot match.
static ACCOUNT_CUE: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build([
            "routing",
            "aba",
            "acc",
            "a/c",
            "บัญชี",
            "账号",
            "帐号",
            "账户",
            "tài khoản",
            "stk",
            "rek",
            "ငွေစာရင်း",
            // Bank names victims write before the number ("SCB 123-4-56789-0").
            "scb",
            "kbank",
            "kasikorn",
            "bangkok",
            "bbl",
            "krungthai",
            "ktb",
            "krungsri",
            "ttb",
            "gsb",
            "mandiri",
            "bca",
            "bni",
            "bri",
            "bdo",
            "bpi",
            "metrobank",
            "landbank",
            "unionbank",
            "vietcombank",
            "vcb",
            "techcombank",
            "vietinbank",
            "bidv",
            "agribank",
            "tcb",
            "mbb",
            "mbtc",
            "paid into",
            "maybank",
            "cimb",
            "rhb",
            "public",
            "kbz",
            "aya",
            "chase",
            "bofa",
            "america",
            "wells",
            "citibank",
            "hsbc",
            "barclays",
            "icbc",
        ])
        .expect("fixed cue words")
});

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the extractor's patterns are fixed and tested")
}

/// Letters a host may use: ASCII plus the Latin, Greek and Cyrillic ranges
/// look-alike domains are built from (not Thai or CJK, which would swallow
/// the words around an unspaced link).
const HOST_CHAR: &str = r"a-zA-Z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u052F";
/// Characters of a URL path or query.
const PATH_CHAR: &str = r"a-zA-Z0-9\-._~:/?#@!$&()*+,;=%\u00C0-\u024F\u0370-\u03FF\u0400-\u052F";

fn host_pattern() -> String {
    format!(
        r"(?:[{HOST_CHAR}](?:[{HOST_CHAR}\-]{{0,62}}[{HOST_CHAR}])?\.)+(?:[a-zA-Z\u00C0-\u024F\u0370-\u03FF\u0400-\u052F]{{2,63}}|[xX][nN]--[a-zA-Z0-9\-]{{1,59}})"
    )
}

/// Drops sentence punctuation that follows a link, keeping a `)` that closes
/// one opened inside it.
fn trim_url_end(text: &str) -> usize {
    let mut end = text.len();
    loop {
        let Some(last) = text[..end].chars().next_back() else {
            return end;
        };
        let keep = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '(' => false,
            ')' => text[..end].matches('(').count() >= text[..end].matches(')').count(),
            _ => true,
        };
        if keep {
            return end;
        }
        end -= last.len_utf8();
    }
}

/// Lower-cases a host, converts it to punycode and says whether it mixes
/// scripts; `None` when IDNA rejects it.
fn normalize_host(host: &str) -> Option<(String, bool)> {
    let host = host.trim_end_matches('.');
    let ascii = idna::domain_to_ascii(host).ok()?;
    if ascii.is_empty() {
        return None;
    }
    let unicode = if ascii.contains("xn--") { idna::domain_to_unicode(&ascii).0 } else { ascii.clone() };
    Some((ascii, mixes_scripts(&unicode)))
}

/// Latin mixed with Cyrillic, Greek or Armenian in one host name.
fn mixes_scripts(host: &str) -> bool {
    let mut seen: Option<Script> = None;
    for character in host.chars().filter(|character| character.is_alphabetic()) {
        let script = character.script();
        if !matches!(script, Script::Latin | Script::Cyrillic | Script::Greek | Script::Armenian) {
            continue;
        }
        match seen {
            None => seen = Some(script),
            Some(previous) if previous != script => return true,
            Some(_) => {}
        }
    }
    false
}

/// A host with a known public suffix and a registrable part.
fn host_is_valid(ascii_host: &str) -> bool {
    ascii_host.parse::<std::net::Ipv4Addr>().is_ok() || registrable_domain(ascii_host).is_some()
}

/// Normalizes a URL: lower-case scheme, punycode host; `None` if it has no host.
pub fn normalize_url(url: &str) -> Option<(String, bool, bool)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("http".to_owned(), url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => (host, Some(port)),
        _ => (host_port, None),
    };
    let (ascii_host, lookalike) = normalize_host(host)?;
    let mut normalized = format!("{scheme}://");
    if let Some(userinfo) = userinfo {
        normalized.push_str(userinfo);
        normalized.push('@');
    }
    normalized.push_str(&ascii_host);
    if let Some(port) = port {
        normalized.push(':');
        normalized.push_str(port);
    }
    normalized.push_str(if tail.is_empty() { "/" } else { tail });
    Some((normalized, host_is_valid(&ascii_host), lookalike))
}

fn urls_with_scheme(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static URL: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"(?i)(?-u:\b)(?:https?|ftp)://[{PATH_CHAR}\[\]]+")));
    for found in URL.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let end = found.start() + trim_url_end(found.as_str());
        if end - found.start() > MAX_URL_BYTES {
            continue;
        }
        let url = &clean[found.start()..end];
        if let Some((normalized, valid, lookalike)) = normalize_url(url) {
            let mut candidate = Candidate::new(found.start(), end, IndicatorKind::Url, normalized, valid);
            candidate.lookalike = lookalike;
            offer(candidate);
        }
    }
}

/// File names that would otherwise read as domains under a country suffix.
const FILE_SUFFIXES: [&str; 4] = ["py", "sh", "md", "rs"];

fn bare_domains(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static DOMAIN: LazyLock<Regex> =
        LazyLock::new(|| regex(&format!(r"{}(?::[0-9]{{1,5}})?(?:/[{PATH_CHAR}]*)?", host_pattern())));
    for found in DOMAIN.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let before = clean[..found.start()].chars().next_back();
        if matches!(before, Some('@' | '.' | '/' | '_' | '-')) || before.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let end = found.start() + trim_url_end(found.as_str());
        if end - found.start() > MAX_URL_BYTES {
            continue;
        }
        let matched = &clean[found.start()..end];
        let host_end = matched.find([':', '/']).unwrap_or(matched.len());
        let host = &matched[..host_end];
        let has_path = host_end < matched.len();
        let Some((ascii_host, lookalike)) = normalize_host(host) else {
            continue;
        };
        if registrable_domain(&ascii_host).is_none() {
            continue;
        }
        let suffix = ascii_host.rsplit('.').next().unwrap_or_default();
        let looks_like_file = FILE_SUFFIXES.contains(&suffix) && !ascii_host.starts_with("www.");
        if looks_like_file && !has_path {
            continue;
        }
        let mut candidate = if has_path || ascii_host.starts_with("www.") && matched.len() > host.len() {
            match normalize_url(matched) {
                Some((normalized, valid, _)) => {
                    Candidate::new(found.start(), end, IndicatorKind::Url, normalized, valid)
                }
                None => continue,
            }
        } else {
            Candidate::new(found.start(), found.start() + host.len(), IndicatorKind::Domain, ascii_host, true)
        };
        candidate.lookalike = lookalike;
        offer(candidate);
    }
}

/// Normalizes an e-mail address: the domain lower-cased and in punycode.
pub fn normalize_email(address: &str) -> Option<(String, bool)> {
    let (local, domain) = address.rsplit_once('@')?;
    let (ascii, _) = normalize_host(domain)?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && registrable_domain(&ascii).is_some();
    Some((format!("{local}@{ascii}"), valid))
}

fn emails(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static EMAIL: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"[a-zA-Z0-9._%+\-]+@{}", host_pattern())));
    for found in EMAIL.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        if let Some((normalized, valid)) = normalize_email(found.as_str()) {
            offer(Candidate::new(found.start(), found.end(), IndicatorKind::Email, normalized, valid));
        }
    }
}

fn eth(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static ETH: LazyLock<Regex> = LazyLock::new(|| regex(r"(?-u:\b)0[xX][0-9a-fA-F]{38,42}(?-u:\b)"));
    for found in ETH.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let hex = &found.as_str()[2..];
        let valid = checksum::eip55_ok(hex);
        let normalized = format!("0x{}", hex.to_ascii_lowercase());
        offer(Candidate::new(found.start(), found.end(), IndicatorKind::Eth, normalized, valid));
    }
}

fn segwit(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static SEGWIT: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?i)(?-u:\b)(?:bc|tb|ltc)1[02-9ac-hj-np-z]{6,87}(?-u:\b)"));
    for found in SEGWIT.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let address = found.as_str();
        let lower = address.to_ascii_lowercase();
        let kind = if lower.starts_with("ltc") { IndicatorKind::Ltc } else { IndicatorKind::Btc };
        let valid = checksum::segwit_hrp(address).is_some();
        offer(Candidate::new(found.start(), found.end(), kind, lower, valid));
    }
}

/// Base58 wallets: checksummed Bitcoin P2PKH/P2SH, Tron and Litecoin
/// addresses, and 32-byte Solana keys (which carry no checksum).
fn base58_wallets(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static BASE58: LazyLock<Regex> = LazyLock::new(|| regex(r"(?-u:\b)[1-9A-HJ-NP-Za-km-z]{25,44}(?-u:\b)"));
    for found in BASE58.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let text = found.as_str();
        let mixed_case = text.bytes().any(|b| b.is_ascii_lowercase()) && text.bytes().any(|b| b.is_ascii_uppercase());
        if !mixed_case {
            continue;
        }
        let length = text.len();
        let first = text.as_bytes()[0];
        let (kind, valid) = match checksum::base58check_version(text) {
            Some(0x00 | 0x05) => (IndicatorKind::Btc, true),
            Some(0x41) => (IndicatorKind::Tron, true),
            Some(0x30 | 0x32) => (IndicatorKind::Ltc, true),
            _ if checksum::base58_len(text) == Some(32) && length >= 32 => (IndicatorKind::Sol, true),
            _ => match first {
                b'1' | b'3' if (26..=35).contains(&length) => (IndicatorKind::Btc, false),
                b'T' if length == 34 => (IndicatorKind::Tron, false),
                b'L' | b'M' if (26..=34).contains(&length) => (IndicatorKind::Ltc, false),
                _ => continue,
            },
        };
        offer(Candidate::new(found.start(), found.end(), kind, text.to_owned(), valid));
    }
}

fn ibans(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static IBAN: LazyLock<Regex> = LazyLock::new(|| regex(r"(?-u:\b)[A-Za-z]{2}[0-9]{2}(?:[ \-]?[A-Za-z0-9]){10,32}"));
    // Searched by hand rather than with find_iter: a match may run into the
    // next IBAN, and the search must resume where the country length cut it.
    let mut at = 0;
    for _ in 0..MAX_CANDIDATES_PER_KIND {
        let Some(found) = IBAN.find_at(clean, at) else {
            break;
        };
        at = found.start() + 1;
        while !clean.is_char_boundary(at) {
            at += 1;
        }
        let text = found.as_str();
        let Some(length) = checksum::iban_length(&text[..2]) else {
            continue;
        };
        // Cut at the country's length: the pattern may run into the next word.
        let mut compact = String::with_capacity(length);
        let mut end = 0;
        for (index, character) in text.char_indices() {
            if compact.len() == length {
                break;
            }
            if character.is_ascii_alphanumeric() {
                compact.push(character.to_ascii_uppercase());
                end = index + 1;
            }
        }
        if compact.len() != length || clean[found.start() + end..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let all_upper = text[..end].bytes().all(|b| !b.is_ascii_lowercase());
        let valid = checksum::iban_ok(&compact);
        if !valid && !all_upper {
            continue;
        }
        at = found.start() + end;
        offer(Candidate::new(found.start(), found.start() + end, IndicatorKind::Iban, compact, valid));
    }
}

/// Issuer prefixes of the major card networks.
fn card_network_prefix(digits: &str) -> bool {
    let two: u32 = digits.get(..2).and_then(|d| d.parse().ok()).unwrap_or(0);
    let four: u32 = digits.get(..4).and_then(|d| d.parse().ok()).unwrap_or(0);
    digits.starts_with('4')
        || (51..=55).contains(&two)
        || (2221..=2720).contains(&four)
        || two == 34
        || two == 37
        || two == 35
        || two == 62
        || two == 36
        || two == 38
        || (300..=305).contains(&(four / 10))
        || four == 6011
        || two == 65
        || (644..=649).contains(&(four / 10))
}

/// Masks all but the first six and last four digits.
fn mask_card(text: &str, digit_count: usize) -> String {
    let mut seen = 0;
    text.chars()
        .map(|character| {
            if character.is_ascii_digit() {
                seen += 1;
                if seen > 6 && seen <= digit_count - 4 {
                    return '*';
                }
            }
            character
        })
        .collect()
}

/// Whether a card word ends the few words before a number: a number the
/// victim calls a card is kept even when it fails the Luhn check (a mistyped
/// or invented card is still evidence), like a number grouped in fours.
fn follows_card_word(before: &str) -> bool {
    const CARD_WORDS: [&str; 7] = ["card", "บัตร", "卡", "thẻ", "kartu", "tarjeta", "ကတ်"];
    let near = &before[floor_char_boundary(before, before.len().saturating_sub(40))..];
    let near = near.to_lowercase();
    CARD_WORDS.iter().any(|word| near.contains(word))
}

fn cards(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static CARD: LazyLock<Regex> = LazyLock::new(|| regex(r"(?-u:\b)[0-9](?:[ \-]?[0-9]){12,18}(?-u:\b)"));
    for found in CARD.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let text = found.as_str();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let separators: Vec<char> = text.chars().filter(|c| !c.is_ascii_digit()).collect();
        if separators.windows(2).any(|pair| pair[0] != pair[1]) {
            continue;
        }
        let grouped_in_fours =
            !separators.is_empty() && text.split([' ', '-']).all(|group| group.len() == 4) && digits.len() == 16;
        let before = &clean[..found.start()];
        if before.ends_with('+') {
            continue;
        }
        let luhn = checksum::luhn_ok(&digits);
        if !card_network_prefix(&digits) || !(luhn || grouped_in_fours || follows_card_word(before)) {
            continue;
        }
        let normalized = mask_card(&digits, digits.len());
        let mut candidate = Candidate::new(found.start(), found.end(), IndicatorKind::Card, normalized, luhn);
        candidate.masked_value = Some(mask_card(text, digits.len()));
        offer(candidate);
    }
}

fn ipv4(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static IPV4: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?-u:\b)"));
    for found in IPV4.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let after = &clean[found.end()..];
        if after.starts_with(|c: char| c == '.' || c.is_ascii_digit())
            && after[1..].starts_with(|c: char| c.is_ascii_digit())
            || clean[..found.start()].ends_with('.')
        {
            continue;
        }
        let octets_ok = found.as_str().split('.').all(|octet| {
            octet.parse::<u16>().is_ok_and(|value| value <= 255) && !(octet.len() > 1 && octet.starts_with('0'))
        });
        let normalized = if octets_ok {
            found.as_str().parse::<std::net::Ipv4Addr>().map_or_else(|_| found.as_str().to_owned(), |ip| ip.to_string())
        } else {
            found.as_str().to_owned()
        };
        offer(Candidate::new(found.start(), found.end(), IndicatorKind::Ipv4, normalized, octets_ok));
    }
}

fn ipv6(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static IPV6: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?i)(?:[0-9a-f]{1,4}|:)?:(?:[0-9a-f]{0,4}:){1,7}[0-9a-f]{0,4}"));
    for found in IPV6.find_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let text = found.as_str();
        let before = clean[..found.start()].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == ':') {
            continue;
        }
        if let Ok(address) = text.parse::<std::net::Ipv6Addr>() {
            offer(Candidate::new(found.start(), found.end(), IndicatorKind::Ipv6, address.to_string(), true));
        }
    }
}

/// libphonenumber's metadata compiles its patterns on first use into one
/// shared cache of 100 entries. Reports name numbers of dozens of countries,
/// and at 100 the patterns were compiled again and again (most of a public
/// lookup's time went to the regex compiler); this leaves room for every
/// pattern of the metadata, compiled once each as the countries come up.
const PHONE_PATTERN_CACHE: usize = 8192;

/// The phone metadata, its pattern cache widened once (see [`PHONE_PATTERN_CACHE`]).
pub fn phone_database() -> &'static phonenumber::metadata::Database {
    static WIDENED: std::sync::Once = std::sync::Once::new();
    let database: &'static phonenumber::metadata::Database = &phonenumber::metadata::DATABASE;
    WIDENED.call_once(|| {
        let cache = database.cache();
        let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.set_capacity(PHONE_PATTERN_CACHE);
    });
    database
}

/// A phone number in E.164 when it parses and validates, else its digits.
pub fn normalize_phone(text: &str, region: Option<phonenumber::country::Id>) -> (String, bool) {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let international = text.trim_start().starts_with('+') || digits.starts_with("00");
    let candidate = if international && !text.trim_start().starts_with('+') {
        format!("+{}", &digits[2..])
    } else if international {
        format!("+{digits}")
    } else {
        digits.clone()
    };
    let database = phone_database();
    match phonenumber::parse_with(database, if international { None } else { region }, &candidate) {
        Ok(number) if phonenumber::is_valid_with(database, &number) => {
            (number.format().mode(phonenumber::Mode::E164).to_string(), true)
        }
        _ if international => (candidate, false),
        _ => (digits, false),
    }
}

/// Words that announce a phone number, in the languages reports come in.
static PHONE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:(?-u:\b)(?:call|tel|phone|mobile|mob|cell|text|sms|contact|hotline|ring|dial|whatsapp|viber|zalo|telp|hp|wa|sđt|gọi|điện thoại|tawag|numero|nomor)(?-u:\b)|โทร|เบอร์|电话|手机|致电|ဖုန်း)",
    )
});

fn phones(clean: &str, context: &Context, offer: &mut impl FnMut(Candidate)) {
    static PHONE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?:\+|(?-u:\b))\(?[0-9](?:(?:[ \-.]|\) ?|\)-| ?\()?[0-9]){6,16}"));
    static NOT_PHONE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+)$"));
    let region = context.phone_region();
    let mut from = 0;
    let mut candidates = 0;
    while let Some(found) = PHONE.find_at(clean, from) {
        from = found.end();
        candidates += 1;
        if candidates > MAX_CANDIDATES_PER_KIND {
            break;
        }
        let mut text = found.as_str().trim_end_matches([')', '(', '.', '-', ' ']);
        // A last digit group that goes on with a thousands comma opens an
        // amount (`0978 170 9323 3,740`): the number ends before it.
        let after = &clean[found.start() + text.len()..];
        if after.starts_with(',')
            && after[1..].starts_with(|c: char| c.is_ascii_digit())
            && let Some(cut) = text.rfind([' ', '-', '.'])
        {
            text = text[..cut].trim_end_matches([')', '(', '.', '-', ' ']);
        }
        // So does a last group of one or two digits followed by a word
        // (`096-121-1786 0 BTC`): no numbering plan ends on such a group.
        if let Some(cut) = text.rfind(' ')
            && (1..=2).contains(&(text.len() - cut - 1))
            && clean[found.start() + text.len()..]
                .strip_prefix(' ')
                .is_some_and(|rest| rest.starts_with(char::is_alphabetic))
            && text[..cut].bytes().filter(u8::is_ascii_digit).count() >= 7
        {
            text = text[..cut].trim_end_matches([')', '(', '.', '-', ' ']);
        }
        // Two numbers written one after the other (`+66863868189 00855 96
        // 121 1786`) read as one run of digits: when the run is no number
        // but its part up to a space is, that part is one and the scan
        // goes on after it.
        if clean[..found.start()].ends_with(|c: char| c.is_alphanumeric() || c == '.' || c == '/' || c == ',') {
            continue;
        }
        let mut digit_count = text.bytes().filter(u8::is_ascii_digit).count();
        let unusable = !(7..=15).contains(&digit_count)
            || NOT_PHONE.is_match(text)
            || clean[found.start() + text.len()..].starts_with(|c: char| c.is_alphanumeric());
        if unusable && !text.contains(' ') {
            continue;
        }
        let (mut normalized, mut valid) = if unusable { (String::new(), false) } else { normalize_phone(text, region) };
        // A group opening with an international prefix inside the run
        // starts the next number, whatever the first one is.
        if !valid
            && let Some(cut) = text.match_indices(" 00").chain(text.match_indices(" +")).map(|(at, _)| at).min()
            && (7..=15).contains(&text[..cut].bytes().filter(u8::is_ascii_digit).count())
        {
            text = &text[..cut];
            from = found.start() + cut;
            (normalized, valid) = normalize_phone(text, region);
            digit_count = text.bytes().filter(u8::is_ascii_digit).count();
        } else if !valid
            && let Some((cut, (left_normalized, _))) = text
                .match_indices(' ')
                .map(|(at, _)| at)
                .filter(|&at| {
                    (7..=15).contains(&text[..at].bytes().filter(u8::is_ascii_digit).count())
                        && !NOT_PHONE.is_match(&text[..at])
                })
                .map(|at| (at, normalize_phone(&text[..at], region)))
                .find(|(_, (_, valid))| *valid)
        {
            text = &text[..cut];
            from = found.start() + cut;
            (normalized, valid) = (left_normalized, true);
            digit_count = text.bytes().filter(u8::is_ascii_digit).count();
        } else if unusable {
            continue;
        }
        let end = found.start() + text.len();
        if beside_a_currency(clean, found.start(), end) {
            continue;
        }
        let prefixed = text.starts_with('+') || text.starts_with("00");
        let window_start = floor_char_boundary(clean, found.start().saturating_sub(40));
        let cued = PHONE_CUE.is_match(&clean[window_start..found.start()]);
        let national_shape = text.starts_with('0') && (9..=11).contains(&digit_count);
        if valid || prefixed || cued || national_shape {
            offer(Candidate::new(found.start(), end, IndicatorKind::Phone, normalized, valid));
        }
    }
}

/// Currency codes and words in Latin letters victims write beside an
/// amount (ISO 4217 codes of the region's currencies, local words).
const CURRENCY_WORDS: &str = "usdt|usdc|usd|vnd|vnđ|thb|php|idr|myr|mmk|khr|lak|cny|rmb|hkd|twd|sgd|krw|jpy|eur|gbp|aud|inr\
    |rp|rm|ks|kyats?|baht|bath|dong|đồng|đ|pesos?|ringgit|rupiah|yuan|riel|kip|dollars?";

/// Currency words of scripts written without spaces and currency signs:
/// no word boundary needed.
const CURRENCY_SIGNS: &str = "บาท|บ\\.|ကျပ်|元|块|円|원|[$฿₫₱€£¥₩₭៛]";

/// Whether the digits at `start..end` are an amount: a currency mark
/// right after them (`110000000đ`, `250000000 VND`) or right before
/// (`Rp 160000000`, `₱250000000`). Victims write amounts without
/// separators, and a long round amount often fits a numbering plan.
pub fn beside_a_currency(clean: &str, start: usize, end: usize) -> bool {
    static AFTER: LazyLock<Regex> =
        LazyLock::new(|| regex(&format!(r"(?i)^ ?(?:(?:{CURRENCY_WORDS})(?:$|[^\p{{L}}\p{{N}}])|{CURRENCY_SIGNS})")));
    static BEFORE: LazyLock<Regex> =
        LazyLock::new(|| regex(&format!(r"(?i)(?:(?:^|[^\p{{L}}\p{{N}}])(?:{CURRENCY_WORDS})|{CURRENCY_SIGNS}) ?$")));
    let after_start = end;
    let after_end = floor_char_boundary(clean, (end + 16).min(clean.len()));
    let before_start = floor_char_boundary(clean, start.saturating_sub(16));
    AFTER.is_match(&clean[after_start..after_end]) || BEFORE.is_match(&clean[before_start..start])
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Telegram usernames: 5 to 32 characters, a letter first, no trailing `_`.
fn telegram_username_ok(name: &str) -> bool {
    (5..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && !name.ends_with('_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Normalizes a Telegram handle or link target to `@username` (or the
/// invite path), lower-case since usernames ignore case.
pub fn normalize_telegram(handle: &str) -> (String, bool) {
    let handle = handle.trim_start_matches('@');
    if let Some(invite) = handle.strip_prefix('+').or_else(|| handle.strip_prefix("joinchat/")) {
        return (format!("t.me/+{invite}"), invite.len() >= 10);
    }
    (format!("@{}", handle.to_ascii_lowercase()), telegram_username_ok(handle))
}

fn messenger_links(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static LINK: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)(?-u:\b)(?:https?://)?(?:www\.)?(?:(?:t|telegram)\.(?:me|dog)/(?P<tg>\+[a-z0-9_\-]+|joinchat/[a-z0-9_\-]+|[a-z0-9_]{3,64})|wa\.me/\+?(?P<wa>[0-9]{6,15})|api\.whatsapp\.com/send/?\?phone=\+?(?P<wa2>[0-9]{6,15})|chat\.whatsapp\.com/(?P<wagroup>[a-z0-9]{10,40})|line\.me/(?:R/)?ti/p/(?P<line>[~@%a-z0-9._\-]{3,40})|lin\.ee/(?P<lineshort>[a-z0-9]{4,20}))",
        )
    });
    for captures in LINK.captures_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let (kind, normalized, valid) = if let Some(name) = captures.name("tg") {
            let (normalized, valid) = normalize_telegram(name.as_str());
            (IndicatorKind::Telegram, normalized, valid)
        } else if let Some(number) = captures.name("wa").or_else(|| captures.name("wa2")) {
            let (normalized, valid) = normalize_phone(&format!("+{}", number.as_str()), None);
            (IndicatorKind::Whatsapp, normalized, valid)
        } else if let Some(group) = captures.name("wagroup") {
            (IndicatorKind::Whatsapp, format!("chat.whatsapp.com/{}", group.as_str()), true)
        } else if let Some(id) = captures.name("line") {
            let id = id.as_str().replace("%40", "@");
            let (normalized, valid) = normalize_line(&id);
            (IndicatorKind::Line, normalized, valid)
        } else if let Some(short) = captures.name("lineshort") {
            (IndicatorKind::Line, format!("lin.ee/{}", short.as_str()), true)
        } else {
            continue;
        };
        offer(Candidate::new(whole.start(), whole.end(), kind, normalized, valid));
    }
}

/// LINE IDs: 4 to 20 of letters, digits, `.`, `_`, `-`; `@` marks an
/// official account, `~` a personal ID in a link.
pub fn normalize_line(id: &str) -> (String, bool) {
    let official = id.starts_with('@');
    let bare = id.trim_start_matches(['@', '~']).to_ascii_lowercase();
    let valid = (4..=20).contains(&bare.len())
        && bare.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    (if official { format!("@{bare}") } else { bare }, valid)
}

/// WeChat IDs: 6 to 20 characters, a letter first.
pub fn normalize_wechat(id: &str) -> (String, bool) {
    let valid = (6..=20).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    (id.to_ascii_lowercase(), valid)
}

fn messenger_handles(clean: &str, context: &Context, offer: &mut impl FnMut(Candidate)) {
    static HANDLE: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)(?:(?P<tg>(?-u:\b)telegram|(?-u:\b)tele(?-u:\b)|(?-u:\b)tg(?-u:\b)|เทเลแกรม|电报|纸飞机)|(?P<wa>(?-u:\b)whats\s?app|(?-u:\b)wa(?-u:\b)|วอทส์แอป|วอทแอป)|(?P<line>(?-u:\b)line\s*id|(?-u:\b)line(?-u:\b)\s*[:：]|ไลน์|ไอดีไลน์|(?-u:\b)id\s*line)|(?P<wc>(?-u:\b)wechat(?:\s*id)?|(?-u:\b)weixin|微信号?|(?-u:\b)vx(?-u:\b)|v信|威信))\s*(?:id|username|acc(?:ount)?|号)?\s*[:：]?\s*(?P<handle>@?[a-z][a-z0-9_.\-]{2,31}|\+?[0-9][0-9 \-]{6,18}[0-9])",
        )
    });
    let region = context.phone_region();
    for captures in HANDLE.captures_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let Some(handle) = captures.name("handle") else {
            continue;
        };
        let text = handle.as_str().trim_end_matches(['.', '-']);
        let end = handle.start() + text.len();
        let is_number = text.trim_start_matches('+').starts_with(|c: char| c.is_ascii_digit());
        let (kind, normalized, valid) = if captures.name("tg").is_some() {
            // Only an explicit `@handle` after the word: "group on Telegram
            // where" names no account.
            if is_number || !text.starts_with('@') {
                continue;
            }
            let (normalized, valid) = normalize_telegram(text);
            (IndicatorKind::Telegram, normalized, valid)
        } else if captures.name("wa").is_some() {
            if !is_number {
                continue;
            }
            let (normalized, valid) = normalize_phone(text, region);
            (IndicatorKind::Whatsapp, normalized, valid)
        } else if captures.name("line").is_some() {
            if is_number {
                continue;
            }
            let (normalized, valid) = normalize_line(text);
            (IndicatorKind::Line, normalized, valid)
        } else {
            if is_number {
                continue;
            }
            let (normalized, valid) = normalize_wechat(text.trim_start_matches('@'));
            (IndicatorKind::Wechat, normalized, valid)
        };
        offer(Candidate::new(handle.start(), end, kind, normalized, valid));
    }
}

/// A bare `@name` after a space or an opening mark is how victims quote a
/// Telegram contact; after a word it is an e-mail, and after another
/// platform's name it is that platform's (which has no indicator type).
fn bare_telegram_handles(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static HANDLE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?:^|[\s(（:：,，\[「])(?P<handle>@[a-zA-Z][a-zA-Z0-9_]{4,31})(?:$|[^a-zA-Z0-9_.@])"));
    static OTHER_PLATFORM: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?i)(?:instagram|(?-u:\b)ig|twitter|(?-u:\b)x|tiktok|facebook|threads)\s*[:：]?\s*$"));
    for captures in HANDLE.captures_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let Some(handle) = captures.name("handle") else {
            continue;
        };
        let from = clean.floor_char_boundary(handle.start().saturating_sub(24));
        if OTHER_PLATFORM.is_match(clean.get(from..handle.start()).unwrap_or_default()) {
            continue;
        }
        let (normalized, valid) = normalize_telegram(handle.as_str());
        offer(Candidate::new(handle.start(), handle.end(), IndicatorKind::Telegram, normalized, valid));
    }
}

/// Account words, optionally followed by the bank's code in capitals
/// ("account MBTC 553 200 0684", "tài khoản TCB 3929002373"), or a bank's
/// name alone, then the number.
fn bank_accounts(clean: &str, offer: &mut impl FnMut(Candidate)) {
    static ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?i)(?:(?P<routing>(?-u:\b)routing(?:\s*(?:no\.?|number|#))?|(?-u:\b)aba(?:\s*(?:no\.?|number|#))?)|(?:(?-u:\b)account(?:\s*(?:no\.?|number|#))?|(?-u:\b)paid\s+into|(?-u:\b)acct\.?(?:\s*no\.?)?|(?-u:\b)a/c(?:\s*no\.?)?|เลขที่บัญชี|เลขบัญชี|บัญชี|账号|帐号|账户|số tài khoản|(?-u:\b)stk(?-u:\b)|tài khoản|(?-u:\b)no\.?\s*rek(?:ening)?|(?-u:\b)rekening|(?-u:\b)nomor rekening|ငွေစာရင်း(?:နံပါတ်)?|(?-u:\b)numero ng account)(?:\s*[:：]?\s*(?-i:[A-Z]{2,6})(?-u:\b))?|(?-u:\b)(?:scb|kbank|kasikorn(?:\s*bank)?|bangkok\s*bank|bbl|krungthai|ktb|krungsri|ttb|gsb|mandiri|bca|bni|bri|bdo|bpi|metrobank|landbank|unionbank|vietcombank|vcb|techcombank|vietinbank|bidv|agribank|tcb|mbb|mbtc|maybank|cimb|rhb|public\s*bank|kbz(?:\s*bank)?|aya\s*bank|chase|bofa|bank\s*of\s*america|wells(?:\s*fargo)?|citibank|hsbc|barclays|icbc)(?-u:\b))\s*[:：#]?\s*(?P<number>[0-9][0-9 \-]{4,24}[0-9])",
        )
    });
    for captures in ACCOUNT.captures_iter(clean).take(MAX_CANDIDATES_PER_KIND) {
        let Some(number) = captures.name("number") else {
            continue;
        };
        if clean[number.end()..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let digits: String = number.as_str().chars().filter(char::is_ascii_digit).collect();
        let (normalized, valid) = if captures.name("routing").is_some() {
            let valid = checksum::aba_ok(&digits);
            (format!("aba:{digits}"), valid)
        } else {
            let valid = (6..=20).contains(&digits.len());
            (digits, valid)
        };
        offer(Candidate::new(number.start(), number.end(), IndicatorKind::BankAccount, normalized, valid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn normalizing_twice_equals_once(
            host in "[a-zA-Z][a-zA-Z0-9-]{0,20}[a-zA-Z0-9]\\.(com|net|co\\.uk|xyz|ru)",
            path in "(/[a-zA-Z0-9_.~-]{0,12}){0,3}",
            scheme in "(http|HTTPS|ftp)",
            local in "[a-zA-Z0-9._+-]{1,20}",
            digits in "[0-9]{8}",
            handle in "[a-zA-Z][a-zA-Z0-9_]{3,20}",
        ) {
            let url = format!("{scheme}://{host}{path}");
            if let Some((once, _, _)) = normalize_url(&url) {
                let twice = normalize_url(&once).map(|n| n.0);
                prop_assert_eq!(Some(once), twice);
            }
            if let Some((once, _)) = normalize_email(&format!("{local}@{host}")) {
                prop_assert_eq!(Some(once.clone()), normalize_email(&once).map(|n| n.0));
            }
            let region = Context { country: Some("TH".to_owned()), language: None }.phone_region();
            let (once, _) = normalize_phone(&format!("08{digits}"), region);
            prop_assert_eq!(normalize_phone(&once, region).0, once);
            let (once, _) = normalize_telegram(&handle);
            prop_assert_eq!(normalize_telegram(&once).0, once);
            let (once, _) = normalize_line(&handle);
            prop_assert_eq!(normalize_line(&once).0, once);
            let (once, _) = normalize_wechat(&handle);
            prop_assert_eq!(normalize_wechat(&once).0, once);
        }

        #[test]
        /// Context words (card, account, bank codes) in several scripts next
        /// to digit runs and multi-byte text: the finders that look back or
        /// ahead from a number stay on character boundaries.
        fn context_words_next_to_numbers_give_spans_on_char_boundaries(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("card ".to_owned()), Just("บัตรเครดิต ".to_owned()), Just("卡".to_owned()),
                    Just("thẻ ".to_owned()), Just("account ".to_owned()), Just("tài khoản ".to_owned()),
                    Just("paid into ".to_owned()), Just("MBTC ".to_owned()), Just("wells ".to_owned()),
                    Just("ငွေစာရင်း".to_owned()), "[0-9]{1,19}", "[0-9 \\-]{1,12}", "\\PC{0,6}",
                ],
                0..12,
            )
        ) {
            let text = parts.concat();
            for indicator in extract(&text, &Context::none()) {
                prop_assert!(indicator.start <= indicator.end && indicator.end <= text.len());
                prop_assert!(text.is_char_boundary(indicator.start) && text.is_char_boundary(indicator.end));
            }
        }

        fn any_text_gives_spans_on_char_boundaries(text in "\\PC{0,200}") {
            for indicator in extract(&text, &Context::none()) {
                prop_assert!(indicator.start <= indicator.end && indicator.end <= text.len());
                prop_assert!(text.is_char_boundary(indicator.start) && text.is_char_boundary(indicator.end));
            }
        }
    }

    proptest! {
        #[test]
        fn shape_hints_agree_with_substring_search(text in "[0-9a-zA-Z.:/@ xXqQpPcClLeEwWhHtTsSmM]{0,40}") {
            let lower = text.to_ascii_lowercase();
            let shape = Shape::of(&text);
            prop_assert_eq!(shape.scheme, text.contains("://"));
            prop_assert_eq!((shape.dot, shape.at, shape.colon), (text.contains('.'), text.contains('@'), text.contains(':')));
            prop_assert_eq!(shape.hex_prefix, lower.contains("0x"));
            prop_assert_eq!(shape.segwit, ["1q", "1p", "c1"].iter().any(|hint| lower.contains(hint)));
            prop_assert_eq!(
                shape.messenger_link,
                [".me/", "lin.ee/", "whatsapp.com/"].iter().any(|hint| lower.contains(hint))
            );
        }
    }

    /// Extracts with `language` and compares (type, normalized, valid, original span text).
    fn check(text: &str, language: Option<&str>, expected: &[(IndicatorKind, &str, bool, &str)]) {
        let context = Context { country: None, language: language.map(str::to_owned) };
        let found: Vec<(IndicatorKind, String, bool, String)> = extract(text, &context)
            .into_iter()
            .map(|i| (i.kind, i.normalized, i.valid, text[i.start..i.end].to_owned()))
            .collect();
        let expected: Vec<(IndicatorKind, String, bool, String)> =
            expected.iter().map(|(k, n, v, s)| (*k, (*n).to_owned(), *v, (*s).to_owned())).collect();
        assert_eq!(found, expected, "extracting from {text:?}");
    }

    use IndicatorKind::*;

    #[test]
    fn urls_and_domains() {
        check(
            "visit hxxps://Login.PayPal-Secure[.]com/verify?id=1.",
            None,
            &[(
                Url,
                "https://login.paypal-secure.com/verify?id=1",
                true,
                "hxxps://Login.PayPal-Secure[.]com/verify?id=1",
            )],
        );
        check(
            "go to bit.ly/3abc or example dot com",
            None,
            &[(Url, "http://bit.ly/3abc", true, "bit.ly/3abc"), (Domain, "example.com", true, "example dot com")],
        );
        check(
            "(see https://en.wikipedia.org/wiki/Foo_(bar))",
            None,
            &[(Url, "https://en.wikipedia.org/wiki/Foo_(bar)", true, "https://en.wikipedia.org/wiki/Foo_(bar)")],
        );
        check("run main.py then www.shop.co.uk", None, &[(Domain, "www.shop.co.uk", true, "www.shop.co.uk")]);
        check("e.g. this, i.e. that", None, &[]);
    }

    #[test]
    fn lookalike_hosts_are_flagged() {
        let found = extract("pay at https://раypal.com/x", &Context::none());
        assert_eq!(found.len(), 1);
        assert!(found[0].lookalike);
        assert_eq!(found[0].normalized, "https://xn--ypal-43d9g.com/x");
        assert!(!extract("https://paypal.com", &Context::none())[0].lookalike);
    }

    #[test]
    fn emails() {
        check(
            "write to John.Doe [at] Example[.]COM please",
            None,
            &[(Email, "John.Doe@example.com", true, "John.Doe [at] Example[.]COM")],
        );
    }

    #[test]
    fn phones() {
        check("call +66 81-234-5678 now", None, &[(Phone, "+66812345678", true, "+66 81-234-5678")]);
        check("โทร ๐๘๑-๒๓๔-๕๖๗๘", Some("th"), &[(Phone, "+66812345678", true, "๐๘๑-๒๓๔-๕๖๗๘")]);
        check("Call 0917 123 4567", Some("tl"), &[(Phone, "+639171234567", true, "0917 123 4567")]);
        check("on 2024-01-15 we paid 1.000.000", Some("th"), &[]);
        check("+1 555 0100 999 99", None, &[(Phone, "+1555010099999", false, "+1 555 0100 999 99")]);
        // An amount written after the number is not part of it.
        check("ဖုန်း 0978 170 9323 3,740 ကျပ်", Some("my"), &[(Phone, "+959781709323", true, "0978 170 9323")]);
        check("call 0812345678,0899999999", Some("th"), &[(Phone, "+66812345678", true, "0812345678")]);
        check("ဖုန်း 096-121-1786 0 BTC", Some("my"), &[(Phone, "+95961211786", true, "096-121-1786")]);
        // Two numbers one after the other are two numbers.
        check(
            "ဖုန်း +66863868189 00855 96 121 1786 ကနေ",
            Some("my"),
            &[(Phone, "+66863868189", true, "+66863868189"), (Phone, "+855961211786", true, "00855 96 121 1786")],
        );
        check(
            "ဖုန်း 089 885 9192 00855 96 121 1786 ကနေ",
            Some("my"),
            &[(Phone, "0898859192", false, "089 885 9192"), (Phone, "+855961211786", true, "00855 96 121 1786")],
        );
    }

    #[test]
    fn amounts_beside_a_currency_are_no_phones() {
        // Victims write amounts without separators; a currency word or sign
        // beside the digits says money, whatever the numbering plan allows.
        check("Tôi chuyển 110000000đ vào tài khoản", Some("vi"), &[]);
        check("Tôi chuyển 110000000 đồng vào tài khoản", Some("vi"), &[]);
        check("họ bắt đóng thêm 250000000 VND thuế", Some("vi"), &[]);
        check("CK 210000000 đồng đến VietinBank", Some("vi"), &[]);
        check("โอนไป 120000000 บาท แล้ว", Some("th"), &[]);
        check("transfer Rp 160000000 ke rekening", Some("id"), &[]);
        check("sent PHP 250000000 to them", Some("tl"), &[]);
        check("paid ₱ 250000000 total", Some("tl"), &[]);
        check("โอน 120000000บาทแล้ว", Some("th"), &[]);
        // A Vietnamese word opening with đ is no currency.
        check("Số 0912345678 đã gọi cho tôi", Some("vi"), &[(Phone, "+84912345678", true, "0912345678")]);
        // A number that is a phone stays one beside an amount.
        check("gọi 0912345678 chuyển 5000000 đồng", Some("vi"), &[(Phone, "+84912345678", true, "0912345678")]);
    }

    #[test]
    fn wallets() {
        check(
            "send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            None,
            &[
                (Btc, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", true, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
                (Btc, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", false, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"),
            ],
        );
        check(
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            None,
            &[(Btc, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", true, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")],
        );
        check(
            "USDT TRC20: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            None,
            &[(Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", true, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")],
        );
        check(
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            None,
            &[
                (Eth, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", true, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
                (
                    Eth,
                    "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
                    false,
                    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
                ),
            ],
        );
        check(
            "sol 7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV",
            None,
            &[(
                Sol,
                "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV",
                true,
                "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV",
            )],
        );
        check(
            "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz",
            None,
            &[(Ltc, "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz", true, "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz")],
        );
    }

    #[test]
    fn banking() {
        check(
            "IBAN GB82 WEST 1234 5698 7654 32 to me",
            None,
            &[(Iban, "GB82WEST12345698765432", true, "GB82 WEST 1234 5698 7654 32")],
        );
        check(
            "IBAN GB82 WEST 1234 5698 7654 33",
            None,
            &[(Iban, "GB82WEST12345698765433", false, "GB82 WEST 1234 5698 7654 33")],
        );
        check(
            "card 4111 1111 1111 1111 and 4111-1111-1111-1112",
            None,
            &[
                (Card, "411111******1111", true, "4111 1111 1111 1111"),
                (Card, "411111******1112", false, "4111-1111-1111-1112"),
            ],
        );
        check(
            "routing 021000021 account no. 1234567890",
            None,
            &[(BankAccount, "aba:021000021", true, "021000021"), (BankAccount, "1234567890", true, "1234567890")],
        );
        check("โอนเข้าบัญชี 123-4-56789-0 ครับ", Some("th"), &[(BankAccount, "1234567890", true, "123-4-56789-0")]);
        check("pay to SCB 123-4-56789-0 today", None, &[(BankAccount, "1234567890", true, "123-4-56789-0")]);
        check("transfer ke MANDIRI 993-5-00259-5", None, &[(BankAccount, "9935002595", true, "993-5-00259-5")]);
        // A bank's code in capitals between the account word and the number.
        check(
            "nag-transfer ako sa account MBTC 553 200 0684 po",
            Some("tl"),
            &[(BankAccount, "5532000684", true, "553 200 0684")],
        );
        check("bank account WELLS 912-5-00262-5 thanks", None, &[(BankAccount, "9125002625", true, "912-5-00262-5")]);
        check("Xin chào, số tài khoản TCB 3929002373", Some("vi"), &[(BankAccount, "3929002373", true, "3929002373")]);
        check("my account is 12", None, &[]);
        check(
            "paid into WELLS 092-6-00226-2 and MBB 184-8-00237-6",
            None,
            &[(BankAccount, "0926002262", true, "092-6-00226-2"), (BankAccount, "1848002376", true, "184-8-00237-6")],
        );
        // A number the victim calls a card is kept when it fails the Luhn
        // check; an unnamed 16-digit run that fails it is not a card.
        check("my card 4591749920999555 was charged", None, &[(Card, "459174******9555", false, "4591749920999555")]);
        check(
            "บัตรเครดิต 5398961096074237 โดนตัดเงิน",
            Some("th"),
            &[(Card, "539896******4237", false, "5398961096074237")],
        );
        check("order 4591749920999555 shipped", None, &[]);
        check(
            "contact @attorneyClarke736 now, or mail x@attorney.example",
            None,
            &[
                (Telegram, "@attorneyclarke736", true, "@attorneyClarke736"),
                (Email, "x@attorney.example", false, "x@attorney.example"),
            ],
        );
        check("follow me on Instagram @anna_invest", None, &[]);
    }

    #[test]
    fn ips_and_handles() {
        check(
            "server 192.168.1.10 and 999.1.1.1 and 2001:db8::1",
            None,
            &[
                (Ipv4, "192.168.1.10", true, "192.168.1.10"),
                (Ipv4, "999.1.1.1", false, "999.1.1.1"),
                (Ipv6, "2001:db8::1", true, "2001:db8::1"),
            ],
        );
        check(
            "join t.me/CryptoKing_VIP or wa.me/66812345678",
            None,
            &[
                (Telegram, "@cryptoking_vip", true, "t.me/CryptoKing_VIP"),
                (Whatsapp, "+66812345678", true, "wa.me/66812345678"),
            ],
        );
        check(
            "add Line ID: anna_2024 or 微信: lisa88888",
            None,
            &[(Line, "anna_2024", true, "anna_2024"), (Wechat, "lisa88888", true, "lisa88888")],
        );
        check("Telegram: @Mentor_Lee", None, &[(Telegram, "@mentor_lee", true, "@Mentor_Lee")]);
        check("join our group on Telegram where the mentor posts", None, &[]);
        check("Telegram mentor_lee", None, &[]);
    }

    #[test]
    fn fullwidth_and_invisible() {
        check(
            "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ",
            None,
            &[(Domain, "www.example.com", true, "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ")],
        );
        check("pay\u{200B}pal.com", None, &[(Domain, "paypal.com", true, "pay\u{200B}pal.com")]);
    }
}
