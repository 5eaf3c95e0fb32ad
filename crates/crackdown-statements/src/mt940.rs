//! SWIFT MT940 (customer statement) and MT942 (interim transaction report),
//! read line by line from a buffered reader, so a file of any size is read in
//! constant memory.
//!
//! Accepted around the fields: `{1:…}{2:…}{4:` envelopes and their `-}`
//! trailers, bank header lines (`ABNANL2A`, `940`, `:940:`), blank lines, a
//! missing final line break, several messages and accounts per file, UTF-8
//! or Latin-1/CP1252 text and stray control bytes. Each `:20:` starts a
//! statement; it ends at the message trailer `-`, the next `:20:` or the end
//! of the file.

use std::io::BufRead;

use chrono::NaiveDate;
use crackdown_model::{Currency, Money};

use crate::emit::{Emitter, check_balances};
use crate::model::{Balance, BalanceCheck, Entry, Format, Location, Mark, Party, PartySource, Statement};
use crate::mt86;
use crate::text::{decode, is_iban_shaped, is_utf8, non_empty, normalize_account};

/// A field longer than this (bytes, all its lines) is cut and reported: a
/// hostile file cannot grow one field without bound.
const MAX_FIELD_BYTES: usize = 64 * 1024;
/// A line longer than this is cut and reported.
const MAX_LINE_BYTES: usize = 16 * 1024;

/// One tag with its lines, as read.
struct Field {
    tag: String,
    line: u64,
    lines: Vec<String>,
    bytes: usize,
}

/// A `:61:` waiting for its `:86:`.
struct PendingEntry {
    entry: Entry,
    details: Vec<String>,
    supplementary: Option<String>,
}

struct OpenStatement {
    statement: Statement,
    currency: Option<Currency>,
    entries_sum: i128,
    foreign_entries: u32,
    pending: Option<PendingEntry>,
    /// MT942 `:90D:`/`:90C:` (count, sum) of debits and credits.
    declared_debits: Option<(u64, Money)>,
    declared_credits: Option<(u64, Money)>,
    debits: (u64, i128),
    credits: (u64, i128),
}

pub(crate) fn read(input: &mut dyn BufRead, format: Format, emit: &mut Emitter<'_>) -> std::io::Result<()> {
    let mut reader = Reader { emit, format, field: None, open: None, latin1_reported: false };
    let mut buffer = Vec::with_capacity(256);
    let mut line_number = 0u64;
    loop {
        buffer.clear();
        let read = read_line_bounded(input, &mut buffer)?;
        if read == 0 {
            break;
        }
        line_number += 1;
        if read > MAX_LINE_BYTES {
            reader.emit.warning(
                Location::line(line_number),
                "line",
                format!("{read} bytes long; cut to {MAX_LINE_BYTES}"),
            );
        }
        while matches!(buffer.last(), Some(b'\n' | b'\r')) {
            buffer.pop();
        }
        if !reader.latin1_reported && !is_utf8(&buffer) {
            reader.latin1_reported = true;
            reader.emit.warning(Location::line(line_number), "encoding", "not UTF-8; read as Latin-1/Windows-1252");
        }
        let text = decode(&buffer);
        reader.line(&text, line_number);
    }
    reader.finish_field();
    reader.close_statement(line_number + 1, None);
    Ok(())
}

/// Reads one line but keeps at most `MAX_LINE_BYTES` of it, returning the
/// full length read (0 at the end of input).
fn read_line_bounded(input: &mut dyn BufRead, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(total);
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(buffer.len());
        buffer.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        total += used;
        input.consume(used);
        if done {
            return Ok(total);
        }
    }
}

struct Reader<'e, 'a> {
    emit: &'e mut Emitter<'a>,
    format: Format,
    field: Option<Field>,
    open: Option<OpenStatement>,
    latin1_reported: bool,
}

/// `:20:`, `:60F:`, `:NS:` at the start of a line: the tag without colons.
fn tag_of(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let bytes = tag.as_bytes();
    let is_tag = match bytes.len() {
        2 => bytes.iter().all(u8::is_ascii_digit) || tag == "NS",
        3 => bytes[..2].iter().all(u8::is_ascii_digit) && bytes[2].is_ascii_uppercase(),
        _ => false,
    };
    is_tag.then(|| (tag, &rest[end + 1..]))
}

impl Reader<'_, '_> {
    fn line(&mut self, text: &str, line: u64) {
        let mut text = text;
        // SWIFT envelope: `{1:F01…}{2:O940…}{4:` then fields, `-}` at the end.
        if let Some(at) = text.as_bytes().contains(&b'{').then(|| text.find("{4:")).flatten() {
            self.finish_field();
            self.close_statement(line, None);
            text = &text[at + 3..];
        }
        let trimmed = text.trim_end();
        if trimmed == "-" || trimmed.starts_with("-}") || trimmed == "}" {
            self.finish_field();
            self.close_statement(line, None);
            return;
        }
        if let Some((tag, value)) = tag_of(text) {
            self.finish_field();
            self.field = Some(Field { tag: tag.to_owned(), line, bytes: value.len(), lines: vec![value.to_owned()] });
            return;
        }
        if trimmed.is_empty() {
            return;
        }
        match &mut self.field {
            Some(field) if field.bytes + text.len() <= MAX_FIELD_BYTES => {
                field.bytes += text.len();
                field.lines.push(text.to_owned());
            }
            Some(field) => {
                let tag = field.tag.clone();
                self.emit.warning(
                    Location::line(line),
                    &format!(":{tag}:"),
                    format!("field longer than {MAX_FIELD_BYTES} bytes; the rest is dropped"),
                );
            }
            // Lines outside any field: bank headers (`ABNANL2A`, `940`, `:940:`).
            None => {}
        }
    }

    fn finish_field(&mut self) {
        let Some(field) = self.field.take() else { return };
        let location = Location::line(field.line);
        let first = field.lines.first().map(String::as_str).unwrap_or("").trim();
        match field.tag.as_str() {
            "20" => {
                self.close_statement(field.line, Some(field.line));
                let index = self.emit.next_statement_index();
                self.open = Some(OpenStatement {
                    statement: Statement {
                        index,
                        format: self.format,
                        id: first.to_owned(),
                        location,
                        ..empty_statement()
                    },
                    currency: None,
                    entries_sum: 0,
                    foreign_entries: 0,
                    pending: None,
                    declared_debits: None,
                    declared_credits: None,
                    debits: (0, 0),
                    credits: (0, 0),
                });
            }
            tag => {
                let Some(open) = self.open.as_mut() else {
                    self.emit.error(
                        location,
                        &format!(":{tag}:"),
                        "field outside a statement (no :20: before it); ignored",
                    );
                    return;
                };
                match tag {
                    "21" | "13D" | "13" => {}
                    "25" => open.statement.account = normalize_account(first),
                    "28" | "28C" => open.statement.number = non_empty(first),
                    "60F" | "60M" | "62F" | "62M" | "64" | "65" => match parse_balance(tag, first) {
                        Ok(balance) => {
                            let currency = balance.amount.currency();
                            match tag {
                                "60F" | "60M" => {
                                    open.currency = Some(currency);
                                    open.statement.currency = Some(currency);
                                    open.statement.opening = Some(balance);
                                }
                                "62F" | "62M" => {
                                    open.currency.get_or_insert(currency);
                                    open.statement.currency.get_or_insert(currency);
                                    open.statement.closing = Some(balance);
                                }
                                _ => open.statement.other_balances.push(balance),
                            }
                        }
                        Err(reason) => self.emit.error(location, &format!(":{tag}:"), reason),
                    },
                    "34F" => {
                        // Floor limit: `EUR0,` or `EURD100,`: its currency is the report's.
                        let code = first.get(..3).unwrap_or("");
                        match Currency::from_code(code) {
                            Some(currency) => {
                                open.currency.get_or_insert(currency);
                                open.statement.currency.get_or_insert(currency);
                            }
                            None => self.emit.error(location, ":34F:", format!("{code:?} is not a currency")),
                        }
                    }
                    "90D" | "90C" => match parse_count_sum(first) {
                        Ok(declared) => {
                            if tag == "90D" {
                                open.declared_debits = Some(declared);
                            } else {
                                open.declared_credits = Some(declared);
                            }
                        }
                        Err(reason) => self.emit.error(location, &format!(":{tag}:"), reason),
                    },
                    "61" => {
                        self.flush_entry();
                        self.statement_line(&field);
                    }
                    "86" | "NS" => {
                        // Without a pending :61: it is statement-level information: nothing to book.
                        if let Some(pending) = open.pending.as_mut() {
                            pending.details.extend(field.lines);
                        }
                    }
                    other => self.emit.warning(location, &format!(":{other}:"), "unknown tag; ignored"),
                }
            }
        }
    }

    fn statement_line(&mut self, field: &Field) {
        let location = Location::line(field.line);
        let Some(open) = self.open.as_mut() else { return };
        let first = field.lines.first().map(String::as_str).unwrap_or("");
        let Some(currency) = open.currency else {
            self.emit.error(
                location,
                ":61:",
                "no currency known yet (opening balance :60F: or :34F: missing); entry skipped",
            );
            return;
        };
        match parse_statement_line(first, currency) {
            Ok(line) => {
                open.statement.entry_count += 1;
                let entry = Entry {
                    statement: open.statement.index,
                    number: open.statement.entry_count,
                    part: None,
                    location,
                    booking_date: line.entry_date,
                    value_date: Some(line.value_date),
                    time: None,
                    mark: line.mark,
                    amount: line.amount,
                    type_code: non_empty(&line.type_code),
                    reference: line.reference,
                    end_to_end: None,
                    bank_reference: line.bank_reference,
                    counterparty: Party::default(),
                    transfer: None,
                    remittance: None,
                };
                let supplementary = field.lines.get(1..).map(|rest| rest.join(" ")).and_then(|text| non_empty(&text));
                open.pending = Some(PendingEntry { entry, details: Vec::new(), supplementary });
            }
            Err(reason) => self.emit.error(location, ":61:", format!("{reason}; entry skipped")),
        }
    }

    /// Completes the pending entry with its `:86:` and emits it.
    fn flush_entry(&mut self) {
        let Some(open) = self.open.as_mut() else { return };
        let Some(pending) = open.pending.take() else { return };
        let mut entry = pending.entry;
        let details = mt86::parse(&pending.details, &open.statement.account);
        entry.counterparty = details.counterparty;
        entry.remittance = details.remittance;
        entry.end_to_end = details.end_to_end;
        if entry.type_code.is_none() {
            entry.type_code = details.type_code;
        }
        // Rabobank and others put the counterparty's IBAN on the :61: line's
        // second line (supplementary details).
        if let Some(supplementary) = pending.supplementary {
            let account = normalize_account(&supplementary);
            if entry.counterparty.source != PartySource::Structured && is_iban_shaped(&account) {
                entry.counterparty.account = Some(account);
                entry.counterparty.source = PartySource::Structured;
            } else if entry.remittance.is_none() {
                entry.remittance = Some(supplementary);
            }
        }
        let signed = i128::from(entry.signed_minor());
        if Some(entry.amount.currency()) == open.currency {
            open.entries_sum += signed;
        } else {
            open.foreign_entries += 1;
        }
        if entry.mark.sign() < 0 {
            open.debits.0 += 1;
            open.debits.1 += i128::from(entry.amount.minor());
        } else {
            open.credits.0 += 1;
            open.credits.1 += i128::from(entry.amount.minor());
        }
        self.emit.entry(entry);
    }

    /// Ends the open statement: checks and emits it. `next_start` is the line
    /// of a `:20:` that interrupts it, for the message about a missing trailer.
    fn close_statement(&mut self, line: u64, next_start: Option<u64>) {
        self.flush_entry();
        let Some(mut open) = self.open.take() else { return };
        let declared_check = check_declared_sums(&open);
        let mut statement = std::mem::replace(&mut open.statement, empty_statement());
        let tag = |format| if format == Format::Mt942 { "" } else { " :62F:/:62M:" };
        if statement.account.is_empty() {
            self.emit.error(statement.location.clone(), ":25:", "statement without account identification :25:");
        }
        if self.format == Format::Mt940 && statement.closing.is_none() {
            let why = match next_start {
                Some(next) => {
                    format!("no closing balance{} before the next statement at line {next}", tag(self.format))
                }
                None => format!("no closing balance{} before line {line}: file truncated?", tag(self.format)),
            };
            self.emit.error(statement.location.clone(), ":62F:", why);
        }
        statement.check = if statement.opening.is_some() || statement.closing.is_some() {
            check_balances(
                statement.opening.as_ref(),
                statement.closing.as_ref(),
                open.entries_sum,
                open.foreign_entries,
            )
        } else {
            declared_check
        };
        self.emit.statement(statement);
    }
}

fn empty_statement() -> Statement {
    Statement {
        index: 0,
        format: Format::Mt940,
        id: String::new(),
        number: None,
        location: Location::default(),
        account: String::new(),
        owner: None,
        servicer: None,
        currency: None,
        opening: None,
        closing: None,
        other_balances: Vec::new(),
        entry_count: 0,
        check: BalanceCheck::NotChecked { reason: String::new() },
        entries: Vec::new(),
    }
}

/// MT942 states the number and sum of its debit and credit entries; compare.
fn check_declared_sums(open: &OpenStatement) -> BalanceCheck {
    let mut difference: i128 = 0;
    let mut checked = false;
    for (declared, (count, sum)) in [(open.declared_debits, open.debits), (open.declared_credits, open.credits)] {
        if let Some((declared_count, declared_sum)) = declared {
            checked = true;
            if declared_count != count || i128::from(declared_sum.minor()) != sum {
                difference += i128::from(declared_sum.minor()) - sum;
                if difference == 0 {
                    difference = 1; // the counts differ even though the sums agree
                }
            }
        }
    }
    if !checked {
        return BalanceCheck::NotChecked { reason: "no balances and no :90D:/:90C: sums".into() };
    }
    match i64::try_from(difference) {
        Ok(0) => BalanceCheck::Balanced,
        Ok(difference) => BalanceCheck::Mismatch { difference },
        Err(_) => BalanceCheck::Mismatch { difference: i64::MAX },
    }
}

/// `YYMMDD`, years 80–99 in the 1900s. A day past the month's end (German
/// banks' "30 February" interest dates) is moved to the month's last day.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|part| part.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..2), number(2..4), number(4..6)) else {
        return Err(format!("{text:?} is not a date (YYMMDD)"));
    };
    if !text.as_bytes()[..6].iter().all(u8::is_ascii_digit) {
        return Err(format!("{text:?} is not a date (YYMMDD)"));
    }
    let year = if year >= 80 { 1900 + year } else { 2000 + year } as i32;
    month_day(year, month, day).ok_or_else(|| format!("{text:?} is not a date (YYMMDD)"))
}

fn month_day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    (0..4).find_map(|back| NaiveDate::from_ymd_opt(year, month, day.saturating_sub(back)))
}

/// `C110522EUR3236,28`: mark, date, currency, amount.
fn parse_balance(tag: &str, text: &str) -> Result<Balance, String> {
    let text = text.trim();
    let negative = match text.as_bytes().first() {
        Some(b'C') => false,
        Some(b'D') => true,
        _ => return Err(format!("{text:?}: a balance starts with C or D")),
    };
    let date = parse_date(text.get(1..7).unwrap_or(""))?;
    let code = text.get(7..10).unwrap_or("");
    let currency = Currency::from_code(code).ok_or_else(|| format!("{code:?} is not a currency code"))?;
    let amount = crate::text::parse_swift_amount(text.get(10..).unwrap_or(""), currency)?;
    let minor = if negative { -amount.minor() } else { amount.minor() };
    Ok(Balance { kind: tag.to_owned(), amount: Money::new(minor, currency), date: Some(date) })
}

/// `:90D:`/`:90C:`: `3PLN0,03` — number of entries, currency, sum.
fn parse_count_sum(text: &str) -> Result<(u64, Money), String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let count = text[..digits].parse::<u64>().map_err(|_| format!("{text:?}: no entry count"))?;
    let code = text.get(digits..digits + 3).unwrap_or("");
    let currency = Currency::from_code(code).ok_or_else(|| format!("{code:?} is not a currency code"))?;
    let amount = crate::text::parse_swift_amount(text.get(digits + 3..).unwrap_or(""), currency)?;
    Ok((count, amount))
}

struct StatementLine {
    value_date: NaiveDate,
    entry_date: Option<NaiveDate>,
    mark: Mark,
    amount: Money,
    type_code: String,
    reference: Option<String>,
    bank_reference: Option<String>,
}

/// `:61:` first line: `6!n[4!n]2a[1!a]15d1!a3!c16x[//16x]`.
fn parse_statement_line(text: &str, currency: Currency) -> Result<StatementLine, String> {
    let value_date = parse_date(text.get(..6).ok_or_else(|| format!("{text:?}: no value date"))?)?;
    let mut rest = &text[6..];
    let mut entry_date = None;
    if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        let month = rest[..2].parse::<u32>().unwrap_or(0);
        let day = rest[2..4].parse::<u32>().unwrap_or(0);
        // The entry date has no year: the value date's, or the neighbouring
        // one across a year end.
        let value_month = chrono::Datelike::month(&value_date) as i32;
        let mut year = chrono::Datelike::year(&value_date);
        if month as i32 - value_month > 6 {
            year -= 1;
        } else if value_month - (month as i32) > 6 {
            year += 1;
        }
        entry_date = month_day(year, month, day);
        rest = &rest[4..];
    } else if rest.starts_with("    ") {
        rest = &rest[4..]; // ASN Bank writes spaces for a missing entry date
    }
    let (mark, after) = if let Some(after) = rest.strip_prefix("RC") {
        (Mark::ReversalOfCredit, after)
    } else if let Some(after) = rest.strip_prefix("RD") {
        (Mark::ReversalOfDebit, after)
    } else if let Some(after) = rest.strip_prefix('C') {
        (Mark::Credit, after)
    } else if let Some(after) = rest.strip_prefix('D') {
        (Mark::Debit, after)
    } else {
        return Err(format!("{text:?}: no debit/credit mark (C, D, RC, RD) after the dates"));
    };
    rest = after;
    // Optional funds code: the third letter of the currency code.
    if rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        rest = &rest[1..];
    }
    let amount_length = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b',').count();
    let amount = crate::text::parse_swift_amount(&rest[..amount_length], currency)
        .map_err(|reason| format!("amount: {reason}"))?;
    rest = &rest[amount_length..];
    let type_code = rest.get(..4).unwrap_or(rest).trim().to_owned();
    rest = rest.get(4..).unwrap_or("");
    let (reference, bank_reference) = match rest.split_once("//") {
        Some((reference, bank)) => (reference, Some(bank)),
        None => (rest, None),
    };
    let reference = non_empty(reference).filter(|reference| reference != "NONREF");
    let bank_reference = bank_reference.and_then(non_empty);
    Ok(StatementLine { value_date, entry_date, mark, amount, type_code, reference, bank_reference })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::from_code("EUR").expect("EUR")
    }

    #[test]
    fn statement_lines() {
        let line = parse_statement_line("1105240524D9,N192NONREF", eur()).expect("parses");
        assert_eq!(line.mark, Mark::Debit);
        assert_eq!(line.amount.minor(), 900);
        assert_eq!(line.type_code, "N192");
        assert_eq!(line.reference, None);
        let line =
            parse_statement_line("0709040904RCR204,88NRTIMSGIDCTSc03MintT//R724710290656678", eur()).expect("parses");
        assert_eq!(line.mark, Mark::ReversalOfCredit);
        assert_eq!(line.amount.minor(), 20_488);
        assert_eq!(line.reference.as_deref(), Some("MSGIDCTSc03MintT"));
        assert_eq!(line.bank_reference.as_deref(), Some("R724710290656678"));
        let line = parse_statement_line("1312091209C79,7FMSC01916//NONREF", eur()).expect("parses");
        assert_eq!((line.mark, line.amount.minor(), line.type_code.as_str()), (Mark::Credit, 7970, "FMSC"));
        let across_year = parse_statement_line("1712310102D1,NTRF", eur()).expect("parses");
        assert_eq!(across_year.entry_date, NaiveDate::from_ymd_opt(2018, 1, 2));
        assert!(parse_statement_line("1105240524X9,N192", eur()).is_err());
        assert!(parse_statement_line("11052", eur()).is_err());
    }

    #[test]
    fn balances_and_february_30() {
        let balance = parse_balance("60F", "D070903EUR1234718,36").expect("parses");
        assert_eq!(balance.amount.minor(), -123_471_836);
        assert_eq!(parse_date("150230"), Ok(NaiveDate::from_ymd_opt(2015, 2, 28).expect("date")));
        assert!(parse_date("151301").is_err());
        assert!(parse_balance("60F", "X070903EUR1,").is_err());
        assert!(parse_balance("60F", "C070903XYZ1,").is_err());
    }
}
