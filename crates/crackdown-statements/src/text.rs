//! Text helpers every reader shares: decoding bank bytes, IBANs, account
//! normalization and amounts written the way banks write them.

use std::borrow::Cow;

use crackdown_model::{Currency, Money};

/// Decodes one line or field: UTF-8 when it is valid, else Windows-1252
/// (a superset of Latin-1's printable range), which is what banks that do not
/// write UTF-8 write. Control characters other than tab become spaces, so a
/// stray binary byte never splits or hides a field.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    // Fast path: printable ASCII and tabs, the bulk of every bank file.
    // (No early exit in the fold, so it vectorizes.)
    let controls = bytes.iter().fold(false, |found, &byte| found | ((byte < 0x20 && byte != b'\t') | (byte == 0x7f)));
    if !controls && bytes.is_ascii() {
        return Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    };
    if text.chars().any(|c| c.is_control() && c != '\t') {
        Cow::Owned(text.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect())
    } else {
        text
    }
}

/// Whether `bytes` decode as UTF-8 (for warnings about a file's encoding).
pub(crate) fn is_utf8(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
}

/// Collapses runs of whitespace to one space and trims.
pub(crate) fn squeeze(text: &str) -> String {
    let bytes = text.as_bytes();
    let clean = bytes.first().is_none_or(|b| *b != b' ')
        && bytes.last().is_none_or(|b| *b != b' ')
        && !bytes.windows(2).any(|pair| pair == b"  ")
        && !bytes.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        && text.is_ascii();
    if clean {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `Some(squeezed)` unless empty.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    let squeezed = squeeze(text);
    (!squeezed.is_empty()).then_some(squeezed)
}

/// Whether `text` (upper case, no spaces) is an IBAN: known country, its
/// length, numeric check digits and the ISO 7064 mod-97 checksum.
pub(crate) fn is_iban(text: &str) -> bool {
    let bytes = text.as_bytes();
    (15..=34).contains(&bytes.len())
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && crackdown_model::iban::iban_ok(text)
}

/// Whether `text` has an IBAN's shape (country letters, two check digits,
/// 11 to 30 letters and digits) whatever its checksum: in a field meant for
/// an account, a wrong checksum is a typo or an anonymized sample, still the
/// account the bank wrote.
pub(crate) fn is_iban_shaped(text: &str) -> bool {
    let bytes = text.as_bytes();
    (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphanumeric)
}

/// The first valid IBAN in free text that is not `except` (the statement's
/// own account), written with or without the usual groups of four.
pub(crate) fn find_iban(text: &str, except: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let mut start = 0;
    while start + 15 <= bytes.len() {
        let at_word_start = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if at_word_start
            && bytes[start].is_ascii_uppercase()
            && bytes[start + 1].is_ascii_uppercase()
            && bytes[start + 2].is_ascii_digit()
            && bytes[start + 3].is_ascii_digit()
        {
            // Gather alphanumerics, allowing single spaces between groups.
            let mut candidate = String::new();
            let mut index = start;
            while index < bytes.len() && candidate.len() < 34 {
                let byte = bytes[index];
                if byte.is_ascii_alphanumeric() {
                    candidate.push(char::from(byte));
                } else if byte == b' ' && index + 1 < bytes.len() && bytes[index + 1].is_ascii_alphanumeric() {
                    // a group separator
                } else {
                    break;
                }
                index += 1;
                if candidate.len() >= 15 && is_iban(&candidate) && candidate != except {
                    // Longest match wins only if the next group still fits: an
                    // IBAN's length is fixed per country, so the first valid
                    // prefix of that length is the IBAN.
                    return Some(candidate);
                }
            }
        }
        start += 1;
    }
    None
}

/// Normalizes an account as banks write it so both sides of a transfer name
/// it alike: spaces dropped, upper case; an IBAN followed by its currency
/// (ING's `:25:NL69INGB0123456789EUR`) loses the currency.
pub(crate) fn normalize_account(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if compact.len() > 3 && compact.is_char_boundary(compact.len() - 3) {
        let (head, tail) = compact.split_at(compact.len() - 3);
        if tail.bytes().all(|b| b.is_ascii_uppercase()) && Currency::from_code(tail).is_some() && is_iban(head) {
            return head.to_owned();
        }
    }
    compact
}

/// Parses an amount in SWIFT notation (`1234,56`, `9,`, `0,`) or with a dot.
pub(crate) fn parse_swift_amount(text: &str, currency: Currency) -> Result<Money, String> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.') {
        return Err(format!("{text:?} is not an amount (digits and a decimal comma)"));
    }
    let normalized = text.replace(',', ".");
    let normalized = normalized.strip_suffix('.').unwrap_or(&normalized);
    let normalized = if normalized.starts_with('.') { format!("0{normalized}") } else { normalized.to_owned() };
    Money::parse(&normalized, currency).map_err(|error| error.to_string())
}

/// Parses an amount as spreadsheets and exports write it: thousands
/// separators, a decimal comma or point (`decimal_comma` decides when both
/// could be meant), a sign in front or behind, parentheses for negatives,
/// currency symbols around. Returns signed minor units.
pub(crate) fn parse_loose_amount(text: &str, currency: Currency, decimal_comma: bool) -> Result<Money, String> {
    let original = text;
    let mut text = text.trim();
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    // A currency code or symbol around the number is decoration; any other
    // letter means the cell is not an amount.
    let without_code = text.replace(currency.code(), "").replace(&currency.code().to_ascii_lowercase(), "");
    if without_code.chars().any(char::is_alphabetic) {
        return Err(format!("{original:?} is not an amount"));
    }
    let kept: String =
        without_code.chars().filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+')).collect();
    let mut digits = kept.as_str();
    if let Some(rest) = digits.strip_prefix('-') {
        negative = !negative;
        digits = rest;
    } else if let Some(rest) = digits.strip_suffix('-') {
        negative = !negative;
        digits = rest;
    } else if let Some(rest) = digits.strip_prefix('+') {
        digits = rest;
    }
    if digits.is_empty() || digits.contains(['-', '+']) {
        return Err(format!("{original:?} is not an amount"));
    }
    let (decimal, thousands) = match (digits.rfind(','), digits.rfind('.')) {
        (Some(comma), Some(point)) => {
            if comma > point {
                (',', '.')
            } else {
                ('.', ',')
            }
        }
        (Some(_), None) if decimal_comma => (',', '.'),
        (Some(_), None) => ('.', ','),
        (None, _) if decimal_comma => (',', '.'),
        (None, _) => ('.', ','),
    };
    let plain: String =
        digits.chars().filter(|&c| c != thousands).map(|c| if c == decimal { '.' } else { c }).collect();
    let money = Money::parse(&plain, currency).map_err(|error| format!("{original:?}: {error}"))?;
    Ok(if negative { Money::new(-money.minor(), currency) } else { money })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::from_code("EUR").expect("EUR")
    }

    #[test]
    fn ibans_are_recognised_by_checksum_and_length() {
        assert!(is_iban("NL91ABNA0417164300"));
        assert!(is_iban("DE89370400440532013000"));
        assert!(is_iban("CH9300762011623852957"));
        assert!(!is_iban("NL91ABNA0417164301"), "checksum");
        assert!(!is_iban("NL91ABNA041716430"), "length");
        assert!(!is_iban("XX91ABNA0417164300"), "country");
    }

    #[test]
    fn ibans_are_found_in_text_but_not_the_own_account() {
        assert_eq!(
            find_iban("Ueberweisung an DE89 3704 0044 0532 0130 00 Miete", "").as_deref(),
            Some("DE89370400440532013000")
        );
        assert_eq!(find_iban("from NL91ABNA0417164300 to you", "NL91ABNA0417164300"), None);
        assert_eq!(find_iban("REF 1234567890123456789", ""), None);
    }

    #[test]
    fn accounts_normalize_alike() {
        assert_eq!(normalize_account("nl91 abna 0417 1643 00"), "NL91ABNA0417164300");
        assert_eq!(normalize_account("NL91ABNA0417164300EUR"), "NL91ABNA0417164300");
        assert_eq!(normalize_account("50880050/0194774600888"), "50880050/0194774600888");
    }

    #[test]
    fn swift_amounts() {
        assert_eq!(parse_swift_amount("1234,56", eur()).map(Money::minor), Ok(123_456));
        assert_eq!(parse_swift_amount("9,", eur()).map(Money::minor), Ok(900));
        assert_eq!(parse_swift_amount("0,", eur()).map(Money::minor), Ok(0));
        assert_eq!(parse_swift_amount("000000001000,00", eur()).map(Money::minor), Ok(100_000));
        assert!(parse_swift_amount("12,345", eur()).is_err());
        assert!(parse_swift_amount("1x", eur()).is_err());
    }

    #[test]
    fn loose_amounts() {
        let parse = |text: &str, comma: bool| parse_loose_amount(text, eur(), comma).map(Money::minor);
        assert_eq!(parse("1.234,56", false), Ok(123_456));
        assert_eq!(parse("1,234.56", true), Ok(123_456));
        assert_eq!(parse("12,50", true), Ok(1250));
        assert_eq!(parse("-12,50", true), Ok(-1250));
        assert_eq!(parse("12.50-", false), Ok(-1250));
        assert_eq!(parse("(12.50)", false), Ok(-1250));
        assert_eq!(parse("€ 1 234,50", true), Ok(123_450));
        assert_eq!(parse("1,000", false), Ok(100_000));
        assert!(parse("abc", false).is_err());
        assert!(parse("", false).is_err());
    }

    #[test]
    fn latin1_bytes_decode_and_controls_become_spaces() {
        assert_eq!(decode(b"Illet\xe9k"), "Illeték");
        assert_eq!(decode(b"a\x00b\x1ac"), "a b c");
        assert_eq!(decode("Ümlaut".as_bytes()), "Ümlaut");
    }
}
