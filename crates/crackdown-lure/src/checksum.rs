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

pub use crackdown_model::iban::{iban_length, iban_ok};

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
