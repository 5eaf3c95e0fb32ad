//! Spreadsheets (CSV, xlsx) read through a [`Profile`]: each row becomes an
//! entry of the statement of its account (the profile's account, or an
//! account column when one file holds several).
//!
//! The header row is found among the first rows (bank exports open with a
//! preamble), the date format and decimal comma are detected from the first
//! [`SAMPLE_ROWS`] rows, and a running-balance column, when mapped, gives the
//! statement's opening and closing balances and checks every row against the
//! previous one (in either row order), so a missing row shows.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, Utc};
use crackdown_model::{Currency, Money};

use crate::dates::{self, DateFormat};
use crate::emit::Emitter;
use crate::model::{Balance, BalanceCheck, Entry, Format, Location, Mark, Party, PartySource, Statement};
use crate::profile::{Field, Profile};
use crate::text::{decode, find_iban, non_empty, normalize_account, parse_loose_amount};

/// Rows sampled before the date format and decimal separator are decided.
pub const SAMPLE_ROWS: usize = 50;
/// Rows searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;

pub(crate) fn read_csv(input: &mut dyn BufRead, profile: &Profile, emit: &mut Emitter<'_>) -> std::io::Result<()> {
    let delimiter = match profile.delimiter {
        Some(delimiter) => u8::try_from(delimiter).unwrap_or(b','),
        None => sniff_delimiter(input.fill_buf()?),
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(input);
    let mut mapper = Mapper::new(profile, Format::Csv);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |position| position.line());
                let cells: Vec<String> = record.iter().map(|cell| decode(cell).trim().to_owned()).collect();
                mapper.row(line, cells, emit);
            }
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                if let csv::ErrorKind::Io(_) = error.kind() {
                    return Err(std::io::Error::other(error.to_string()));
                }
                emit.error(Location::line(line), "row", format!("unreadable CSV row: {error}"));
            }
        }
    }
    mapper.finish(emit);
    Ok(())
}

pub(crate) fn read_xlsx(path: &Path, profile: &Profile, emit: &mut Emitter<'_>) -> Result<(), String> {
    use calamine::Reader;
    let mut workbook =
        calamine::open_workbook_auto(path).map_err(|error| format!("not a readable workbook: {error}"))?;
    let sheet = match &profile.sheet {
        Some(sheet) => sheet.clone(),
        None => workbook.sheet_names().first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = workbook.worksheet_range(&sheet).map_err(|error| format!("sheet {sheet:?}: {error}"))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let mut mapper = Mapper::new(profile, Format::Xlsx);
    for (offset, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        mapper.row(u64::from(first_row) + offset as u64 + 1, cells, emit);
    }
    mapper.finish(emit);
    Ok(())
}

/// A cell as text: dates as ISO date-times, numbers in their shortest exact
/// decimal form (Excel stores 12.34 as the double nearest it, which prints back as 12.34).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::{Data, DataType};
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.trim().to_owned(),
        Data::Float(number) => format!("{number}"),
        Data::Int(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => match cell.as_datetime() {
            Some(time) => time.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => cell.to_string(),
        },
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// The delimiter that splits the first line into the most columns.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first_line = head.split(|&byte| byte == b'\n').next().unwrap_or(head);
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|delimiter| first_line.iter().filter(|byte| *byte == delimiter).count())
        .unwrap_or(b',')
}

struct AccountState {
    index: u32,
    account: String,
    currency: Option<Currency>,
    entries: u32,
    /// (signed amount, running balance after the row) in file order.
    movements: Vec<(i64, Option<i64>)>,
    first_line: u64,
}

struct Mapper<'p> {
    profile: &'p Profile,
    format: Format,
    columns: Option<HashMap<Field, usize>>,
    rows_before_header: usize,
    gave_up: bool,
    /// Whether the date format and decimal mark are settled (after the sample).
    decided: bool,
    sample: Vec<(u64, Vec<String>)>,
    date_format: Option<DateFormat>,
    value_date_format: Option<DateFormat>,
    decimal_comma: bool,
    accounts: Vec<AccountState>,
    by_account: HashMap<String, usize>,
}

impl<'p> Mapper<'p> {
    fn new(profile: &'p Profile, format: Format) -> Mapper<'p> {
        Mapper {
            profile,
            format,
            columns: None,
            rows_before_header: 0,
            gave_up: false,
            decided: false,
            sample: Vec::new(),
            date_format: profile.date_format.as_deref().map(DateFormat::from_pattern),
            value_date_format: profile.date_format.as_deref().map(DateFormat::from_pattern),
            decimal_comma: profile.decimal_comma.unwrap_or(false),
            accounts: Vec::new(),
            by_account: HashMap::new(),
        }
    }

    fn row(&mut self, line: u64, cells: Vec<String>, emit: &mut Emitter<'_>) {
        if self.gave_up || cells.iter().all(String::is_empty) {
            return;
        }
        if self.columns.is_none() {
            self.find_header(line, &cells, emit);
            return;
        }
        if !self.decided {
            self.sample.push((line, cells));
            if self.sample.len() >= SAMPLE_ROWS {
                self.decide(emit);
            }
            return;
        }
        self.map_row(line, &cells, emit);
    }

    fn find_header(&mut self, line: u64, cells: &[String], emit: &mut Emitter<'_>) {
        let position = |header: &str| cells.iter().position(|cell| cell.trim().eq_ignore_ascii_case(header.trim()));
        let found: Option<HashMap<Field, usize>> =
            self.profile.columns.iter().map(|(header, field)| position(header).map(|index| (*field, index))).collect();
        if let Some(columns) = found {
            self.columns = Some(columns);
            return;
        }
        self.rows_before_header += 1;
        if self.rows_before_header >= HEADER_SEARCH_ROWS {
            self.gave_up = true;
            let missing: Vec<&str> =
                self.profile.columns.keys().filter(|header| position(header).is_none()).map(String::as_str).collect();
            emit.error(
                Location::line(line),
                "header",
                format!(
                    "no row among the first {HEADER_SEARCH_ROWS} holds every mapped column (missing in the last: {})",
                    missing.join(", ")
                ),
            );
        }
    }

    /// Detects date format and decimal separator from the sample, then maps it.
    fn decide(&mut self, emit: &mut Emitter<'_>) {
        if self.decided {
            return;
        }
        self.decided = true;
        let sample = std::mem::take(&mut self.sample);
        let column_values = |field: Field| -> Vec<&str> {
            let index = self.columns.as_ref().and_then(|columns| columns.get(&field).copied());
            index.map_or_else(Vec::new, |index| {
                sample.iter().filter_map(|(_, cells)| cells.get(index).map(String::as_str)).collect()
            })
        };
        let first_line = sample.first().map_or(0, |(line, _)| *line);
        for (field, slot) in [(Field::Timestamp, 0), (Field::ValueDate, 1)] {
            let already = if slot == 0 { self.date_format.is_some() } else { self.value_date_format.is_some() };
            if already {
                continue;
            }
            let values = column_values(field);
            if values.is_empty() {
                continue;
            }
            match dates::detect(&values) {
                Some((format, guessed)) => {
                    if guessed {
                        emit.warning(
                            Location::line(first_line),
                            &format!("{field:?}"),
                            format!("day and month order ambiguous in the first rows; read as {} (set date_format to change)", format.describe()),
                        );
                    }
                    if slot == 0 {
                        self.date_format = Some(format);
                    } else {
                        self.value_date_format = Some(format);
                    }
                }
                None => emit.error(
                    Location::line(first_line),
                    &format!("{field:?}"),
                    "no known date format reads every value of the first rows; set date_format",
                ),
            }
        }
        if self.profile.decimal_comma.is_none() {
            let mut comma = 0;
            let mut point = 0;
            for field in [Field::Amount, Field::AmountIn, Field::AmountOut, Field::Balance] {
                for value in column_values(field) {
                    match decimal_mark(value) {
                        Some(',') => comma += 1,
                        Some(_) => point += 1,
                        None => {}
                    }
                }
            }
            self.decimal_comma = comma > point;
        }
        for (line, cells) in &sample {
            self.map_row(*line, cells, emit);
        }
    }

    fn cell<'c>(&self, cells: &'c [String], field: Field) -> Option<&'c str> {
        let index = *self.columns.as_ref()?.get(&field)?;
        cells.get(index).map(String::as_str).filter(|value| !value.trim().is_empty())
    }

    fn map_row(&mut self, line: u64, cells: &[String], emit: &mut Emitter<'_>) {
        let location = Location::line(line);
        match self.entry_of(cells) {
            Ok((account_key, currency, mut entry, balance)) => {
                let index = match self.by_account.get(&account_key) {
                    Some(&index) => index,
                    None => {
                        let index = self.accounts.len();
                        self.accounts.push(AccountState {
                            index: 0,
                            account: account_key.clone(),
                            currency: Some(currency),
                            entries: 0,
                            movements: Vec::new(),
                            first_line: line,
                        });
                        self.by_account.insert(account_key, index);
                        let statement_index = emit.next_statement_index();
                        self.accounts[index].index = statement_index;
                        index
                    }
                };
                let account = &mut self.accounts[index];
                if account.currency != Some(currency) {
                    emit.warning(
                        location.clone(),
                        "currency",
                        format!("{currency} row in a statement of {:?}", account.currency),
                    );
                }
                account.entries += 1;
                account.movements.push((entry.signed_minor(), balance));
                entry.statement = account.index;
                entry.number = account.entries;
                entry.location = location;
                if entry.counterparty.account.is_none()
                    && let Some(iban) = entry.remittance.as_deref().and_then(|text| find_iban(text, &account.account))
                {
                    entry.counterparty.account = Some(iban);
                    entry.counterparty.source = PartySource::Text;
                }
                emit.entry(entry);
            }
            Err((field, reason)) => emit.error(location, field, format!("{reason}; row skipped")),
        }
    }

    #[allow(clippy::type_complexity)]
    fn entry_of(&self, cells: &[String]) -> Result<(String, Currency, Entry, Option<i64>), (&'static str, String)> {
        let profile = self.profile;
        let currency_text = self
            .cell(cells, Field::Currency)
            .or(profile.currency.as_deref())
            .ok_or(("currency", "no currency".to_owned()))?;
        let currency = Currency::from_code(currency_text)
            .ok_or(("currency", format!("{currency_text:?} is not a currency code")))?;
        let amount_of = |field: Field, name: &'static str| -> Result<Option<Money>, (&'static str, String)> {
            self.cell(cells, field)
                .map(|value| parse_loose_amount(value, currency, self.decimal_comma))
                .transpose()
                .map_err(|reason| (name, reason))
        };
        let signed = if let Some(amount) = amount_of(Field::Amount, "amount")? {
            let minor = amount.minor();
            match self.cell(cells, Field::Direction).map(direction_sign) {
                Some(Some(sign)) => minor.abs() * sign,
                Some(None) => {
                    let value = self.cell(cells, Field::Direction).unwrap_or("");
                    return Err(("direction", format!("{value:?} is neither credit nor debit")));
                }
                None => minor,
            }
        } else {
            let incoming = amount_of(Field::AmountIn, "amount_in")?.map_or(0, |money| money.minor().abs());
            let outgoing = amount_of(Field::AmountOut, "amount_out")?.map_or(0, |money| money.minor().abs());
            if incoming != 0 && outgoing != 0 {
                return Err(("amount", "both an incoming and an outgoing amount".to_owned()));
            }
            if self.cell(cells, Field::AmountIn).is_none() && self.cell(cells, Field::AmountOut).is_none() {
                return Err(("amount", "no amount".to_owned()));
            }
            incoming - outgoing
        };
        let timestamp = self.date_of(cells, Field::Timestamp, self.date_format.as_ref())?;
        let value_date = self.date_of(cells, Field::ValueDate, self.value_date_format.as_ref())?;
        if timestamp.is_none() && value_date.is_none() {
            return Err(("timestamp", "no date".to_owned()));
        }
        let balance = amount_of(Field::Balance, "balance")?.map(|money| money.minor());
        let account_key = self
            .cell(cells, Field::Account)
            .map(normalize_account)
            .or_else(|| profile.account.as_deref().map(normalize_account))
            .unwrap_or_default();
        let counterparty = self.cell(cells, Field::Counterparty).map(normalize_account);
        let with_time = matches!(
            &self.date_format,
            Some(DateFormat::Pattern { with_time: true, .. })
                | Some(DateFormat::Rfc3339)
                | Some(DateFormat::UnixSeconds)
                | Some(DateFormat::UnixMillis)
        );
        let entry = Entry {
            statement: 0,
            number: 0,
            part: None,
            location: Location::default(),
            booking_date: timestamp.map(|time| time.date_naive()),
            value_date: value_date.map(|time| time.date_naive()),
            time: timestamp.filter(|_| with_time),
            mark: if signed < 0 { Mark::Debit } else { Mark::Credit },
            amount: Money::new(signed.abs(), currency),
            type_code: self.cell(cells, Field::Type).and_then(non_empty),
            reference: self.cell(cells, Field::Reference).and_then(non_empty),
            end_to_end: self.cell(cells, Field::EndToEnd).and_then(non_empty),
            bank_reference: None,
            counterparty: Party {
                source: if counterparty.is_some() { PartySource::Structured } else { PartySource::Unknown },
                account: counterparty,
                name: self.cell(cells, Field::CounterpartyName).and_then(non_empty),
                bic: None,
                ultimate: None,
            },
            transfer: None,
            remittance: self.cell(cells, Field::Description).and_then(non_empty),
        };
        Ok((account_key, currency, entry, balance))
    }

    fn date_of(
        &self,
        cells: &[String],
        field: Field,
        format: Option<&DateFormat>,
    ) -> Result<Option<DateTime<Utc>>, (&'static str, String)> {
        let name = if field == Field::Timestamp { "timestamp" } else { "value_date" };
        let Some(value) = self.cell(cells, field) else { return Ok(None) };
        let format = format.ok_or((name, "date format unknown".to_owned()))?;
        format.parse(value).map(Some).ok_or_else(|| (name, format!("{value:?} does not read as {}", format.describe())))
    }

    fn finish(&mut self, emit: &mut Emitter<'_>) {
        self.decide(emit);
        if self.columns.is_none() && !self.gave_up {
            emit.error(Location::line(0), "header", "no header row holding every mapped column");
        }
        for account in std::mem::take(&mut self.accounts) {
            let (opening, closing, check) = running_balances(&account);
            let make = |kind: &str, minor: i64| {
                account.currency.map(|currency| Balance {
                    kind: kind.to_owned(),
                    amount: Money::new(minor, currency),
                    date: None,
                })
            };
            if account.account.is_empty() {
                emit.warning(
                    Location::line(account.first_line),
                    "account",
                    "no statement account (map an account column or set the profile's account)",
                );
            }
            emit.statement(Statement {
                index: account.index,
                format: self.format,
                id: if account.account.is_empty() {
                    format!("sheet-{}", account.index)
                } else {
                    account.account.clone()
                },
                number: None,
                location: Location::line(account.first_line),
                account: account.account.clone(),
                owner: None,
                servicer: self.profile.name.clone(),
                currency: account.currency,
                opening: opening.and_then(|minor| make("opening", minor)),
                closing: closing.and_then(|minor| make("closing", minor)),
                other_balances: Vec::new(),
                entry_count: account.entries,
                check,
                entries: Vec::new(),
            });
        }
    }
}

/// From a running-balance column: opening and closing balances and whether
/// each row follows from its neighbour, rows oldest-first or newest-first.
fn running_balances(account: &AccountState) -> (Option<i64>, Option<i64>, BalanceCheck) {
    let movements = &account.movements;
    if movements.is_empty() || movements.iter().any(|(_, balance)| balance.is_none()) {
        return (None, None, BalanceCheck::NotChecked { reason: "no running balance on every row".into() });
    }
    let balances: Vec<i64> = movements.iter().filter_map(|(_, balance)| *balance).collect();
    let amounts: Vec<i64> = movements.iter().map(|(amount, _)| *amount).collect();
    let count = balances.len();
    let ascending_breaks: i128 = (1..count)
        .map(|i| i128::from(balances[i]) - i128::from(balances[i - 1]) - i128::from(amounts[i]))
        .filter(|gap| *gap != 0)
        .sum();
    let descending_breaks: i128 = (1..count)
        .map(|i| i128::from(balances[i - 1]) - i128::from(balances[i]) - i128::from(amounts[i - 1]))
        .filter(|gap| *gap != 0)
        .sum();
    let ascending_bad = (1..count).filter(|&i| balances[i] - balances[i - 1] != amounts[i]).count();
    let descending_bad = (1..count).filter(|&i| balances[i - 1] - balances[i] != amounts[i - 1]).count();
    let (opening, closing, gap) = if ascending_bad <= descending_bad {
        (balances[0] - amounts[0], balances[count - 1], ascending_breaks)
    } else {
        (balances[count - 1] - amounts[count - 1], balances[0], descending_breaks)
    };
    let check = match i64::try_from(gap) {
        Ok(0) => BalanceCheck::Balanced,
        Ok(difference) => BalanceCheck::Mismatch { difference },
        Err(_) => BalanceCheck::Mismatch { difference: i64::MAX },
    };
    (Some(opening), Some(closing), check)
}

/// The decimal mark an amount uses, when it shows one (`12,50`, `1.234,5`).
fn decimal_mark(value: &str) -> Option<char> {
    let last = value.rfind([',', '.'])?;
    let after = value[last + 1..].chars().take_while(char::is_ascii_digit).count();
    let mark = value[last..].chars().next()?;
    // `1,000` or `1.000` are thousands, not decimals.
    (after != 3 || value[..last].contains(if mark == ',' { '.' } else { ',' })).then_some(mark)
}

/// +1 for words meaning credit, -1 for debit, in the languages of the
/// exports seen: C/D, CR/DR, CRDT/DBIT, credit/debit, in/out, H/S (Haben/Soll), Bij/Af.
fn direction_sign(value: &str) -> Option<i64> {
    match value.trim().to_ascii_lowercase().as_str() {
        "c" | "cr" | "crdt" | "credit" | "in" | "incoming" | "h" | "haben" | "bij" | "+" => Some(1),
        "d" | "dr" | "dbit" | "debit" | "out" | "outgoing" | "s" | "soll" | "af" | "-" => Some(-1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_marks() {
        assert_eq!(decimal_mark("12,50"), Some(','));
        assert_eq!(decimal_mark("1.234,5"), Some(','));
        assert_eq!(decimal_mark("1,234.56"), Some('.'));
        assert_eq!(decimal_mark("1,000"), None);
        assert_eq!(decimal_mark("100"), None);
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3;4"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a,b"), b',');
    }
}
