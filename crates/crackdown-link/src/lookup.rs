//! The public "check before you pay" lookup: what a member of the public
//! pasted, normalized like the extractor does, and what may be shown to
//! them about it.
//!
//! Only reports that may be published count: marking CLEAR, or the
//! reporter's `consent_publish` with GREEN or AMBER; RED and AMBER+STRICT
//! never, whatever the consent. Each report counts (two victims pasting the
//! same lure are two); an exact resubmission, a stored duplicate, once. The
//! answer holds a bucketed count (so one new report cannot be spotted by
//! asking before and after), first and last day seen, bucketed scam type
//! counts and advice — never report text, names, contacts or exact times:
//! the input type carries none of them, so none can leak.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_lure::extract::{Context, IndicatorKind, normalize_phone, normalize_url};
use crackdown_model::Tlp;
use serde::Serialize;

use crate::features::{HubList, url_host_and_path};
use crate::linker::ReportId;

/// Longest accepted query, in bytes.
pub const MAX_QUERY_BYTES: usize = 512;

/// Why a query cannot be looked up at all (a 400, not an answer).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error("the query is empty")]
    Empty,
    #[error("the query is {bytes} bytes; the limit is {limit}")]
    TooLong { bytes: usize, limit: usize },
    #[error("the query is not text (invalid UTF-8 at byte {0})")]
    NotUtf8(usize),
    #[error("the query contains control characters")]
    ControlCharacters,
}

/// A pasted value, recognized and normalized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Query {
    pub query: String,
    /// What it is; `None` when it is no indicator the lookup knows.
    #[serde(rename = "type")]
    pub kind: Option<IndicatorKind>,
    pub normalized: String,
    /// Checksum and format verdict (a mistyped IBAN is `false`).
    pub valid: bool,
}

/// How a report's value matched the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchLevel {
    /// The same normalized value.
    Exact,
    /// A URL on the same host.
    Host,
    /// A URL, e-mail or host under the same registrable domain.
    Domain,
}

impl Query {
    /// Recognizes raw bytes as a query: phone numbers in any format (the
    /// region from `context`), defanged URLs, domains, e-mails, wallets,
    /// IBANs with spaces, messenger handles.
    pub fn parse(raw: &[u8], context: &Context) -> Result<Query, QueryError> {
        if raw.len() > MAX_QUERY_BYTES {
            return Err(QueryError::TooLong { bytes: raw.len(), limit: MAX_QUERY_BYTES });
        }
        let text = std::str::from_utf8(raw).map_err(|error| QueryError::NotUtf8(error.valid_up_to()))?;
        let text = text.trim();
        if text.is_empty() {
            return Err(QueryError::Empty);
        }
        if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(QueryError::ControlCharacters);
        }
        let significant = text.chars().filter(|c| !c.is_whitespace()).count();
        let best = crackdown_lure::extract(text, context)
            .into_iter()
            .filter(|indicator| indicator.kind != IndicatorKind::Card)
            .max_by_key(|indicator| indicator.end - indicator.start);
        if let Some(indicator) = best {
            let covered = text.get(indicator.start..indicator.end).unwrap_or_default();
            // The value must be most of what was pasted, not a word in it.
            if covered.chars().filter(|c| !c.is_whitespace()).count() * 2 >= significant {
                let kind = match indicator.kind {
                    IndicatorKind::Whatsapp if indicator.normalized.starts_with('+') => IndicatorKind::Phone,
                    kind => kind,
                };
                return Ok(Query {
                    query: text.to_owned(),
                    kind: Some(kind),
                    normalized: indicator.normalized,
                    valid: indicator.valid,
                });
            }
        }
        // A bare `@name` pasted alone is how people quote a Telegram contact
        // (usernames: 5-32 letters, digits and underscores).
        if let Some(name) = text.strip_prefix('@')
            && (5..=32).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Ok(Query {
                query: text.to_owned(),
                kind: Some(IndicatorKind::Telegram),
                normalized: format!("@{}", name.to_ascii_lowercase()),
                valid: true,
            });
        }
        let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        if (5..=17).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            let (normalized, valid) = normalize_phone(text, context.phone_region());
            return Ok(Query { query: text.to_owned(), kind: Some(IndicatorKind::Phone), normalized, valid });
        }
        if !text.contains(char::is_whitespace)
            && text.contains('.')
            && let Some((normalized, valid, _)) = normalize_url(text)
        {
            return Ok(Query { query: text.to_owned(), kind: Some(IndicatorKind::Url), normalized, valid });
        }
        Ok(Query { query: text.to_owned(), kind: None, normalized: text.to_owned(), valid: false })
    }

    /// The values a report's indicator may have to match this query, each
    /// with its level: for a URL its host and registrable domain too, so a
    /// link to one page finds reports naming other pages of the site.
    pub fn match_keys(&self) -> Vec<(MatchLevel, IndicatorKind, String)> {
        let mut keys = Vec::new();
        let Some(kind) = self.kind else {
            return keys;
        };
        keys.push((MatchLevel::Exact, kind, self.normalized.clone()));
        let host = match kind {
            IndicatorKind::Url => url_host_and_path(&self.normalized).map(|(host, _)| host.to_owned()),
            IndicatorKind::Domain => Some(self.normalized.clone()),
            _ => None,
        };
        // A link on a shortener, a messenger host, webmail or a big platform
        // says nothing about other links there: match it exactly only.
        let registrable = host.as_deref().and_then(crackdown_lure::registrable_domain);
        let hub = registrable.as_deref().is_some_and(|domain| HubList::new([], []).domain(domain).is_some());
        if kind == IndicatorKind::Url && hub {
            return keys;
        }
        if let Some(host) = host {
            keys.push((MatchLevel::Host, IndicatorKind::Domain, host.clone()));
            if let Some(domain) = crackdown_lure::registrable_domain(&host)
                && domain != host
            {
                keys.push((MatchLevel::Domain, IndicatorKind::Domain, domain));
            }
        }
        if kind == IndicatorKind::Phone {
            keys.push((MatchLevel::Exact, IndicatorKind::Whatsapp, self.normalized.clone()));
        }
        keys
    }
}

/// One report naming the queried value, as the store knows it: marking,
/// consent and time, and nothing a victim wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    pub report: ReportId,
    /// The original of an exact resubmission.
    pub duplicate_of: Option<ReportId>,
    pub tlp: Tlp,
    pub consent_publish: bool,
    pub received_at: DateTime<Utc>,
    pub scam_type: Option<String>,
    pub level: MatchLevel,
}

/// Whether a report may be counted in public answers.
pub fn publishable(tlp: Tlp, consent_publish: bool) -> bool {
    match tlp {
        Tlp::Clear => true,
        Tlp::Green | Tlp::Amber => consent_publish,
        Tlp::AmberStrict | Tlp::Red => false,
    }
}

/// A count shown to the public: the floor of its 1-2-5 bucket (0, 1, 2, 5,
/// 10, 20, 50, 100, ...), read as "at least".
pub fn bucket(count: u64) -> u64 {
    if count < 2 {
        return count;
    }
    let mut floor = 1_u64;
    loop {
        let decade = floor;
        for step in [2, 5, 10] {
            match decade.checked_mul(step) {
                Some(value) if value <= count => floor = value,
                _ => return floor,
            }
        }
    }
}

/// The public answer to a lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicAnswer {
    pub query: String,
    #[serde(rename = "type")]
    pub kind: Option<IndicatorKind>,
    pub normalized: String,
    pub valid: bool,
    pub reported: bool,
    /// Publishable reports, bucketed ([`bucket`]).
    pub reports: u64,
    /// The most specific level at which a publishable report matched.
    pub matched: Option<MatchLevel>,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    /// Publishable reports per scam type, bucketed.
    pub scam_types: BTreeMap<String, u64>,
    pub known_legitimate: bool,
    pub advice: String,
}

/// What the publishable reports naming a query add up to, before
/// bucketing: the store can count it in SQL (see [`public_answer_from_tally`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Distinct reports, an exact resubmission counted once.
    pub reports: u64,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    /// The most specific level at which a counted report matched.
    pub matched: Option<MatchLevel>,
    /// Counted reports per scam type.
    pub scam_types: BTreeMap<String, u64>,
}

impl Tally {
    /// Adds up sightings: publishable ones only, each report once (a stored
    /// duplicate counts as the report it duplicates).
    pub fn of(sightings: &[Sighting]) -> Tally {
        let mut tally = Tally::default();
        let mut counted: HashSet<ReportId> = HashSet::new();
        for sighting in sightings.iter().filter(|s| publishable(s.tlp, s.consent_publish)) {
            if !counted.insert(sighting.duplicate_of.unwrap_or(sighting.report)) {
                continue;
            }
            let day = sighting.received_at.date_naive();
            tally.first_seen = Some(tally.first_seen.map_or(day, |first| first.min(day)));
            tally.last_seen = Some(tally.last_seen.map_or(day, |last| last.max(day)));
            tally.matched = Some(tally.matched.map_or(sighting.level, |level| level.min(sighting.level)));
            if let Some(scam_type) = &sighting.scam_type {
                *tally.scam_types.entry(scam_type.clone()).or_default() += 1;
            }
        }
        tally.reports = counted.len() as u64;
        tally
    }
}

/// What may be shown publicly about `query`, from the reports naming it.
/// `known_legitimate`: the value is on the organisation's allow-list (a
/// bank's real hotline), so reports quoting it are not counted against it.
pub fn public_answer(query: &Query, sightings: &[Sighting], known_legitimate: bool) -> PublicAnswer {
    public_answer_from_tally(query, Tally::of(sightings), known_legitimate)
}

/// [`public_answer`] from counts already added up.
pub fn public_answer_from_tally(query: &Query, tally: Tally, known_legitimate: bool) -> PublicAnswer {
    let mut answer = PublicAnswer {
        query: query.query.clone(),
        kind: query.kind,
        normalized: query.normalized.clone(),
        valid: query.valid,
        reported: false,
        reports: 0,
        matched: None,
        first_seen: None,
        last_seen: None,
        scam_types: BTreeMap::new(),
        known_legitimate,
        advice: String::new(),
    };
    if known_legitimate || !query.valid {
        answer.advice = advice(&answer);
        return answer;
    }
    answer.first_seen = tally.first_seen;
    answer.last_seen = tally.last_seen;
    answer.matched = tally.matched;
    answer.reported = tally.reports > 0;
    answer.reports = bucket(tally.reports);
    answer.scam_types = tally.scam_types.into_iter().map(|(scam_type, count)| (scam_type, bucket(count))).collect();
    answer.advice = advice(&answer);
    answer
}

fn advice(answer: &PublicAnswer) -> String {
    let what = answer.kind.map_or("value", IndicatorKind::as_str);
    if answer.known_legitimate {
        return format!(
            "This {what} is a known legitimate contact. Scammers often quote real numbers and sites: contact the \
             organisation only through the number or address printed on your card, bill or its official website."
        );
    }
    if answer.kind.is_none() {
        return "This does not look like a phone number, link, e-mail, wallet or bank account. Paste just the \
                value you were asked to pay or contact."
            .to_owned();
    }
    if !answer.valid {
        return format!(
            "This {what} fails its checksum or format check: it may be mistyped or made up. Check it with the \
             recipient through a channel you already trust before paying anything."
        );
    }
    if answer.reported {
        return format!(
            "This {what} has been reported in at least {} scam report(s). Do not pay or share codes. If you \
             already paid, call your bank now and report to the police.",
            answer.reports
        );
    }
    format!(
        "No published reports name this {what}. That does not make it safe: scammers change numbers and \
         accounts often. Be wary of pressure, secrecy and requests to pay in crypto or gift cards."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_on_a_hub_host_matches_only_itself() {
        let shortened = parse("hxxps://bit[.]ly/3xYzAbc", None);
        assert_eq!(shortened.match_keys().len(), 1, "{:?}", shortened.match_keys());
        let site = parse("https://www.thai-post-fee.top/pay", None);
        assert_eq!(site.match_keys().len(), 3, "{:?}", site.match_keys());
    }

    fn parse(text: &str, language: Option<&str>) -> Query {
        let context = Context { country: None, language: language.map(str::to_owned) };
        Query::parse(text.as_bytes(), &context).expect("usable input")
    }

    #[test]
    fn pasted_values_are_normalized_like_the_extractor_does() {
        let phone = parse("081 234 5678", Some("th"));
        assert_eq!(
            (phone.kind, phone.normalized.as_str(), phone.valid),
            (Some(IndicatorKind::Phone), "+66812345678", true)
        );
        let thai_digits = parse("๐๘๑ ๒๓๔ ๕๖๗๘", Some("th"));
        assert_eq!(thai_digits.normalized, "+66812345678");
        let defanged = parse("hxxps://bitfuture-pro[.]cc/login", None);
        assert_eq!(
            (defanged.kind, defanged.normalized.as_str()),
            (Some(IndicatorKind::Url), "https://bitfuture-pro.cc/login")
        );
        let wa = parse("https://wa.me/66812345678", None);
        assert_eq!((wa.kind, wa.normalized.as_str()), (Some(IndicatorKind::Phone), "+66812345678"));
        let iban = parse("GB82 WEST 1234 5698 7654 32", None);
        assert_eq!(
            (iban.kind, iban.normalized.as_str(), iban.valid),
            (Some(IndicatorKind::Iban), "GB82WEST12345698765432", true)
        );
        let typo = parse("GB82 WEST 1234 5698 7654 33", None);
        assert_eq!((typo.kind, typo.valid), (Some(IndicatorKind::Iban), false));
        let words = parse("is this a scam", None);
        assert_eq!((words.kind, words.valid), (None, false));
        let handle = parse("@EasyJob_TH", None);
        assert_eq!((handle.kind, handle.normalized.as_str()), (Some(IndicatorKind::Telegram), "@easyjob_th"));
        assert_eq!(parse("@ab", None).kind, None, "too short for a Telegram username");
    }

    #[test]
    fn unusable_input_is_an_error_not_an_answer() {
        let context = Context::none();
        assert_eq!(Query::parse(b"   ", &context), Err(QueryError::Empty));
        assert_eq!(Query::parse(&[b'1'; 600], &context), Err(QueryError::TooLong { bytes: 600, limit: 512 }));
        assert_eq!(Query::parse(b"\xff\xfe", &context), Err(QueryError::NotUtf8(0)));
        assert_eq!(Query::parse(b"abc\x00def", &context), Err(QueryError::ControlCharacters));
    }

    #[test]
    fn a_url_matches_its_host_and_domain_too() {
        let keys = parse("https://login.bitfuture.cc/x", None).match_keys();
        let levels: Vec<(MatchLevel, &str)> = keys.iter().map(|(level, _, key)| (*level, key.as_str())).collect();
        assert_eq!(
            levels,
            vec![
                (MatchLevel::Exact, "https://login.bitfuture.cc/x"),
                (MatchLevel::Host, "login.bitfuture.cc"),
                (MatchLevel::Domain, "bitfuture.cc"),
            ]
        );
    }

    #[test]
    fn buckets_are_floors_of_one_two_five() {
        let buckets: Vec<u64> = [0, 1, 2, 4, 5, 9, 10, 19, 20, 49, 50, 99, 100, 250, 1_000_000].map(bucket).to_vec();
        assert_eq!(buckets, vec![0, 1, 2, 2, 5, 5, 10, 10, 20, 20, 50, 50, 100, 200, 1_000_000]);
        assert_eq!(bucket(u64::MAX), 10_000_000_000_000_000_000);
    }

    fn sighting(report: ReportId, tlp: Tlp, consent: bool) -> Sighting {
        Sighting {
            report,
            duplicate_of: None,
            tlp,
            consent_publish: consent,
            received_at: DateTime::from_timestamp(1_735_700_000 + report * 86_400, 0).unwrap_or_default(),
            scam_type: Some("investment".to_owned()),
            level: MatchLevel::Exact,
        }
    }

    #[test]
    fn only_publishable_reports_count_and_resubmissions_count_once() {
        let query = parse("+66812345678", None);
        let mut copy = sighting(4, Tlp::Green, true);
        copy.duplicate_of = Some(1);
        let sightings = vec![
            sighting(1, Tlp::Clear, false),
            sighting(2, Tlp::Green, true),
            sighting(3, Tlp::Amber, false),
            copy,
            sighting(5, Tlp::AmberStrict, true),
            sighting(6, Tlp::Red, true),
        ];
        let answer = public_answer(&query, &sightings, false);
        assert!(answer.reported);
        assert_eq!(answer.reports, 2);
        assert_eq!(answer.first_seen, sightings[0].received_at.date_naive().into());
        assert_eq!(answer.last_seen, sightings[1].received_at.date_naive().into());
        assert_eq!(answer.scam_types.get("investment"), Some(&2));

        let hidden = public_answer(&query, &sightings[4..], false);
        assert!(!hidden.reported);
        assert_eq!(hidden.reports, 0);
        assert_eq!(hidden.first_seen, None);

        let legitimate = public_answer(&query, &sightings, true);
        assert!(legitimate.known_legitimate && !legitimate.reported && legitimate.reports == 0);
        let typo = public_answer(&parse("GB82 WEST 1234 5698 7654 33", None), &sightings, false);
        assert!(!typo.reported && typo.advice.contains("mistyped"));
    }
}
