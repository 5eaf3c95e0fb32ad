//! Checksums that tell a real account or wallet from a look-alike: base58check,
//! bech32/bech32m (via the `bech32` crate), EIP-55, IBAN mod-97 with
//! per-country lengths, the US ABA routing checksum and Luhn.
//!
//! Each function takes the already-cleaned candidate (no separators) and only
//! answers "does the checksum hold"; deciding what a candidate is belongs to
//! the extractor.

use sha3::{Digest, Keccak256};

/// Decodes base58 and verifies the 4-byte double-SHA-256 checksum; returns
/// the version byte when it holds.
pub fn base58check_version(address: &str) -> Option<u8> {
    let bytes = bs58::decode(address).with_check(None).into_vec().ok()?;
    bytes.first().copied()
}

/// Length in bytes of a base58 string's payload, if it decodes.
pub fn base58_len(text: &str) -> Option<usize> {
    bs58::decode(text).into_vec().ok().map(|bytes| bytes.len())
}

/// A segwit address (bech32 for v0, bech32m for v1+) with a valid checksum;
/// returns its human-readable part (`bc`, `tb`, `ltc`).
pub fn segwit_hrp(address: &str) -> Option<String> {
    let (hrp, _version, _program) = bech32::segwit::decode(address).ok()?;
    Some(hrp.to_lowercase())
}

/// EIP-55: an all-lower or all-upper address carries no checksum and is
/// accepted; a mixed-case one must match the Keccak-256 capitalisation.
pub fn eip55_ok(hex40: &str) -> bool {
    if hex40.len() != 40 || !hex40.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return false;
    }
    let has_lower = hex40.bytes().any(|byte| byte.is_ascii_lowercase());
    let has_upper = hex40.bytes().any(|byte| byte.is_ascii_uppercase());
    if !(has_lower && has_upper) {
        return true;
    }
    hex40 == eip55_checksummed(hex40)
}

/// The EIP-55 capitalisation of a 40-digit hex address.
pub fn eip55_checksummed(hex40: &str) -> String {
    let lower = hex40.to_ascii_lowercase();
    let hash = Keccak256::digest(lower.as_bytes());
    lower
        .bytes()
        .enumerate()
        .map(|(index, byte)| {
            let nibble = (hash[index / 2] >> if index % 2 == 0 { 4 } else { 0 }) & 0x0f;
            if byte.is_ascii_alphabetic() && nibble >= 8 {
                char::from(byte.to_ascii_uppercase())
            } else {
                char::from(byte)
            }
        })
        .collect()
}

/// IBAN length per ISO 13616 country (SWIFT IBAN registry).
pub fn iban_length(country: &str) -> Option<usize> {
    const LENGTHS: &[(&str, usize)] = &[
        ("AD", 24),
        ("AE", 23),
        ("AL", 28),
        ("AT", 20),
        ("AZ", 28),
        ("BA", 20),
        ("BE", 16),
        ("BG", 22),
        ("BH", 22),
        ("BI", 27),
        ("BR", 29),
        ("BY", 28),
        ("CH", 21),
        ("CR", 22),
        ("CY", 28),
        ("CZ", 24),
        ("DE", 22),
        ("DJ", 27),
        ("DK", 18),
        ("DO", 28),
        ("EE", 20),
        ("EG", 29),
        ("ES", 24),
        ("FI", 18),
        ("FK", 18),
        ("FO", 18),
        ("FR", 27),
        ("GB", 22),
        ("GE", 22),
        ("GI", 23),
        ("GL", 18),
        ("GR", 27),
        ("GT", 28),
        ("HR", 21),
        ("HU", 28),
        ("IE", 22),
        ("IL", 23),
        ("IQ", 23),
        ("IS", 26),
        ("IT", 27),
        ("JO", 30),
        ("KW", 30),
        ("KZ", 20),
        ("LB", 28),
        ("LC", 32),
        ("LI", 21),
        ("LT", 20),
        ("LU", 20),
        ("LV", 21),
        ("LY", 25),
        ("MC", 27),
        ("MD", 24),
        ("ME", 22),
        ("MK", 19),
        ("MN", 20),
        ("MR", 27),
        ("MT", 31),
        ("MU", 30),
        ("NI", 28),
        ("NL", 18),
        ("NO", 15),
        ("OM", 23),
        ("PK", 24),
        ("PL", 28),
        ("PS", 29),
        ("PT", 25),
        ("QA", 29),
        ("RO", 24),
        ("RS", 22),
        ("RU", 33),
        ("SA", 24),
        ("SC", 31),
        ("SD", 18),
        ("SE", 24),
        ("SI", 19),
        ("SK", 24),
        ("SM", 27),
        ("SO", 23),
        ("ST", 25),
        ("SV", 28),
        ("TL", 23),
        ("TN", 24),
        ("TR", 26),
        ("UA", 29),
        ("VA", 22),
        ("VG", 24),
        ("XK", 20),
        ("YE", 30),
    ];
    LENGTHS.iter().find(|(code, _)| code.eq_ignore_ascii_case(country)).map(|(_, length)| *length)
}

/// ISO 7064 mod-97 over an upper-case IBAN without separators, and the
/// country's registered length.
pub fn iban_ok(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    if bytes.len() < 5 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if iban_length(&iban[..2]) != Some(bytes.len()) {
        return false;
    }
    let mut remainder: u32 = 0;
    for byte in bytes[4..].iter().chain(&bytes[..4]) {
        let value = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            b'A'..=b'Z' => u32::from(byte - b'A') + 10,
            _ => return false,
        };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

/// The ABA routing-number checksum (weights 3, 7, 1).
pub fn aba_ok(digits: &str) -> bool {
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if values.len() != 9 || digits.len() != 9 {
        return false;
    }
    let sum: u32 = values.iter().zip([3, 7, 1].iter().cycle()).map(|(value, weight)| value * weight).sum();
    sum.is_multiple_of(10)
}

/// The Luhn check digit test used by payment cards.
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0;
    for (index, character) in digits.chars().rev().enumerate() {
        let Some(mut value) = character.to_digit(10) else {
            return false;
        };
        if index % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58check_versions() {
        assert_eq!(base58check_version("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), Some(0));
        assert_eq!(base58check_version("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"), Some(5));
        assert_eq!(base58check_version("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"), Some(0x41));
        assert_eq!(base58check_version("LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz"), Some(0x30));
        assert_eq!(base58check_version("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"), None);
    }

    #[test]
    fn segwit_addresses() {
        assert_eq!(segwit_hrp("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").as_deref(), Some("bc"));
        assert_eq!(segwit_hrp("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297").as_deref(), Some("bc"));
        assert_eq!(segwit_hrp("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), None);
    }

    #[test]
    fn eip55() {
        assert!(eip55_ok("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assert!(eip55_ok("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
        assert!(!eip55_ok("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        assert_eq!(
            eip55_checksummed("fb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
            "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
        );
    }

    #[test]
    fn iban_and_bank_checksums() {
        assert!(iban_ok("GB82WEST12345698765432"));
        assert!(iban_ok("DE89370400440532013000"));
        assert!(!iban_ok("GB82WEST12345698765433"));
        assert!(!iban_ok("GB82WEST1234569876543"));
        assert!(aba_ok("021000021"));
        assert!(!aba_ok("021000022"));
        assert!(luhn_ok("4111111111111111"));
        assert!(!luhn_ok("4111111111111112"));
    }
}
