//! Indicators as scammers hand them to victims: phones, URLs, e-mail
//! addresses, wallets, IBANs, bank accounts, cards and messenger handles,
//! with valid checksums (IBAN mod-97, base58check, bech32, EIP-55, Luhn),
//! the surface forms victims copy them in (national and international
//! phones, defanged URLs, spaced IBANs) and invalid look-alikes.
//!
//! Every value comes with its canonical form and validity so that the truth
//! files can say exactly what a report contains. Extraction is not here: it
//! belongs to the lure-analysis crate, which the truth files test.

use sha3::{Digest, Keccak256};

use crate::random::Dice;

/// The indicator types of the lure-analysis vocabulary that the generator
/// embeds in texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndicatorType {
    Phone,
    Url,
    Email,
    Btc,
    Eth,
    Tron,
    Iban,
    BankAccount,
    Card,
    Telegram,
    WhatsApp,
    Line,
}

impl IndicatorType {
    /// The type name as `crackdown analyze` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorType::Phone => "phone",
            IndicatorType::Url => "url",
            IndicatorType::Email => "email",
            IndicatorType::Btc => "btc",
            IndicatorType::Eth => "eth",
            IndicatorType::Tron => "tron",
            IndicatorType::Iban => "iban",
            IndicatorType::BankAccount => "bank_account",
            IndicatorType::Card => "card",
            IndicatorType::Telegram => "telegram",
            IndicatorType::WhatsApp => "whatsapp",
            IndicatorType::Line => "line",
        }
    }
}

/// One indicator in canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Indicator {
    pub kind: IndicatorType,
    /// Canonical form: E.164 phone, lower-case URL, electronic IBAN, the
    /// address as encoded, digits of a bank account or card, handle without `@`.
    pub canonical: String,
    /// For phones: how the number is written nationally, for surface forms.
    pub phone: Option<PhonePlan>,
    /// For bank accounts: the bank's short name, shown next to the number.
    pub bank: Option<&'static str>,
}

/// How one country writes its phone numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PhonePlan {
    pub country_code: &'static str,
    /// The national trunk prefix (`0`), empty where there is none.
    pub trunk: &'static str,
    /// Leading digits of mobile numbers, one of which starts each number.
    pub mobile_prefixes: &'static [&'static str],
    /// Length of the national significant number.
    pub length: usize,
}

/// An indicator as it appears in one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mention {
    pub kind: IndicatorType,
    pub surface: String,
    pub canonical: String,
    pub valid: bool,
}

fn indicator(kind: IndicatorType, canonical: String) -> Indicator {
    Indicator { kind, canonical, phone: None, bank: None }
}

/// A mobile number of the plan, canonical in E.164.
pub(crate) fn phone(dice: &mut Dice, plan: PhonePlan) -> Indicator {
    let prefix = *dice.pick(plan.mobile_prefixes);
    let national = format!("{prefix}{}", dice.digits(plan.length.saturating_sub(prefix.len())));
    Indicator { phone: Some(plan), ..indicator(IndicatorType::Phone, format!("+{}{national}", plan.country_code)) }
}

/// The national significant number of a canonical phone.
fn national_number(canonical: &str, plan: PhonePlan) -> &str {
    canonical.strip_prefix('+').and_then(|rest| rest.strip_prefix(plan.country_code)).unwrap_or(canonical)
}

/// Groups digits as 3-3-rest, or 3-4-4 for 11 digits, joined by `separator`.
fn group(digits: &str, separator: &str) -> String {
    let cuts: &[usize] = match digits.len() {
        11 => &[3, 7],
        10 => &[3, 6],
        9 => &[2, 5],
        _ => &[3],
    };
    let mut parts = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        if cut < digits.len() {
            parts.push(&digits[start..cut]);
            start = cut;
        }
    }
    parts.push(&digits[start..]);
    parts.join(separator)
}

/// A phone in one of the forms victims write: national with or without
/// separators, international with `+` or `00`.
fn phone_surface(dice: &mut Dice, canonical: &str, plan: PhonePlan) -> String {
    let national = national_number(canonical, plan);
    let trunked = format!("{}{national}", plan.trunk);
    let country = plan.country_code;
    match dice.below(7) {
        0 => trunked,
        1 => group(&trunked, "-"),
        2 => group(&trunked, " "),
        3 => canonical.to_owned(),
        4 => format!("+{country} {}", group(national, " ")),
        5 => format!("00{country} {}", group(national, " ")),
        _ => format!("+{country}-{}", group(national, "-")),
    }
}

/// ISO 13616 check digits for a country and BBAN.
pub(crate) fn iban_check_digits(country: &str, bban: &str) -> u32 {
    let mut remainder: u32 = 0;
    let rearranged = format!("{bban}{country}00");
    for character in rearranged.chars() {
        let value = character.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    98 - remainder
}

/// How many characters of each class a country's BBAN has: bank letters,
/// then digits.
fn bban_shape(country: &str) -> (usize, usize) {
    match country {
        "GB" | "IE" => (4, 14),
        "NL" => (4, 10),
        "LT" => (0, 16),
        "FR" => (0, 23),
        _ => (0, 18), // DE
    }
}

/// A valid IBAN of `country` (DE, GB, IE, NL, LT, FR), electronic form.
pub(crate) fn iban(dice: &mut Dice, country: &'static str) -> Indicator {
    let (letters, digits) = bban_shape(country);
    let bank: String = (0..letters).map(|_| char::from(b'A' + dice.below(26) as u8)).collect();
    let bban = format!("{bank}{}", dice.digits(digits));
    let check = iban_check_digits(country, &bban);
    indicator(IndicatorType::Iban, format!("{country}{check:02}{bban}"))
}

/// An IBAN printed in groups of four, as on statements.
fn spaced(text: &str) -> String {
    let characters: Vec<char> = text.chars().collect();
    characters.chunks(4).map(|chunk| chunk.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// A legacy P2PKH (`1…`) or P2SH (`3…`) Bitcoin address, or a bech32
/// P2WPKH (`bc1q…`) one.
pub(crate) fn btc(dice: &mut Dice) -> Indicator {
    let hash: [u8; 20] = dice.bytes();
    let canonical = match dice.below(3) {
        0 => base58check(0x00, &hash),
        1 => base58check(0x05, &hash),
        _ => bech32::segwit::encode_v0(bech32::hrp::BC, &hash)
            .expect("a 20-byte witness program is a valid segwit v0 program"),
    };
    indicator(IndicatorType::Btc, canonical)
}

fn base58check(version: u8, payload: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(payload.len() + 1);
    bytes.push(version);
    bytes.extend_from_slice(payload);
    bs58::encode(bytes).with_check().into_string()
}

/// A TRON address (`T…`): version byte 0x41 and base58check.
pub(crate) fn tron(dice: &mut Dice) -> Indicator {
    let hash: [u8; 20] = dice.bytes();
    indicator(IndicatorType::Tron, base58check(0x41, &hash))
}

/// The EIP-55 mixed-case form of a lower-case hex address body.
pub(crate) fn eip55(lower_hex: &str) -> String {
    let hash = Keccak256::digest(lower_hex.as_bytes());
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    for (index, character) in lower_hex.chars().enumerate() {
        let nibble = (hash[index / 2] >> (if index % 2 == 0 { 4 } else { 0 })) & 0x0f;
        if character.is_ascii_alphabetic() && nibble >= 8 {
            out.push(character.to_ascii_uppercase());
        } else {
            out.push(character);
        }
    }
    out
}

/// An Ethereum address in EIP-55 checksummed form.
pub(crate) fn eth(dice: &mut Dice) -> Indicator {
    let bytes: [u8; 20] = dice.bytes();
    let lower = crackdown_model::hex(&bytes);
    indicator(IndicatorType::Eth, eip55(&lower))
}

/// The Luhn check digit for a number without it.
pub(crate) fn luhn_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|character| character.to_digit(10))
        .enumerate()
        .map(|(index, digit)| {
            if index % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// A 16-digit Visa or Mastercard number with a valid Luhn digit.
pub(crate) fn card(dice: &mut Dice) -> Indicator {
    let prefix = *dice.pick(&["4", "51", "53", "55"]);
    let body = format!("{prefix}{}", dice.digits(15 - prefix.len()));
    let check = luhn_check_digit(&body);
    indicator(IndicatorType::Card, format!("{body}{check}"))
}

/// Replaces one character with another of the same class so that a
/// checksum fails, keeping the look of the original.
fn mutate_one(dice: &mut Dice, text: &str, protected_prefix: usize, alphabet: &[u8]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.len() <= protected_prefix {
        return text.to_owned();
    }
    let position = protected_prefix + dice.below(bytes.len() - protected_prefix);
    let original = bytes[position];
    let candidates: Vec<u8> = alphabet.iter().copied().filter(|&candidate| candidate != original).collect();
    bytes[position] = *dice.pick(&candidates);
    String::from_utf8(bytes).expect("ASCII replaced by ASCII")
}

const DIGITS: &[u8] = b"0123456789";
const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn base58check_valid(text: &str) -> bool {
    bs58::decode(text).with_check(None).into_vec().is_ok()
}

/// A look-alike of a checksummed indicator that fails its checksum, or
/// `None` for types without one.
pub(crate) fn invalid_lookalike(dice: &mut Dice, value: &Indicator) -> Option<Indicator> {
    let canonical = &value.canonical;
    let broken = match value.kind {
        // Mod-97 and Luhn catch every single-digit substitution.
        IndicatorType::Iban => mutate_one(dice, canonical, 4, DIGITS),
        IndicatorType::Card => mutate_one(dice, canonical, 1, DIGITS),
        IndicatorType::Btc if canonical.starts_with("bc1") => {
            // Bech32 catches every single substitution.
            mutate_one(dice, canonical, 4, BECH32)
        }
        IndicatorType::Btc | IndicatorType::Tron => {
            // A substitution breaks base58check except with odds of 2^-32;
            // retry in that case so the look-alike is surely invalid.
            let mut attempt = mutate_one(dice, canonical, 1, BASE58);
            while base58check_valid(&attempt) {
                attempt = mutate_one(dice, canonical, 1, BASE58);
            }
            attempt
        }
        IndicatorType::Eth => {
            // Flipping the case of one letter breaks EIP-55.
            let letters: Vec<usize> = canonical
                .char_indices()
                .skip(2)
                .filter(|(_, character)| character.is_ascii_alphabetic())
                .map(|(index, _)| index)
                .collect();
            if letters.is_empty() {
                return None;
            }
            let position = *dice.pick(&letters);
            let mut bytes = canonical.as_bytes().to_vec();
            bytes[position] ^= 0x20;
            String::from_utf8(bytes).expect("ASCII case flip")
        }
        _ => return None,
    };
    Some(Indicator { canonical: broken, ..value.clone() })
}

/// A URL's host, for defanging and e-mail domains.
fn defang_host(dice: &mut Dice, host: &str) -> String {
    let dot = *dice.pick(&["[.]", "(.)", "[dot]", "{dot}", " dot "]);
    match host.rfind('.') {
        Some(last) => format!("{}{dot}{}", &host[..last], &host[last + 1..]),
        None => host.to_owned(),
    }
}

/// The text a victim writes for an indicator, in one of its surface forms.
pub(crate) fn surface(dice: &mut Dice, value: &Indicator) -> String {
    let canonical = value.canonical.as_str();
    match value.kind {
        IndicatorType::Phone => match value.phone {
            Some(plan) => phone_surface(dice, canonical, plan),
            None => canonical.to_owned(),
        },
        IndicatorType::Url => {
            let rest =
                canonical.strip_prefix("https://").or_else(|| canonical.strip_prefix("http://")).unwrap_or(canonical);
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            match dice.below(7) {
                0 | 1 => canonical.to_owned(),
                2 => format!("hxxps://{}{path}", defang_host(dice, host)),
                3 => format!("{}{path}", defang_host(dice, host)),
                4 => host.to_owned(),
                5 => format!("www.{host}{path}"),
                _ => format!("hxxp://{host}{path}"),
            }
        }
        IndicatorType::Email => match dice.below(5) {
            0 => canonical.replacen('@', "[at]", 1),
            1 => {
                let (user, host) = canonical.split_once('@').unwrap_or((canonical, ""));
                format!("{user}(at){}", defang_host(dice, host))
            }
            _ => canonical.to_owned(),
        },
        IndicatorType::Iban => match dice.below(3) {
            0 => canonical.to_owned(),
            _ => spaced(canonical),
        },
        IndicatorType::Card => match dice.below(3) {
            0 => canonical.to_owned(),
            1 => spaced(canonical),
            _ => {
                let groups = spaced(canonical);
                groups.replace(' ', "-")
            }
        },
        IndicatorType::BankAccount => {
            let bank = value.bank.unwrap_or("");
            let digits = canonical;
            let written = if digits.len() == 10 && dice.chance(0.6) {
                format!("{}-{}-{}-{}", &digits[..3], &digits[3..4], &digits[4..9], &digits[9..])
            } else if dice.chance(0.3) {
                group(digits, " ")
            } else {
                digits.to_owned()
            };
            if bank.is_empty() { written } else { format!("{bank} {written}") }
        }
        IndicatorType::Telegram => match dice.below(4) {
            0 => format!("t.me/{canonical}"),
            1 => format!("https://t.me/{canonical}"),
            _ => format!("@{canonical}"),
        },
        IndicatorType::WhatsApp => match dice.below(2) {
            0 => format!("wa.me/{}", canonical.trim_start_matches('+')),
            _ => format!("https://wa.me/{}", canonical.trim_start_matches('+')),
        },
        IndicatorType::Line => match dice.below(3) {
            0 => format!("line.me/ti/p/~{canonical}"),
            1 => format!("LINE ID: {canonical}"),
            _ => format!("ไลน์ {canonical}"),
        },
        IndicatorType::Btc | IndicatorType::Eth | IndicatorType::Tron => canonical.to_owned(),
    }
}

/// The spelling `crackdown analyze` reports as `normalized`, written to the
/// truth files so truth and analysis compare as plain strings: Telegram
/// handles as lower-case `@handle`, Ethereum addresses lower-case (EIP-55
/// case is a checksum, not identity), cards masked to the first six and last
/// four digits (the full number is never stored).
pub(crate) fn truth_form(kind: IndicatorType, canonical: &str) -> String {
    match kind {
        IndicatorType::Telegram if !canonical.starts_with('+') => format!("@{}", canonical.to_ascii_lowercase()),
        IndicatorType::Eth => canonical.to_ascii_lowercase(),
        IndicatorType::Card => {
            let digits = canonical.len();
            canonical
                .char_indices()
                .map(|(index, digit)| if index >= 6 && index + 4 < digits { '*' } else { digit })
                .collect()
        }
        _ => canonical.to_owned(),
    }
}

/// A mention of `value` in a text, an invalid look-alike with probability
/// `lookalike_rate` where the type has a checksum.
pub(crate) fn mention(dice: &mut Dice, value: &Indicator, lookalike_rate: f64) -> Mention {
    let (shown, valid) = if dice.chance(lookalike_rate) {
        match invalid_lookalike(dice, value) {
            Some(broken) => (broken, false),
            None => (value.clone(), true),
        }
    } else {
        (value.clone(), true)
    };
    Mention { kind: shown.kind, surface: surface(dice, &shown), canonical: shown.canonical, valid }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_forms_match_the_analyzer_spelling() {
        assert_eq!(truth_form(IndicatorType::Telegram, "Mentor_Lee"), "@mentor_lee");
        assert_eq!(
            truth_form(IndicatorType::Eth, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
        );
        assert_eq!(truth_form(IndicatorType::Card, "4111111111111111"), "411111******1111");
        assert_eq!(truth_form(IndicatorType::Phone, "+66812345678"), "+66812345678");
    }

    #[test]
    fn iban_matches_the_standard_example() {
        // ISO 13616's example: GB82 WEST 1234 5698 7654 32.
        assert_eq!(iban_check_digits("GB", "WEST12345698765432"), 82);
        assert_eq!(iban_check_digits("DE", "370400440532013000"), 89);
    }

    #[test]
    fn eip55_matches_the_eip_examples() {
        for address in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        ] {
            assert_eq!(eip55(&address[2..].to_ascii_lowercase()), address);
        }
    }

    #[test]
    fn luhn_digit_of_a_known_card() {
        assert_eq!(luhn_check_digit("453201511283036"), 6);
    }

    #[test]
    fn phone_forms_keep_the_digits() {
        let plan = PhonePlan { country_code: "66", trunk: "0", mobile_prefixes: &["8"], length: 9 };
        let mut dice = Dice::new(3, "phone", 0);
        let number = phone(&mut dice, plan);
        let national = national_number(&number.canonical, plan).to_owned();
        for _ in 0..40 {
            let written = surface(&mut dice, &number);
            let digits: String = written.chars().filter(char::is_ascii_digit).collect();
            assert!(digits.ends_with(&national), "{written} lost {national}");
        }
    }

    #[test]
    fn defanged_urls_keep_the_host_letters() {
        let mut dice = Dice::new(5, "url", 0);
        let value = indicator(IndicatorType::Url, "https://coin-max.vip/login".into());
        for _ in 0..40 {
            let written = surface(&mut dice, &value);
            assert!(written.contains("coin-max"), "{written}");
        }
    }
}
