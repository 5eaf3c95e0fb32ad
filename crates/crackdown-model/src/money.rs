//! Money as integer minor units of a currency, never floating point.
//!
//! Amounts are parsed from decimal strings exactly; an amount with more
//! decimals than its currency has is an error rather than a rounding, because
//! a rounded cent in a court exhibit is a wrong cent.

use std::fmt;

/// Whether a currency is a national one (ISO 4217) or a crypto asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CurrencyKind {
    Fiat,
    Crypto,
}

/// A currency with the number of decimals its minor unit has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_units: u8,
    kind: CurrencyKind,
}

const fn fiat(code: &'static str, minor_units: u8) -> Currency {
    Currency { code, minor_units, kind: CurrencyKind::Fiat }
}

const fn crypto(code: &'static str, minor_units: u8) -> Currency {
    Currency { code, minor_units, kind: CurrencyKind::Crypto }
}

/// ISO 4217 active codes with their minor units, then the crypto assets seen
/// in scam cases.
///
/// Crypto assets whose chains count in 18 decimals (ETH, BNB, DAI) are kept to
/// 9 decimals (gwei): 18 would overflow 64-bit minor units at 9.2 ETH, and no
/// tracing question turns on a fraction of a gwei.
const CURRENCIES: &[Currency] = &[
    fiat("AED", 2),
    fiat("AFN", 2),
    fiat("ALL", 2),
    fiat("AMD", 2),
    fiat("ANG", 2),
    fiat("AOA", 2),
    fiat("ARS", 2),
    fiat("AUD", 2),
    fiat("AWG", 2),
    fiat("AZN", 2),
    fiat("BAM", 2),
    fiat("BBD", 2),
    fiat("BDT", 2),
    fiat("BGN", 2),
    fiat("BHD", 3),
    fiat("BIF", 0),
    fiat("BMD", 2),
    fiat("BND", 2),
    fiat("BOB", 2),
    fiat("BOV", 2),
    fiat("BRL", 2),
    fiat("BSD", 2),
    fiat("BTN", 2),
    fiat("BWP", 2),
    fiat("BYN", 2),
    fiat("BZD", 2),
    fiat("CAD", 2),
    fiat("CDF", 2),
    fiat("CHE", 2),
    fiat("CHF", 2),
    fiat("CHW", 2),
    fiat("CLF", 4),
    fiat("CLP", 0),
    fiat("CNY", 2),
    fiat("COP", 2),
    fiat("COU", 2),
    fiat("CRC", 2),
    fiat("CUP", 2),
    fiat("CVE", 2),
    fiat("CZK", 2),
    fiat("DJF", 0),
    fiat("DKK", 2),
    fiat("DOP", 2),
    fiat("DZD", 2),
    fiat("EGP", 2),
    fiat("ERN", 2),
    fiat("ETB", 2),
    fiat("EUR", 2),
    fiat("FJD", 2),
    fiat("FKP", 2),
    fiat("GBP", 2),
    fiat("GEL", 2),
    fiat("GHS", 2),
    fiat("GIP", 2),
    fiat("GMD", 2),
    fiat("GNF", 0),
    fiat("GTQ", 2),
    fiat("GYD", 2),
    fiat("HKD", 2),
    fiat("HNL", 2),
    fiat("HTG", 2),
    fiat("HUF", 2),
    fiat("IDR", 2),
    fiat("ILS", 2),
    fiat("INR", 2),
    fiat("IQD", 3),
    fiat("IRR", 2),
    fiat("ISK", 0),
    fiat("JMD", 2),
    fiat("JOD", 3),
    fiat("JPY", 0),
    fiat("KES", 2),
    fiat("KGS", 2),
    fiat("KHR", 2),
    fiat("KMF", 0),
    fiat("KPW", 2),
    fiat("KRW", 0),
    fiat("KWD", 3),
    fiat("KYD", 2),
    fiat("KZT", 2),
    fiat("LAK", 2),
    fiat("LBP", 2),
    fiat("LKR", 2),
    fiat("LRD", 2),
    fiat("LSL", 2),
    fiat("LYD", 3),
    fiat("MAD", 2),
    fiat("MDL", 2),
    fiat("MGA", 2),
    fiat("MKD", 2),
    fiat("MMK", 2),
    fiat("MNT", 2),
    fiat("MOP", 2),
    fiat("MRU", 2),
    fiat("MUR", 2),
    fiat("MVR", 2),
    fiat("MWK", 2),
    fiat("MXN", 2),
    fiat("MXV", 2),
    fiat("MYR", 2),
    fiat("MZN", 2),
    fiat("NAD", 2),
    fiat("NGN", 2),
    fiat("NIO", 2),
    fiat("NOK", 2),
    fiat("NPR", 2),
    fiat("NZD", 2),
    fiat("OMR", 3),
    fiat("PAB", 2),
    fiat("PEN", 2),
    fiat("PGK", 2),
    fiat("PHP", 2),
    fiat("PKR", 2),
    fiat("PLN", 2),
    fiat("PYG", 0),
    fiat("QAR", 2),
    fiat("RON", 2),
    fiat("RSD", 2),
    fiat("RUB", 2),
    fiat("RWF", 0),
    fiat("SAR", 2),
    fiat("SBD", 2),
    fiat("SCR", 2),
    fiat("SDG", 2),
    fiat("SEK", 2),
    fiat("SGD", 2),
    fiat("SHP", 2),
    fiat("SLE", 2),
    fiat("SOS", 2),
    fiat("SRD", 2),
    fiat("SSP", 2),
    fiat("STN", 2),
    fiat("SVC", 2),
    fiat("SYP", 2),
    fiat("SZL", 2),
    fiat("THB", 2),
    fiat("TJS", 2),
    fiat("TMT", 2),
    fiat("TND", 3),
    fiat("TOP", 2),
    fiat("TRY", 2),
    fiat("TTD", 2),
    fiat("TWD", 2),
    fiat("TZS", 2),
    fiat("UAH", 2),
    fiat("UGX", 0),
    fiat("USD", 2),
    fiat("USN", 2),
    fiat("UYI", 0),
    fiat("UYU", 2),
    fiat("UYW", 4),
    fiat("UZS", 2),
    fiat("VED", 2),
    fiat("VES", 2),
    fiat("VND", 0),
    fiat("VUV", 0),
    fiat("WST", 2),
    fiat("XAF", 0),
    fiat("XCD", 2),
    fiat("XCG", 2),
    fiat("XOF", 0),
    fiat("XPF", 0),
    fiat("YER", 2),
    fiat("ZAR", 2),
    fiat("ZMW", 2),
    fiat("ZWG", 2),
    crypto("BTC", 8),
    crypto("ETH", 9),
    crypto("USDT", 6),
    crypto("USDC", 6),
    crypto("TRX", 6),
    crypto("LTC", 8),
    crypto("SOL", 9),
    crypto("BNB", 9),
    crypto("XRP", 6),
    crypto("DOGE", 8),
    crypto("BCH", 8),
    crypto("XMR", 12),
    crypto("DAI", 9),
];

impl Currency {
    /// Looks a currency up by its code, in any case.
    pub fn from_code(code: &str) -> Option<Currency> {
        // Read for every row of a stored ledger: a map, not a scan of the table.
        static BY_CODE: std::sync::LazyLock<std::collections::HashMap<&'static str, Currency>> =
            std::sync::LazyLock::new(|| CURRENCIES.iter().rev().map(|currency| (currency.code, *currency)).collect());
        let code = code.trim();
        if let Some(&currency) = BY_CODE.get(code) {
            return Some(currency);
        }
        BY_CODE.get(code.to_ascii_uppercase().as_str()).copied()
    }

    /// The upper-case code, e.g. `USD` or `USDT`.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// How many decimals the minor unit has (2 for USD, 0 for JPY, 8 for BTC).
    pub fn minor_units(self) -> u8 {
        self.minor_units
    }

    pub fn kind(self) -> CurrencyKind {
        self.kind
    }

    /// Every known currency, for documentation and validation messages.
    pub fn all() -> &'static [Currency] {
        CURRENCIES
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(MoneyError::UnknownCurrency(code.into_owned())))
    }
}

/// Why a string is not an amount of money.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0:?} is not a known currency code (ISO 4217 or a crypto asset such as BTC, USDT)")]
    UnknownCurrency(String),
    #[error("{0:?} is not a decimal amount (digits, at most one '.', no thousands separators)")]
    NotDecimal(String),
    #[error("{amount:?} has more decimals than {currency} allows ({allowed})")]
    TooManyDecimals { amount: String, currency: &'static str, allowed: u8 },
    #[error("{0:?} is too large to represent")]
    Overflow(String),
    #[error("{0:?} is negative")]
    Negative(String),
}

/// An amount in integer minor units of one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Parses an exact decimal string such as `1234.5`, `-0.01` or `100`.
    ///
    /// Fewer decimals than the currency has are fine; more are an error.
    pub fn parse(amount: &str, currency: Currency) -> Result<Money, MoneyError> {
        let text = amount.trim();
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (unsigned, ""),
        };
        let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (unsigned.contains('.') && fraction.is_empty())
        {
            return Err(MoneyError::NotDecimal(amount.to_owned()));
        }
        let allowed = currency.minor_units;
        let significant_fraction = fraction.trim_end_matches('0');
        if significant_fraction.len() > usize::from(allowed) {
            return Err(MoneyError::TooManyDecimals { amount: amount.to_owned(), currency: currency.code, allowed });
        }
        let overflow = || MoneyError::Overflow(amount.to_owned());
        let mut minor: i64 = 0;
        for byte in whole.bytes().chain(significant_fraction.bytes()) {
            minor = minor.checked_mul(10).and_then(|m| m.checked_add(i64::from(byte - b'0'))).ok_or_else(overflow)?;
        }
        let missing = u32::from(allowed) - significant_fraction.len() as u32;
        minor = minor.checked_mul(10_i64.checked_pow(missing).ok_or_else(overflow)?).ok_or_else(overflow)?;
        Ok(Money { minor: if negative { -minor } else { minor }, currency })
    }

    /// Like [`Money::parse`], with the currency given by code; rejects
    /// negative amounts, as a loss or a transfer is never negative.
    pub fn parse_positive(amount: &str, currency_code: &str) -> Result<Money, MoneyError> {
        let currency =
            Currency::from_code(currency_code).ok_or_else(|| MoneyError::UnknownCurrency(currency_code.to_owned()))?;
        let money = Money::parse(amount, currency)?;
        if money.minor < 0 {
            return Err(MoneyError::Negative(amount.to_owned()));
        }
        Ok(money)
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount as an exact decimal string with all the currency's decimals,
    /// e.g. `1234.50`; the inverse of [`Money::parse`].
    pub fn decimal(self) -> String {
        self.decimal_display().to_string()
    }

    /// [`Money::decimal`] without the allocation, for writers that emit
    /// millions of amounts (a trace's hops).
    pub fn decimal_display(self) -> Decimal {
        Decimal { minor: self.minor, minor_units: self.currency.minor_units }
    }
}

/// Integer minor units written as a decimal with the currency's decimals.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    minor: i64,
    minor_units: u8,
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Digits from the right into a stack buffer, then one write: a
        // formatter's padding machinery costs more than the digits.
        let mut buffer = [0u8; 24];
        let mut start = buffer.len();
        let mut put = |byte: u8| {
            start -= 1;
            buffer[start] = byte;
        };
        let units = usize::from(self.minor_units);
        let mut rest = self.minor.unsigned_abs();
        let mut digits = 0;
        loop {
            if digits == units && units > 0 {
                put(b'.');
            }
            put(b'0' + (rest % 10) as u8);
            rest /= 10;
            digits += 1;
            if rest == 0 && digits > units {
                break;
            }
        }
        if self.minor < 0 {
            put(b'-');
        }
        f.write_str(std::str::from_utf8(&buffer[start..]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.currency.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_code_reads_back_in_any_case() {
        for currency in CURRENCIES {
            let first = CURRENCIES.iter().find(|known| known.code.eq_ignore_ascii_case(currency.code));
            assert_eq!(Currency::from_code(currency.code).as_ref(), first, "{}", currency.code);
            assert_eq!(Currency::from_code(&currency.code.to_ascii_lowercase()).as_ref(), first);
            assert_eq!(Currency::from_code(&format!(" {} ", currency.code)).as_ref(), first);
        }
        assert_eq!(Currency::from_code("XXXX"), None);
    }

    fn usd() -> Currency {
        Currency::from_code("usd").expect("USD is in the table")
    }

    fn check(amount: &str, code: &str, expected: Result<i64, &str>) {
        let currency = Currency::from_code(code).expect("test currency exists");
        let got = Money::parse(amount, currency).map(Money::minor).map_err(|error| error.to_string());
        match expected {
            Ok(minor) => assert_eq!(got, Ok(minor), "{amount} {code}"),
            Err(fragment) => {
                let message = got.expect_err(amount);
                assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
            }
        }
    }

    #[test]
    fn parses_exactly() {
        check("1234.5", "USD", Ok(123_450));
        check("1234.50", "USD", Ok(123_450));
        check("0.01", "USD", Ok(1));
        check("-7", "USD", Ok(-700));
        check("1000", "JPY", Ok(1000));
        check("1.000", "KWD", Ok(1000));
        check("0.00000001", "BTC", Ok(1));
        check("12.3400", "USD", Ok(1234));
        check("92233720368547758.07", "USD", Ok(i64::MAX));
    }

    #[test]
    fn rejects_what_is_not_exact() {
        check("0.001", "USD", Err("more decimals than USD allows (2)"));
        check("1.5", "JPY", Err("more decimals"));
        check("12,50", "EUR", Err("not a decimal"));
        check("1e3", "USD", Err("not a decimal"));
        check("", "USD", Err("not a decimal"));
        check(".5", "USD", Err("not a decimal"));
        check("5.", "USD", Err("not a decimal"));
        check("+5", "USD", Err("not a decimal"));
        check("1 000", "USD", Err("not a decimal"));
        check("١٢", "USD", Err("not a decimal"));
        check("92233720368547758.08", "USD", Err("too large"));
        assert!(Money::parse_positive("-1", "USD").is_err());
        assert!(matches!(Money::parse_positive("1", "XYZ"), Err(MoneyError::UnknownCurrency(_))));
    }

    #[test]
    fn formats_with_all_decimals() {
        assert_eq!(Money::new(123_450, usd()).decimal(), "1234.50");
        assert_eq!(Money::new(-5, usd()).decimal(), "-0.05");
        assert_eq!(Money::new(0, usd()).decimal(), "0.00");
        let jpy = Currency::from_code("JPY").expect("JPY");
        assert_eq!(Money::new(1500, jpy).decimal(), "1500");
        assert_eq!(Money::new(i64::MIN, usd()).decimal(), "-92233720368547758.08");
    }

    proptest! {
        #[test]
        fn decimal_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000, index in 0..CURRENCIES.len()) {
            let currency = CURRENCIES[index];
            let money = Money::new(minor, currency);
            prop_assert_eq!(Money::parse(&money.decimal(), currency), Ok(money));
        }
    }
}
