//! Streaming ledger parsing: native CSV and IBM AMLworld CSV, in batches.
//!
//! Native header: `tx_id,timestamp,from_account,to_account,amount,currency,channel`
//! (any order, matched by name, case-insensitive). Timestamps are RFC 3339
//! and converted to UTC; amounts are exact decimals with no more decimals
//! than the currency allows; other columns are kept as `extra`.
//!
//! **Conversion legs.** A currency conversion is one row whose recipient is
//! credited in another currency: the native format takes the optional extra
//! columns `received_amount,received_currency` (both or neither); AMLworld
//! rows carry it natively (`Amount Paid`/`Payment Currency` leave the
//! sender, `Amount Received`/`Receiving Currency` reach the recipient).
//! Tracing crosses currencies only through such rows; anything else stays in
//! its currency.
//!
//! **AMLworld.** Accounts are named `<bank>:<account>` because the benchmark's
//! account ids are only unique within a bank; `tx_id` is the 1-based data row
//! number; currency names (`US Dollar`, `Bitcoin`, ...) map to ISO/crypto
//! codes; `Payment Format` becomes the channel in lower case; the bank ids and
//! `Is Laundering` are kept as extra columns. The benchmark writes two decimals
//! for every currency, including Yen: amounts with more decimals than the
//! currency has are rounded half to even and counted in [`ReadStats::rounded`].
//!
//! Duplicate ids are caught by [`crate::LedgerBuilder`], which sees every file.

use std::io::Read;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use crackdown_model::{Currency, Money, MoneyError};

/// One transfer as read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// Line number of the record in its file (1 = header).
    pub row: u64,
    pub tx_id: String,
    pub timestamp: DateTime<Utc>,
    pub from: String,
    pub to: String,
    /// What left the sender.
    pub amount: Money,
    /// What reached the recipient when it differs (a conversion leg).
    pub received: Option<Money>,
    pub channel: String,
    /// Columns the format does not interpret, in file order.
    pub extra: Vec<(Arc<str>, String)>,
}

impl Transfer {
    /// What reached the recipient.
    pub fn credited(&self) -> Money {
        self.received.unwrap_or(self.amount)
    }
}

/// Whether a line was dropped (`Error`) or kept with a remark (`Warning`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem with one line of one file, naming the field and the reason.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{file}:{line}: {field}: {reason}")]
pub struct LineError {
    pub file: Arc<str>,
    pub line: u64,
    pub field: String,
    pub reason: String,
    pub severity: Severity,
}

impl LineError {
    pub fn new(file: &str, line: u64, field: &str, reason: impl Into<String>, severity: Severity) -> LineError {
        LineError { file: Arc::from(file), line, field: field.to_owned(), reason: reason.into(), severity }
    }
}

/// The ledger formats the reader understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LedgerFormat {
    Native,
    AmlWorld,
}

impl std::str::FromStr for LedgerFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "native" => Ok(LedgerFormat::Native),
            "amlworld" => Ok(LedgerFormat::AmlWorld),
            _ => Err(format!("{text:?} is not one of native, amlworld")),
        }
    }
}

/// Transfers and line problems read in one call.
#[derive(Debug, Default)]
pub struct Batch {
    pub transfers: Vec<Transfer>,
    pub issues: Vec<LineError>,
}

/// Counts over everything read so far, for the import summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadStats {
    pub records: u64,
    pub accepted: u64,
    pub errors: u64,
    pub warnings: u64,
    /// Rows whose timestamp is earlier than an earlier row's (kept; the ledger sorts).
    pub out_of_order: u64,
    /// AMLworld amounts rounded to the currency's minor unit.
    pub rounded: u64,
}

/// Warnings of one kind beyond this many are counted but not listed.
const WARNINGS_LISTED_PER_KIND: u64 = 100;

struct NativeLayout {
    tx_id: usize,
    timestamp: usize,
    from: usize,
    to: usize,
    amount: usize,
    currency: usize,
    channel: usize,
    received_amount: Option<usize>,
    received_currency: Option<usize>,
    extra: Vec<(usize, Arc<str>)>,
}

enum Layout {
    Native(NativeLayout),
    AmlWorld { extra_names: [Arc<str>; 3] },
}

/// Reads a ledger file record by record, memory-bounded by the batch size.
/// One record buffer is reused for every line (no allocation per line but
/// the transfer's own strings).
pub struct LedgerReader<R: Read> {
    file: Arc<str>,
    reader: csv::Reader<R>,
    record: csv::StringRecord,
    layout: Layout,
    stats: ReadStats,
    latest: Option<DateTime<Utc>>,
}

const NATIVE_COLUMNS: [&str; 7] = ["tx_id", "timestamp", "from_account", "to_account", "amount", "currency", "channel"];

impl<R: Read> LedgerReader<R> {
    /// Reads and checks the header; a bad header is the only fatal error.
    pub fn new(input: R, file: &str, format: LedgerFormat) -> Result<Self, LineError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
        let header_error = |reason: String| LineError::new(file, 1, "header", reason, Severity::Error);
        let headers = reader.headers().map_err(|error| header_error(error.to_string()))?.clone();
        let layout = match format {
            LedgerFormat::Native => {
                let find = |name: &str| headers.iter().position(|header| header.trim().eq_ignore_ascii_case(name));
                let mut positions = [0usize; 7];
                for (slot, name) in positions.iter_mut().zip(NATIVE_COLUMNS) {
                    *slot = find(name).ok_or_else(|| {
                        header_error(format!("missing column `{name}` (expected {})", NATIVE_COLUMNS.join(",")))
                    })?;
                }
                let received_amount = find("received_amount");
                let received_currency = find("received_currency");
                if received_amount.is_some() != received_currency.is_some() {
                    return Err(header_error(
                        "conversion legs need both `received_amount` and `received_currency`".into(),
                    ));
                }
                let interpreted: Vec<usize> =
                    positions.iter().copied().chain(received_amount).chain(received_currency).collect();
                let extra = headers
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| !interpreted.contains(index))
                    .map(|(index, name)| (index, Arc::from(name.trim())))
                    .collect();
                let [tx_id, timestamp, from, to, amount, currency, channel] = positions;
                Layout::Native(NativeLayout {
                    tx_id,
                    timestamp,
                    from,
                    to,
                    amount,
                    currency,
                    channel,
                    received_amount,
                    received_currency,
                    extra,
                })
            }
            LedgerFormat::AmlWorld => {
                let expected = [
                    "Timestamp",
                    "From Bank",
                    "Account",
                    "To Bank",
                    "Account",
                    "Amount Received",
                    "Receiving Currency",
                    "Amount Paid",
                    "Payment Currency",
                    "Payment Format",
                    "Is Laundering",
                ];
                let matches = headers.len() >= expected.len()
                    && expected.iter().zip(headers.iter()).all(|(want, got)| want.eq_ignore_ascii_case(got.trim()));
                if !matches {
                    return Err(header_error(format!("not an AMLworld header (expected {})", expected.join(","))));
                }
                Layout::AmlWorld {
                    extra_names: [Arc::from("from_bank"), Arc::from("to_bank"), Arc::from("is_laundering")],
                }
            }
        };
        Ok(LedgerReader {
            file: Arc::from(file),
            reader,
            record: csv::StringRecord::new(),
            layout,
            stats: ReadStats::default(),
            latest: None,
        })
    }

    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// Reads up to `max` records; `None` at the end of the file.
    pub fn next_batch(&mut self, max: usize) -> Option<Batch> {
        // Sized up front: growing a batch of thousands by doubling copied it
        // several times into freshly zeroed pages.
        let mut batch = Batch { transfers: Vec::with_capacity(max.min(1 << 16)), issues: Vec::new() };
        let mut read = 0;
        while read < max {
            let record = &mut self.record;
            let result = self.reader.read_record(record);
            if matches!(result, Ok(false)) {
                break;
            }
            read += 1;
            self.stats.records += 1;
            match result {
                Ok(_) => {}
                Err(error) => {
                    let line = error.position().map_or(0, |position| position.line());
                    self.push_issue(&mut batch, line, "record", error.to_string(), Severity::Error);
                    continue;
                }
            };
            let line = record.position().map_or(0, |position| position.line());
            let parsed = match &self.layout {
                Layout::Native(layout) => native(layout, record, line),
                Layout::AmlWorld { extra_names } => amlworld(extra_names, record, line).map(|(transfer, rounded)| {
                    self.stats.rounded += u64::from(rounded);
                    transfer
                }),
            };
            match parsed {
                Ok(transfer) => {
                    if self.latest.is_some_and(|latest| transfer.timestamp < latest) {
                        self.stats.out_of_order += 1;
                        if self.stats.out_of_order <= WARNINGS_LISTED_PER_KIND {
                            let reason = "earlier than a previous row; kept, the ledger orders by time";
                            self.push_issue(&mut batch, line, "timestamp", reason.into(), Severity::Warning);
                        } else {
                            self.stats.warnings += 1;
                        }
                    } else {
                        self.latest = Some(transfer.timestamp);
                    }
                    self.stats.accepted += 1;
                    batch.transfers.push(transfer);
                }
                Err((field, reason)) => {
                    self.push_issue(&mut batch, line, field, reason, Severity::Error);
                }
            }
        }
        (read > 0).then_some(batch)
    }

    fn push_issue(&mut self, batch: &mut Batch, line: u64, field: &str, reason: String, severity: Severity) {
        match severity {
            Severity::Error => self.stats.errors += 1,
            Severity::Warning => self.stats.warnings += 1,
        }
        batch.issues.push(LineError { file: self.file.clone(), line, field: field.to_owned(), reason, severity });
    }
}

fn native(layout: &NativeLayout, record: &csv::StringRecord, line: u64) -> Result<Transfer, (&'static str, String)> {
    let NativeLayout {
        tx_id,
        timestamp,
        from,
        to,
        amount,
        currency,
        channel,
        received_amount,
        received_currency,
        extra,
    } = layout;
    let field = |index: usize| record.get(index).unwrap_or("").trim();
    let tx_id = non_empty(field(*tx_id), "tx_id")?;
    let timestamp = parse_rfc3339_utc(field(*timestamp))
        .map_err(|error| ("timestamp", format!("{:?} is not an RFC 3339 timestamp ({error})", field(*timestamp))))?;
    let from = non_empty(field(*from), "from_account")?;
    let to = non_empty(field(*to), "to_account")?;
    let amount = positive_amount(field(*amount), field(*currency), "amount", "currency", false)?.0;
    let received = match (received_amount, received_currency) {
        (Some(amount_column), Some(currency_column))
            if !field(*amount_column).is_empty() || !field(*currency_column).is_empty() =>
        {
            let received = positive_amount(
                field(*amount_column),
                field(*currency_column),
                "received_amount",
                "received_currency",
                false,
            )?
            .0;
            (received != amount).then_some(received)
        }
        _ => None,
    };
    Ok(Transfer {
        row: line,
        tx_id: tx_id.to_owned(),
        timestamp,
        from: from.to_owned(),
        to: to.to_owned(),
        amount,
        received,
        channel: field(*channel).to_owned(),
        extra: extra.iter().map(|(index, name)| (name.clone(), field(*index).to_owned())).collect(),
    })
}

/// Parses an RFC 3339 timestamp to UTC. The form ledgers nearly always use,
/// `YYYY-MM-DDTHH:MM:SSZ`, is read by hand (chrono's general parser is a
/// large share of the import's parsing time); anything else, and any
/// fast-path date chrono would judge differently (a leap second, an
/// impossible date), goes to chrono, so both paths accept exactly the same
/// texts with the same result.
pub(crate) fn parse_rfc3339_utc(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    if let Some(time) = utc_seconds_form(text.as_bytes()) {
        return Ok(time);
    }
    DateTime::parse_from_rfc3339(text).map(|time| time.with_timezone(&Utc))
}

fn utc_seconds_form(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', i0, i1, b':', s0, s1, b'Z'] = *bytes else {
        return None;
    };
    let digit = |byte: u8| byte.is_ascii_digit().then(|| u32::from(byte - b'0'));
    let two = |high: u8, low: u8| Some(digit(high)? * 10 + digit(low)?);
    let year = two(y0, y1)? * 100 + two(y2, y3)?;
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, two(m0, m1)?, two(d0, d1)?)?;
    let time = date.and_hms_opt(two(h0, h1)?, two(i0, i1)?, two(s0, s1)?)?;
    Some(time.and_utc())
}

/// Parses one AMLworld record; the bool says whether an amount was rounded.
fn amlworld(
    extra_names: &[Arc<str>; 3],
    record: &csv::StringRecord,
    line: u64,
) -> Result<(Transfer, bool), (&'static str, String)> {
    let field = |index: usize| record.get(index).unwrap_or("").trim();
    let timestamp = NaiveDateTime::parse_from_str(field(0), "%Y/%m/%d %H:%M")
        .map(|naive| naive.and_utc())
        .map_err(|_| ("Timestamp", format!("{:?} is not a timestamp like 2022/09/01 00:20", field(0))))?;
    let from_bank = non_empty(field(1), "From Bank")?;
    let from_account = non_empty(field(2), "Account")?;
    let to_bank = non_empty(field(3), "To Bank")?;
    let to_account = non_empty(field(4), "Account")?;
    let (received, rounded_received) =
        positive_amount(field(5), field(6), "Amount Received", "Receiving Currency", true)?;
    let (paid, rounded_paid) = positive_amount(field(7), field(8), "Amount Paid", "Payment Currency", true)?;
    let extra = vec![
        (extra_names[0].clone(), from_bank.to_owned()),
        (extra_names[1].clone(), to_bank.to_owned()),
        (extra_names[2].clone(), field(10).to_owned()),
    ];
    Ok((
        Transfer {
            row: line,
            tx_id: (line - 1).to_string(),
            timestamp,
            from: format!("{from_bank}:{from_account}"),
            to: format!("{to_bank}:{to_account}"),
            amount: paid,
            received: (received != paid).then_some(received),
            channel: field(9).to_ascii_lowercase(),
            extra,
        },
        rounded_paid || rounded_received,
    ))
}

fn non_empty<'a>(text: &'a str, field: &'static str) -> Result<&'a str, (&'static str, String)> {
    if text.is_empty() { Err((field, "empty".to_owned())) } else { Ok(text) }
}

/// AMLworld's currency names, with the codes they stand for.
const AMLWORLD_CURRENCIES: [(&str, &str); 15] = [
    ("US Dollar", "USD"),
    ("Euro", "EUR"),
    ("Yuan", "CNY"),
    ("Yen", "JPY"),
    ("Rupee", "INR"),
    ("Ruble", "RUB"),
    ("UK Pound", "GBP"),
    ("Canadian Dollar", "CAD"),
    ("Australian Dollar", "AUD"),
    ("Swiss Franc", "CHF"),
    ("Mexican Peso", "MXN"),
    ("Brazil Real", "BRL"),
    ("Shekel", "ILS"),
    ("Saudi Riyal", "SAR"),
    ("Bitcoin", "BTC"),
];

/// A currency by code, or by AMLworld name. The last few answers are cached
/// per thread: a ledger repeats a handful of currencies millions of times.
pub fn currency_by_name(text: &str) -> Option<Currency> {
    thread_local! {
        static RECENT: std::cell::RefCell<Vec<(Box<str>, Currency)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let cached = RECENT.with(|recent| recent.borrow().iter().find(|(name, _)| &**name == text).map(|(_, c)| *c));
    if cached.is_some() {
        return cached;
    }
    let found = lookup_currency(text);
    if let Some(currency) = found {
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            if recent.len() >= 16 {
                recent.remove(0);
            }
            recent.push((text.into(), currency));
        });
    }
    found
}

fn lookup_currency(text: &str) -> Option<Currency> {
    Currency::from_code(text).or_else(|| {
        AMLWORLD_CURRENCIES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text.trim()))
            .and_then(|(_, code)| Currency::from_code(code))
    })
}

/// Parses a strictly positive amount; with `round`, extra decimals are rounded
/// half to even (the bool says whether that happened) instead of rejected.
fn positive_amount(
    amount: &str,
    currency: &str,
    amount_field: &'static str,
    currency_field: &'static str,
    round: bool,
) -> Result<(Money, bool), (&'static str, String)> {
    let currency = currency_by_name(currency)
        .ok_or_else(|| (currency_field, MoneyError::UnknownCurrency(currency.to_owned()).to_string()))?;
    let (money, rounded) = match Money::parse(amount, currency) {
        Ok(money) => (money, false),
        Err(MoneyError::TooManyDecimals { .. }) if round => {
            (round_half_even(amount, currency).map_err(|error| (amount_field, error.to_string()))?, true)
        }
        Err(error) => return Err((amount_field, error.to_string())),
    };
    if money.minor() <= 0 {
        return Err((amount_field, format!("{amount:?} is not positive; a transfer moves a positive amount")));
    }
    Ok((money, rounded))
}

/// Rounds a decimal string half to even at the currency's minor unit, exactly.
fn round_half_even(amount: &str, currency: Currency) -> Result<Money, MoneyError> {
    let text = amount.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let allowed = usize::from(currency.minor_units());
    let kept = &fraction[..allowed.min(fraction.len())];
    let dropped = fraction.get(allowed..).unwrap_or("");
    let truncated = Money::parse(&format!("{whole}.{kept}0"), currency)?;
    let first = dropped.bytes().next().unwrap_or(b'0');
    let rest_nonzero = dropped.bytes().skip(1).any(|byte| byte != b'0');
    let odd = truncated.minor() % 2 != 0;
    let up = first > b'5' || (first == b'5' && (rest_nonzero || odd));
    let step = if truncated.minor() < 0 { -1 } else { 1 };
    let minor = if up {
        truncated.minor().checked_add(step).ok_or_else(|| MoneyError::Overflow(amount.to_owned()))?
    } else {
        truncated.minor()
    };
    Ok(Money::new(minor, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, format: LedgerFormat) -> (Vec<Transfer>, Vec<LineError>, ReadStats) {
        let mut reader = LedgerReader::new(text.as_bytes(), "ledger.csv", format).expect("header ok");
        let mut transfers = Vec::new();
        let mut issues = Vec::new();
        while let Some(batch) = reader.next_batch(2) {
            transfers.extend(batch.transfers);
            issues.extend(batch.issues);
        }
        (transfers, issues, reader.stats().clone())
    }

    fn check_issue(text: &str, field: &str, fragment: &str) {
        let full = format!("tx_id,timestamp,from_account,to_account,amount,currency,channel\n{text}\n");
        let (transfers, issues, _) = read_all(&full, LedgerFormat::Native);
        assert!(transfers.is_empty(), "{text} was accepted");
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!((issues[0].line, issues[0].field.as_str()), (2, field), "{text}");
        assert!(issues[0].reason.contains(fragment), "{:?} lacks {fragment:?}", issues[0].reason);
    }

    #[test]
    fn native_rows_parse_exactly_and_keep_extra_columns() {
        let text = "tx_id,timestamp,from_account,to_account,amount,currency,channel,memo\n\
                    t1,2024-03-01T10:00:00Z,A,B,100.5,USD,wire,rent\n\
                    t2,2024-03-01T12:00:00+07:00,B,C,1000,JPY,cash,\n";
        let (transfers, issues, stats) = read_all(text, LedgerFormat::Native);
        let issues: Vec<_> = issues.iter().map(|i| (i.line, i.field.as_str(), i.severity)).collect();
        assert_eq!(issues, [(3, "timestamp", Severity::Warning)]);
        assert_eq!(transfers.len(), 2);
        assert_eq!(transfers[0].amount.minor(), 10050);
        assert_eq!(transfers[0].extra, vec![(Arc::from("memo"), "rent".to_owned())]);
        assert_eq!(transfers[1].timestamp.to_rfc3339(), "2024-03-01T05:00:00+00:00");
        assert_eq!(transfers[1].row, 3);
        assert_eq!(stats.out_of_order, 1);
    }

    #[test]
    fn bad_native_rows_name_their_field() {
        check_issue("t1,2024-03-01,A,B,1,USD,wire", "timestamp", "RFC 3339");
        check_issue("t1,2024-03-01T10:00:00Z,A,B,0,USD,wire", "amount", "not positive");
        check_issue("t1,2024-03-01T10:00:00Z,A,B,-5,USD,wire", "amount", "not positive");
        check_issue("t1,2024-03-01T10:00:00Z,A,B,1.001,USD,wire", "amount", "more decimals");
        check_issue("t1,2024-03-01T10:00:00Z,A,B,1,XXX,wire", "currency", "not a known currency");
        check_issue("t1,2024-03-01T10:00:00Z,,B,1,USD,wire", "from_account", "empty");
        check_issue(",2024-03-01T10:00:00Z,A,B,1,USD,wire", "tx_id", "empty");
    }

    #[test]
    fn conversion_columns_make_a_conversion_leg() {
        let text = "tx_id,timestamp,from_account,to_account,amount,currency,channel,received_amount,received_currency\n\
                    c1,2024-03-01T10:00:00Z,A,X,500,USD,wire,0.01,BTC\n\
                    c2,2024-03-01T10:00:00Z,A,X,500,USD,wire,,\n";
        let (transfers, issues, _) = read_all(text, LedgerFormat::Native);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(transfers[0].credited().decimal(), "0.01000000");
        assert_eq!(transfers[0].credited().currency().code(), "BTC");
        assert_eq!(transfers[1].received, None);
    }

    #[test]
    fn missing_native_column_is_a_header_error() {
        let error = LedgerReader::new("tx_id,timestamp\n".as_bytes(), "l.csv", LedgerFormat::Native)
            .err()
            .expect("header lacks columns");
        assert!(error.reason.contains("from_account"), "{error}");
    }

    #[test]
    fn amlworld_rows_map_names_banks_and_rounding() {
        let text = "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering\n\
                    2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,Reinvestment,0\n\
                    2022/09/01 00:21,0001,8000F4580,0002,8000F5AD0,1234.50,Yen,1234.50,Yen,Cheque,1\n\
                    2022/09/01 00:22,0001,8000F4580,0002,8000F5AD0,0.01,Bitcoin,350.00,Euro,Bitcoin,0\n\
                    2022/09/01 00:22,0001,8000F4580,0002,8000F5AD0,1,Zorkmid,1,Euro,Wire,0\n";
        let (transfers, issues, stats) = read_all(text, LedgerFormat::AmlWorld);
        assert_eq!(transfers.len(), 3);
        assert_eq!(transfers[0].tx_id, "1");
        assert_eq!(transfers[0].from, "010:8000EBD30");
        assert_eq!(transfers[0].channel, "reinvestment");
        assert_eq!(transfers[1].amount.decimal(), "1234", "half to even");
        assert_eq!(transfers[2].amount.decimal(), "350.00");
        assert_eq!(transfers[2].credited().decimal(), "0.01000000");
        assert_eq!(stats.rounded, 1);
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].line, issues[0].field.as_str()), (5, "Receiving Currency"));
    }

    #[test]
    fn the_timestamp_fast_path_agrees_with_chrono() {
        for text in [
            "2024-03-01T10:00:00Z",
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2016-12-31T23:59:60Z",
            "2024-03-01T10:00:00z",
            "2024-03-01T10:00:00.250Z",
            "2024-03-01T10:00:00+07:00",
            "2024-0a-01T10:00:00Z",
            "+024-03-01T10:00:00Z",
            "2024-03-01",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text).map(|time| time.with_timezone(&Utc)).ok();
            assert_eq!(parse_rfc3339_utc(text).ok(), chrono, "{text}");
        }
        assert!(utc_seconds_form(b"2024-03-01T10:00:00Z").is_some(), "the common form takes the fast path");
    }

    #[test]
    fn rounds_half_to_even() {
        let jpy = Currency::from_code("JPY").expect("JPY");
        let check = |text: &str, expected: i64| {
            assert_eq!(round_half_even(text, jpy).expect(text).minor(), expected, "{text}");
        };
        check("2.5", 2);
        check("3.5", 4);
        check("2.51", 3);
        check("2.49", 2);
        check("7", 7);
    }
}
