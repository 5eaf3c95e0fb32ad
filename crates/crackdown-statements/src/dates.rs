//! Date formats of spreadsheets and exports, detected from the values.
//!
//! A column's format is the first candidate that reads every sampled value.
//! Day-first comes before month-first: when no day in the sample exceeds 12
//! both read everything, and the reader warns that the order was assumed.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// How a date column is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// A chrono pattern; `with_time` when it has hours.
    Pattern {
        pattern: String,
        with_time: bool,
    },
    Rfc3339,
    UnixSeconds,
    UnixMillis,
}

const DATE_PATTERNS: &[&str] = &[
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d.%m.%y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
];
const TIME_SUFFIXES: &[&str] = &[" %H:%M:%S", " %H:%M", "T%H:%M:%S", " %H:%M:%S%.f", "T%H:%M:%S%.f"];

impl DateFormat {
    pub fn from_pattern(pattern: &str) -> DateFormat {
        match pattern {
            "rfc3339" | "iso8601" => DateFormat::Rfc3339,
            "unix" | "unix_seconds" => DateFormat::UnixSeconds,
            "unix_millis" => DateFormat::UnixMillis,
            _ => DateFormat::Pattern { pattern: pattern.to_owned(), with_time: pattern.contains("%H") },
        }
    }

    /// The candidates in order of preference.
    fn candidates() -> Vec<DateFormat> {
        let mut candidates = vec![DateFormat::Rfc3339];
        for date in DATE_PATTERNS {
            candidates.push(DateFormat::Pattern { pattern: (*date).to_owned(), with_time: false });
            for time in TIME_SUFFIXES {
                candidates.push(DateFormat::Pattern { pattern: format!("{date}{time}"), with_time: true });
            }
        }
        candidates.push(DateFormat::UnixSeconds);
        candidates.push(DateFormat::UnixMillis);
        candidates
    }

    /// Reads one value as a UTC instant (dates at midnight UTC).
    pub fn parse(&self, text: &str) -> Option<DateTime<Utc>> {
        let text = text.trim();
        match self {
            DateFormat::Rfc3339 => DateTime::parse_from_rfc3339(text).ok().map(|time| time.with_timezone(&Utc)),
            DateFormat::Pattern { pattern, with_time: true } => {
                NaiveDateTime::parse_from_str(text, pattern).ok().map(|time| time.and_utc())
            }
            DateFormat::Pattern { pattern, with_time: false } => NaiveDate::parse_from_str(text, pattern)
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
                .map(|time| time.and_utc()),
            DateFormat::UnixSeconds => (text.len() <= 11)
                .then(|| text.parse::<i64>().ok())
                .flatten()
                .and_then(|seconds| DateTime::from_timestamp(seconds, 0)),
            DateFormat::UnixMillis => {
                (text.len() >= 12).then(|| text.parse::<i64>().ok()).flatten().and_then(DateTime::from_timestamp_millis)
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            DateFormat::Pattern { pattern, .. } => pattern.clone(),
            DateFormat::Rfc3339 => "rfc3339".into(),
            DateFormat::UnixSeconds => "unix seconds".into(),
            DateFormat::UnixMillis => "unix milliseconds".into(),
        }
    }
}

/// Detects the format of sampled values; the second value says whether the
/// day/month order was a guess (no day above 12 in the sample).
pub(crate) fn detect(samples: &[&str]) -> Option<(DateFormat, bool)> {
    let samples: Vec<&str> = samples.iter().map(|sample| sample.trim()).filter(|sample| !sample.is_empty()).collect();
    if samples.is_empty() {
        return None;
    }
    let candidates = DateFormat::candidates();
    let readers: Vec<&DateFormat> =
        candidates.iter().filter(|candidate| samples.iter().all(|sample| candidate.parse(sample).is_some())).collect();
    let chosen = (*readers.first()?).clone();
    let swapped = |pattern: &str| pattern.replace("%d", "\u{0}").replace("%m", "%d").replace('\u{0}', "%m");
    let guessed = match &chosen {
        DateFormat::Pattern { pattern, .. } => readers.iter().any(|other| match other {
            DateFormat::Pattern { pattern: other, .. } => *other != *pattern && *other == swapped(pattern),
            _ => false,
        }),
        _ => false,
    };
    Some((chosen, guessed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_formats() {
        let (format, guessed) = detect(&["31.12.2023", "01.01.2024"]).expect("detects");
        assert_eq!(format.describe(), "%d.%m.%Y");
        assert!(!guessed);
        let (format, guessed) = detect(&["12/31/2023", "01/02/2024"]).expect("detects");
        assert_eq!(format.describe(), "%m/%d/%Y");
        assert!(!guessed);
        let (format, guessed) = detect(&["01/02/2024", "03/04/2024"]).expect("detects");
        assert_eq!(format.describe(), "%d/%m/%Y");
        assert!(guessed, "no day above 12: the order is a guess");
        let (format, _) = detect(&["2024-03-01 13:45:10"]).expect("detects");
        assert_eq!(
            format.parse("2024-03-01 13:45:10").map(|time| time.to_rfc3339()),
            Some("2024-03-01T13:45:10+00:00".into())
        );
        let (format, _) = detect(&["1700000000"]).expect("detects");
        assert_eq!(format, DateFormat::UnixSeconds);
        assert!(detect(&["yesterday"]).is_none());
    }
}
