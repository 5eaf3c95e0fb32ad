//! What an export is made of: plain structs the engine fills from the
//! store, already filtered by the exporting user's access.
//!
//! There is deliberately no field for a victim (name, contact, account of
//! origin): what is not in the input cannot leak into an export. A report's
//! text is `Some` only when the caller decided it may be shared.

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::{Money, Tlp};

/// What kind of value an indicator is, with what the value alone does not say.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndicatorKind {
    /// A phone number in E.164 (`+66812345678`).
    Phone,
    Url,
    /// A domain name, in punycode when internationalised.
    Domain,
    Email,
    Ipv4,
    Ipv6,
    /// An IBAN without spaces.
    Iban,
    /// A domestic account number; `bank` is a BIC or bank code when known.
    BankAccount {
        bank: Option<String>,
    },
    /// A wallet address on `chain` (`bitcoin`, `ethereum`, `tron`…);
    /// `currency` is the asset seen on it (`BTC`, `USDT`…) when known.
    CryptoWallet {
        chain: String,
        currency: Option<String>,
    },
    /// A handle on a messenger `service` (`telegram`, `whatsapp`, `line`…).
    MessengerHandle {
        service: String,
    },
}

impl IndicatorKind {
    /// A short stable word, used in names and summaries.
    pub fn word(&self) -> &'static str {
        match self {
            IndicatorKind::Phone => "phone",
            IndicatorKind::Url => "url",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Email => "email",
            IndicatorKind::Ipv4 => "ipv4",
            IndicatorKind::Ipv6 => "ipv6",
            IndicatorKind::Iban => "iban",
            IndicatorKind::BankAccount { .. } => "bank_account",
            IndicatorKind::CryptoWallet { .. } => "crypto_wallet",
            IndicatorKind::MessengerHandle { .. } => "messenger_handle",
        }
    }
}

/// What identifies an indicator: the same key from two exports is one
/// indicator (and one STIX object id).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorKey {
    pub kind: IndicatorKind,
    pub value: String,
}

impl IndicatorKey {
    pub fn new(kind: IndicatorKind, value: impl Into<String>) -> IndicatorKey {
        IndicatorKey { kind, value: value.into() }
    }
}

/// An indicator as a report or a payment names it: its key and marking,
/// so a writer can leave the reference out when the marking is above the
/// export's maximum without looking anything up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorRef {
    pub key: IndicatorKey,
    pub tlp: Tlp,
}

/// An indicator to share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    pub key: IndicatorKey,
    pub tlp: Tlp,
    /// When it was first reported; the STIX `valid_from`.
    pub first_seen: DateTime<Utc>,
}

impl Indicator {
    pub fn reference(&self) -> IndicatorRef {
        IndicatorRef { key: self.key.clone(), tlp: self.tlp }
    }
}

/// A campaign as linking found it, under its stable id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// The opaque stable id, e.g. `cmp_7kq3m9x2ab`; the STIX id derives from it.
    pub id: String,
    pub name: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub scam_types: Vec<String>,
    pub tlp: Tlp,
}

/// A victim report, reduced to what may leave the organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The opaque report id; the STIX id derives from it.
    pub id: String,
    pub tlp: Tlp,
    pub received_at: DateTime<Utc>,
    pub scam_type: Option<String>,
    /// The text, only when the caller decided it may be shared.
    pub text: Option<String>,
    /// Why the analysis judged it a scam (becomes a STIX `note`).
    pub reasons: Vec<String>,
    pub indicators: Vec<IndicatorRef>,
}

/// Whether a persona poses as a person or as an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonaKind {
    Person,
    Organization,
}

/// A name the scammers use ("Mentor Lisa", "Golden Harvest Trading").
/// Only ever scammer-side: victims are never personas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Persona {
    pub name: String,
    pub kind: PersonaKind,
    pub tlp: Tlp,
}

/// One transfer of the money trail between two accounts (bank accounts,
/// IBANs or wallets), never naming the account holders beyond personas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub from: IndicatorRef,
    pub to: IndicatorRef,
    pub amount: Money,
    pub date: NaiveDate,
    pub transaction_id: Option<String>,
    pub tlp: Tlp,
}

/// One element of an export stream.
///
/// The stream is sectioned by campaign: a `Campaign` opens its section, and
/// the reports, indicators, personas and payments after it belong to that
/// campaign until the next `Campaign` or an `EndCampaign`. Items before the
/// first campaign (or after `EndCampaign`) belong to none. The writers keep
/// only the current section's campaign in memory, never the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportItem {
    Campaign(Campaign),
    EndCampaign,
    Report(Report),
    Indicator(Indicator),
    Persona(Persona),
    Payment(Payment),
}

/// Settings every writer takes.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Nothing marked above this leaves, nor any reference to it.
    pub tlp_max: Tlp,
    /// The exporting organisation, named as the producer.
    pub producer: String,
    /// When the export was made; passed in so the same export is the same bytes.
    pub created: DateTime<Utc>,
}

/// What a writer wrote and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Objects (STIX), events (MISP) or entities (FtM) written.
    pub written: u64,
    /// Input items left out because their marking is above `tlp_max`, or
    /// (reports) because nothing they name could be shared.
    pub left_out: u64,
}
