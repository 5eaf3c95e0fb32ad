//! WhatsApp "Export chat" text files, both line formats:
//! Android `12/31/23, 9:41 PM - Name: text` and iOS
//! `[31/12/2023, 21:41:05] Name: text`, with 12- or 24-hour clocks, any of
//! `/ . -` as date separator, multi-line messages, system lines, media lines
//! and the U+200E / U+202F marks newer phones insert.
//!
//! The export does not say whether dates are day-first or month-first. The
//! whole file decides: a first field over 12 proves day-first, a second
//! over 12 month-first; if nothing proves it, the order that keeps the chat
//! chronological wins. Lines that contradict the file's order (mixed
//! locales) keep their text but lose their timestamp, with a warning.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use regex::Regex;

use super::{ChatOptions, Conversation, Message, Platform, identity_from_name, to_utc};

static MESSAGE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\[?([0-9]{1,4})[./-]([0-9]{1,2})[./-]([0-9]{1,4}),? ([0-9]{1,2})[:.]([0-9]{2})(?:[:.]([0-9]{2}))? ?([AaPp])?\.? ?(?:[Mm]\.?)?(?:\] | [-–] )(.*)$",
    )
    .expect("the WhatsApp line pattern is valid")
});

/// Marks phones insert around names, numbers and media lines.
fn strip_marks(line: &str) -> String {
    line.trim_start_matches(['\u{200e}', '\u{200f}', '\u{feff}', '\u{202a}', '\u{202c}'])
        .replace(['\u{202f}', '\u{a0}'], " ")
        .trim_end_matches('\r')
        .to_owned()
}

/// True when `line` starts a WhatsApp message.
pub(super) fn is_message_start(line: &str) -> bool {
    MESSAGE_START.is_match(&strip_marks(line))
}

/// A message line before the file-wide date order is known.
struct RawMessage {
    line: usize,
    fields: [u32; 3],
    first_is_year: bool,
    hour: u32,
    minute: u32,
    second: u32,
    /// Some(true) for PM, Some(false) for AM, None on a 24-hour clock.
    pm: Option<bool>,
    rest: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DateOrder {
    /// Day first (most of the world).
    Dmy,
    /// Month first (US exports).
    Mdy,
    /// Year first (ISO-like locales).
    Ymd,
}

impl RawMessage {
    fn date(&self, order: DateOrder) -> Option<NaiveDate> {
        let [a, b, c] = self.fields;
        let (year, month, day) = match order {
            DateOrder::Ymd => (a, b, c),
            DateOrder::Dmy => (c, b, a),
            DateOrder::Mdy => (c, a, b),
        };
        let year = if year < 100 { 2000 + year } else { year };
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    fn local_time(&self, order: DateOrder) -> Option<NaiveDateTime> {
        let hour = match self.pm {
            None => self.hour,
            Some(_) if self.hour == 0 || self.hour > 12 => return None,
            Some(false) => self.hour % 12,
            Some(true) => self.hour % 12 + 12,
        };
        self.date(order)?.and_hms_opt(hour, self.minute, self.second)
    }
}

pub(super) fn parse(text: &str, options: &ChatOptions) -> Conversation {
    let mut warnings = Vec::new();
    let mut raw: Vec<RawMessage> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let cleaned = strip_marks(line);
        if let Some(caps) = MESSAGE_START.captures(&cleaned) {
            let field = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
            let (Some(a), Some(b), Some(c), Some(hour), Some(minute)) =
                (field(1), field(2), field(3), field(4), field(5))
            else {
                warnings.push(format!("line {number}: unreadable date or time; kept as text"));
                continue;
            };
            raw.push(RawMessage {
                line: number,
                fields: [a, b, c],
                first_is_year: caps.get(1).is_some_and(|m| m.as_str().len() == 4),
                hour,
                minute,
                second: field(6).unwrap_or(0),
                pm: caps.get(7).map(|m| m.as_str().eq_ignore_ascii_case("p")),
                rest: caps.get(8).map_or("", |m| m.as_str()).to_owned(),
            });
        } else if let Some(last) = raw.last_mut() {
            last.rest.push('\n');
            last.rest.push_str(line.trim_end_matches('\r'));
        } else if !line.trim().is_empty() {
            warnings.push(format!("line {number}: text before the first message; ignored"));
        }
    }

    let order = decide_order(&raw, &mut warnings);
    let mut messages = Vec::with_capacity(raw.len());
    for message in &raw {
        let fits = match order {
            DateOrder::Ymd => message.first_is_year,
            _ => !message.first_is_year,
        };
        let local = if fits { message.local_time(order) } else { None };
        if local.is_none() {
            let [a, b, c] = message.fields;
            let reason = if fits {
                "is not a valid date and time"
            } else {
                "does not fit the file's date order (mixed locales?)"
            };
            warnings.push(format!(
                "line {}: date {a}/{b}/{c} {}:{:02} {reason}; message kept without a timestamp",
                message.line, message.hour, message.minute
            ));
        }
        messages.push(build_message(message, local.map(|l| to_utc(l, options.utc_offset))));
    }

    let counterpart = options.file_name.as_deref().and_then(name_from_file_name);
    Conversation {
        platform: Platform::Whatsapp,
        owner: None,
        title: counterpart.clone(),
        counterpart: counterpart.as_deref().map(identity_from_name),
        messages,
        warnings,
    }
}

/// "WhatsApp Chat with NAME.txt" (Android) / "WhatsApp Chat - NAME.zip" (iOS).
fn name_from_file_name(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let name = stem.strip_prefix("WhatsApp Chat with ").or_else(|| stem.strip_prefix("WhatsApp Chat - "))?;
    let name = strip_marks(name).trim().to_owned();
    (!name.is_empty()).then_some(name)
}

fn decide_order(raw: &[RawMessage], warnings: &mut Vec<String>) -> DateOrder {
    let dated: Vec<&RawMessage> = raw.iter().filter(|m| !m.first_is_year).collect();
    if dated.len() * 2 < raw.len() {
        return DateOrder::Ymd;
    }
    // A line proves an order only if it is a valid date in that order.
    let day_first_proofs = dated.iter().filter(|m| m.fields[0] > 12 && m.date(DateOrder::Dmy).is_some()).count();
    let month_first_proofs = dated.iter().filter(|m| m.fields[1] > 12 && m.date(DateOrder::Mdy).is_some()).count();
    match (day_first_proofs, month_first_proofs) {
        (0, 0) => {}
        (_, 0) => return DateOrder::Dmy,
        (0, _) => return DateOrder::Mdy,
        (day, month) => {
            let order = if day >= month { DateOrder::Dmy } else { DateOrder::Mdy };
            warnings.push(format!(
                "dates mix day-first ({day} lines) and month-first ({month} lines) orders; using {}",
                if order == DateOrder::Dmy { "day-first" } else { "month-first" }
            ));
            return order;
        }
    }
    let inversions = |order| {
        let times: Vec<NaiveDateTime> = dated.iter().filter_map(|m| m.local_time(order)).collect();
        times.windows(2).filter(|w| w[1] < w[0]).count()
    };
    let (day, month) = (inversions(DateOrder::Dmy), inversions(DateOrder::Mdy));
    if day != month {
        return if day < month { DateOrder::Dmy } else { DateOrder::Mdy };
    }
    let twelve_hour = dated.iter().any(|m| m.pm.is_some());
    let order = if twelve_hour { DateOrder::Mdy } else { DateOrder::Dmy };
    if dated.iter().any(|m| m.fields[0] != m.fields[1]) {
        warnings.push(format!(
            "no date proves day-first or month-first order; assumed {} from the {} clock",
            if twelve_hour { "month-first" } else { "day-first" },
            if twelve_hour { "12-hour" } else { "24-hour" }
        ));
    }
    order
}

const SYSTEM_PHRASES: &[&str] = &[
    "Messages and calls are end-to-end encrypted",
    "Messages to this chat and calls are now secured",
    "security code changed",
    "security code with",
    "changed the subject",
    "changed this group's icon",
    "created group",
    "joined using this group's invite link",
    "Missed voice call",
    "Missed video call",
    "is a contact",
    "blocked this contact",
    "unblocked this contact",
    "changed their phone number",
    "disappearing messages",
];

const OMITTED: &[&str] = &[
    "<Media omitted>",
    "image omitted",
    "video omitted",
    "audio omitted",
    "sticker omitted",
    "document omitted",
    "GIF omitted",
    "Contact card omitted",
];

fn build_message(raw: &RawMessage, timestamp: Option<chrono::DateTime<chrono::Utc>>) -> Message {
    let (sender, body) = match raw.rest.split_once(": ") {
        Some((sender, body)) if sender.chars().count() <= 64 && !sender.contains('\n') => {
            (Some(strip_marks(sender).trim().to_owned()), body.to_owned())
        }
        _ => (None, raw.rest.clone()),
    };
    let body_clean = body.trim_start_matches(['\u{200e}', '\u{200f}']).to_owned();
    let system =
        sender.is_none() || SYSTEM_PHRASES.iter().any(|p| body_clean.contains(p) && body.starts_with('\u{200e}'));
    let (text, attachment) = split_attachment(&body_clean);
    Message {
        sender: if system && sender.is_none() { None } else { sender },
        timestamp,
        text,
        attachment,
        forwarded_from: None,
        system,
        line: raw.line,
    }
}

fn split_attachment(body: &str) -> (String, Option<String>) {
    if let Some(omitted) = OMITTED.iter().find(|o| body.trim() == **o) {
        return (String::new(), Some((*omitted).to_owned()));
    }
    if let Some(rest) = body.strip_prefix("<attached: ")
        && let Some((name, after)) = rest.split_once('>')
    {
        return (after.trim().to_owned(), Some(name.trim().to_owned()));
    }
    let (first, after) = body.split_once('\n').unwrap_or((body, ""));
    if let Some(name) = first.trim_end().strip_suffix(" (file attached)") {
        return (after.trim().to_owned(), Some(name.trim_start_matches('\u{200e}').to_owned()));
    }
    (body.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each message as `sender|timestamp|text|attachment` ("-" for none).
    fn check(text: &str, expected: &[&str]) -> Vec<String> {
        let conversation = parse(text, &ChatOptions::default());
        let got: Vec<String> = conversation
            .messages
            .iter()
            .map(|m| {
                format!(
                    "{}|{}|{}|{}",
                    m.sender.as_deref().unwrap_or("-"),
                    m.timestamp.map_or("-".to_owned(), |t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
                    m.text,
                    m.attachment.as_deref().unwrap_or("-")
                )
            })
            .collect();
        assert_eq!(got, expected);
        conversation.warnings
    }

    #[test]
    fn android_month_first_twelve_hour() {
        let warnings = check(
            "12/31/23, 9:41 PM - Messages and calls are end-to-end encrypted.\n12/31/23, 9:42 PM - Anna: Hi dear\nhow are you?\n1/1/24, 12:05 AM - Bob: <Media omitted>\n",
            &[
                "-|2023-12-31 21:41:00|Messages and calls are end-to-end encrypted.|-",
                "Anna|2023-12-31 21:42:00|Hi dear\nhow are you?|-",
                "Bob|2024-01-01 00:05:00||<Media omitted>",
            ],
        );
        assert_eq!(warnings, Vec::<String>::new());
    }

    #[test]
    fn ios_day_first_with_marks() {
        check(
            "[31/12/2023, 21:41:05] Anna: \u{200e}Messages and calls are end-to-end encrypted.\n\u{200e}[31/12/2023, 21:42:00] Anna: \u{200e}<attached: 00000012-PHOTO-2023-12-31.jpg>\n[01/01/2024, 9:03:10\u{202f}AM] Bob: ok\n",
            &[
                "Anna|2023-12-31 21:41:05|Messages and calls are end-to-end encrypted.|-",
                "Anna|2023-12-31 21:42:00||00000012-PHOTO-2023-12-31.jpg",
                "Bob|2024-01-01 09:03:10|ok|-",
            ],
        );
    }

    #[test]
    fn ambiguous_dates_follow_chronology() {
        // 01/02 then 03/02: month-first would jump Jan→Mar then back to Feb.
        check(
            "01/02/2024, 10:00 - A: x\n03/02/2024, 10:00 - B: y\n05/02/2024, 10:00 - A: z\n",
            &["A|2024-02-01 10:00:00|x|-", "B|2024-02-03 10:00:00|y|-", "A|2024-02-05 10:00:00|z|-"],
        );
    }

    #[test]
    fn broken_and_mixed_dates_keep_text() {
        let warnings = check(
            "31/12/2023, 21:41 - A: one\n12/31/2023, 21:42 - B: two\n31/12/2023, 25:00 - A: three\n",
            &["A|2023-12-31 21:41:00|one|-", "B|-|two|-", "A|-|three|-"],
        );
        assert!(warnings.iter().any(|w| w.starts_with("dates mix")), "{warnings:?}");
        assert!(warnings.iter().any(|w| w.starts_with("line 2:")), "{warnings:?}");
        assert!(warnings.iter().any(|w| w.starts_with("line 3:")), "{warnings:?}");
    }

    #[test]
    fn file_name_names_the_counterpart() {
        assert_eq!(
            name_from_file_name("/x/WhatsApp Chat with +66 81 234 5678.txt").as_deref(),
            Some("+66 81 234 5678")
        );
        assert_eq!(name_from_file_name("WhatsApp Chat - Anna.zip").as_deref(), Some("Anna"));
        assert_eq!(name_from_file_name("_chat.txt"), None);
    }
}
