//! The allow-list as people use it: a value typed any way (a hotline with
//! spaces, a bank's URL) is normalized like the extractor does before it is
//! stored, and the lookup and the pre-payment check ask for the same keys.

use chrono::{DateTime, Utc};
use crackdown_link::Query;
use crackdown_link::lookup::MatchLevel;
use crackdown_lure::{Context, IndicatorKind};
use crackdown_model::Viewer;
use crackdown_store::{AllowlistEntry, Store, StoreError};

/// The (kind, value) an allow-list entry is stored under: a phone (also
/// when written as a wa.me link), a URL's host as a domain — a bank vouches
/// for its site, not one page of it — or any other indicator as normalized.
pub fn allowlist_key(raw: &str, context: &Context) -> Result<(String, String), StoreError> {
    let query = Query::parse(raw.as_bytes(), context).map_err(|error| StoreError::Invalid(error.to_string()))?;
    let Some(kind) = query.kind else {
        return Err(StoreError::Invalid(format!(
            "{raw:?} is not a phone number, link, domain, e-mail, account, wallet or handle"
        )));
    };
    if !query.valid {
        return Err(StoreError::Invalid(format!("{raw:?} fails the {kind} checksum or format check")));
    }
    let key = match kind {
        IndicatorKind::Url => query
            .match_keys()
            .into_iter()
            .find(|(level, _, _)| *level == MatchLevel::Host)
            .map(|(_, kind, host)| (kind.as_str().to_owned(), host)),
        IndicatorKind::Whatsapp => Some((IndicatorKind::Phone.as_str().to_owned(), query.normalized)),
        kind => Some((kind.as_str().to_owned(), query.normalized)),
    };
    key.ok_or_else(|| StoreError::Invalid(format!("{raw:?} names no host")))
}

/// The allow-list keys that vouch for a query: the value itself and, for a
/// URL, its exact host (not the registrable domain: vouching for
/// `bank.example` says nothing of `sites.platform.example`).
pub(crate) fn vouching_keys(query: &Query) -> Vec<(String, String)> {
    query
        .match_keys()
        .into_iter()
        .filter(|(level, _, _)| *level != MatchLevel::Domain)
        .map(|(_, kind, value)| (kind.as_str().to_owned(), value))
        .collect()
}

/// Puts a value on the viewer's organisation's allow-list (admins only).
pub fn add_to_allowlist(
    store: &Store,
    viewer: &Viewer,
    raw: &str,
    context: &Context,
    now: DateTime<Utc>,
) -> Result<AllowlistEntry, StoreError> {
    let (kind, value) = allowlist_key(raw, context)?;
    store.add_known_legitimate(viewer, &kind, &value, now)
}

/// Takes a value, typed any way, off the viewer's organisation's allow-list.
pub fn remove_from_allowlist(store: &Store, viewer: &Viewer, raw: &str, context: &Context) -> Result<(), StoreError> {
    let (kind, value) = allowlist_key(raw, context)?;
    store.remove_known_legitimate(viewer, &kind, &value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thai() -> Context {
        Context { country: Some("TH".to_owned()), language: None }
    }

    #[test]
    fn values_are_stored_the_way_lookups_ask_for_them() {
        assert_eq!(
            allowlist_key("02-111 1111", &thai()).expect("usable"),
            ("phone".to_owned(), "+6621111111".to_owned())
        );
        assert_eq!(
            allowlist_key("wa.me/6621111111", &thai()).expect("usable"),
            ("phone".to_owned(), "+6621111111".to_owned())
        );
        assert_eq!(
            allowlist_key("hxxps://www.kasikornbank[.]com/th/contact", &thai()).expect("usable"),
            ("domain".to_owned(), "www.kasikornbank.com".to_owned())
        );
        let query = Query::parse(b"https://www.kasikornbank.com/login", &thai()).expect("usable");
        let keys = vouching_keys(&query);
        assert!(keys.contains(&("domain".to_owned(), "www.kasikornbank.com".to_owned())));
        assert!(!keys.iter().any(|(_, value)| value == "kasikornbank.com"), "{keys:?}");
    }

    #[test]
    fn unusable_values_are_refused_with_the_reason() {
        let error = allowlist_key("GB82 WEST 1234 5698 7654 33", &thai()).expect_err("refused").to_string();
        assert!(error.contains("checksum"), "{error}");
        assert!(allowlist_key("hello there", &thai()).is_err());
        assert!(allowlist_key("", &thai()).is_err());
    }
}
