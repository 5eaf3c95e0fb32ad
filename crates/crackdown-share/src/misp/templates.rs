//! The MISP object templates used, with the attribute types, categories and
//! `to_ids` defaults of MISP's `describeTypes` (checked against the
//! templates shipped with PyMISP in the reference test).

use crate::model::{IndicatorKey, IndicatorKind};

/// One MISP object template.
pub struct Template {
    pub name: &'static str,
    pub uuid: &'static str,
    pub version: &'static str,
    pub meta_category: &'static str,
    pub description: &'static str,
    /// object_relation → (attribute type, category, to_ids)
    pub attributes: &'static [(&'static str, &'static str, &'static str, bool)],
}

impl Template {
    /// The type, category and `to_ids` of one of the template's relations.
    pub fn attribute(&self, relation: &str) -> (&'static str, &'static str, bool) {
        self.attributes
            .iter()
            .find(|(name, ..)| *name == relation)
            .map_or(("text", "Other", false), |(_, kind, category, to_ids)| (kind, category, *to_ids))
    }
}

pub const PHONE: Template = Template {
    name: "phone-number",
    uuid: "c4b5a67c-63d2-11ec-90d6-0242ac120003",
    version: "1",
    meta_category: "mobile",
    description: "A phone number.",
    attributes: &[("phone-number", "phone-number", "Person", false)],
};

pub const URL: Template = Template {
    name: "url",
    uuid: "60efb77b-40b5-4c46-871b-ed1ed999fce5",
    version: "10",
    meta_category: "network",
    description: "url object describes an url along with its normalized field.",
    attributes: &[("url", "url", "Network activity", true)],
};

pub const DOMAIN_IP: Template = Template {
    name: "domain-ip",
    uuid: "43b3b146-77eb-4931-b4cc-b66c60f28734",
    version: "11",
    meta_category: "network",
    description: "A domain/hostname and IP address seen as a tuple in a specific time frame.",
    attributes: &[("domain", "domain", "Network activity", true), ("ip", "ip-dst", "Network activity", true)],
};

pub const EMAIL: Template = Template {
    name: "email",
    uuid: "a0c666e0-fc65-4be8-b48f-3423d788b552",
    version: "19",
    meta_category: "network",
    description: "Email object describing an email with meta-information",
    attributes: &[("from", "email-src", "Payload delivery", true)],
};

pub const BANK_ACCOUNT: Template = Template {
    name: "bank-account",
    uuid: "b4712203-95a8-4883-80e9-b566f5df11c9",
    version: "3",
    meta_category: "financial",
    description: "An object describing bank account information based on account description from goAML 4.0",
    attributes: &[
        ("iban", "iban", "Financial fraud", true),
        ("account", "bank-account-nr", "Financial fraud", true),
        ("swift", "bic", "Financial fraud", true),
        ("institution-code", "text", "Financial fraud", false),
    ],
};

pub const COIN_ADDRESS: Template = Template {
    name: "coin-address",
    uuid: "d0e6997e-78da-4815-a6a1-cfc1c1cb8a46",
    version: "7",
    meta_category: "financial",
    description: "An address used in a cryptocurrency",
    attributes: &[
        ("address", "btc", "Financial fraud", true),
        ("address-crypto", "text", "Financial fraud", true),
        ("symbol", "text", "Other", false),
        ("text", "text", "Other", false),
    ],
};

pub const TELEGRAM: Template = Template {
    name: "telegram-account",
    uuid: "06f02ecf-5afb-42c5-9cb0-b362e222f52c",
    version: "2",
    meta_category: "misc",
    description: "Information related to a telegram account",
    attributes: &[("username", "text", "Social network", false)],
};

pub const USER_ACCOUNT: Template = Template {
    name: "user-account",
    uuid: "49606b06-22f0-4ac8-8eee-2f12ad46f3d3",
    version: "6",
    meta_category: "misc",
    description: "User-account object, defining aspects of user identification, authentication, privileges and other relevant data points.",
    attributes: &[("username", "text", "Social network", false), ("account-type", "text", "Other", false)],
};

pub const REPORT: Template = Template {
    name: "report",
    uuid: "70a68471-df22-4e3f-aa1a-5a3be19f82df",
    version: "8",
    meta_category: "misc",
    description: "Metadata used to generate an executive level report",
    attributes: &[
        ("title", "text", "Other", false),
        ("case-number", "text", "Internal reference", false),
        ("summary", "text", "Other", false),
        ("type", "text", "Other", false),
    ],
};

pub const ANNOTATION: Template = Template {
    name: "annotation",
    uuid: "5d8dc046-15a1-4ca3-a09f-ed4ede7c4487",
    version: "3",
    meta_category: "misc",
    description: "An annotation object allowing analysts to add annotations, comments, executive summary to a MISP event, objects or attributes.",
    attributes: &[("text", "text", "Other", false), ("type", "text", "Other", false)],
};

pub const PERSON: Template = Template {
    name: "person",
    uuid: "a15b0477-e9d1-4b9c-9546-abe78a4f4248",
    version: "21",
    meta_category: "misc",
    description: "An object which describes a person or an identity.",
    attributes: &[("full-name", "full-name", "Person", false)],
};

pub const ORGANIZATION: Template = Template {
    name: "organization",
    uuid: "f750e12b-127a-432c-b022-b3f9153c4e2a",
    version: "9",
    meta_category: "misc",
    description: "An object which describes an organization.",
    attributes: &[("name", "text", "Attribution", false)],
};

/// Whether an address is a Bitcoin one (MISP's `btc` type); other chains'
/// addresses go in `address-crypto`.
fn is_bitcoin(chain: &str) -> bool {
    chain.eq_ignore_ascii_case("bitcoin")
}

/// The template and attribute values of an indicator.
pub fn object_of(key: &IndicatorKey) -> (&'static Template, Vec<(&'static str, String)>) {
    let value = key.value.clone();
    match &key.kind {
        IndicatorKind::Phone => (&PHONE, vec![("phone-number", value)]),
        IndicatorKind::Url => (&URL, vec![("url", value)]),
        IndicatorKind::Domain => (&DOMAIN_IP, vec![("domain", value)]),
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => (&DOMAIN_IP, vec![("ip", value)]),
        IndicatorKind::Email => (&EMAIL, vec![("from", value)]),
        IndicatorKind::Iban => (&BANK_ACCOUNT, vec![("iban", value)]),
        IndicatorKind::BankAccount { bank } => {
            let mut attributes = vec![("account", value)];
            if let Some(bank) = bank {
                let bic =
                    bank.len() >= 8 && bank.bytes().all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
                attributes.push((if bic { "swift" } else { "institution-code" }, bank.clone()));
            }
            (&BANK_ACCOUNT, attributes)
        }
        IndicatorKind::CryptoWallet { chain, currency } => {
            let relation = if is_bitcoin(chain) { "address" } else { "address-crypto" };
            let mut attributes = vec![(relation, value), ("text", format!("chain:{chain}"))];
            if let Some(currency) = currency {
                attributes.push(("symbol", currency.clone()));
            }
            (&COIN_ADDRESS, attributes)
        }
        IndicatorKind::MessengerHandle { service } if service.eq_ignore_ascii_case("telegram") => {
            (&TELEGRAM, vec![("username", value)])
        }
        IndicatorKind::MessengerHandle { service } => {
            (&USER_ACCOUNT, vec![("username", value), ("account-type", service.clone())])
        }
    }
}
