//! Block-explorer CSV exports: Etherscan's token transfers (`Txhash`,
//! `UnixTimestamp`, `From`, `To`, `TokenValue`, `ContractAddress`,
//! `TokenSymbol`…) and its plain transactions (`Value_IN(ETH)`,
//! `Value_OUT(ETH)`), and Tronscan's transfers (`Time(UTC)`,
//! `Amount/TokenID`, `Token`…, or the API's `block_ts`, `from_address`,
//! `quant`). Columns are found by name, ignoring case, spaces, underscores
//! and brackets, so the exports' small renamings over the years still read.
//!
//! Each row names both ends, so an entry carries its `transfer` (from, to);
//! the statement's account is the address every row shares, when one does
//! (an export of one wallet). A token that calls itself USDT or USDC but
//! whose contract is not Tether's or Circle's is not counted as one: fake
//! stablecoins are how address-poisoning scams fake payments.

use std::io::BufRead;

use chrono::{DateTime, NaiveDateTime, Utc};
use crackdown_model::{Currency, Money};

use crate::emit::Emitter;
use crate::model::{BalanceCheck, Entry, Format, Location, Mark, Party, Statement};
use crate::text::{decode, non_empty};

/// Official stablecoin contracts: (symbol, chain address). Ethereum
/// addresses compared in lower case.
const OFFICIAL_CONTRACTS: &[(&str, &str)] = &[
    ("USDT", "0xdac17f958d2ee523a2206206994597c13d831ec7"),
    ("USDT", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    ("USDC", "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
    ("USDC", "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8"),
];

#[derive(Default)]
struct Columns {
    hash: Option<usize>,
    unix: Option<usize>,
    datetime: Option<usize>,
    from: Option<usize>,
    to: Option<usize>,
    value: Option<usize>,
    value_in: Option<(usize, String)>,
    value_out: Option<(usize, String)>,
    contract: Option<usize>,
    symbol: Option<usize>,
    token: Option<usize>,
    status: Option<usize>,
    method: Option<usize>,
}

fn key(header: &str) -> String {
    header.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '/').collect::<String>().to_ascii_lowercase()
}

impl Columns {
    fn find(headers: &[String]) -> Columns {
        let keys: Vec<String> = headers.iter().map(|header| key(header)).collect();
        let position = |names: &[&str]| names.iter().find_map(|name| keys.iter().position(|key| key == name));
        let currency_suffix = |prefix: &str| {
            keys.iter()
                .enumerate()
                .find(|(_, key)| key.starts_with(prefix))
                .map(|(index, key)| (index, key[prefix.len()..].to_ascii_uppercase()))
        };
        Columns {
            hash: position(&["txhash", "transactionhash", "hash", "txid", "transactionid"]),
            unix: position(&["unixtimestamp", "blockts", "timestamp"]),
            datetime: position(&["datetimeutc", "datetime", "timeutc", "time", "date"]),
            from: position(&["from", "fromaddress"]),
            to: position(&["to", "toaddress"]),
            value: position(&["tokenvalue", "amount/tokenid", "amount", "quant", "amountstr", "value", "quantity"]),
            value_in: currency_suffix("valuein"),
            value_out: currency_suffix("valueout"),
            contract: position(&["contractaddress", "tokencontract", "contract", "tokenaddress"]),
            symbol: position(&["tokensymbol", "symbol", "tokenabbr"]),
            token: position(&["token", "tokenname", "tokeninfo"]),
            status: position(&["status", "result", "contractret", "errcode"]),
            method: position(&["method", "type", "contracttype"]),
        }
    }
}

/// Whether a header line looks like an explorer export, and whose.
pub(crate) fn sniff(header_line: &str) -> Option<Format> {
    let keys: Vec<String> =
        header_line.split([',', ';', '\t']).map(|cell| key(cell.trim().trim_matches('"'))).collect();
    let has = |name: &str| keys.iter().any(|key| key == name);
    if (has("txhash") || has("transactionhash"))
        && (has("tokenvalue") || keys.iter().any(|key| key.starts_with("valuein")))
    {
        return Some(Format::Etherscan);
    }
    if has("amount/tokenid")
        || has("blockts")
        || (has("fromaddress") && has("toaddress"))
        || (has("timeutc") && has("from") && has("to"))
    {
        return Some(Format::Tronscan);
    }
    None
}

pub(crate) fn read(input: &mut dyn BufRead, format: Format, emit: &mut Emitter<'_>) -> std::io::Result<()> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut columns: Option<Columns> = None;
    let index = emit.next_statement_index();
    let mut entries = 0u32;
    let mut shared: Option<Vec<String>> = None;
    let mut rounded = 0u64;
    let mut first_rounded_line = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |position| position.line());
                let cells: Vec<String> = record.iter().map(|cell| decode(cell).trim().to_owned()).collect();
                let Some(found) = columns.as_ref() else {
                    let found = Columns::find(&cells);
                    if found.from.is_none() || found.to.is_none() || (found.value.is_none() && found.value_in.is_none())
                    {
                        emit.error(
                            Location::line(line),
                            "header",
                            "no From, To and value columns: not an explorer export header",
                        );
                        break;
                    }
                    columns = Some(found);
                    continue;
                };
                match row(found, &cells) {
                    Ok(None) => {}
                    Ok(Some((mut entry, was_rounded))) => {
                        entries += 1;
                        entry.statement = index;
                        entry.number = entries;
                        entry.location = Location::line(line);
                        if was_rounded {
                            rounded += 1;
                            if first_rounded_line == 0 {
                                first_rounded_line = line;
                            }
                        }
                        if let Some((from, to)) = &entry.transfer {
                            let pair = [from.clone(), to.clone()];
                            shared = Some(match shared.take() {
                                None => pair.to_vec(),
                                Some(kept) => kept.into_iter().filter(|address| pair.contains(address)).collect(),
                            });
                        }
                        emit.entry(entry);
                    }
                    Err((field, reason)) => emit.error(Location::line(line), field, format!("{reason}; row skipped")),
                }
            }
            Err(error) => {
                if let csv::ErrorKind::Io(_) = error.kind() {
                    return Err(std::io::Error::other(error.to_string()));
                }
                let line = error.position().map_or(0, |position| position.line());
                emit.error(Location::line(line), "row", format!("unreadable CSV row: {error}"));
            }
        }
    }
    if rounded > 0 {
        emit.warning(
            Location::line(first_rounded_line),
            "value",
            format!("{rounded} amounts had more decimals than kept for their asset and were rounded half to even"),
        );
    }
    let account = shared.and_then(|addresses| (addresses.len() == 1).then(|| addresses[0].clone())).unwrap_or_default();
    emit.statement(Statement {
        index,
        format,
        id: format!("{}-export", format.name()),
        number: None,
        location: Location::line(1),
        account,
        owner: None,
        servicer: Some(format.name().to_owned()),
        currency: None,
        opening: None,
        closing: None,
        other_balances: Vec::new(),
        entry_count: entries,
        check: BalanceCheck::NotChecked { reason: "explorer exports state no balances".into() },
        entries: Vec::new(),
    });
    Ok(())
}

type RowResult = Result<Option<(Entry, bool)>, (&'static str, String)>;

fn row(columns: &Columns, cells: &[String]) -> RowResult {
    let cell = |index: Option<usize>| {
        index.and_then(|index| cells.get(index)).map(String::as_str).filter(|value| !value.is_empty())
    };
    if let Some(status) = cell(columns.status) {
        let lower = status.to_ascii_lowercase();
        if lower.contains("error") || lower.contains("fail") || lower.contains("revert") {
            return Err(("status", format!("failed transaction ({status}) moved nothing")));
        }
    }
    let from = normalize_address(cell(columns.from).ok_or(("from", "no sender".to_owned()))?);
    let to = normalize_address(cell(columns.to).ok_or(("to", "no recipient".to_owned()))?);
    let time = match (cell(columns.unix), cell(columns.datetime)) {
        (Some(unix), _) => parse_unix(unix).ok_or(("timestamp", format!("{unix:?} is not a unix timestamp")))?,
        (None, Some(text)) => parse_datetime(text).ok_or(("datetime", format!("{text:?} is not a date-time")))?,
        (None, None) => return Err(("timestamp", "no time".to_owned())),
    };
    let (value_text, currency) = match (cell(columns.value), &columns.value_in, &columns.value_out) {
        (Some(value), _, _) => (value, token_currency(columns, cells)?),
        (None, Some((in_index, code)), out) => {
            let incoming = cell(Some(*in_index)).filter(|value| !is_zero(value));
            let outgoing = out.as_ref().and_then(|(index, _)| cell(Some(*index))).filter(|value| !is_zero(value));
            let value = incoming.or(outgoing).unwrap_or("0");
            let currency = Currency::from_code(code).ok_or(("value", format!("{code:?} is not a known asset")))?;
            (value, currency)
        }
        _ => return Err(("value", "no amount".to_owned())),
    };
    let (amount, rounded) = parse_token_amount(value_text, currency).map_err(|reason| ("value", reason))?;
    Ok(Some((
        Entry {
            statement: 0,
            number: 0,
            part: None,
            location: Location::default(),
            booking_date: Some(time.date_naive()),
            value_date: None,
            time: Some(time),
            mark: Mark::Credit,
            amount,
            type_code: cell(columns.method).and_then(non_empty),
            reference: cell(columns.hash).map(normalize_address),
            end_to_end: None,
            bank_reference: None,
            counterparty: Party::default(),
            transfer: Some((from, to)),
            remittance: None,
        },
        rounded,
    )))
}

/// Ethereum addresses and hashes in lower case (explorers mix cases for the
/// checksum); TRON's base58 addresses are case-sensitive and kept.
fn normalize_address(text: &str) -> String {
    let text = text.trim();
    if text.starts_with("0x") || text.starts_with("0X") { text.to_ascii_lowercase() } else { text.to_owned() }
}

fn is_zero(value: &str) -> bool {
    value.chars().all(|c| matches!(c, '0' | '.' | ',' | ' '))
}

fn parse_unix(text: &str) -> Option<DateTime<Utc>> {
    let number: i64 = text.trim().parse().ok()?;
    // Tronscan's block_ts is in milliseconds.
    if number > 100_000_000_000 { DateTime::from_timestamp_millis(number) } else { DateTime::from_timestamp(number, 0) }
}

fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().trim_end_matches(" UTC").trim_end_matches('Z');
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&Utc))
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok().map(|time| time.and_utc()))
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").ok().map(|time| time.and_utc()))
        .or_else(|| NaiveDateTime::parse_from_str(text, "%m/%d/%Y %H:%M:%S").ok().map(|time| time.and_utc()))
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok().map(|time| time.and_utc()))
}

/// The asset of a token row, refusing stablecoin names on foreign contracts.
fn token_currency(columns: &Columns, cells: &[String]) -> Result<Currency, (&'static str, String)> {
    let cell = |index: Option<usize>| {
        index.and_then(|index| cells.get(index)).map(String::as_str).filter(|value| !value.is_empty())
    };
    let contract = cell(columns.contract).map(normalize_address);
    let token = cell(columns.token).unwrap_or("");
    // Tronscan's Token column may hold the contract itself, or `Tether USD (USDT)`.
    let contract = contract.or_else(|| {
        OFFICIAL_CONTRACTS.iter().find(|(_, address)| token.contains(address)).map(|(_, address)| (*address).to_owned())
    });
    let from_parentheses =
        token.rsplit_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(inside, _)| inside.trim());
    let symbol = cell(columns.symbol)
        .or(from_parentheses.filter(|inside| !inside.is_empty()))
        .or_else(|| {
            contract.as_deref().and_then(|contract| {
                OFFICIAL_CONTRACTS.iter().find(|(_, address)| *address == contract).map(|(symbol, _)| *symbol)
            })
        })
        .or((!token.is_empty() && token.len() <= 10).then_some(token))
        .ok_or(("token", "no token symbol or contract".to_owned()))?;
    let currency = Currency::from_code(symbol)
        .ok_or(("token", format!("{symbol:?} is not an asset crackdown counts (ISO 4217 or a listed crypto asset)")))?;
    let guarded: Vec<&str> =
        OFFICIAL_CONTRACTS.iter().filter(|(name, _)| *name == currency.code()).map(|(_, address)| *address).collect();
    if let Some(contract) = contract
        && !guarded.is_empty()
        && !guarded.contains(&contract.as_str())
    {
        return Err((
            "contract",
            format!(
                "token calls itself {} but contract {contract} is not the official one: a look-alike token",
                currency.code()
            ),
        ));
    }
    Ok(currency)
}

/// Parses a token amount (thousands commas allowed); more decimals than the
/// asset keeps are rounded half to even (ETH's 18 to 9).
fn parse_token_amount(text: &str, currency: Currency) -> Result<(Money, bool), String> {
    let plain: String = text.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not an amount"));
    }
    let keep = usize::from(currency.minor_units());
    if fraction.trim_end_matches('0').len() <= keep {
        let money = Money::parse(&plain, currency).map_err(|error| error.to_string())?;
        return Ok((money, false));
    }
    let kept = &fraction[..keep];
    let dropped = &fraction[keep..];
    let mut truncated = Money::parse(&format!("{whole}.{kept}"), currency).map_err(|error| error.to_string())?.minor();
    let first = dropped.as_bytes()[0];
    let rest_nonzero = dropped[1..].bytes().any(|b| b != b'0');
    let round_up = first > b'5' || (first == b'5' && (rest_nonzero || truncated % 2 == 1));
    if round_up {
        truncated = truncated.checked_add(1).ok_or_else(|| format!("{text:?} is too large"))?;
    }
    Ok((Money::new(truncated, currency), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised() {
        assert_eq!(
            sniff(
                "\"Txhash\",\"Blockno\",\"UnixTimestamp\",\"DateTime (UTC)\",\"From\",\"To\",\"TokenValue\",\"USDValueDayOfTx\",\"ContractAddress\",\"TokenName\",\"TokenSymbol\""
            ),
            Some(Format::Etherscan)
        );
        assert_eq!(
            sniff("Transaction Hash,Block,Time(UTC),From,To,Amount/TokenID,Token,Result"),
            Some(Format::Tronscan)
        );
        assert_eq!(sniff("Date,Amount,Description"), None);
    }

    #[test]
    fn eth_amounts_round_half_even_to_gwei() {
        let eth = Currency::from_code("ETH").expect("ETH");
        assert_eq!(parse_token_amount("1.0000000005", eth), Ok((Money::new(1_000_000_000, eth), true)));
        assert_eq!(parse_token_amount("1.0000000015", eth), Ok((Money::new(1_000_000_002, eth), true)));
        assert_eq!(parse_token_amount("1.00000000051", eth), Ok((Money::new(1_000_000_001, eth), true)));
        let usdt = Currency::from_code("USDT").expect("USDT");
        assert_eq!(parse_token_amount("1,250.5", usdt), Ok((Money::new(1_250_500_000, usdt), false)));
        assert!(parse_token_amount("-1", usdt).is_err());
    }
}
