//! Receipts of public reports: what a person who reported without an
//! account keeps, to quote when they contact the team.

/// Random bytes in a public receipt: 80 bits, so two receipts never meet
/// (the table's key would refuse it) even after billions of reports. A
/// receipt is no credential — nothing can be read back with it — so it only
/// has to be unique and easy to copy down.
pub(crate) const RECEIPT_BYTES: usize = 10;

/// Crockford's base 32: digits and capitals without I, L, O and U, so a
/// receipt read over the phone or copied by hand cannot be misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A receipt a person can keep: 16 Crockford base-32 characters in groups
/// of four (`7KQM-2XHD-9PRA-W3TN`).
pub(crate) fn receipt_code(random: &[u8; RECEIPT_BYTES]) -> String {
    let mut bits = 0_u128;
    for byte in random {
        bits = (bits << 8) | u128::from(*byte);
    }
    let mut code = String::with_capacity(19);
    for index in 0..16 {
        if index > 0 && index % 4 == 0 {
            code.push('-');
        }
        let shift = 5 * (15 - index);
        code.push(char::from(CROCKFORD[((bits >> shift) & 31) as usize]));
    }
    code
}

#[cfg(test)]
mod receipt_tests {
    use super::*;

    #[test]
    fn receipts_are_four_groups_of_unambiguous_characters() {
        assert_eq!(receipt_code(&[0; RECEIPT_BYTES]), "0000-0000-0000-0000");
        assert_eq!(receipt_code(&[0xff; RECEIPT_BYTES]), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        // Checked by hand: the 80 bits read five at a time, most significant first.
        let code = receipt_code(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed]);
        assert_eq!(code, "28T5-CY4T-QKFF-03ZD");
    }
}
