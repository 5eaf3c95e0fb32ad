//! The `:86:` information-to-account-owner field, which every bank fills its
//! own way. Three shapes cover what investigators receive:
//!
//! - **German/SEPA subfields** (`166?00GUTSCHRIFT?20EREF+…?30BIC?31IBAN?32Name`):
//!   a three-digit business transaction code, then `?NN` subfields (some
//!   banks use another separator, Triodos `>`): `?20`–`?29` and `?60`–`?63`
//!   the purpose (with SEPA qualifiers `EREF+`, `SVWZ+`, …), `?30` the
//!   counterparty's bank code or BIC, `?31` its account, `?32`–`?33` its name.
//! - **Dutch slash structures** (`/TRTP/…/IBAN/…/BIC/…/NAME/…/REMI/…/EREF/…`,
//!   ING's `/CNTP/IBAN/BIC/NAME/CITY/`, Rabobank's `/BENM//NAME/…`).
//! - **Free text**, where a valid IBAN other than the statement's own
//!   account is taken as the counterparty's.
//!
//! Lines of a field are wrapped at a fixed width regardless of words, so the
//! structured shapes are joined without separators; free text gets a space
//! where a line ended short of the width.

use crate::model::{Party, PartySource};
use crate::text::{find_iban, is_iban_shaped, non_empty, normalize_account, squeeze};

/// What a `:86:` field says about its entry.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Details {
    pub counterparty: Party,
    pub remittance: Option<String>,
    pub end_to_end: Option<String>,
    pub type_code: Option<String>,
}

/// SWIFT fields are at most 65 characters a line; a line at least this long
/// was cut by width, not by the writer, so it continues without a space.
const FULL_LINE: usize = 64;

/// Reads the lines of one `:86:` field (the tag already stripped).
pub(crate) fn parse(lines: &[String], own_account: &str) -> Details {
    let joined: String = lines.iter().map(String::as_str).collect();
    let trimmed = joined.trim_start();
    if let Some(separator) = german_separator(trimmed) {
        return german(trimmed, separator, own_account);
    }
    if looks_dutch(trimmed) {
        return dutch(trimmed, own_account);
    }
    free_text(lines, own_account)
}

/// Joins free-text lines: directly after a full line, else with a space.
pub(crate) fn join_free_text(lines: &[String]) -> String {
    let mut text = String::new();
    let mut previous_full = false;
    for line in lines {
        if !text.is_empty() && !previous_full {
            text.push(' ');
        }
        text.push_str(line);
        previous_full = line.chars().count() >= FULL_LINE;
    }
    text
}

fn free_text(lines: &[String], own_account: &str) -> Details {
    let text = squeeze(&join_free_text(lines));
    let mut details = Details::default();
    if let Some(iban) = find_iban(&text, own_account) {
        details.counterparty.account = Some(iban);
        details.counterparty.source = PartySource::Text;
    }
    details.remittance = (!text.is_empty()).then_some(text);
    details
}

/// The separator after a leading three-digit code when the field is in the
/// German subfield shape: `166?00…`, `000>10…`.
fn german_separator(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    if bytes.len() < 6 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let separator = bytes[3];
    let is_separator = matches!(separator, b'?' | b'>' | b'<' | b'^' | b'|' | b'*');
    (is_separator && bytes[4].is_ascii_digit() && bytes[5].is_ascii_digit()).then_some(char::from(separator))
}

/// SEPA purpose qualifiers, in the order banks write them.
const SEPA_QUALIFIERS: &[&str] =
    &["EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "COAM+", "OAMT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+"];

fn german(text: &str, separator: char, own_account: &str) -> Details {
    let mut details = Details { type_code: Some(text[..3].to_owned()), ..Details::default() };
    let mut purpose = String::new();
    let mut name = String::new();
    let mut bank_code = None;
    let mut account = None;
    let mut booking_text = None;
    for chunk in text[3..].split(separator).skip(1) {
        let (Some(code), Some(value)) = (chunk.get(..2), chunk.get(2..)) else { continue };
        match code {
            "00" => booking_text = non_empty(value),
            "20" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29" | "60" | "61" | "62" | "63" => {
                purpose.push_str(value)
            }
            "30" => bank_code = non_empty(value),
            "31" => account = non_empty(value),
            "32" | "33" => name.push_str(value),
            _ => {}
        }
    }
    let qualified = split_qualifiers(&purpose);
    let qualifier =
        |key: &str| qualified.iter().find(|(found, _)| *found == key).and_then(|(_, value)| non_empty(value));
    details.end_to_end = qualifier("EREF+").filter(|reference| reference != "NOTPROVIDED" && reference != "NONREF");
    details.remittance = qualifier("SVWZ+").or_else(|| non_empty(&purpose)).or(booking_text);
    let mut party = Party { name: non_empty(&name), bic: bank_code, ..Party::default() };
    if let Some(account) = account {
        party.account = Some(normalize_account(&account));
        party.source = PartySource::Structured;
    } else if let Some(iban) =
        qualifier("IBAN+").map(|iban| normalize_account(&iban)).filter(|iban| is_iban_shaped(iban))
    {
        party.account = Some(iban);
        party.source = PartySource::Structured;
    } else if let Some(iban) = find_iban(&purpose, own_account) {
        party.account = Some(iban);
        party.source = PartySource::Text;
    }
    party.ultimate = qualifier("ABWA+").or_else(|| qualifier("ABWE+"));
    details.counterparty = party;
    details
}

/// Splits a SEPA purpose into `(qualifier, value)` pairs; text before the
/// first qualifier comes with an empty qualifier.
fn split_qualifiers(purpose: &str) -> Vec<(&'static str, String)> {
    // One pass: a qualifier ends in `+`, so only the text before each `+` is compared.
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    for (plus, _) in purpose.match_indices('+') {
        let qualifier = SEPA_QUALIFIERS.iter().find(|qualifier| {
            let length = qualifier.len();
            plus + 1 >= length && purpose.get(plus + 1 - length..=plus) == Some(qualifier)
        });
        if let Some(qualifier) = qualifier {
            found.push((plus + 1 - qualifier.len(), qualifier));
        }
    }
    let mut parts = Vec::with_capacity(found.len() + 1);
    let first = found.first().map_or(purpose.len(), |(at, _)| *at);
    if first > 0 {
        parts.push(("", purpose[..first].to_owned()));
    }
    for (index, (at, qualifier)) in found.iter().enumerate() {
        let end = found.get(index + 1).map_or(purpose.len(), |(next, _)| *next);
        let start = (at + qualifier.len()).min(end);
        parts.push((*qualifier, purpose[start..end].to_owned()));
    }
    parts
}

/// Tags of the Dutch structured `:86:` (Betaalvereniging's MT940 layout and
/// the banks that follow it).
const DUTCH_TAGS: &[&str] = &[
    "TRTP",
    "IBAN",
    "BIC",
    "NAME",
    "REMI",
    "EREF",
    "ORDP",
    "BENM",
    "CNTP",
    "MARF",
    "CSID",
    "ISDT",
    "RTRN",
    "PREF",
    "ULTC",
    "ULTD",
    "ULTB",
    "PURP",
    "ADDR",
    "CITY",
    "ID",
    "ACCW",
    "BUSP",
    "CDTRREF",
    "CDTRREFTP",
    "IREF",
    "EXCH",
    "OCMT",
    "CHGS",
    "FX",
    "SVCL",
];

/// The known tag between the `/` at `at` and the next `/`, if any.
fn dutch_tag_at(text: &str, at: usize) -> Option<&'static str> {
    let rest = text.get(at + 1..)?;
    let end = rest.find('/')?;
    let candidate = &rest[..end];
    if candidate.is_empty() || candidate.len() > 9 || !candidate.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    DUTCH_TAGS.iter().find(|tag| **tag == candidate).copied()
}

fn looks_dutch(text: &str) -> bool {
    text.starts_with('/') && dutch_tag_at(text, 0).is_some()
}

/// Splits `/TAG/value/TAG/value` into pairs, where only known tags start a
/// new pair (values may hold slashes themselves).
fn dutch_pairs(text: &str) -> Vec<(&'static str, &str)> {
    let starts: Vec<(usize, &'static str)> =
        text.match_indices('/').filter_map(|(at, _)| dutch_tag_at(text, at).map(|tag| (at, tag))).collect();
    let mut pairs = Vec::with_capacity(starts.len());
    for (index, &(at, tag)) in starts.iter().enumerate() {
        let value_start = at + tag.len() + 2;
        let value_end = starts.get(index + 1).map_or(text.len(), |(next, _)| *next).max(value_start);
        pairs.push((tag, text.get(value_start..value_end).unwrap_or("")));
    }
    pairs
}

fn dutch(text: &str, own_account: &str) -> Details {
    let pairs = dutch_pairs(text);
    let value = |tag: &str| {
        pairs.iter().find(|(found, _)| *found == tag).and_then(|(_, value)| non_empty(value.trim_end_matches('/')))
    };
    let mut party = Party { name: value("NAME"), bic: value("BIC"), ..Party::default() };
    let mut account = value("IBAN");
    if let Some(counterparty) = value("CNTP") {
        // ING: /CNTP/IBAN/BIC/NAME/CITY/
        let mut fields = counterparty.split('/');
        account = account.or_else(|| fields.next().and_then(non_empty));
        party.bic = party.bic.or_else(|| fields.next().and_then(non_empty));
        party.name = party.name.or_else(|| fields.next().and_then(non_empty));
    }
    if let Some(account) = account {
        party.account = Some(normalize_account(&account));
        party.source = PartySource::Structured;
    } else if let Some(iban) = find_iban(text, own_account) {
        party.account = Some(iban);
        party.source = PartySource::Text;
    }
    party.ultimate = value("ULTD").or_else(|| value("ULTC")).map(|ultimate| ultimate.replace("NAME/", ""));
    let remittance = value("REMI").map(|remittance| {
        // ING writes /REMI/USTD//text/ or /REMI/STRD/CUR/reference/.
        let stripped = remittance.strip_prefix("USTD//").or_else(|| remittance.strip_prefix("STRD/CUR/"));
        squeeze(stripped.unwrap_or(&remittance))
    });
    Details {
        counterparty: party,
        remittance: remittance.filter(|text| !text.is_empty()),
        end_to_end: value("EREF").filter(|reference| reference != "NOTPROVIDED"),
        type_code: value("TRTP"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn german_subfields_give_counterparty_and_purpose() {
        let details = parse(
            &lines(
                "166?00GUTSCHRIFT?100399?20EREF+TFNR 21005 EndToEndId ?2100001?22S\nVWZ+Verwend CTSc-01 eBB TF?23Nr 21005?30DRESDEFF508?31DE065088005\n00194780100?32Florian Frech?70Empfaenger Florian Frech UK?71 01",
            ),
            "",
        );
        assert_eq!(details.type_code.as_deref(), Some("166"));
        assert_eq!(details.counterparty.account.as_deref(), Some("DE06508800500194780100"));
        assert_eq!(details.counterparty.bic.as_deref(), Some("DRESDEFF508"));
        assert_eq!(details.counterparty.name.as_deref(), Some("Florian Frech"));
        assert_eq!(details.counterparty.source, PartySource::Structured);
        assert_eq!(details.end_to_end.as_deref(), Some("TFNR 21005 EndToEndId 00001"));
        assert_eq!(details.remittance.as_deref(), Some("Verwend CTSc-01 eBB TFNr 21005"));
    }

    #[test]
    fn triodos_uses_another_separator() {
        let details = parse(&lines("000>100133967858\n>20 HUUR>21 KANTOOR - FEB 2010>310390123456"), "");
        assert_eq!(details.counterparty.account.as_deref(), Some("0390123456"));
        assert_eq!(details.remittance.as_deref(), Some("HUUR KANTOOR - FEB 2010"));
    }

    #[test]
    fn dutch_structures() {
        let details = parse(
            &lines("/EREF/01-01-2013 12:00 0030000987654321/BENM//NAME/CONTRA ACCOUN\nT HOLDER/REMI//ISDT/2013-07-11"),
            "",
        );
        assert_eq!(details.counterparty.name.as_deref(), Some("CONTRA ACCOUNT HOLDER"));
        assert_eq!(details.end_to_end.as_deref(), Some("01-01-2013 12:00 0030000987654321"));
        let ing = parse(
            &lines(
                "/CNTP/NL08INGB0000000555/INGBNL2A/ING Bank N.V. inzake WeB///REMI/USTD//EV10001REK1000\n01JUL2013/",
            ),
            "",
        );
        assert_eq!(ing.counterparty.account.as_deref(), Some("NL08INGB0000000555"));
        assert_eq!(ing.counterparty.bic.as_deref(), Some("INGBNL2A"));
        assert_eq!(ing.counterparty.name.as_deref(), Some("ING Bank N.V. inzake WeB"));
        assert_eq!(ing.remittance.as_deref(), Some("EV10001REK100001JUL2013"));
        let abn = parse(
            &lines(
                "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J JANSEN/REMI/factuur 12/34/EREF/E2E-1",
            ),
            "",
        );
        assert_eq!(abn.counterparty.account.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(abn.remittance.as_deref(), Some("factuur 12/34"));
        assert_eq!(abn.end_to_end.as_deref(), Some("E2E-1"));
        assert_eq!(abn.type_code.as_deref(), Some("SEPA OVERBOEKING"));
    }

    #[test]
    fn free_text_iban_but_never_the_own_account() {
        let details = parse(&lines("OVERBOEKING NAAR NL91 ABNA 0417 1643 00 J JANSEN"), "NL02ABNA0123456789");
        assert_eq!(details.counterparty.account.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(details.counterparty.source, PartySource::Text);
        let own = parse(&lines("VAN NL91ABNA0417164300"), "NL91ABNA0417164300");
        assert_eq!(own.counterparty.source, PartySource::Unknown);
    }

    #[test]
    fn free_text_joins_full_lines_without_space() {
        let first = "GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659";
        let text = join_free_text(&[first.to_owned(), "5314606715  BETREFT".to_owned(), "INCL.".to_owned()]);
        assert_eq!(text, format!("{first}5314606715  BETREFT INCL."));
    }
}
