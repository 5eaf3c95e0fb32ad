//! LINE "Send chat history" text exports: a `[LINE] Chat history with NAME`
//! header (or the Japanese `[LINE] NAMEとのトーク履歴`), a `Saved on:` line,
//! date lines (`2023/12/31(Sun)` or `Sun, 12/31/2023`), and tab-separated
//! messages `21:41<TAB>Name<TAB>text`. Multi-line messages arrive wrapped in
//! double quotes with their continuation lines unprefixed.
//!
//! Lines with a time but no sender are system lines (joins, unsent
//! messages, calls). Sticker and photo placeholders become attachments.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::{ChatOptions, Conversation, Message, Platform, identity_from_name, to_utc};

static YEAR_FIRST_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2}) ?(?:\([^)]*\))?$")
        .expect("the LINE date pattern is valid")
});
static WEEKDAY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^0-9\t]{1,16}, ?([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
        .expect("the LINE weekday date pattern is valid")
});
static MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(AM|PM|午前|午後)? ?([0-9]{1,2}):([0-9]{2}) ?(AM|PM)?\t(.*)$")
        .expect("the LINE message pattern is valid")
});

const PLACEHOLDERS: &[&str] = &[
    "[Photo]",
    "[Sticker]",
    "[Video]",
    "[File]",
    "[Voice message]",
    "[Album]",
    "[Contact]",
    "[Location]",
    "[写真]",
    "[スタンプ]",
    "[動画]",
    "[ファイル]",
    "[ボイスメッセージ]",
    "[アルバム]",
    "[รูป]",
    "[สติกเกอร์]",
    "[วิดีโอ]",
    "[ไฟล์]",
];

pub(super) fn is_header_line(line: &str) -> bool {
    line.trim_start_matches('\u{feff}').starts_with("[LINE]")
}

pub(super) fn is_date_line(line: &str) -> bool {
    let line = line.trim();
    YEAR_FIRST_DATE.is_match(line) || WEEKDAY_DATE.is_match(line)
}

/// How the export's second line ("Saved on: ...") begins, per app language.
const SAVED_ON: [&str; 4] = ["Saved on", "保存日時", "บันทึกเมื่อ", "儲存日期"];

/// The chat partner or group named by the header line.
fn title_from_header(line: &str) -> Option<String> {
    let rest = line.trim_start_matches('\u{feff}').strip_prefix("[LINE]")?.trim();
    let title = rest
        .strip_prefix("Chat history with ")
        .or_else(|| rest.strip_prefix("Chat history in "))
        .or_else(|| rest.strip_suffix("とのトーク履歴"))
        .or_else(|| rest.strip_suffix("のトーク履歴"))
        .or_else(|| rest.strip_prefix("ประวัติการแชทกับ"))
        .or_else(|| rest.strip_prefix("與").and_then(|rest| rest.strip_suffix("的聊天記錄")))
        .unwrap_or(rest);
    let title = title.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

fn parse_date(line: &str) -> Option<Result<NaiveDate, String>> {
    let line = line.trim();
    let (year, month, day) = if let Some(caps) = YEAR_FIRST_DATE.captures(line) {
        (caps[1].parse().ok()?, caps[2].parse().ok()?, caps[3].parse().ok()?)
    } else if let Some(caps) = WEEKDAY_DATE.captures(line) {
        let (a, b): (u32, u32) = (caps[1].parse().ok()?, caps[2].parse().ok()?);
        // English exports are month-first; a first field over 12 is a
        // day-first locale.
        let (month, day) = if a > 12 { (b, a) } else { (a, b) };
        (caps[3].parse().ok()?, month, day)
    } else {
        return None;
    };
    Some(NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| format!("{line:?} is not a valid date")))
}

pub(super) fn parse(text: &str, options: &ChatOptions) -> Conversation {
    let mut warnings = Vec::new();
    let mut messages: Vec<Message> = Vec::new();
    let mut title = None;
    let mut date: Option<NaiveDate> = None;
    let mut date_valid = true;
    let mut in_header = true;
    for (index, raw_line) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw_line.trim_end_matches('\r');
        if in_header {
            if is_header_line(line) {
                title = title_from_header(line);
                continue;
            }
            if SAVED_ON.iter().any(|label| line.starts_with(label)) || line.trim().is_empty() {
                continue;
            }
            in_header = false;
        }
        if let Some(parsed) = parse_date(line) {
            match parsed {
                Ok(parsed) => {
                    date = Some(parsed);
                    date_valid = true;
                }
                Err(reason) => {
                    warnings.push(format!("line {number}: {reason}; following messages have no timestamp"));
                    date_valid = false;
                }
            }
            continue;
        }
        if let Some(caps) = MESSAGE.captures(line) {
            let meridiem = caps.get(1).or(caps.get(4)).map(|m| m.as_str());
            let hour: u32 = caps[2].parse().unwrap_or(99);
            let minute: u32 = caps[3].parse().unwrap_or(99);
            let hour = match meridiem {
                Some("PM" | "午後") if hour < 12 => hour + 12,
                Some("AM" | "午前") if hour == 12 => 0,
                _ => hour,
            };
            let timestamp = match (date, date_valid) {
                (Some(day), true) => match day.and_hms_opt(hour, minute, 0) {
                    Some(local) => Some(to_utc(local, options.utc_offset)),
                    None => {
                        warnings.push(format!(
                            "line {number}: time {}:{} is not valid; message kept without a timestamp",
                            &caps[2], &caps[3]
                        ));
                        None
                    }
                },
                (None, _) => {
                    warnings.push(format!("line {number}: message before any date line; kept without a timestamp"));
                    None
                }
                (Some(_), false) => None,
            };
            let rest = &caps[5];
            let (sender, body) = match rest.split_once('\t') {
                Some((sender, body)) if !sender.is_empty() => (Some(sender.to_owned()), body.to_owned()),
                Some((_, body)) => (None, body.to_owned()),
                None => (None, rest.to_owned()),
            };
            let attachment = PLACEHOLDERS.iter().find(|p| body.trim() == **p).map(|p| (*p).to_owned());
            messages.push(Message {
                system: sender.is_none(),
                sender,
                timestamp,
                text: if attachment.is_some() { String::new() } else { body },
                attachment,
                forwarded_from: None,
                line: number,
            });
        } else if let Some(last) = messages.last_mut() {
            last.text.push('\n');
            last.text.push_str(line);
        } else if !line.trim().is_empty() {
            warnings.push(format!("line {number}: not a LINE message or date line; ignored"));
        }
    }
    for message in &mut messages {
        if message.text.len() >= 2
            && message.text.starts_with('"')
            && message.text.ends_with('"')
            && message.text.contains('\n')
        {
            message.text = message.text[1..message.text.len() - 1].replace("\"\"", "\"");
        }
        while message.text.ends_with('\n') {
            message.text.pop();
        }
    }
    let senders: Vec<&str> = messages.iter().filter_map(|m| m.sender.as_deref()).collect();
    let counterpart = title.as_deref().filter(|t| senders.contains(t)).map(identity_from_name);
    Conversation { platform: Platform::Line, owner: None, counterpart, title, messages, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_export() {
        let text = "[LINE] Chat history with Mentor Lisa\r\nSaved on: 1/2/2024, 10:00\r\n\r\nSun, 12/31/2023\r\n21:41\tMentor Lisa\tHello dear\r\n21:42\tNok\t\"two\r\nlines\"\r\n21:43\tMentor Lisa\t[Sticker]\r\n21:44\t\tMentor Lisa unsent a message.\r\n";
        let conversation = parse(text, &ChatOptions::default());
        assert_eq!(conversation.title.as_deref(), Some("Mentor Lisa"));
        assert_eq!(conversation.counterpart.as_ref().and_then(|c| c.name.as_deref()), Some("Mentor Lisa"));
        let got: Vec<String> = conversation
            .messages
            .iter()
            .map(|m| {
                format!(
                    "{}|{}|{}|{}|{}",
                    m.sender.as_deref().unwrap_or("-"),
                    m.timestamp.map_or("-".to_owned(), |t| t.format("%m-%d %H:%M").to_string()),
                    m.text,
                    m.attachment.as_deref().unwrap_or("-"),
                    m.system
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "Mentor Lisa|12-31 21:41|Hello dear|-|false",
                "Nok|12-31 21:42|two\nlines|-|false",
                "Mentor Lisa|12-31 21:43||[Sticker]|false",
                "-|12-31 21:44|Mentor Lisa unsent a message.|-|true",
            ]
        );
        assert_eq!(conversation.warnings, Vec::<String>::new());
    }

    #[test]
    fn thai_export_header() {
        let thai = parse(
            "[LINE] ประวัติการแชทกับ Mei Chen\nบันทึกเมื่อ: 2025/03/14 04:01\n\n2025/03/13(Thu)\n09:09\tMei Chen\tสวัสดีค่ะ\n",
            &ChatOptions::default(),
        );
        assert!(!thai.warnings.iter().any(|w| w.starts_with("line")), "{:?}", thai.warnings);
        assert_eq!(thai.title.as_deref(), Some("Mei Chen"));
        assert_eq!(thai.messages.len(), 1);
    }

    #[test]
    fn japanese_export_and_bad_dates() {
        let text = "[LINE] 佐藤とのトーク履歴\n保存日時：2024/01/02 10:00\n\n2023/12/31(日)\n午後9:41\t佐藤\tこんにちは\n2023/02/30(木)\n10:00\t佐藤\tlost date\n2024/01/01(月)\n25:00\t佐藤\tbad time\n";
        let conversation = parse(text, &ChatOptions::default());
        assert_eq!(conversation.title.as_deref(), Some("佐藤"));
        let stamps: Vec<Option<String>> =
            conversation.messages.iter().map(|m| m.timestamp.map(|t| t.format("%Y-%m-%d %H:%M").to_string())).collect();
        assert_eq!(stamps, vec![Some("2023-12-31 21:41".to_owned()), None, None]);
        assert_eq!(conversation.warnings.len(), 2, "{:?}", conversation.warnings);
        assert!(conversation.warnings[0].starts_with("line 6:"));
        assert!(conversation.warnings[1].starts_with("line 9:"));
    }
}
