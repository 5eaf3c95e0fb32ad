//! The one channel every reader reports through, so each format produces the
//! same events in the same order: a statement's entries, then the statement.

use crackdown_model::Money;

use crate::model::{Balance, BalanceCheck, Entry, Location, Severity, Statement, StatementError};

/// What a reader hands its caller while streaming a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An entry of the statement being read; the statement itself follows
    /// once it is complete.
    Entry(Entry),
    /// A complete statement (its `entries` empty: they came before it).
    Statement(Statement),
    /// A problem; reading goes on.
    Error(StatementError),
}

pub(crate) struct Emitter<'a> {
    pub file: String,
    sink: &'a mut dyn FnMut(Event),
    pub statements: u32,
}

impl<'a> Emitter<'a> {
    pub fn new(file: &str, sink: &'a mut dyn FnMut(Event)) -> Emitter<'a> {
        Emitter { file: file.to_owned(), sink, statements: 0 }
    }

    pub fn problem(&mut self, location: Location, field: &str, reason: impl Into<String>, severity: Severity) {
        let error = StatementError {
            file: self.file.clone(),
            location,
            field: field.to_owned(),
            reason: reason.into(),
            severity,
        };
        (self.sink)(Event::Error(error));
    }

    pub fn error(&mut self, location: Location, field: &str, reason: impl Into<String>) {
        self.problem(location, field, reason, Severity::Error);
    }

    pub fn warning(&mut self, location: Location, field: &str, reason: impl Into<String>) {
        self.problem(location, field, reason, Severity::Warning);
    }

    pub fn entry(&mut self, entry: Entry) {
        (self.sink)(Event::Entry(entry));
    }

    /// Emits a finished statement; an unbalanced one is also reported as an
    /// error naming its number and the difference, and still imported.
    pub fn statement(&mut self, statement: Statement) {
        if let BalanceCheck::Mismatch { difference } = statement.check {
            let currency =
                statement.closing.as_ref().or(statement.opening.as_ref()).map(|balance| balance.amount.currency());
            let shown = match currency {
                Some(currency) => Money::new(difference, currency).to_string(),
                None => difference.to_string(),
            };
            let number = statement.number.as_deref().unwrap_or("-");
            self.error(
                statement.location.clone(),
                "balance",
                format!(
                    "statement {} (number {number}, account {}) does not balance: closing - opening - entries = {shown}; imported and flagged",
                    statement.id, statement.account
                ),
            );
        }
        (self.sink)(Event::Statement(statement));
    }

    pub fn next_statement_index(&mut self) -> u32 {
        self.statements += 1;
        self.statements
    }
}

/// Compares opening + entries with closing when both balances exist and
/// share the entries' currency.
pub(crate) fn check_balances(
    opening: Option<&Balance>,
    closing: Option<&Balance>,
    entries_sum: i128,
    foreign_entries: u32,
) -> BalanceCheck {
    let (Some(opening), Some(closing)) = (opening, closing) else {
        return BalanceCheck::NotChecked { reason: "no opening and closing balance".into() };
    };
    if opening.amount.currency() != closing.amount.currency() {
        return BalanceCheck::NotChecked { reason: "opening and closing balances are in different currencies".into() };
    }
    if foreign_entries > 0 {
        return BalanceCheck::NotChecked {
            reason: format!("{foreign_entries} entries in another currency than the balances"),
        };
    }
    let difference = i128::from(closing.amount.minor()) - i128::from(opening.amount.minor()) - entries_sum;
    match i64::try_from(difference) {
        Ok(0) => BalanceCheck::Balanced,
        Ok(difference) => BalanceCheck::Mismatch { difference },
        Err(_) => BalanceCheck::Mismatch { difference: if difference > 0 { i64::MAX } else { i64::MIN } },
    }
}
