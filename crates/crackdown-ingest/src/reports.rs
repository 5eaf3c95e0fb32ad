//! Bulk report files: JSON Lines, JSON arrays and CSV, with the same field
//! names in all three:
//!
//! `id` (optional external id), `text` (required), `channel`, `language`, `country`,
//! `reported_at` (RFC 3339), `loss_amount` (decimal string), `loss_currency`,
//! `tlp`, `reporter`, `victim_contact`, `consent_share`, `consent_publish`.
//!
//! Unknown fields are ignored, so exports from other tools load as they are.

use std::borrow::Cow;
use std::io::BufRead;

use chrono::{DateTime, Utc};
use crackdown_model::{Channel, Keyword, Money, NewReport, Tlp, VictimContact};
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use crate::lines::{Line, Lines};
use crate::{IngestError, RecordError};

/// The longest record accepted; longer ones are rejected, not truncated.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
const MAX_ID_CHARS: usize = 200;
const MAX_SHORT_FIELD_CHARS: usize = 1000;

/// The layout of a bulk file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// One JSON array of objects.
    JsonArray,
    /// A header row with the field names, then one report per row.
    Csv,
}

impl Format {
    /// Guesses the format from a file name, then from the first
    /// non-blank byte (`[` an array, `{` JSON Lines, anything else CSV).
    pub fn detect(name: &str, head: &[u8]) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            return Format::Csv;
        }
        let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
        match head.iter().find(|byte| !byte.is_ascii_whitespace()) {
            Some(b'[') => Format::JsonArray,
            Some(b'{') => Format::Jsonl,
            _ if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") => Format::Jsonl,
            _ => Format::Csv,
        }
    }
}

/// Values for fields a file leaves out.
#[derive(Clone, Copy, Debug)]
pub struct Defaults {
    pub tlp: Tlp,
    pub channel: Channel,
}

impl Default for Defaults {
    fn default() -> Defaults {
        Defaults { tlp: Tlp::Amber, channel: Channel::Bulk }
    }
}

/// A field as found in a record, before validation.
enum Field<'a> {
    Absent,
    Text(Cow<'a, str>),
    Bool(bool),
    Number(String),
    Other(&'static str),
}

fn json_field(object: &serde_json::Map<String, Value>, name: &str) -> Field<'static> {
    match object.get(name) {
        None | Some(Value::Null) => Field::Absent,
        Some(Value::String(text)) if text.trim().is_empty() => Field::Absent,
        Some(Value::String(text)) => Field::Text(Cow::Owned(text.clone())),
        Some(Value::Bool(value)) => Field::Bool(*value),
        Some(Value::Number(number)) => Field::Number(number.to_string()),
        Some(Value::Array(_)) => Field::Other("an array"),
        Some(Value::Object(_)) => Field::Other("an object"),
    }
}

/// Turns a record's fields into a report, or the first field error.
fn build_report<'a>(
    line: u64,
    defaults: &Defaults,
    field: &dyn Fn(&str) -> Field<'a>,
) -> Result<NewReport, RecordError> {
    let error = |name: &str, reason: String| RecordError::new(line, Some(name), reason);
    let text_of = |name: &str, max_chars: usize| -> Result<Option<String>, RecordError> {
        match field(name) {
            Field::Absent => Ok(None),
            Field::Text(text) if text.chars().count() > max_chars => {
                Err(error(name, format!("longer than {max_chars} characters")))
            }
            Field::Text(text) => Ok(Some(text.into_owned())),
            Field::Number(number) if name == "id" => Ok(Some(number)),
            Field::Number(_) => Err(error(name, "expected a string, got a number".into())),
            Field::Bool(_) => Err(error(name, "expected a string, got a boolean".into())),
            Field::Other(kind) => Err(error(name, format!("expected a string, got {kind}"))),
        }
    };
    let keyword = |name: &str| -> Result<Option<String>, RecordError> { text_of(name, MAX_SHORT_FIELD_CHARS) };
    let flag = |name: &str| -> Result<bool, RecordError> {
        match field(name) {
            Field::Absent => Ok(false),
            Field::Bool(value) => Ok(value),
            Field::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "1" => Ok(true),
                "false" | "no" | "n" | "0" => Ok(false),
                other => Err(error(name, format!("{other:?} is not a yes/no value (true, false, yes, no, 1, 0)"))),
            },
            Field::Number(number) if number == "1" || number == "0" => Ok(number == "1"),
            Field::Number(number) => Err(error(name, format!("{number} is not a yes/no value"))),
            Field::Other(kind) => Err(error(name, format!("expected true or false, got {kind}"))),
        }
    };

    let text = text_of("text", MAX_RECORD_BYTES)?.ok_or_else(|| error("text", "is required".into()))?;
    let channel = match keyword("channel")? {
        None => defaults.channel,
        Some(value) => Channel::parse_keyword(&value)
            .ok_or_else(|| error("channel", format!("{value:?} is not one of {}", Channel::expected())))?,
    };
    let tlp = match keyword("tlp")? {
        None => defaults.tlp,
        Some(value) => Tlp::parse(&value).ok_or_else(|| {
            error("tlp", format!("{value:?} is not a TLP 2.0 marking (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"))
        })?,
    };
    let language = match keyword("language")? {
        Some(tag) if !is_language_tag(&tag) => {
            return Err(error("language", format!("{tag:?} is not a language tag such as \"th\" or \"zh-Hant\"")));
        }
        tag => tag,
    };
    let country = match keyword("country")? {
        Some(code) if code.trim().len() == 2 && code.trim().bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(code.trim().to_ascii_uppercase())
        }
        Some(code) => {
            return Err(error("country", format!("{code:?} is not a two-letter country code such as \"TH\"")));
        }
        None => None,
    };
    let reported_at = match keyword("reported_at")? {
        None => None,
        Some(value) => {
            Some(DateTime::parse_from_rfc3339(value.trim()).map(|at| at.with_timezone(&Utc)).map_err(|_| {
                error("reported_at", format!("{value:?} is not an RFC 3339 time such as 2026-03-01T09:30:00Z"))
            })?)
        }
    };
    let amount = match field("loss_amount") {
        Field::Number(number) => {
            return Err(error("loss_amount", format!("write amounts as strings (\"{number}\"), so they stay exact")));
        }
        _ => keyword("loss_amount")?,
    };
    let loss = match (amount, keyword("loss_currency")?) {
        (None, None) => None,
        (Some(_), None) => {
            return Err(error("loss_currency", "is required when loss_amount is given".into()));
        }
        (None, Some(_)) => {
            return Err(error("loss_amount", "is required when loss_currency is given".into()));
        }
        (Some(amount), Some(currency)) => Some(Money::parse_positive(&amount, &currency).map_err(|money_error| {
            let field = if matches!(money_error, crackdown_model::MoneyError::UnknownCurrency(_)) {
                "loss_currency"
            } else {
                "loss_amount"
            };
            error(field, money_error.to_string())
        })?),
    };
    Ok(NewReport {
        external_id: text_of("id", MAX_ID_CHARS)?.map(|id| id.trim().to_owned()),
        text,
        channel,
        language,
        country,
        reported_at,
        loss,
        tlp,
        reporter: keyword("reporter")?,
        victim_contact: keyword("victim_contact")?.map(|contact| VictimContact { contact }),
        consent_share: flag("consent_share")?,
        consent_publish: flag("consent_publish")?,
        original: None,
    })
}

/// BCP 47 in the loose sense: letters, digits and hyphens, a letter first.
fn is_language_tag(tag: &str) -> bool {
    tag.len() <= 35
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn json_object_report(line: u64, defaults: &Defaults, value: Value) -> Result<NewReport, RecordError> {
    match value {
        Value::Object(object) => build_report(line, defaults, &|name| json_field(&object, name)),
        _ => Err(RecordError::new(line, None, "expected a JSON object")),
    }
}

/// One parsed record: its line and either a report or what is wrong with it.
pub type Record = (u64, Result<NewReport, RecordError>);

/// Reads every report of `reader`, calling `each` once per record in file
/// order. Only an I/O error or unrecoverable JSON array syntax stops early.
pub fn for_each_report(
    reader: impl BufRead,
    format: Format,
    defaults: &Defaults,
    mut each: impl FnMut(Record),
) -> Result<(), IngestError> {
    match format {
        Format::Jsonl => read_jsonl(reader, defaults, &mut each),
        Format::JsonArray => read_json_array(reader, defaults, &mut each),
        Format::Csv => read_csv(reader, defaults, &mut each),
    }
}

fn read_jsonl(reader: impl BufRead, defaults: &Defaults, each: &mut dyn FnMut(Record)) -> Result<(), IngestError> {
    let mut lines = Lines::new(reader, MAX_RECORD_BYTES);
    while let Some(line) = lines.next_line()? {
        let number = lines.number;
        let bytes = match line {
            Line::TooLong(length) => {
                each((
                    number,
                    Err(RecordError::new(
                        number,
                        None,
                        format!("line is {length} bytes, over the {MAX_RECORD_BYTES}-byte limit"),
                    )),
                ));
                continue;
            }
            Line::Bytes(bytes) => bytes,
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let result = match std::str::from_utf8(&bytes) {
            Err(utf8) => Err(RecordError::new(number, None, format!("invalid UTF-8 at byte {}", utf8.valid_up_to()))),
            Ok(text) => serde_json::from_str::<Value>(text)
                .map_err(|json| RecordError::new(number, None, format!("malformed JSON: {json}")))
                .and_then(|value| json_object_report(number, defaults, value)),
        };
        each((number, result));
    }
    Ok(())
}

/// Streams the elements of a top-level JSON array without holding it whole.
struct ArrayElements<'a> {
    defaults: &'a Defaults,
    each: &'a mut dyn FnMut(Record),
}

impl<'de> Visitor<'de> for ArrayElements<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON array of report objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut element = 0_u64;
        while let Some(value) = seq.next_element::<Value>()? {
            element += 1;
            (self.each)((element, json_object_report(element, self.defaults, value)));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ArrayElements<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

fn read_json_array(
    mut reader: impl BufRead,
    defaults: &Defaults,
    each: &mut dyn FnMut(Record),
) -> Result<(), IngestError> {
    if reader.fill_buf()?.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    }
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    ArrayElements { defaults, each }.deserialize(&mut deserializer).and_then(|()| deserializer.end()).map_err(|json| {
        IngestError::Fatal(RecordError::new(
            json.line() as u64,
            None,
            format!("malformed JSON array, the rest of the file is skipped: {json}"),
        ))
    })
}

fn read_csv(reader: impl BufRead, defaults: &Defaults, each: &mut dyn FnMut(Record)) -> Result<(), IngestError> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(reader);
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(|error| IngestError::Fatal(RecordError::new(1, None, format!("unreadable CSV header: {error}"))))?
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let name = String::from_utf8_lossy(name);
            let name = if index == 0 { name.trim_start_matches('\u{feff}') } else { &name };
            name.trim().to_ascii_lowercase()
        })
        .collect();
    if !headers.iter().any(|name| name == "text") {
        return Err(IngestError::Fatal(RecordError::new(1, Some("text"), "the CSV header has no \"text\" column")));
    }
    let mut record = csv::ByteRecord::new();
    loop {
        let line = csv.position().line() + 1;
        match csv.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(error) => {
                if let csv::ErrorKind::Io(_) = error.kind() {
                    return Err(IngestError::Fatal(RecordError::new(line, None, format!("read error: {error}"))));
                }
                each((line, Err(RecordError::new(line, None, format!("malformed CSV: {error}")))));
                continue;
            }
        }
        let line = record.position().map_or(line, |position| position.line());
        let mut fields: Vec<(&str, Result<&str, usize>)> = Vec::with_capacity(headers.len());
        for (name, value) in headers.iter().zip(record.iter()) {
            fields.push((name, std::str::from_utf8(value).map_err(|utf8| utf8.valid_up_to())));
        }
        if let Some((name, Err(at))) = fields.iter().find(|(_, value)| value.is_err()) {
            each((line, Err(RecordError::new(line, Some(name), format!("invalid UTF-8 at byte {at}")))));
            continue;
        }
        let lookup = |wanted: &str| -> Field<'_> {
            match fields.iter().find(|(name, _)| *name == wanted) {
                Some((_, Ok(value))) if !value.trim().is_empty() => Field::Text(Cow::Borrowed(value)),
                _ => Field::Absent,
            }
        };
        each((line, build_report(line, defaults, &lookup)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(format: Format, input: &[u8]) -> Vec<Result<NewReport, String>> {
        let mut out = Vec::new();
        for_each_report(input, format, &Defaults::default(), |(_, result)| {
            out.push(result.map_err(|error| error.to_string()))
        })
        .expect("no fatal error");
        out
    }

    fn check_error(format: Format, input: &str, expected: &str) {
        let results = parse(format, input.as_bytes());
        let message = results.iter().find_map(|result| result.clone().err()).unwrap_or_default();
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
    }

    #[test]
    fn jsonl_with_every_field() {
        let line = r#"{"id": "r1", "text": "He asked for USDT", "channel": "web", "language": "th", "country": "th", "reported_at": "2026-03-01T09:30:00+07:00", "loss_amount": "1500.5", "loss_currency": "thb", "tlp": "TLP:GREEN", "reporter": "NGO desk", "victim_contact": "a@b.c", "consent_share": true, "consent_publish": "no", "extra": 1}"#;
        let report = parse(Format::Jsonl, line.as_bytes()).remove(0).expect("valid");
        assert_eq!(report.external_id.as_deref(), Some("r1"));
        assert_eq!(report.channel, Channel::Web);
        assert_eq!(report.country.as_deref(), Some("TH"));
        assert_eq!(report.tlp, Tlp::Green);
        assert_eq!(report.loss.map(|loss| (loss.minor(), loss.currency().code())), Some((150_050, "THB")));
        assert_eq!(report.reported_at.map(|at| at.to_rfc3339()), Some("2026-03-01T02:30:00+00:00".into()));
        assert!(report.consent_share && !report.consent_publish);
        assert_eq!(report.victim_contact.map(|victim| victim.contact).as_deref(), Some("a@b.c"));
    }

    #[test]
    fn field_errors_name_the_field() {
        check_error(
            Format::Jsonl,
            r#"{"text": "x", "tlp": "purple"}"#,
            r#"field "tlp": "purple" is not a TLP 2.0 marking"#,
        );
        check_error(
            Format::Jsonl,
            r#"{"text": "x", "loss_amount": "-5", "loss_currency": "USD"}"#,
            r#"field "loss_amount": "-5" is negative"#,
        );
        check_error(
            Format::Jsonl,
            r#"{"text": "x", "loss_amount": "5", "loss_currency": "XXX"}"#,
            r#"field "loss_currency""#,
        );
        check_error(Format::Jsonl, r#"{"text": "x", "loss_amount": "5.001", "loss_currency": "USD"}"#, "more decimals");
        check_error(
            Format::Jsonl,
            r#"{"text": "x", "loss_amount": 5, "loss_currency": "USD"}"#,
            "write amounts as strings",
        );
        check_error(Format::Jsonl, r#"{"text": 7}"#, r#"field "text": expected a string, got a number"#);
        check_error(Format::Jsonl, r#"{"id": "a"}"#, r#"field "text": is required"#);
        check_error(Format::Jsonl, r#"{"text": "x", "reported_at": "yesterday"}"#, r#"field "reported_at""#);
        check_error(
            Format::Jsonl,
            r#"{"text": "x", "country": "Thailand"}"#,
            r#"field "country": "Thailand" is not a two"#,
        );
        check_error(Format::Jsonl, r#"{"text": "x", "consent_share": "maybe"}"#, "not a yes/no value");
        check_error(Format::Jsonl, r#"[1, 2]"#, "expected a JSON object");
        check_error(Format::Jsonl, r#"{"text": "x""#, "line 1: malformed JSON");
    }

    #[test]
    fn good_lines_survive_bad_ones() {
        let mut input = b"{\"text\": \"one\"}\r\n\xff\xfe\n{\"text\": \"two\"\n\n".to_vec();
        input.extend(format!("{{\"text\": \"{}\"}}\n", "x".repeat(MAX_RECORD_BYTES + 1)).as_bytes());
        input.extend(b"{\"text\": \"three\"}");
        let mut seen = Vec::new();
        for_each_report(&input[..], Format::Jsonl, &Defaults::default(), |(line, result)| {
            seen.push((line, result.map(|report| report.text).map_err(|error| error.reason)));
        })
        .expect("no fatal error");
        assert_eq!(seen[0], (1, Ok("one".into())));
        assert!(matches!(&seen[1], (2, Err(reason)) if reason.contains("invalid UTF-8")));
        assert!(matches!(&seen[2], (3, Err(reason)) if reason.contains("malformed JSON")));
        assert!(matches!(&seen[3], (5, Err(reason)) if reason.contains("over the")));
        assert_eq!(seen[4], (6, Ok("three".into())));
    }

    #[test]
    fn json_arrays_stream_and_locate_errors() {
        let input = "\u{feff}[{\"text\": \"a\"}, {\"text\": \"b\", \"tlp\": \"nope\"}, {\"text\": \"c\"}]";
        let results = parse(Format::JsonArray, input.as_bytes());
        assert_eq!(results.len(), 3);
        assert!(results[1].as_ref().is_err_and(|error| error.starts_with("line 2: field \"tlp\"")));
        let mut count = 0;
        let error =
            for_each_report(&b"[{\"text\": \"a\"}, {\"text\": "[..], Format::JsonArray, &Defaults::default(), |_| {
                count += 1
            })
            .expect_err("truncated");
        assert_eq!(count, 1, "elements before the break still arrive");
        assert!(error.to_string().contains("malformed JSON array"), "{error}");
    }

    #[test]
    fn csv_with_quotes_bom_and_bad_bytes() {
        let input = b"\xEF\xBB\xBFid,Text,loss_amount,loss_currency,consent_share\r\n1,\"multi\nline, quoted\",10,EUR,yes\n2,\xff,,,\n3,fine,,,\n";
        let results = parse(Format::Csv, input);
        assert_eq!(results.len(), 3);
        let first = results[0].as_ref().expect("first row");
        assert_eq!(first.text, "multi\nline, quoted");
        assert!(first.consent_share);
        assert!(
            results[1].as_ref().is_err_and(|error| error.contains("line 4: field \"text\": invalid UTF-8")),
            "{:?}",
            results[1]
        );
        assert!(results[2].is_ok());
        let error =
            for_each_report(&b"a,b\n1,2\n"[..], Format::Csv, &Defaults::default(), |_| {}).expect_err("no text column");
        assert!(error.to_string().contains("no \"text\" column"));
    }

    #[test]
    fn detects_formats() {
        assert_eq!(Format::detect("x.csv", b"{"), Format::Csv);
        assert_eq!(Format::detect("-", b"  [{"), Format::JsonArray);
        assert_eq!(Format::detect("reports.json", b"{\"text\""), Format::Jsonl);
        assert_eq!(Format::detect("-", b"id,text"), Format::Csv);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            for format in [Format::Jsonl, Format::JsonArray, Format::Csv] {
                let _ = for_each_report(&bytes[..], format, &Defaults::default(), |_| {});
            }
        }
    }
}
