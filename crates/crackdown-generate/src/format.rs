//! Fast, allocation-free writers for the two fields every ledger row has:
//! an RFC 3339 UTC timestamp and an exact decimal amount.
//!
//! They exist because formatting through `chrono` and `String` per row would
//! cost more than generating the row. Parsing is left to the importers.

/// Days since 1970-01-01 to a civil (year, month, day), after Howard
/// Hinnant's `civil_from_days`.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn push_two(out: &mut Vec<u8>, value: u32) {
    out.push(b'0' + (value / 10 % 10) as u8);
    out.push(b'0' + (value % 10) as u8);
}

/// Appends `seconds` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn push_timestamp(out: &mut Vec<u8>, seconds: i64) {
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let second_of_day = seconds.rem_euclid(86_400) as u32;
    let year = year.clamp(0, 9999) as u32;
    push_two(out, year / 100);
    push_two(out, year % 100);
    out.push(b'-');
    push_two(out, month);
    out.push(b'-');
    push_two(out, day);
    out.push(b'T');
    push_two(out, second_of_day / 3600);
    out.push(b':');
    push_two(out, second_of_day / 60 % 60);
    out.push(b':');
    push_two(out, second_of_day % 60);
    out.push(b'Z');
}

/// `seconds` since the epoch as an RFC 3339 UTC string.
pub(crate) fn timestamp(seconds: i64) -> String {
    let mut out = Vec::with_capacity(20);
    push_timestamp(&mut out, seconds);
    String::from_utf8(out).expect("timestamps are ASCII")
}

/// Appends an unsigned integer in decimal.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// Appends non-negative minor units as a decimal with exactly `minor_units`
/// decimals (the form `Money::decimal` writes).
pub(crate) fn push_decimal(out: &mut Vec<u8>, minor: i64, minor_units: u8) {
    if minor < 0 {
        out.push(b'-');
    }
    let value = minor.unsigned_abs();
    if minor_units == 0 {
        push_u64(out, value);
        return;
    }
    let scale = 10u64.pow(u32::from(minor_units));
    push_u64(out, value / scale);
    out.push(b'.');
    let mut fraction = [0u8; 20];
    let mut rest = value % scale;
    for slot in fraction[..usize::from(minor_units)].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend_from_slice(&fraction[..usize::from(minor_units)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, SecondsFormat};
    use crackdown_model::{Currency, Money};
    use proptest::prelude::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_735_689_599), "2024-12-31T23:59:59Z");
    }

    proptest! {
        #[test]
        fn timestamps_match_chrono(seconds in 0_i64..8_000_000_000) {
            let expected = DateTime::from_timestamp(seconds, 0)
                .expect("in range")
                .to_rfc3339_opts(SecondsFormat::Secs, true);
            prop_assert_eq!(timestamp(seconds), expected);
        }

        #[test]
        fn decimals_match_money(minor in 0_i64..i64::MAX, index in 0..Currency::all().len()) {
            let currency = Currency::all()[index];
            let mut out = Vec::new();
            push_decimal(&mut out, minor, currency.minor_units());
            prop_assert_eq!(String::from_utf8(out).expect("ascii"), Money::new(minor, currency).decimal());
        }
    }
}
