//! ISO 20022 camt.053 (statement), camt.052 (account report) and camt.054
//! (debit/credit notification), any version (`camt.05x.001.02` to the
//! current), streamed with quick-xml: one entry at a time, never a document
//! tree.
//!
//! Hostile XML is refused rather than expanded: a document type declaration
//! (where entities would be defined) stops the file, undefined entities are
//! errors, nesting deeper than [`MAX_DEPTH`] stops the file, and no single
//! text or tag may exceed [`crate::xml_guard::MAX_MARKUP_BYTES`] (the reader is wrapped so
//! quick-xml never buffers more than that).
//!
//! Batched entries (one `Ntry` with several `TxDtls`, a salary run or a
//! collection) become one entry per transaction when the transactions'
//! amounts add up to the entry's; otherwise one entry with the booked amount.

use std::io::BufRead;

use chrono::{DateTime, NaiveDate, Utc};
use crackdown_model::{Currency, Money};
use quick_xml::events::Event as XmlEvent;

use crate::emit::{Emitter, check_balances};
use crate::model::{Balance, BalanceCheck, Entry, Format, Location, Mark, Party, PartySource, Statement};
use crate::text::{decode, non_empty, normalize_account};
use crate::xml_guard::Guarded;

/// Deeper nesting than any camt message has (they stay under 15 levels).
pub const MAX_DEPTH: usize = 64;
/// Text of one field beyond this is cut (a remittance line is at most 140).
const MAX_FIELD_CHARS: usize = 4096;

#[derive(Default)]
struct PartyState {
    name: Option<String>,
    account: Option<String>,
    bic: Option<String>,
}

#[derive(Default)]
struct TxState {
    amount: Option<(String, Option<String>)>,
    transaction_amount: Option<(String, Option<String>)>,
    end_to_end: Option<String>,
    servicer_reference: Option<String>,
    transaction_id: Option<String>,
    debtor: PartyState,
    creditor: PartyState,
    ultimate_debtor: Option<String>,
    ultimate_creditor: Option<String>,
    unstructured: Vec<String>,
    structured_reference: Option<String>,
    additional: Option<String>,
}

#[derive(Default)]
struct EntryState {
    index: u32,
    line: u64,
    amount: Option<(String, Option<String>)>,
    credit_debit: Option<String>,
    reversal: bool,
    status: Option<String>,
    booking: Option<String>,
    value: Option<String>,
    servicer_reference: Option<String>,
    domain: Vec<String>,
    proprietary_code: Option<String>,
    additional: Option<String>,
    details: Vec<TxState>,
}

#[derive(Default)]
struct BalanceState {
    code: Option<String>,
    amount: Option<(String, Option<String>)>,
    credit_debit: Option<String>,
    date: Option<String>,
}

struct StatementState {
    statement: Statement,
    path: String,
    entries: u32,
    entries_sum: i128,
    foreign_entries: u32,
    account_currency: Option<Currency>,
}

pub(crate) fn read(input: &mut dyn BufRead, emit: &mut Emitter<'_>) -> std::io::Result<()> {
    let mut guarded = Guarded::new(input);
    let mut reader = quick_xml::Reader::from_reader(&mut guarded);
    reader.config_mut().check_end_names = true;
    let mut state = CamtReader::default();
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let event = reader.read_event_into(&mut buffer);
        let position = reader.buffer_position();
        // Lines are counted only where something records one.
        let needs_line = match &event {
            Ok(XmlEvent::Start(start)) => {
                matches!(local_name(start.name().as_ref()), b"Ntry" | b"Stmt" | b"Rpt" | b"Ntfctn")
            }
            Ok(XmlEvent::Text(_) | XmlEvent::End(_) | XmlEvent::Empty(_)) => false,
            _ => true,
        };
        let line = if needs_line || reader.get_ref().check().is_err() { reader.get_mut().line_now() } else { 0 };
        if let Err(reason) = reader.get_ref().check() {
            state.fail(emit, line, position, &reason);
            break;
        }
        match event {
            Ok(XmlEvent::Start(start)) => {
                if let Err(reason) = state.start(&start, line, emit) {
                    state.fail(emit, line, position, &reason);
                    break;
                }
            }
            Ok(XmlEvent::Empty(start)) => {
                if let Err(reason) = state.start(&start, line, emit) {
                    state.fail(emit, line, position, &reason);
                    break;
                }
                state.end(emit);
            }
            Ok(XmlEvent::End(_)) => state.end(emit),
            Ok(XmlEvent::Text(text)) => {
                // Indentation before an element's content is not content.
                if !(state.text.is_empty() && text.iter().all(u8::is_ascii_whitespace)) {
                    state.push_text(&decode(&text));
                }
            }
            Ok(XmlEvent::CData(text)) => state.push_text(&decode(&text)),
            Ok(XmlEvent::GeneralRef(reference)) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => Some(character),
                    Ok(None) => match &*reference {
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"amp" => Some('&'),
                        b"apos" => Some('\''),
                        b"quot" => Some('"'),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match resolved {
                    Some(character) => state.push_text(character.encode_utf8(&mut [0; 4])),
                    None => {
                        let name = decode(&reference).into_owned();
                        emit.error(
                            state.location(line),
                            &state.element(),
                            format!("undefined entity &{name}; (entities are never expanded)"),
                        );
                    }
                }
            }
            Ok(XmlEvent::DocType(_)) => {
                state.fail(emit, line, position, "document type declaration refused: camt needs none, and entity definitions in it are how XML bombs expand");
                break;
            }
            Ok(XmlEvent::Eof) => {
                if state.depth() > 0 {
                    state.fail(emit, line, position, "file ends inside an element: truncated");
                }
                break;
            }
            Ok(_) => {}
            Err(error) => {
                state.fail(emit, line, position, &format!("malformed XML: {error}"));
                break;
            }
        }
    }
    Ok(())
}

#[derive(Default)]
struct CamtReader {
    /// `/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]`-style path of open elements.
    path: String,
    lengths: Vec<usize>,
    /// The same path without indexes (`/Document/BkToCstmrStmt/Stmt/Ntry`), for matching.
    plain: String,
    plain_lengths: Vec<usize>,
    text: String,
    amount_currency: Option<String>,
    namespace_checked: bool,
    format: Option<Format>,
    message_depth: Option<usize>,
    statement_depth: Option<usize>,
    entry_depth: Option<usize>,
    detail_depth: Option<usize>,
    balance_depth: Option<usize>,
    statements_seen: u32,
    statement: Option<StatementState>,
    entry: Option<EntryState>,
    balance: Option<BalanceState>,
}

fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(at) => &name[at + 1..],
        None => name,
    }
}

impl CamtReader {
    fn depth(&self) -> usize {
        self.lengths.len()
    }

    fn location(&self, line: u64) -> Location {
        Location { line, path: Some(self.path.clone()).filter(|path| !path.is_empty()) }
    }

    fn element(&self) -> String {
        self.path.rsplit('/').next().unwrap_or("").to_owned()
    }

    fn push_text(&mut self, text: &str) {
        if self.text.len() < MAX_FIELD_CHARS {
            self.text.push_str(text);
        }
    }

    /// A fatal problem: report it, and emit the statement read so far
    /// (flagged by the error) so the good part of the file still comes out.
    fn fail(&mut self, emit: &mut Emitter<'_>, line: u64, position: u64, reason: &str) {
        let mut location = self.location(line);
        if location.path.is_none() {
            location.path = Some(format!("byte {position}"));
        }
        emit.error(location, &self.element(), reason.to_owned());
        if let Some(state) = self.statement.take() {
            let mut statement = state.statement;
            statement.entry_count = state.entries;
            statement.check = BalanceCheck::NotChecked { reason: "statement cut short by an error in the file".into() };
            emit.statement(statement);
        }
    }

    fn start(
        &mut self,
        start: &quick_xml::events::BytesStart<'_>,
        line: u64,
        emit: &mut Emitter<'_>,
    ) -> Result<(), String> {
        if self.depth() >= MAX_DEPTH {
            return Err(format!("elements nested deeper than {MAX_DEPTH} levels; refused"));
        }
        let qualified = start.name();
        // Element names are ASCII in every camt schema; anything else matches nothing.
        let name: &str = std::str::from_utf8(local_name(qualified.as_ref())).unwrap_or("?");
        self.lengths.push(self.path.len());
        self.path.push('/');
        self.path.push_str(name);
        self.plain_lengths.push(self.plain.len());
        self.plain.push('/');
        self.plain.push_str(name);
        self.text.clear();
        let depth = self.depth();
        if !self.namespace_checked {
            self.namespace_checked = true;
            self.check_namespace(start, line, emit);
        }
        match name {
            "BkToCstmrStmt" | "BkToCstmrAcctRpt" | "BkToCstmrDbtCdtNtfctn" if self.message_depth.is_none() => {
                self.message_depth = Some(depth);
                self.format = Some(match name {
                    "BkToCstmrStmt" => Format::Camt053,
                    "BkToCstmrAcctRpt" => Format::Camt052,
                    _ => Format::Camt054,
                });
            }
            "Stmt" | "Rpt" | "Ntfctn" if self.message_depth == Some(depth - 1) => {
                self.statements_seen += 1;
                self.path.push_str(&format!("[{}]", self.statements_seen));
                self.statement_depth = Some(depth);
                let index = emit.next_statement_index();
                self.statement = Some(StatementState {
                    statement: Statement {
                        index,
                        format: self.format.unwrap_or(Format::Camt053),
                        id: String::new(),
                        number: None,
                        location: self.location(line),
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
                    },
                    path: self.path.clone(),
                    entries: 0,
                    entries_sum: 0,
                    foreign_entries: 0,
                    account_currency: None,
                });
            }
            "Ntry" if self.statement_depth == Some(depth - 1) => {
                self.entry_depth = Some(depth);
                let index = self.statement.as_ref().map_or(0, |state| state.entries) + 1;
                if let Some(state) = self.statement.as_mut() {
                    state.entries = index;
                }
                self.path.push_str(&format!("[{index}]"));
                self.entry = Some(EntryState { index, line, ..EntryState::default() });
            }
            "Bal" if self.statement_depth == Some(depth - 1) => {
                self.balance_depth = Some(depth);
                self.balance = Some(BalanceState::default());
            }
            "TxDtls" if self.entry_depth.is_some() && self.detail_depth.is_none() => {
                self.detail_depth = Some(depth);
                if let Some(entry) = self.entry.as_mut() {
                    entry.details.push(TxState::default());
                    let count = entry.details.len();
                    self.path.push_str(&format!("[{count}]"));
                }
            }
            _ => {}
        }
        if name.ends_with("Amt") {
            self.amount_currency =
                start.try_get_attribute("Ccy").ok().flatten().map(|attribute| decode(&attribute.value).into_owned());
        }
        Ok(())
    }

    fn check_namespace(&mut self, start: &quick_xml::events::BytesStart<'_>, line: u64, emit: &mut Emitter<'_>) {
        let namespaces: Vec<String> = start
            .attributes()
            .flatten()
            .filter(|attribute| attribute.key.as_ref() == b"xmlns" || attribute.key.as_ref().starts_with(b"xmlns:"))
            .map(|attribute| decode(&attribute.value).into_owned())
            .collect();
        let camt = namespaces.iter().find(|namespace| namespace.contains("camt.05"));
        match camt {
            Some(namespace) => {
                let known =
                    ["camt.052.001.", "camt.053.001.", "camt.054.001."].iter().any(|prefix| namespace.contains(prefix));
                if !known {
                    emit.warning(
                        self.location(line),
                        "xmlns",
                        format!("namespace {namespace:?} is not a camt.052/053/054 version; read by element names"),
                    );
                }
            }
            None => emit.error(
                self.location(line),
                "xmlns",
                format!(
                    "no ISO 20022 camt.052/053/054 namespace (found {}); read by element names",
                    if namespaces.is_empty() { "none".to_owned() } else { namespaces.join(", ") }
                ),
            ),
        }
    }

    fn end(&mut self, emit: &mut Emitter<'_>) {
        let depth = self.depth();
        // Both buffers are lent out and given back, so no element allocates.
        let text_buffer = std::mem::take(&mut self.text);
        let plain = std::mem::take(&mut self.plain);
        let currency = self.amount_currency.take();
        let text = text_buffer.trim();
        let below =
            |base: usize| plain.get(self.plain_lengths.get(base).copied().unwrap_or(plain.len())..).unwrap_or("");
        if let Some(base) = self.detail_depth.filter(|base| depth > *base) {
            let relative = below(base);
            self.detail_field(relative, text, &currency);
        } else if let Some(base) = self.entry_depth.filter(|base| depth > *base) {
            let relative = below(base);
            self.entry_field(relative, text, &currency);
        } else if let Some(base) = self.balance_depth.filter(|base| depth > *base) {
            let relative = below(base);
            self.balance_field(relative, text, &currency);
        } else if let Some(base) = self.statement_depth.filter(|base| depth > *base) {
            let relative = below(base);
            self.statement_field(relative, text);
        }
        self.amount_currency = currency;
        self.text = text_buffer;
        self.plain = plain;
        if self.detail_depth == Some(depth) {
            self.detail_depth = None;
        } else if self.entry_depth == Some(depth) {
            self.entry_depth = None;
            self.finish_entry(emit);
        } else if self.balance_depth == Some(depth) {
            self.balance_depth = None;
            self.finish_balance(emit);
        } else if self.statement_depth == Some(depth) {
            self.statement_depth = None;
            self.finish_statement(emit);
        } else if self.message_depth == Some(depth) {
            self.message_depth = None;
        }
        if let Some(length) = self.lengths.pop() {
            self.path.truncate(length);
        }
        if let Some(length) = self.plain_lengths.pop() {
            self.plain.truncate(length);
        }
    }

    fn statement_field(&mut self, relative: &str, text: &str) {
        let Some(state) = self.statement.as_mut() else { return };
        let statement = &mut state.statement;
        match relative {
            "/Id" => statement.id = text.to_owned(),
            "/LglSeqNb" => statement.number = non_empty(text),
            "/ElctrncSeqNb" if statement.number.is_none() => statement.number = non_empty(text),
            "/Acct/Id/IBAN" | "/Acct/Id/Othr/Id" => statement.account = normalize_account(text),
            "/Acct/Ccy" => {
                state.account_currency = Currency::from_code(text);
                statement.currency = state.account_currency;
            }
            "/Acct/Ownr/Nm" => statement.owner = non_empty(text),
            "/Acct/Svcr/FinInstnId/BIC" | "/Acct/Svcr/FinInstnId/BICFI" => statement.servicer = non_empty(text),
            "/Acct/Svcr/FinInstnId/Nm" if statement.servicer.is_none() => statement.servicer = non_empty(text),
            _ => {}
        }
    }

    fn balance_field(&mut self, relative: &str, text: &str, currency: &Option<String>) {
        let Some(balance) = self.balance.as_mut() else { return };
        match relative {
            "/Tp/CdOrPrtry/Cd" | "/Tp/CdOrPrtry/Prtry" => balance.code = non_empty(text),
            "/Amt" => balance.amount = Some((text.to_owned(), currency.clone())),
            "/CdtDbtInd" => balance.credit_debit = non_empty(text),
            "/Dt/Dt" | "/Dt/DtTm" => balance.date = non_empty(text),
            _ => {}
        }
    }

    fn entry_field(&mut self, relative: &str, text: &str, currency: &Option<String>) {
        let Some(entry) = self.entry.as_mut() else { return };
        match relative {
            "/Amt" => entry.amount = Some((text.to_owned(), currency.clone())),
            "/CdtDbtInd" => entry.credit_debit = non_empty(text),
            "/RvslInd" => entry.reversal = text.eq_ignore_ascii_case("true") || text == "1",
            "/Sts" | "/Sts/Cd" => entry.status = non_empty(text),
            "/BookgDt/Dt" | "/BookgDt/DtTm" => entry.booking = non_empty(text),
            "/ValDt/Dt" | "/ValDt/DtTm" => entry.value = non_empty(text),
            "/AcctSvcrRef" => entry.servicer_reference = non_empty(text),
            "/BkTxCd/Domn/Cd" | "/BkTxCd/Domn/Fmly/Cd" | "/BkTxCd/Domn/Fmly/SubFmlyCd" => {
                entry.domain.extend(non_empty(text))
            }
            "/BkTxCd/Prtry/Cd" => entry.proprietary_code = non_empty(text),
            "/AddtlNtryInf" => entry.additional = non_empty(text),
            _ => {}
        }
    }

    fn detail_field(&mut self, relative: &str, text: &str, currency: &Option<String>) {
        let Some(detail) = self.entry.as_mut().and_then(|entry| entry.details.last_mut()) else { return };
        let value = || non_empty(text);
        let party_field = |party: &mut PartyState, rest: &str| match rest {
            "/Nm" | "/Pty/Nm" => party.name = value(),
            _ => {}
        };
        let account_field = |party: &mut PartyState, rest: &str| match rest {
            "/Id/IBAN" | "/Id/Othr/Id" => party.account = value().map(|account| normalize_account(&account)),
            _ => {}
        };
        match relative {
            "/Amt" => detail.amount = Some((text.to_owned(), currency.clone())),
            "/AmtDtls/TxAmt/Amt" => detail.transaction_amount = Some((text.to_owned(), currency.clone())),
            "/Refs/EndToEndId" => detail.end_to_end = value().filter(|id| id != "NOTPROVIDED"),
            "/Refs/AcctSvcrRef" => detail.servicer_reference = value(),
            "/Refs/TxId" => detail.transaction_id = value(),
            "/RltdPties/UltmtDbtr/Nm" | "/RltdPties/UltmtDbtr/Pty/Nm" => detail.ultimate_debtor = value(),
            "/RltdPties/UltmtCdtr/Nm" | "/RltdPties/UltmtCdtr/Pty/Nm" => detail.ultimate_creditor = value(),
            "/RltdAgts/DbtrAgt/FinInstnId/BIC" | "/RltdAgts/DbtrAgt/FinInstnId/BICFI" => detail.debtor.bic = value(),
            "/RltdAgts/CdtrAgt/FinInstnId/BIC" | "/RltdAgts/CdtrAgt/FinInstnId/BICFI" => detail.creditor.bic = value(),
            "/RmtInf/Ustrd" => detail.unstructured.extend(value()),
            "/RmtInf/Strd/CdtrRefInf/Ref" => {
                if detail.structured_reference.is_none() {
                    detail.structured_reference = value();
                }
            }
            "/AddtlTxInf" => detail.additional = value(),
            other => {
                if let Some(rest) = other.strip_prefix("/RltdPties/Dbtr") {
                    party_field(&mut detail.debtor, rest);
                } else if let Some(rest) = other.strip_prefix("/RltdPties/Cdtr") {
                    if let Some(rest) = rest.strip_prefix("Acct") {
                        account_field(&mut detail.creditor, rest);
                    } else {
                        party_field(&mut detail.creditor, rest);
                    }
                }
                if let Some(rest) = other.strip_prefix("/RltdPties/DbtrAcct") {
                    account_field(&mut detail.debtor, rest);
                }
            }
        }
    }

    fn finish_balance(&mut self, emit: &mut Emitter<'_>) {
        let Some(balance) = self.balance.take() else { return };
        let location = self.location(0);
        let Some(state) = self.statement.as_mut() else { return };
        let code = balance.code.unwrap_or_default();
        let parsed = parse_amount(balance.amount.as_ref(), state.account_currency).and_then(|amount| {
            let sign = match balance.credit_debit.as_deref() {
                Some("CRDT") => 1,
                Some("DBIT") => -1,
                other => return Err(format!("CdtDbtInd {other:?} is neither CRDT nor DBIT")),
            };
            let date = balance.date.as_deref().map(parse_date_or_time).transpose()?.map(|(date, _)| date);
            Ok(Balance { kind: code.clone(), amount: Money::new(sign * amount.minor(), amount.currency()), date })
        });
        match parsed {
            Ok(parsed) => {
                let statement = &mut state.statement;
                statement.currency.get_or_insert(parsed.amount.currency());
                match code.as_str() {
                    "OPBD" if statement.opening.as_ref().is_none_or(|opening| opening.kind != "OPBD") => {
                        statement.opening = Some(parsed)
                    }
                    "PRCD" if statement.opening.is_none() => statement.opening = Some(parsed),
                    "CLBD" => statement.closing = Some(parsed),
                    _ => statement.other_balances.push(parsed),
                }
            }
            Err(reason) => emit.error(location, "Bal", format!("balance {code}: {reason}")),
        }
    }

    fn finish_entry(&mut self, emit: &mut Emitter<'_>) {
        let Some(entry) = self.entry.take() else { return };
        let Some(state) = self.statement.as_mut() else { return };
        let location = Location { line: entry.line, path: Some(format!("{}/Ntry[{}]", state.path, entry.index)) };
        match build_entries(&entry, state, &location) {
            Ok((entries, warning)) => {
                if let Some(warning) = warning {
                    emit.warning(location.clone(), "TxDtls", warning);
                }
                for built in entries {
                    let signed = i128::from(built.signed_minor());
                    if state.statement.currency == Some(built.amount.currency()) || state.statement.currency.is_none() {
                        state.statement.currency.get_or_insert(built.amount.currency());
                        state.entries_sum += signed;
                    } else {
                        state.foreign_entries += 1;
                    }
                    emit.entry(built);
                }
            }
            Err(Skipped::NotBooked(status)) => {
                emit.warning(location, "Sts", format!("entry with status {status} is not booked; not imported"));
            }
            Err(Skipped::Invalid(reason)) => emit.error(location, "Ntry", format!("{reason}; entry skipped")),
        }
    }

    fn finish_statement(&mut self, emit: &mut Emitter<'_>) {
        let Some(state) = self.statement.take() else { return };
        let mut statement = state.statement;
        statement.entry_count = state.entries;
        if statement.account.is_empty() {
            emit.error(statement.location.clone(), "Acct", "statement without account identification");
        }
        statement.check = check_balances(
            statement.opening.as_ref(),
            statement.closing.as_ref(),
            state.entries_sum,
            state.foreign_entries,
        );
        emit.statement(statement);
    }
}

enum Skipped {
    NotBooked(String),
    Invalid(String),
}

fn parse_amount(amount: Option<&(String, Option<String>)>, fallback: Option<Currency>) -> Result<Money, String> {
    let Some((text, code)) = amount else { return Err("no amount".into()) };
    let currency = match code {
        Some(code) => Currency::from_code(code).ok_or_else(|| format!("{code:?} is not a currency code"))?,
        None => fallback.ok_or("amount without currency (Ccy)")?,
    };
    let money = Money::parse(text, currency).map_err(|error| error.to_string())?;
    if money.minor() < 0 {
        return Err(format!("negative amount {text:?}"));
    }
    Ok(money)
}

/// `2014-12-31`, or an ISO date-time with or without offset (UTC assumed).
fn parse_date_or_time(text: &str) -> Result<(NaiveDate, Option<DateTime<Utc>>), String> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok((date, None));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        let utc = time.with_timezone(&Utc);
        return Ok((time.date_naive(), Some(utc)));
    }
    for pattern in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(time) = chrono::NaiveDateTime::parse_from_str(text, pattern) {
            return Ok((time.date(), Some(time.and_utc())));
        }
    }
    Err(format!("{text:?} is not a date (YYYY-MM-DD) or date-time"))
}

fn build_entries(
    state: &EntryState,
    statement: &StatementState,
    location: &Location,
) -> Result<(Vec<Entry>, Option<String>), Skipped> {
    if let Some(status) = state.status.as_deref().filter(|status| !status.eq_ignore_ascii_case("BOOK")) {
        return Err(Skipped::NotBooked(status.to_owned()));
    }
    let fallback_currency = statement.statement.currency.or(statement.account_currency);
    let amount = parse_amount(state.amount.as_ref(), fallback_currency)
        .map_err(|reason| Skipped::Invalid(format!("Amt: {reason}")))?;
    let mark = match (state.credit_debit.as_deref(), state.reversal) {
        (Some("CRDT"), false) => Mark::Credit,
        (Some("DBIT"), false) => Mark::Debit,
        (Some("CRDT"), true) => Mark::ReversalOfDebit,
        (Some("DBIT"), true) => Mark::ReversalOfCredit,
        (other, _) => return Err(Skipped::Invalid(format!("CdtDbtInd {other:?} is neither CRDT nor DBIT"))),
    };
    let booking = state.booking.as_deref().map(parse_date_or_time).transpose().map_err(Skipped::Invalid)?;
    let value = state.value.as_deref().map(parse_date_or_time).transpose().map_err(Skipped::Invalid)?;
    let type_code = if state.domain.is_empty() { state.proprietary_code.clone() } else { Some(state.domain.join("/")) };
    let own = statement.statement.account.as_str();
    let base = Entry {
        statement: statement.statement.index,
        number: state.index,
        part: None,
        location: location.clone(),
        booking_date: booking.map(|(date, _)| date),
        value_date: value.map(|(date, _)| date),
        time: booking.and_then(|(_, time)| time),
        mark,
        amount,
        type_code,
        reference: None,
        end_to_end: None,
        bank_reference: state.servicer_reference.clone(),
        counterparty: Party::default(),
        transfer: None,
        remittance: state.additional.clone(),
    };
    let with_detail = |mut entry: Entry, detail: &TxState| {
        entry.end_to_end = detail.end_to_end.clone();
        entry.reference = detail.structured_reference.clone().or_else(|| detail.transaction_id.clone());
        if entry.bank_reference.is_none() {
            entry.bank_reference = detail.servicer_reference.clone();
        }
        entry.counterparty = counterparty(detail, mark, own);
        let remittance: Vec<&str> = detail.unstructured.iter().map(String::as_str).collect();
        if !remittance.is_empty() {
            entry.remittance = non_empty(&remittance.join(" "));
        } else if let Some(additional) = &detail.additional {
            entry.remittance = Some(additional.clone());
        }
        entry
    };
    match state.details.as_slice() {
        [] => Ok((vec![base], None)),
        [detail] => Ok((vec![with_detail(base, detail)], None)),
        details => {
            let amounts: Option<Vec<Money>> = details
                .iter()
                .map(|detail| {
                    let amount = detail.amount.as_ref().or(detail.transaction_amount.as_ref());
                    parse_amount(amount, Some(amount_currency(base.amount))).ok()
                })
                .collect();
            let total = amounts.as_ref().map(|amounts| {
                amounts
                    .iter()
                    .all(|money| money.currency() == base.amount.currency())
                    .then(|| amounts.iter().map(|money| i128::from(money.minor())).sum::<i128>())
            });
            if let (Some(amounts), Some(Some(total))) = (amounts, total)
                && total == i128::from(base.amount.minor())
            {
                let count = details.len() as u32;
                let entries = details
                    .iter()
                    .zip(amounts)
                    .enumerate()
                    .map(|(index, (detail, amount))| {
                        let mut entry = with_detail(base.clone(), detail);
                        entry.amount = amount;
                        entry.part = Some((index as u32 + 1, count));
                        entry.location.path =
                            entry.location.path.map(|path| format!("{path}/NtryDtls/TxDtls[{}]", index + 1));
                        entry
                    })
                    .collect();
                return Ok((entries, None));
            }
            let warning = format!(
                "batched entry of {} transactions whose amounts do not add up to the booked {}; imported as one entry",
                details.len(),
                base.amount
            );
            Ok((vec![base], Some(warning)))
        }
    }
}

fn amount_currency(money: Money) -> Currency {
    money.currency()
}

/// The other side: the creditor of a debit, the debtor of a credit; if the
/// bank put the statement's own account there, the opposite side.
fn counterparty(detail: &TxState, mark: Mark, own: &str) -> Party {
    let (mut side, mut other, mut ultimate, mut other_ultimate) =
        (&detail.creditor, &detail.debtor, detail.ultimate_creditor.clone(), detail.ultimate_debtor.clone());
    if mark.sign() > 0 {
        std::mem::swap(&mut side, &mut other);
        std::mem::swap(&mut ultimate, &mut other_ultimate);
    }
    if side.account.as_deref().is_some_and(|account| account == own) && !own.is_empty() {
        std::mem::swap(&mut side, &mut other);
        std::mem::swap(&mut ultimate, &mut other_ultimate);
    }
    Party {
        account: side.account.clone(),
        name: side.name.clone(),
        bic: side.bic.clone(),
        ultimate,
        source: if side.account.is_some() { PartySource::Structured } else { PartySource::Unknown },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert_eq!(
            parse_date_or_time("2014-12-31").map(|(date, _)| date),
            Ok(NaiveDate::from_ymd_opt(2014, 12, 31).expect("date"))
        );
        let (date, time) = parse_date_or_time("2020-04-04T13:45:34.414+02:00").expect("parses");
        assert_eq!(date, NaiveDate::from_ymd_opt(2020, 4, 4).expect("date"));
        assert_eq!(time.map(|time| time.to_rfc3339()), Some("2020-04-04T11:45:34.414+00:00".to_owned()));
        assert!(parse_date_or_time("31.12.2014").is_err());
    }
}
