//! Which values of a report may link it to other reports, and which never
//! do because unrelated operations share them (hubs).
//!
//! A report's indicators (as `crackdown-lure` normalizes them) become link
//! features: the exact value, plus the registrable domain of every URL,
//! e-mail and domain, so two links on one scam site join even with different
//! paths. A WhatsApp number is that phone. Cards are left out: the card in a
//! report is the victim's own, masked to BIN and last four digits, and such
//! masks collide between strangers.
//!
//! A report's text adds *name phrases*: runs of capitalized words such as a
//! persona ("Jessica Lim"), a brand ("BitFuture Pro") or a fake office
//! ("Global Asset Recovery Bureau"). Victims paraphrase the script, but they
//! repeat the names it gave them, so a name links reports whose wallets and
//! phones rotated. Generic words are capitalized too ("Then", "WhatsApp");
//! like any value, a phrase links only while it is specific to the case.
//!
//! Hubs are known without counting: link shorteners, messenger hosts
//! (`t.me/`, `wa.me/`, `line.me/` alone), webmail and big platforms, and the
//! official hotlines an organisation lists. A path on such a host is still
//! specific (`bit.ly/Abc123` is one scammer's link); only the bare host and
//! the domain are hubs. Values that are hubs only in a given case are found
//! by counting, in the linker.

use std::collections::HashSet;

use crackdown_lure::IndicatorKind;
use serde::{Deserialize, Serialize};

/// One indicator of a report: its kind and normalized value, as
/// `crackdown_lure::extract` returns them (`Indicator::normalized`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReportIndicator {
    #[serde(rename = "type")]
    pub kind: IndicatorKind,
    pub value: String,
}

impl ReportIndicator {
    pub fn new(kind: IndicatorKind, value: impl Into<String>) -> ReportIndicator {
        ReportIndicator { kind, value: value.into() }
    }
}

/// What a link feature is: an indicator kind, or the registrable domain
/// derived from URLs, e-mails and domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureKind {
    /// A phone number (its national digits), whether written as a phone,
    /// a WhatsApp link, or digits in the text that name no country
    /// (`713-539-2684` in an English report: the extractor cannot place
    /// such a number, but the victim who wrote `+1 713 539 2684` named the
    /// same one).
    Phone,
    Url,
    Email,
    /// A registrable domain (Public Suffix List).
    Domain,
    Ipv4,
    Ipv6,
    Btc,
    Eth,
    Tron,
    Sol,
    Ltc,
    Iban,
    BankAccount,
    Telegram,
    /// A WhatsApp group invitation (a WhatsApp number is a `Phone`).
    Whatsapp,
    Line,
    Wechat,
    /// A name phrase of the text (lower case): a persona, brand or office
    /// the scammers used.
    Phrase,
    /// The brand stem of a registrable domain (`bitfuture` for
    /// `getbitfuture-23.vip`): operations rotate domains on one brand.
    Brand,
}

impl FeatureKind {
    /// Every kind, in declaration order.
    pub const ALL: [FeatureKind; 19] = [
        FeatureKind::Phone,
        FeatureKind::Url,
        FeatureKind::Email,
        FeatureKind::Domain,
        FeatureKind::Ipv4,
        FeatureKind::Ipv6,
        FeatureKind::Btc,
        FeatureKind::Eth,
        FeatureKind::Tron,
        FeatureKind::Sol,
        FeatureKind::Ltc,
        FeatureKind::Iban,
        FeatureKind::BankAccount,
        FeatureKind::Telegram,
        FeatureKind::Whatsapp,
        FeatureKind::Line,
        FeatureKind::Wechat,
        FeatureKind::Phrase,
        FeatureKind::Brand,
    ];

    /// Reads [`FeatureKind::as_str`]'s spelling.
    pub fn parse(text: &str) -> Option<FeatureKind> {
        FeatureKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The contract's spelling of the kind, as in indicator JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureKind::Phone => "phone",
            FeatureKind::Url => "url",
            FeatureKind::Email => "email",
            FeatureKind::Domain => "domain",
            FeatureKind::Ipv4 => "ipv4",
            FeatureKind::Ipv6 => "ipv6",
            FeatureKind::Btc => "btc",
            FeatureKind::Eth => "eth",
            FeatureKind::Tron => "tron",
            FeatureKind::Sol => "sol",
            FeatureKind::Ltc => "ltc",
            FeatureKind::Iban => "iban",
            FeatureKind::BankAccount => "bank_account",
            FeatureKind::Telegram => "telegram",
            FeatureKind::Whatsapp => "whatsapp",
            FeatureKind::Line => "line",
            FeatureKind::Wechat => "wechat",
            FeatureKind::Phrase => "phrase",
            FeatureKind::Brand => "brand",
        }
    }

    /// Whether the feature is an indicator (a value a report names) rather
    /// than a phrase of its text or a brand stem derived from a domain.
    pub fn is_indicator(self) -> bool {
        !self.is_weak()
    }

    /// Whether two reports sharing only this value are no evidence: a name
    /// or a brand stem can be coincidence, a wallet or a phone cannot.
    pub fn is_weak(self) -> bool {
        matches!(self, FeatureKind::Phrase | FeatureKind::Brand)
    }
}

/// A value two reports can share.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Feature {
    #[serde(rename = "type")]
    pub kind: FeatureKind,
    pub value: String,
}

/// Why a value never links reports on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubReason {
    /// A URL shortener's domain or bare host.
    LinkShortener,
    /// `t.me`, `wa.me`, `line.me` and their kin without a handle.
    MessengerHost,
    /// A mail provider anyone can open an address at.
    Webmail,
    /// A platform everyone links to (social networks, app stores, exchanges).
    Platform,
    /// A real hotline the organisation listed (its bank's, the police's):
    /// victims quote it, scammers impersonate it.
    OfficialHotline,
    /// A domain the organisation listed as a hub.
    Listed,
    /// Too common in the whole case to link (counted over every report,
    /// when only some of them are being partitioned). Values the case's
    /// partition keeps in one campaign are judged instead
    /// ([`HubList::with_judged_common`]).
    CommonInCase,
}

impl HubReason {
    /// A sentence for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            HubReason::LinkShortener => "link shortener",
            HubReason::MessengerHost => "messenger host without a handle",
            HubReason::Webmail => "webmail provider",
            HubReason::Platform => "large platform",
            HubReason::OfficialHotline => "official hotline listed by the organisation",
            HubReason::Listed => "domain listed as a hub by the organisation",
            HubReason::CommonInCase => "named in too many reports of the case",
        }
    }
}

/// URL shorteners: a code on them is specific, the host is not.
pub const LINK_SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "rb.gy",
    "s.id",
    "tiny.cc",
    "bl.ink",
    "lnkd.in",
    "v.gd",
    "shorte.st",
    "bit.do",
    "t.ly",
];

/// Messenger hosts whose bare form names no account.
pub const MESSENGER_HOSTS: &[&str] = &[
    "t.me",
    "telegram.me",
    "telegram.dog",
    "telegram.org",
    "wa.me",
    "whatsapp.com",
    "line.me",
    "lin.ee",
    "wechat.com",
    "viber.com",
    "zalo.me",
    "signal.me",
    "m.me",
];

/// Mail providers: an address there is specific, the domain is not.
pub const WEBMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.de",
    "web.de",
    "mail.com",
    "mail.ru",
    "yandex.ru",
    "yandex.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "naver.com",
    "zoho.com",
];

/// Platforms that appear in reports of every kind of scam.
pub const PLATFORM_DOMAINS: &[&str] = &[
    "google.com",
    "youtube.com",
    "facebook.com",
    "fb.com",
    "instagram.com",
    "tiktok.com",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "apple.com",
    "microsoft.com",
    "amazon.com",
    "paypal.com",
    "binance.com",
    "coinbase.com",
    "okx.com",
    "bybit.com",
    "shopee.co.th",
    "shopee.ph",
    "shopee.vn",
    "shopee.co.id",
    "lazada.co.th",
    "lazada.com.ph",
    "github.com",
    "dropbox.com",
    "wikipedia.org",
];

/// The hub lists in force: the built-in ones plus what an organisation adds.
#[derive(Clone, Debug, Default)]
pub struct HubList {
    /// Official hotlines in E.164 (`+6621234567`).
    hotlines: HashSet<String>,
    /// Extra hub domains (registrable, lower case).
    domains: HashSet<String>,
    /// Values too common in the whole case, when partitioning a part of it.
    common: HashSet<Feature>,
    /// Values too common in the whole case whose holders are all in one
    /// campaign of it: judged as common values, not hubs.
    judged_common: HashSet<Feature>,
}

impl HubList {
    /// The built-in lists with the organisation's hotlines (E.164) and extra
    /// hub domains (lower-case registrable domains).
    pub fn new(hotlines: impl IntoIterator<Item = String>, domains: impl IntoIterator<Item = String>) -> HubList {
        HubList {
            hotlines: hotlines.into_iter().map(|phone| phone_key(phone.trim())).collect(),
            domains: domains.into_iter().map(|domain| domain.trim().to_ascii_lowercase()).collect(),
            common: HashSet::new(),
            judged_common: HashSet::new(),
        }
    }

    /// These lists plus values known to be too common in the whole case:
    /// a part of the case (one campaign, one viewer's reports) is then
    /// partitioned with the case's hub decisions, never joining more.
    pub fn with_common(mut self, common: impl IntoIterator<Item = Feature>) -> HubList {
        self.common.extend(common);
        self
    }

    /// These lists plus values too common in the whole case that its
    /// partition holds in one campaign (a large campaign's persona or
    /// wallet): a part of the case judges them as common values (they link
    /// when one group holds most of their holders), so it keeps together
    /// what the case's partition joined through them.
    pub fn with_judged_common(mut self, common: impl IntoIterator<Item = Feature>) -> HubList {
        self.judged_common.extend(common);
        self
    }

    /// Whether a value is too common in the whole case and to be judged as
    /// such rather than be a hub ([`HubList::with_judged_common`]).
    pub fn judged_common(&self, feature: &Feature) -> bool {
        self.judged_common.contains(feature)
    }

    /// Whether a registrable domain is a hub, and why.
    pub fn domain(&self, domain: &str) -> Option<HubReason> {
        let listed = |list: &[&str]| list.contains(&domain);
        if listed(LINK_SHORTENERS) {
            Some(HubReason::LinkShortener)
        } else if listed(MESSENGER_HOSTS) {
            Some(HubReason::MessengerHost)
        } else if listed(WEBMAIL_DOMAINS) {
            Some(HubReason::Webmail)
        } else if listed(PLATFORM_DOMAINS) {
            Some(HubReason::Platform)
        } else if self.domains.contains(domain) {
            Some(HubReason::Listed)
        } else {
            None
        }
    }

    /// Whether a feature is a hub by these lists.
    pub fn classify(&self, feature: &Feature) -> Option<HubReason> {
        // A listed hub stays one however common; the case's common values
        // are judged as such by the linker, so they come last.
        self.listed(feature).or_else(|| self.common.contains(feature).then_some(HubReason::CommonInCase))
    }

    fn listed(&self, feature: &Feature) -> Option<HubReason> {
        match feature.kind {
            FeatureKind::Phone if self.hotlines.contains(&feature.value) => Some(HubReason::OfficialHotline),
            FeatureKind::Domain => self.domain(&feature.value),
            FeatureKind::Brand => self
                .domains
                .iter()
                .any(|domain| brand_stem(domain).as_deref() == Some(feature.value.as_str()))
                .then_some(HubReason::Listed),
            FeatureKind::Url => {
                let (host, path) = url_host_and_path(&feature.value)?;
                let reason = self.domain(&crackdown_lure::registrable_domain(host)?)?;
                bare_path(path).then_some(reason)
            }
            _ => None,
        }
    }
}

/// A URL's host and what follows it, from the normalized form
/// `scheme://[userinfo@]host[:port]/rest`.
pub(crate) fn url_host_and_path(url: &str) -> Option<(&str, &str)> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = host_port.split(':').next().unwrap_or(host_port);
    (!host.is_empty()).then_some((host, path))
}

/// The host of a normalized URL, lower case.
pub fn url_host(url: &str) -> Option<String> {
    url_host_and_path(url).map(|(host, _)| host.to_ascii_lowercase())
}

/// A path that names nothing on the host.
fn bare_path(path: &str) -> bool {
    path.trim_matches(['/', '?', '#', '+']).is_empty()
}

/// How a URL links: without scheme, `www.` and trailing slash, since
/// victims retype `http://www.site/x` for `https://site/x/`.
pub fn url_key(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let trimmed = rest.trim_end_matches('/');
    if trimmed.is_empty() { rest.to_owned() } else { trimmed.to_owned() }
}

/// How a phone links: its national significant number, so the national
/// form (`02 777 7777`), the international one (`+66 2 777 7777`) and one
/// read in the wrong region all join. Numbers the library cannot place keep
/// their digits without trunk zeros.
pub fn phone_key(phone: &str) -> String {
    if phone.starts_with('+') {
        // Parsing costs microseconds and a case names the same numbers
        // over and over: each thread remembers the last few thousand.
        thread_local! {
            static KEYS: std::cell::RefCell<std::collections::HashMap<String, String>> =
                std::cell::RefCell::new(std::collections::HashMap::new());
        }
        if let Some(key) = KEYS.with(|keys| keys.borrow().get(phone).cloned()) {
            return key;
        }
        if let Ok(number) = phonenumber::parse_with(crackdown_lure::phone_database(), None, phone) {
            let key = number.national().value().to_string();
            KEYS.with(|keys| {
                let mut keys = keys.borrow_mut();
                if keys.len() >= 16_384 {
                    keys.clear();
                }
                keys.insert(phone.to_owned(), key.clone());
            });
            return key;
        }
    }
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = digits.trim_start_matches('0');
    if national.is_empty() { digits } else { national.to_owned() }
}

/// Words that brand a scam site without naming the brand: calls to action
/// and reassurances put before or after it (`getbitfuture`, `bitfuture-app`,
/// `secure-mybank-login`).
const BRAND_AFFIXES: &[&str] = &[
    "get", "my", "app", "apps", "go", "login", "signin", "secure", "official", "online", "web", "vip", "pro", "the",
    "try", "join", "www", "portal", "site", "hq", "global", "support", "help", "service", "verify", "account",
];

/// Shortest brand stem that links: shorter ones are words or initials.
const MIN_STEM: usize = 4;

/// The brand stem of a registrable domain: its first label in lower case,
/// digits dropped, hyphenated affix words dropped and one affix stripped
/// from each end (`getbitfuture.vip`, `bitfuture-23.xyz`, `bitfuture-app.top`
/// all give `bitfuture`). None for hub domains and stems under four letters.
pub fn brand_stem(domain: &str) -> Option<String> {
    if HubList::default().domain(domain).is_some() {
        return None;
    }
    let label = domain.split('.').next()?.to_ascii_lowercase();
    let mut stem: String = label
        .split(|c: char| c == '-' || c == '_' || c.is_ascii_digit())
        .filter(|word| !word.is_empty() && !BRAND_AFFIXES.contains(word))
        .collect();
    let strip = |stem: &str| -> Option<String> {
        BRAND_AFFIXES.iter().find_map(|affix| {
            let rest = stem.strip_prefix(affix).or_else(|| stem.strip_suffix(affix))?;
            (rest.chars().count() >= MIN_STEM).then(|| rest.to_owned())
        })
    };
    for _ in 0..2 {
        match strip(&stem) {
            Some(shorter) => stem = shorter,
            None => break,
        }
    }
    (stem.chars().count() >= MIN_STEM && stem.chars().any(|c| c.is_alphabetic())).then_some(stem)
}

/// The link features of a report's indicators, without repeats, in a fixed
/// order.
pub fn features_of(indicators: &[ReportIndicator]) -> Vec<Feature> {
    let mut features = Vec::with_capacity(indicators.len() * 2);
    let push_domain = |features: &mut Vec<Feature>, host: &str| {
        if let Some(domain) = crackdown_lure::registrable_domain(&host.to_ascii_lowercase()) {
            if let Some(stem) = brand_stem(&domain) {
                features.push(Feature { kind: FeatureKind::Brand, value: stem });
            }
            features.push(Feature { kind: FeatureKind::Domain, value: domain });
        }
    };
    for indicator in indicators {
        let value = indicator.value.trim();
        if value.is_empty() || mistyped(indicator.kind, value) {
            continue;
        }
        let exact = |kind: FeatureKind| Feature { kind, value: value.to_owned() };
        match indicator.kind {
            IndicatorKind::Url => {
                features.push(Feature { kind: FeatureKind::Url, value: url_key(value) });
                if let Some((host, _)) = url_host_and_path(value) {
                    push_domain(&mut features, host);
                }
            }
            IndicatorKind::Domain => push_domain(&mut features, value),
            IndicatorKind::Email => {
                features.push(exact(FeatureKind::Email));
                if let Some((_, host)) = value.rsplit_once('@') {
                    push_domain(&mut features, host);
                }
            }
            IndicatorKind::Phone => push_phone(&mut features, value),
            IndicatorKind::Whatsapp if value.starts_with('+') => push_phone(&mut features, value),
            IndicatorKind::Whatsapp => features.push(exact(FeatureKind::Whatsapp)),
            IndicatorKind::Ipv4 => features.push(exact(FeatureKind::Ipv4)),
            IndicatorKind::Ipv6 => features.push(exact(FeatureKind::Ipv6)),
            IndicatorKind::Btc => features.push(exact(FeatureKind::Btc)),
            IndicatorKind::Eth => features.push(exact(FeatureKind::Eth)),
            IndicatorKind::Tron => features.push(exact(FeatureKind::Tron)),
            IndicatorKind::Sol => features.push(exact(FeatureKind::Sol)),
            IndicatorKind::Ltc => features.push(exact(FeatureKind::Ltc)),
            IndicatorKind::Iban => features.push(exact(FeatureKind::Iban)),
            IndicatorKind::BankAccount => features.push(exact(FeatureKind::BankAccount)),
            IndicatorKind::Telegram => features.push(exact(FeatureKind::Telegram)),
            IndicatorKind::Line => features.push(exact(FeatureKind::Line)),
            IndicatorKind::Wechat => features.push(exact(FeatureKind::Wechat)),
            // The victim's own card, masked: not the scammer's.
            IndicatorKind::Card => {}
        }
    }
    features.sort();
    features.dedup();
    features
}

fn push_phone(features: &mut Vec<Feature>, value: &str) {
    features.push(Feature { kind: FeatureKind::Phone, value: phone_key(value) });
}

/// Fewest and most digits of a number read from the text: fewer are
/// amounts and dates, more are cards (the victim's own) and IBANs.
const NUMBER_DIGITS: std::ops::RangeInclusive<usize> = 9..=12;

/// The key of digits read from the text: without leading zeros (a trunk
/// prefix), as [`phone_key`] gives a phone's national number.
fn number_key(value: &str) -> Option<String> {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if !NUMBER_DIGITS.contains(&digits.len()) {
        return None;
    }
    // `00` dials abroad: the country code follows, as after `+`.
    let key = match digits.strip_prefix("00") {
        Some(international) => phone_key(&format!("+{international}")),
        None => digits.trim_start_matches('0').to_owned(),
    };
    (key.len() >= 8).then_some(key)
}

/// Numbers written in the text without a country: runs of ASCII digit
/// groups joined by single spaces, dashes or dots (`088-142-7627`,
/// `713 539 2684`), not touching Latin letters or digits, not after `+`
/// (the extractor places those), of [`NUMBER_DIGITS`] digits in all.
/// Scripts without spaces may touch them (`เบอร์0961211786`). The groups
/// after a country code are read too (`+855 88 142 7627` gives
/// `881427627`, the national number). Sorted, without repeats.
pub fn numbers_of(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut numbers = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let before = at.checked_sub(1).map(|before| bytes[before]);
        let opens = bytes[at].is_ascii_digit() && !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'+');
        if !opens {
            at += 1;
            continue;
        }
        let start = at;
        // Each digit group's start and end.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        loop {
            let group = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            groups.push((group, at));
            let joined =
                at + 1 < bytes.len() && matches!(bytes[at], b' ' | b'-' | b'.') && bytes[at + 1].is_ascii_digit();
            if !joined {
                break;
            }
            at += 1;
        }
        // A last group that goes on with a thousands comma opens an amount
        // (`0978170932 3,679,284`): the number ends before it.
        let amount_follows =
            groups.len() > 1 && bytes.get(at) == Some(&b',') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
        if amount_follows {
            groups.pop();
        }
        let end = groups.last().map_or(at, |group| group.1);
        let width = |group: &(usize, usize)| group.1 - group.0;
        // Thousands written with dots (`48.252.759`) are an amount.
        let dotted_amount = groups.len() > 1
            && width(&groups[0]) <= 3
            && groups.iter().skip(1).all(|group| width(group) == 3 && bytes[group.0 - 1] == b'.');
        let digits: usize = groups.iter().map(width).sum();
        let touches = bytes.get(end).is_some_and(u8::is_ascii_alphabetic);
        if !touches
            && !crackdown_lure::beside_a_currency(text, start, end)
            && !dotted_amount
            && NUMBER_DIGITS.contains(&digits)
            && let Some(key) = text.get(start..end).and_then(number_key)
        {
            numbers.push(key);
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// Whether a wallet or IBAN fails its checksum: a victim's slip, not an
/// account anyone uses, and two victims' identical slips are coincidence.
fn mistyped(kind: IndicatorKind, value: &str) -> bool {
    use crackdown_lure::checksum::{base58check_version, iban_ok, segwit_hrp};
    let segwit = value.get(..3).is_some_and(|prefix| prefix.eq_ignore_ascii_case("bc1"))
        || value.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case("ltc1"));
    match kind {
        // A slip in a bech32 address is caught by its checksum as well: the
        // look-alikes of one operation's address otherwise join strangers.
        IndicatorKind::Btc | IndicatorKind::Ltc if segwit => segwit_hrp(value).is_none(),
        IndicatorKind::Btc | IndicatorKind::Ltc | IndicatorKind::Tron => base58check_version(value).is_none(),
        IndicatorKind::Iban => !iban_ok(value),
        _ => false,
    }
}

/// Most name phrases taken from one text: a long report says no more about
/// its campaign than its first names, and linking cost stays bounded.
pub const MAX_PHRASES: usize = 24;

/// Most words of one name phrase.
const MAX_PHRASE_WORDS: usize = 5;

/// Abbreviated titles written before a name, with a period.
const TITLES: &[&str] = &["dr", "mr", "mrs", "ms", "prof", "sgt", "capt", "col", "gen", "lt"];

/// The name phrases of a text, lower case, without repeats: each maximal run
/// of two or more capitalized words (a word starting with an upper-case
/// letter), and when the run opens a sentence, the run without that first
/// word ("Then Jessica Lim" gives "then jessica lim" and "jessica lim"). A
/// lone capitalized word is not taken: most are sentence openers, app names
/// or misspelt common words, which join unrelated reports. Scripts without
/// case give none.
pub fn phrases_of(text: &str) -> Vec<String> {
    // Links, addresses and handles are indicators, not words: an invite
    // code `t.me/+CcwAYNA` must not start a name.
    let cleaned: String = text
        .split_inclusive(char::is_whitespace)
        .map(|chunk| {
            let word = chunk.trim_end();
            let link_like = word.contains(['/', '@', '[', '\\', '='])
                || word.trim_end_matches(['.', ',', '!', '?', ':', ';']).contains('.');
            if link_like { "| " } else { chunk }
        })
        .collect();
    let text = cleaned.as_str();
    let mut phrases: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut run_opens_sentence = false;
    let mut run_shouting = false;
    let mut sentence_start = true;
    let flush = |run: &mut Vec<String>, opens: bool, phrases: &mut Vec<String>| {
        let words = run.len();
        if words > 1 {
            phrases.push(run.join(" "));
        }
        if words > 2 && opens {
            phrases.push(run[1..].join(" "));
        }
        run.clear();
    };
    let mut rest = text;
    while !rest.is_empty() && phrases.len() < MAX_PHRASES {
        // A word also ends where a caseless script meets a cased one:
        // Chinese and Thai write a Latin name without spaces around it
        // ("老师Jessica Lim每天").
        let opens_caseless = rest.chars().next().is_some_and(caseless);
        let word_end = rest.find(|c: char| !word_char(c) || caseless(c) != opens_caseless).unwrap_or(rest.len());
        if word_end == 0 {
            let separator = rest.chars().next().unwrap_or(' ');
            let ends_sentence = matches!(separator, '.' | '!' | '?' | '\n' | '。' | '！' | '？' | ':' | ';' | '"');
            if ends_sentence || !(separator.is_whitespace() || matches!(separator, '-' | '\'' | '’')) {
                flush(&mut run, run_opens_sentence, &mut phrases);
            }
            sentence_start |= ends_sentence;
            rest = &rest[separator.len_utf8()..];
            continue;
        }
        let word = &rest[..word_end];
        rest = &rest[word_end..];
        // A title's period ends no sentence, and the title is no part of
        // the name: "Then Dr. Lena Weber" names "lena weber", never "then dr".
        if let Some(after) = rest.strip_prefix('.')
            && TITLES.iter().any(|title| title.eq_ignore_ascii_case(word))
        {
            rest = after;
            continue;
        }
        // Codes and addresses (`TZC8a2…`) are not names.
        let capitalized = word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().count() >= 2
            && !word.chars().any(|c| c.is_ascii_digit());
        // A name in capitals ends where a capitalized word follows
        // ("tên DO THI LAN Tổng thiệt hại": the payee, then a sentence),
        // and one in title case where capitals follow.
        let shouting = word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
        if capitalized && !run.is_empty() && shouting != run_shouting {
            flush(&mut run, run_opens_sentence, &mut phrases);
        }
        if run.is_empty() {
            run_shouting = shouting;
        }
        if capitalized && run.len() < MAX_PHRASE_WORDS {
            if run.is_empty() {
                run_opens_sentence = sentence_start;
            }
            run.push(word.to_lowercase());
        } else {
            flush(&mut run, run_opens_sentence, &mut phrases);
            if capitalized {
                run_opens_sentence = sentence_start;
                run.push(word.to_lowercase());
            }
        }
        sentence_start = false;
    }
    flush(&mut run, run_opens_sentence, &mut phrases);
    phrases.truncate(MAX_PHRASES);
    phrases.sort();
    phrases.dedup();
    phrases
}

/// Whether a character continues a word: ASCII letters and digits, and
/// any other character but white space and punctuation blocks (general,
/// CJK, full-width). Cheaper than `char::is_alphanumeric`, whose table
/// lookup dominated linking Thai and Chinese texts.
fn word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !(c.is_whitespace()
        || matches!(c, '\u{00A1}'..='\u{00BF}' | '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}')
        || matches!(c, '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}'))
}

/// Whether a character is of a script without letter case (Thai, Burmese,
/// Khmer, Chinese, Japanese, Korean …), by code block: cheaper than
/// `char::is_lowercase`, and enough to tell where such a script meets
/// Latin, Greek or Cyrillic.
fn caseless(c: char) -> bool {
    matches!(c, '\u{0E00}'..='\u{109F}' | '\u{1100}'..='\u{139F}' | '\u{1400}'..='\u{1DFF}' | '\u{2E80}'..='\u{FEFF}')
}

/// Every link feature of a report: its indicators' and its text's name
/// phrases, without repeats, in a fixed order.
pub fn report_features(indicators: &[ReportIndicator], text: &str) -> Vec<Feature> {
    let mut features = features_of(indicators);
    features.extend(phrases_of(text).into_iter().map(|value| Feature { kind: FeatureKind::Phrase, value }));
    // Digits the extractor read as something else (an account, an IBAN,
    // an address) are not also a phone: the same holders under two values
    // would vouch for each other when either is judged.
    // Nor is a number the extractor placed with its country read again
    // without it (`0066 277 77777` is `+66 2 777 7777`).
    let others: Vec<String> = indicators
        .iter()
        .filter(|indicator| !matches!(indicator.kind, IndicatorKind::Phone | IndicatorKind::Whatsapp))
        .map(|indicator| indicator.value.chars().filter(char::is_ascii_digit).collect())
        .collect();
    let phones: Vec<&str> = features
        .iter()
        .filter(|feature| feature.kind == FeatureKind::Phone)
        .map(|feature| feature.value.as_str())
        .collect();
    let numbers: Vec<String> = numbers_of(text)
        .into_iter()
        .filter(|number| !others.iter().any(|digits| digits.contains(number.as_str())))
        .filter(|number| !phones.iter().any(|phone| number.ends_with(phone)))
        .collect();
    features.extend(numbers.into_iter().map(|value| Feature { kind: FeatureKind::Phone, value }));
    features.sort();
    features.dedup();
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(indicators: &[(IndicatorKind, &str)], expected: &[(FeatureKind, &str)]) {
        let indicators: Vec<ReportIndicator> =
            indicators.iter().map(|(kind, value)| ReportIndicator::new(*kind, *value)).collect();
        let mut expected: Vec<Feature> =
            expected.iter().map(|(kind, value)| Feature { kind: *kind, value: (*value).to_owned() }).collect();
        expected.sort();
        assert_eq!(features_of(&indicators), expected);
    }

    #[test]
    fn urls_and_emails_add_their_domain_and_whatsapp_numbers_are_phones() {
        check(
            &[
                (IndicatorKind::Url, "https://shop.bitfuture.cc/verify"),
                (IndicatorKind::Email, "support@bitfuture.cc"),
                (IndicatorKind::Whatsapp, "+66812345678"),
                (IndicatorKind::Phone, "+66812345678"),
                (IndicatorKind::Card, "411111******1111"),
            ],
            &[
                (FeatureKind::Url, "shop.bitfuture.cc/verify"),
                (FeatureKind::Domain, "bitfuture.cc"),
                (FeatureKind::Brand, "bitfuture"),
                (FeatureKind::Email, "support@bitfuture.cc"),
                (FeatureKind::Phone, "812345678"),
            ],
        );
    }

    #[test]
    fn name_phrases_are_runs_of_capitalized_words_and_a_lone_sentence_opener_is_not_one() {
        let text = "Then Jessica Lim showed me BitFuture Pro. She said it is safe! I deposited \
                    on WhatsApp; Dr. Lena Weber agreed. мошенник Иван Петров. ฉันโอนเงิน";
        assert_eq!(phrases_of(text), ["bitfuture pro", "jessica lim", "lena weber", "then jessica lim", "иван петров"]);
        assert!(phrases_of("i was scammed by jessica lim").is_empty());
        assert_eq!(phrases_of("有个老师Jessica Lim每天免费带单。一个叫Mei Chen的女生"), ["jessica lim", "mei chen"]);
        assert_eq!(phrases_of("ได้ SMS จาก Siam Commerce Bankว่าบัตรถูกระงับ"), ["siam commerce bank"]);
        assert_eq!(phrases_of("Agent Müller called"), ["agent müller"]);
        assert_eq!(phrases_of("It was love. Then Dr. Lena Weber asked"), ["lena weber", "then lena weber"]);
        assert_eq!(phrases_of("the site hxxps://t[.]me/+CcwAYNA He said Ask Jessica"), ["ask jessica"]);
        assert!(phrases_of("wallet TZC8a2P7qcNNHcEyEVYqCs9F5VqCUDFg1E Total 500").is_empty());
        // A payee in capitals ends where the next sentence's word begins.
        assert_eq!(phrases_of("tài khoản BIDV 7794 tên DO THI LAN Tổng thiệt hại"), ["do thi lan"]);
        assert_eq!(phrases_of("from Jessica Lim ABC BANK said"), ["abc bank", "jessica lim"]);
        let long = "Aa Bb ".repeat(200);
        assert!(phrases_of(&long).len() <= MAX_PHRASES);
        let features =
            report_features(&[ReportIndicator::new(IndicatorKind::Phone, "+66812345678")], "Meet Jessica Lim");
        assert_eq!(features.len(), 3, "{features:?}");
        assert!(features.iter().any(|f| f.kind == FeatureKind::Phrase && f.value == "jessica lim"));
    }

    #[test]
    fn numbers_without_a_country_are_phones_and_amounts_cards_and_codes_are_not() {
        let text = "he called from 713-539-2684, then 088 142 7627 and +855 88 142 7627; lost 26,086,221 \
                    rupiah on card 5346-5418-8877-5793, code AB123456789, wa.me/4917066106829, เบอร์0961211786ค่ะ";
        assert_eq!(numbers_of(text), ["7135392684", "881427627", "961211786"]);
        assert_eq!(numbers_of("on 2025-01-16 at 12.30"), Vec::<String>::new());
        // Amounts after a number are not part of it, nor are amounts phones.
        assert_eq!(numbers_of("ဖုန်း 0978170932 3,679,284 ကျပ်"), ["978170932"]);
        assert_eq!(numbers_of("mất 48.252.759 đồng, gọi 088.142.7627"), ["881427627"]);
        assert_eq!(numbers_of("hotline 0066 277 77777"), ["27777777"]);
        // Amounts written without separators beside a currency are money.
        assert_eq!(numbers_of("chuyển 110000000đ rồi 250000000 đồng, gọi 0881427627"), ["881427627"]);
        assert_eq!(numbers_of("โอน 120000000บาท และ Rp 160000000"), Vec::<String>::new());
        let hotline = ReportIndicator::new(IndicatorKind::Phone, "+6627777777");
        let features = report_features(std::slice::from_ref(&hotline), "called 0066 277 77777 and 66 2777 7777");
        assert_eq!(features, features_of(&[hotline]));
        // The key of the phone a victim wrote with its country.
        assert_eq!(phone_key("+17135392684"), "7135392684");
        // Digits the extractor read as an account are that account only.
        let account = ReportIndicator::new(IndicatorKind::BankAccount, "5674001938");
        let features = report_features(std::slice::from_ref(&account), "account TTB 567-4-00193-8");
        assert_eq!(features, features_of(&[account]));
        let iban = ReportIndicator::new(IndicatorKind::Iban, "NL91ABNA0417164300");
        let features = report_features(std::slice::from_ref(&iban), "to NL91 ABNA 0417 1643 00");
        assert_eq!(features, features_of(&[iban]));
    }

    #[test]
    fn domains_on_one_brand_share_a_stem_and_hubs_and_short_stems_have_none() {
        for domain in
            ["bitfuture.top", "bitfuture-23.xyz", "getbitfuture.vip", "bitfuture-app.com", "my-bitfuture.co.th"]
        {
            assert_eq!(brand_stem(domain).as_deref(), Some("bitfuture"), "{domain}");
        }
        assert_eq!(brand_stem("thaipostexpress.online").as_deref(), Some("thaipostexpress"));
        assert_eq!(brand_stem("gmail.com"), None);
        assert_eq!(brand_stem("go-abc.xyz"), None);
        assert_eq!(brand_stem("123.xyz"), None);
        // An affix is not stripped when too little would remain.
        assert_eq!(brand_stem("apples.shop").as_deref(), Some("apples"));
    }

    #[test]
    fn mistyped_wallets_and_ibans_do_not_link() {
        let good = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
        let slip = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb";
        check(&[(IndicatorKind::Btc, good), (IndicatorKind::Btc, slip)], &[(FeatureKind::Btc, good)]);
        let segwit = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
        let segwit_slip = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp";
        check(&[(IndicatorKind::Btc, segwit), (IndicatorKind::Btc, segwit_slip)], &[(FeatureKind::Btc, segwit)]);
        check(&[(IndicatorKind::Iban, "DE89370400440532013001")], &[]);
        check(&[(IndicatorKind::Iban, "DE89370400440532013000")], &[(FeatureKind::Iban, "DE89370400440532013000")]);
    }

    #[test]
    fn spellings_of_one_link_or_number_share_a_key() {
        assert_eq!(url_key("http://www.bit.ly/tTVobNE/"), url_key("https://bit.ly/tTVobNE"));
        assert_eq!(phone_key("+6627777777"), phone_key("027777777"));
        assert_eq!(phone_key("+66812345678"), "812345678");
        assert_ne!(phone_key("+66812345678"), phone_key("+66812345679"));
    }

    #[test]
    fn bare_hub_hosts_are_hubs_but_codes_on_them_are_not() {
        let hubs = HubList::new(["+6627777777".to_owned()], ["examplebank.co.th".to_owned()]);
        let classify = |kind, value: &str| hubs.classify(&Feature { kind, value: value.to_owned() });
        assert_eq!(classify(FeatureKind::Url, "t.me"), Some(HubReason::MessengerHost));
        assert_eq!(classify(FeatureKind::Url, "t.me/+AbCdEf12"), None);
        assert_eq!(classify(FeatureKind::Url, "bit.ly"), Some(HubReason::LinkShortener));
        assert_eq!(classify(FeatureKind::Url, "bit.ly/Abc123"), None);
        assert_eq!(classify(FeatureKind::Domain, "gmail.com"), Some(HubReason::Webmail));
        assert_eq!(classify(FeatureKind::Domain, "facebook.com"), Some(HubReason::Platform));
        assert_eq!(classify(FeatureKind::Domain, "examplebank.co.th"), Some(HubReason::Listed));
        // Look-alike sites of a listed bank share its brand: not evidence.
        assert_eq!(classify(FeatureKind::Brand, "examplebank"), Some(HubReason::Listed));
        assert_eq!(classify(FeatureKind::Phone, "27777777"), Some(HubReason::OfficialHotline));
        assert_eq!(classify(FeatureKind::Phone, "27777778"), None);
        assert_eq!(classify(FeatureKind::Email, "someone@gmail.com"), None);
    }
}
