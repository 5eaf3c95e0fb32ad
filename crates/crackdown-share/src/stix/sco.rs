//! Indicators as STIX Cyber-observables and patterns, both ways.
//!
//! Standard SCOs where STIX has one (`url`, `domain-name`, `email-addr`,
//! `ipv4-addr`, `ipv6-addr`, `user-account` for messenger handles). Phone
//! numbers, bank accounts and wallets have none: they are new SCOs defined by
//! our `extension-definition` objects (schemas in `schemas/`), under the
//! type names and property names a widely used platform already emits
//! (`phone-number`, `bank-account`, `cryptocurrency-wallet`), so one reader
//! takes both.

use serde_json::{Map, Value};

use crate::ids::sco_id;
use crate::model::{IndicatorKey, IndicatorKind};

/// One of our new-SCO extension definitions.
pub struct NewSco {
    pub object_type: &'static str,
    pub extension_id: &'static str,
    pub schema_file: &'static str,
    pub schema: &'static str,
    pub description: &'static str,
}

/// Our new SCOs; their ids are fixed, as partners key their parsers on them.
pub const NEW_SCOS: [NewSco; 3] = [
    NewSco {
        object_type: "phone-number",
        extension_id: "extension-definition--3b1c2f0e-6a4d-4f8e-9c71-2d5e8a9b0c11",
        schema_file: "phone-number.json",
        schema: include_str!("../../schemas/phone-number.json"),
        description: "A telephone number in E.164 used by a scam operation (calls, SMS, messenger registration).",
    },
    NewSco {
        object_type: "bank-account",
        extension_id: "extension-definition--7d2e4a1b-8c3f-4b6a-a5d9-1e0f2c3b4a22",
        schema_file: "bank-account.json",
        schema: include_str!("../../schemas/bank-account.json"),
        description: "A bank account (IBAN or domestic number) that received or moved scam proceeds.",
    },
    NewSco {
        object_type: "cryptocurrency-wallet",
        extension_id: "extension-definition--c5a8e2d4-1f7b-4e3c-b9a6-4d8f0e1a2b33",
        schema_file: "cryptocurrency-wallet.json",
        schema: include_str!("../../schemas/cryptocurrency-wallet.json"),
        description: "A cryptocurrency wallet address, on a named chain, that received or moved scam proceeds.",
    },
];

/// The extension id of a new SCO type, if it is one of ours.
pub fn extension_of(object_type: &str) -> Option<&'static str> {
    NEW_SCOS.iter().find(|sco| sco.object_type == object_type).map(|sco| sco.extension_id)
}

/// Whether `bank` looks like a BIC (ISO 9362: 4 letters bank, 2 letters
/// country, 2 alphanumerics location, optional 3 alphanumerics branch).
fn is_bic(bank: &str) -> bool {
    let bytes = bank.as_bytes();
    (bytes.len() == 8 || bytes.len() == 11)
        && bytes[..6].iter().all(u8::is_ascii_uppercase)
        && bytes[6..].iter().all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
}

/// The SCO type and its properties (in a fixed order) for an indicator.
pub fn sco_properties(key: &IndicatorKey) -> (&'static str, Vec<(&'static str, Option<&str>)>) {
    let value = Some(key.value.as_str());
    match &key.kind {
        IndicatorKind::Phone => ("phone-number", vec![("value", value)]),
        IndicatorKind::Url => ("url", vec![("value", value)]),
        IndicatorKind::Domain => ("domain-name", vec![("value", value)]),
        IndicatorKind::Email => ("email-addr", vec![("value", value)]),
        IndicatorKind::Ipv4 => ("ipv4-addr", vec![("value", value)]),
        IndicatorKind::Ipv6 => ("ipv6-addr", vec![("value", value)]),
        IndicatorKind::Iban => ("bank-account", vec![("iban", value)]),
        IndicatorKind::BankAccount { bank } => {
            let bank = bank.as_deref();
            let (bic, bank_code) = match bank {
                Some(bank) if is_bic(bank) => (Some(bank), None),
                other => (None, other),
            };
            ("bank-account", vec![("account_number", value), ("bic", bic), ("bank_code", bank_code)])
        }
        IndicatorKind::CryptoWallet { chain, currency } => (
            "cryptocurrency-wallet",
            vec![("value", value), ("chain", Some(chain.as_str())), ("currency_symbol", currency.as_deref())],
        ),
        IndicatorKind::MessengerHandle { service } => {
            ("user-account", vec![("account_type", Some(service.as_str())), ("user_id", value)])
        }
    }
}

/// The properties that make a SCO's id: the spec's for standard types,
/// ours (as published in the schemas) for the new ones.
fn id_contributing(object_type: &str) -> &'static [&'static str] {
    match object_type {
        "bank-account" => &["iban", "account_number", "bic", "bank_code"],
        "cryptocurrency-wallet" => &["value", "chain", "currency_symbol"],
        "user-account" => &["account_type", "user_id", "account_login"],
        _ => &["value"],
    }
}

/// The deterministic id of the SCO for an indicator.
pub fn sco_id_of(key: &IndicatorKey) -> String {
    let (object_type, properties) = sco_properties(key);
    let contributing = id_contributing(object_type);
    let used: Vec<(&str, Option<&str>)> =
        properties.into_iter().filter(|(name, _)| contributing.contains(name)).collect();
    sco_id(object_type, &used)
}

/// The SCO object for an indicator, without markings.
pub fn sco_object(key: &IndicatorKey) -> Map<String, Value> {
    let (object_type, properties) = sco_properties(key);
    let mut object = Map::new();
    object.insert("type".into(), object_type.into());
    object.insert("spec_version".into(), "2.1".into());
    object.insert("id".into(), sco_id_of(key).into());
    for (name, value) in properties {
        if let Some(value) = value {
            object.insert(name.into(), value.into());
        }
    }
    if let Some(extension) = extension_of(object_type) {
        object.insert("extensions".into(), serde_json::json!({ extension: {"extension_type": "new-sco"} }));
    }
    object
}

/// A STIX pattern matching the indicator's observable: one observation
/// whose comparisons all hold for the same object.
pub fn pattern(key: &IndicatorKey) -> String {
    let (object_type, properties) = sco_properties(key);
    let comparisons: Vec<String> = properties
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| format!("{object_type}:{name} = '{}'", escape_pattern(value))))
        .collect();
    format!("[{}]", comparisons.join(" AND "))
}

/// A STIX pattern string literal's body: `\` and `'` escaped with `\`.
fn escape_pattern(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The chain a wallet address is on, for observables that do not say
/// (the widely used platform's `cryptocurrency-wallet` has only `value`).
pub fn guess_chain(address: &str) -> &'static str {
    let alphanumeric = address.bytes().all(|byte| byte.is_ascii_alphanumeric());
    if address.starts_with("0x") && address.len() == 42 {
        "ethereum"
    } else if address.starts_with('T') && address.len() == 34 && alphanumeric {
        "tron"
    } else if (address.starts_with("bc1") || address.starts_with('1') || address.starts_with('3')) && alphanumeric {
        "bitcoin"
    } else {
        "unknown"
    }
}

/// The indicator an observable (or a pattern's comparisons on one object)
/// describes, from its type and string properties; `None` for types and
/// shapes that are not indicators crackdown keeps.
pub fn key_from_properties(object_type: &str, get: &dyn Fn(&str) -> Option<String>) -> Option<IndicatorKey> {
    let simple =
        |kind: IndicatorKind| get("value").filter(|value| !value.is_empty()).map(|v| IndicatorKey::new(kind, v));
    match object_type {
        "phone-number" => simple(IndicatorKind::Phone),
        "url" => simple(IndicatorKind::Url),
        "domain-name" => simple(IndicatorKind::Domain),
        "email-addr" => simple(IndicatorKind::Email),
        "ipv4-addr" => simple(IndicatorKind::Ipv4),
        "ipv6-addr" => simple(IndicatorKind::Ipv6),
        "bank-account" => {
            if let Some(iban) = get("iban").filter(|iban| !iban.is_empty()) {
                return Some(IndicatorKey::new(IndicatorKind::Iban, iban));
            }
            let number = get("account_number").filter(|number| !number.is_empty())?;
            let bank = get("bic").or_else(|| get("bank_code"));
            Some(IndicatorKey::new(IndicatorKind::BankAccount { bank }, number))
        }
        "cryptocurrency-wallet" => {
            let address = get("value").filter(|value| !value.is_empty())?;
            let chain = get("chain").unwrap_or_else(|| guess_chain(&address).to_owned());
            let currency = get("currency_symbol");
            Some(IndicatorKey::new(IndicatorKind::CryptoWallet { chain, currency }, address))
        }
        "user-account" => {
            let service = get("account_type").filter(|service| !service.is_empty())?;
            let handle = get("user_id").or_else(|| get("account_login")).filter(|handle| !handle.is_empty())?;
            Some(IndicatorKey::new(IndicatorKind::MessengerHandle { service }, handle))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<IndicatorKey> {
        vec![
            IndicatorKey::new(IndicatorKind::Phone, "+66812345678"),
            IndicatorKey::new(IndicatorKind::Url, "https://x.example/a'b"),
            IndicatorKey::new(IndicatorKind::Iban, "GB82WEST12345698765432"),
            IndicatorKey::new(IndicatorKind::BankAccount { bank: Some("KASITHBK".into()) }, "1234567890"),
            IndicatorKey::new(IndicatorKind::BankAccount { bank: Some("004".into()) }, "1234567890"),
            IndicatorKey::new(IndicatorKind::BankAccount { bank: None }, "1234567890"),
            IndicatorKey::new(
                IndicatorKind::CryptoWallet { chain: "tron".into(), currency: Some("USDT".into()) },
                "TXyzabc",
            ),
            IndicatorKey::new(IndicatorKind::MessengerHandle { service: "telegram".into() }, "mentor_lisa"),
        ]
    }

    #[test]
    fn observables_read_back_as_their_indicator() {
        for key in keys() {
            let object = sco_object(&key);
            let object_type = object["type"].as_str().unwrap_or_default().to_owned();
            let get = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_owned);
            assert_eq!(key_from_properties(&object_type, &get), Some(key.clone()));
        }
    }

    #[test]
    fn different_indicators_get_different_ids_and_the_same_one_the_same() {
        let ids: std::collections::BTreeSet<String> = keys().iter().map(sco_id_of).collect();
        assert_eq!(ids.len(), keys().len());
        assert_eq!(sco_id_of(&keys()[0]), sco_id_of(&keys()[0].clone()));
    }

    #[test]
    fn patterns_escape_quotes() {
        assert_eq!(pattern(&keys()[1]), r"[url:value = 'https://x.example/a\'b']");
        assert_eq!(
            pattern(&keys()[3]),
            "[bank-account:account_number = '1234567890' AND bank-account:bic = 'KASITHBK']"
        );
    }
}
