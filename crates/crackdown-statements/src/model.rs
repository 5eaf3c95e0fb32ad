//! What the readers produce: statements, their entries and balances, and the
//! problems found on the way, each pointing back into its file.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::{Currency, Money};
use serde::Serialize;

/// The file formats the readers understand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Mt940,
    Mt942,
    /// ISO 20022 end-of-day statement.
    Camt053,
    /// ISO 20022 intraday account report.
    Camt052,
    /// ISO 20022 debit/credit notification.
    Camt054,
    /// A CSV spreadsheet read through a column mapping ([`crate::Profile`]).
    Csv,
    /// An Excel workbook read through a column mapping.
    Xlsx,
    /// Etherscan's token-transfer (or transaction) CSV export.
    Etherscan,
    /// Tronscan's transfer CSV export.
    Tronscan,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Mt940,
        Format::Mt942,
        Format::Camt053,
        Format::Camt052,
        Format::Camt054,
        Format::Csv,
        Format::Xlsx,
        Format::Etherscan,
        Format::Tronscan,
    ];

    /// The name used on the command line, in JSON and as a ledger channel.
    pub fn name(self) -> &'static str {
        match self {
            Format::Mt940 => "mt940",
            Format::Mt942 => "mt942",
            Format::Camt053 => "camt053",
            Format::Camt052 => "camt052",
            Format::Camt054 => "camt054",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Etherscan => "etherscan",
            Format::Tronscan => "tronscan",
        }
    }

    /// Whether the format is one of the ISO 20022 cash-management messages.
    pub fn is_camt(self) -> bool {
        matches!(self, Format::Camt052 | Format::Camt053 | Format::Camt054)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_ascii_lowercase().replace(['.', '-', '_'], "");
        Format::ALL.into_iter().find(|format| format.name() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
            format!("{text:?} is not one of {}", names.join(", "))
        })
    }
}

/// Where something sits in its file: a line (text formats, spreadsheets'
/// rows) and, for XML, the element path with indexes
/// (`/Document/BkToCstmrStmt/Stmt[2]/Ntry[3]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line (0 when unknown).
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Location {
    pub fn line(line: u64) -> Location {
        Location { line, path: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) if self.line > 0 => write!(f, "line {} {path}", self.line),
            Some(path) => f.write_str(path),
            None => write!(f, "line {}", self.line),
        }
    }
}

/// How an entry moves the statement account's balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Credit,
    Debit,
    /// A credit taken back (MT940 `RC`, camt `CRDT` with `RvslInd`): money leaves.
    ReversalOfCredit,
    /// A debit given back (MT940 `RD`, camt `DBIT` with `RvslInd`): money comes in.
    ReversalOfDebit,
}

impl Mark {
    /// +1 when the entry raises the account's balance, -1 when it lowers it.
    pub fn sign(self) -> i64 {
        match self {
            Mark::Credit | Mark::ReversalOfDebit => 1,
            Mark::Debit | Mark::ReversalOfCredit => -1,
        }
    }
}

/// A balance as the bank states it, signed (negative = debit balance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// The tag or code the bank used: `60F`, `62M`, `OPBD`, `CLBD`, `ITBD`…
    pub kind: String,
    #[serde(serialize_with = "serialize_money")]
    pub amount: Money,
    pub date: Option<NaiveDate>,
}

/// Where the counterparty of an entry came from; the weaker the source, the
/// more an investigator should check it against the bank's own text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartySource {
    /// A field meant for it (camt `CdtrAcct`, `?31`, `/IBAN/`, `:61:` details).
    Structured,
    /// An IBAN with a valid checksum found in the free text.
    Text,
    /// Nothing: the ledger books it against the statement's unknown account.
    #[default]
    Unknown,
}

/// The other side of an entry, as far as the statement tells.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// The ultimate debtor or creditor, when the bank names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ultimate: Option<String>,
    pub source: PartySource,
}

/// One booked line of a statement (or one transaction of a batched camt
/// entry, or one row of an explorer export).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// 1-based ordinal of the statement in its file.
    pub statement: u32,
    /// 1-based ordinal of the entry in its statement.
    pub number: u32,
    /// `(k, n)`: the k-th of n transaction details a batched camt entry was split into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<(u32, u32)>,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_date: Option<NaiveDate>,
    /// A full timestamp when the source gives one (camt `DtTm`, explorers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<DateTime<Utc>>,
    pub mark: Mark,
    /// Always positive; [`Mark`] says which way it moved.
    #[serde(serialize_with = "serialize_money")]
    pub amount: Money,
    /// Bank transaction code: `NTRF`, `PMNT/ICDT/DMCT`, a GVC, an explorer's method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// The customer's (or, on chains, the transaction hash) reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end: Option<String>,
    /// The servicing bank's own reference (`:61:` after `//`, `AcctSvcrRef`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_reference: Option<String>,
    pub counterparty: Party,
    /// Explorer rows name both ends themselves: `(from, to)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer: Option<(String, String)>,
    /// The purpose or remittance text, lines joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remittance: Option<String>,
}

impl Entry {
    /// The date the ledger uses: booking, else value date.
    pub fn date(&self) -> Option<NaiveDate> {
        self.time.map(|time| time.date_naive()).or(self.booking_date).or(self.value_date)
    }

    /// The signed effect on the statement account in minor units.
    pub fn signed_minor(&self) -> i64 {
        self.amount.minor().saturating_mul(self.mark.sign())
    }
}

/// Whether a statement's entries account for its balances.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BalanceCheck {
    Balanced,
    /// `closing - opening - entries`, in minor units of the statement currency.
    Mismatch {
        difference: i64,
    },
    /// Nothing to check against (camt.054, intraday reports, explorer exports)
    /// or entries in another currency than the balances.
    NotChecked {
        reason: String,
    },
}

impl BalanceCheck {
    pub fn is_balanced(&self) -> Option<bool> {
        match self {
            BalanceCheck::Balanced => Some(true),
            BalanceCheck::Mismatch { .. } => Some(false),
            BalanceCheck::NotChecked { .. } => None,
        }
    }
}

/// One account's statement (or report, notification, export).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// 1-based ordinal in the file.
    pub index: u32,
    pub format: Format,
    /// The statement's own reference (`:20:`, camt `Id`).
    pub id: String,
    /// Statement/sequence number (`:28C:`, camt `LglSeqNb`/`ElctrncSeqNb`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub location: Location,
    /// Normalized account id: an IBAN without spaces, else the bank's account
    /// text; explorer exports use the address every row shares, if any.
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The bank: BIC or name when the file names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub servicer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening: Option<Balance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing: Option<Balance>,
    /// Other balances stated (available, forward, interim…), for the record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_balances: Vec<Balance>,
    pub entry_count: u32,
    pub check: BalanceCheck,
    /// Filled by [`crate::read_file`]; empty when streaming.
    pub entries: Vec<Entry>,
}

/// Whether a problem dropped something (`Error`) or only deserves a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem inside a file, naming where and why; the rest of the file is
/// still read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}: {location}: {field}: {reason}")]
pub struct StatementError {
    pub file: String,
    pub location: Location,
    /// The tag, XML element or column concerned.
    pub field: String,
    pub reason: String,
    pub severity: Severity,
}

/// A file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{file}: not a recognised statement format (mt940, mt942, camt.052/053/054, etherscan, tronscan, csv or xlsx with a mapping); name the format"
    )]
    UnknownFormat { file: String },
    #[error("{file}: {reason}")]
    Unreadable { file: String, reason: String },
}

impl FileError {
    /// The file the error is about, as named in provenance.
    pub fn file(&self) -> &str {
        match self {
            FileError::Io { file, .. } | FileError::UnknownFormat { file } | FileError::Unreadable { file, .. } => file,
        }
    }
}

/// Serializes money as `{"amount": "12.34", "currency": "EUR"}` parts of a
/// struct would be noisier than one exact decimal string: `"12.34 EUR"`.
pub(crate) fn serialize_money<S: serde::Serializer>(money: &Money, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{} {}", money.decimal_display(), money.currency().code()))
}
