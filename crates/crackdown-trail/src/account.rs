//! Account reference data: `accounts.csv` (`account,country,kind`).
//!
//! The kind decides where traced money stops (`cash`, `exchange`) and which
//! busy legitimate accounts the mule score discounts. Accounts the file does
//! not mention are `unknown`. An empty country is accepted (unhosted wallets).

use std::io::Read;

use crate::parse::{LineError, Severity};

/// What an account is, as far as the investigator knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountKind {
    Person,
    Business,
    Merchant,
    Employer,
    Utility,
    Exchange,
    Cash,
    #[default]
    Unknown,
}

impl AccountKind {
    pub const ALL: [AccountKind; 8] = [
        AccountKind::Person,
        AccountKind::Business,
        AccountKind::Merchant,
        AccountKind::Employer,
        AccountKind::Utility,
        AccountKind::Exchange,
        AccountKind::Cash,
        AccountKind::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Person => "person",
            AccountKind::Business => "business",
            AccountKind::Merchant => "merchant",
            AccountKind::Employer => "employer",
            AccountKind::Utility => "utility",
            AccountKind::Exchange => "exchange",
            AccountKind::Cash => "cash",
            AccountKind::Unknown => "unknown",
        }
    }

    /// Parses a kind ignoring case; an empty field is `unknown`.
    pub fn parse(text: &str) -> Option<AccountKind> {
        let text = text.trim();
        if text.is_empty() {
            return Some(AccountKind::Unknown);
        }
        AccountKind::ALL.into_iter().find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }

    /// Traced money that reaches such an account stops there: it has left the
    /// banking system (cash) or entered a custodian that must be asked (exchange).
    pub fn is_terminal(self) -> bool {
        matches!(self, AccountKind::Cash | AccountKind::Exchange)
    }

    /// Kinds whose heavy, regular traffic is legitimate by design.
    pub fn is_institutional(self) -> bool {
        matches!(
            self,
            AccountKind::Merchant
                | AccountKind::Employer
                | AccountKind::Utility
                | AccountKind::Exchange
                | AccountKind::Cash
                | AccountKind::Business
        )
    }
}

impl std::fmt::Display for AccountKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for AccountKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One row of `accounts.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRecord {
    pub line: u64,
    pub account: String,
    /// ISO country code or free text; `None` when the field is empty.
    pub country: Option<String>,
    pub kind: AccountKind,
}

/// Reads `accounts.csv` whole (it is small next to the ledger), returning the
/// good rows and one error per bad line.
pub fn read_accounts<R: Read>(input: R, file: &str) -> Result<(Vec<AccountRecord>, Vec<LineError>), LineError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
    let header_error = |reason: String| LineError::new(file, 1, "header", reason, Severity::Error);
    let headers = reader.headers().map_err(|error| header_error(error.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|header| header.trim().eq_ignore_ascii_case(name));
    let account_column = column("account").ok_or_else(|| header_error("missing column `account`".into()))?;
    let country_column = column("country");
    let kind_column = column("kind");
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for result in reader.records() {
        let record = match result {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                errors.push(LineError::new(file, line, "record", error.to_string(), Severity::Error));
                continue;
            }
        };
        let line = record.position().map_or(0, |position| position.line());
        let account = record.get(account_column).unwrap_or("").trim();
        if account.is_empty() {
            errors.push(LineError::new(file, line, "account", "empty account id", Severity::Error));
            continue;
        }
        let kind_text = kind_column.and_then(|c| record.get(c)).unwrap_or("");
        let Some(kind) = AccountKind::parse(kind_text) else {
            errors.push(LineError::new(
                file,
                line,
                "kind",
                format!(
                    "{kind_text:?} is not one of person, business, merchant, employer, utility, exchange, cash, unknown"
                ),
                Severity::Error,
            ));
            continue;
        };
        if !seen.insert(account.to_owned()) {
            errors.push(LineError::new(
                file,
                line,
                "account",
                format!("duplicate account {account:?}; the first row is kept"),
                Severity::Warning,
            ));
            continue;
        }
        let country = country_column
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|country| !country.is_empty())
            .map(str::to_owned);
        records.push(AccountRecord { line, account: account.to_owned(), country, kind });
    }
    Ok((records, errors))
}

/// What an investigator can do about victim money that stopped at an
/// endpoint, decided by what the ledger says the account IS (its kind from
/// the imported accounts list), never by how its name looks. A freeze
/// request to a bank for a cash machine or for a shop wastes the one day the
/// money may still be there, so the freeze list keeps these groups apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Recovery {
    /// An account of a person, a business, an employer or of unknown kind:
    /// the money may still sit there, and its bank can freeze it.
    Freeze,
    /// A crypto or currency exchange: the exchange freezes its customer's
    /// wallet or account on a request of its own (a different addressee).
    Exchange,
    /// Withdrawn as cash (a cash machine or cash agent): nothing is left to
    /// freeze; what remains is the withdrawal record and camera footage.
    CashOut,
    /// Paid to a merchant or utility for goods or bills: the merchant is not
    /// the scammer; ask what was bought and where it was delivered.
    Spent,
}

impl Recovery {
    /// Every group, in the order a freeze list shows them.
    pub const ALL: [Recovery; 4] = [Recovery::Freeze, Recovery::Exchange, Recovery::CashOut, Recovery::Spent];

    /// The group of an account of this kind.
    pub fn of(kind: AccountKind) -> Recovery {
        match kind {
            AccountKind::Cash => Recovery::CashOut,
            AccountKind::Exchange => Recovery::Exchange,
            AccountKind::Merchant | AccountKind::Utility => Recovery::Spent,
            AccountKind::Person | AccountKind::Business | AccountKind::Employer | AccountKind::Unknown => {
                Recovery::Freeze
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recovery::Freeze => "freeze",
            Recovery::Exchange => "exchange",
            Recovery::CashOut => "cash_out",
            Recovery::Spent => "spent",
        }
    }

    /// Parses the text form (`freeze`, `exchange`, `cash_out`, `spent`).
    pub fn parse(text: &str) -> Option<Recovery> {
        Recovery::ALL.into_iter().find(|recovery| recovery.as_str() == text.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_accounts_and_reports_bad_lines() {
        let text = "account,country,kind\nA1,TH,person\nW1,,exchange\nB,KH,alien\n,TH,cash\nA1,TH,cash\nC9,PH,\n";
        let (records, errors) = read_accounts(text.as_bytes(), "accounts.csv").expect("header ok");
        let summary: Vec<_> = records.iter().map(|r| (r.account.as_str(), r.country.as_deref(), r.kind)).collect();
        assert_eq!(
            summary,
            vec![
                ("A1", Some("TH"), AccountKind::Person),
                ("W1", None, AccountKind::Exchange),
                ("C9", Some("PH"), AccountKind::Unknown),
            ]
        );
        let lines: Vec<_> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(lines, vec![(4, "kind"), (5, "account"), (6, "account")]);
        assert!(errors[0].to_string().starts_with("accounts.csv:4: kind:"));
    }

    #[test]
    fn missing_account_column_is_a_header_error() {
        let error = read_accounts("id,kind\n".as_bytes(), "a.csv").expect_err("no account column");
        assert_eq!((error.line, error.field.as_str()), (1, "header"));
    }
}
