//! Chat exports victims hand over, as one [`Conversation`]: WhatsApp text
//! exports (Android and iOS), Telegram Desktop JSON (`result.json`) and LINE
//! text exports.
//!
//! Every parser keeps going past bad lines: a broken date or an unreadable
//! message becomes a warning naming the line (or message index), and the
//! rest parses. Times in WhatsApp and LINE exports are the phone's local
//! time without a zone; they are converted with [`ChatOptions::utc_offset`]
//! (UTC unless told). Telegram records UTC itself.
//!
//! Media files referenced by the export are named, never opened. Telegram's
//! full-account export (many chats in one file) is refused with a clear
//! error: export the single chat.

mod line;
mod telegram;
mod whatsapp;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which messenger produced the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Whatsapp,
    Telegram,
    Line,
}

/// Who the other party is, as far as the export tells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Display name as shown in the export.
    pub name: Option<String>,
    /// Phone number, when the name is one (unsaved contacts) or the export gives it.
    pub phone: Option<String>,
    /// Messenger handle or user id (Telegram `from_id`, e.g. `user123456`).
    pub handle: Option<String>,
}

/// One message in export order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Display name of the sender; `None` for system lines.
    pub sender: Option<String>,
    /// When it was sent; `None` when the export's date was unreadable.
    pub timestamp: Option<DateTime<Utc>>,
    pub text: String,
    /// Name or kind of attached media ("IMG-001.jpg", "photo", "<Media omitted>").
    pub attachment: Option<String>,
    /// Where it was forwarded from (Telegram).
    pub forwarded_from: Option<String>,
    /// A system or service line (encryption notice, joins, calls).
    pub system: bool,
    /// 1-based line of the export where it starts (message index for Telegram).
    pub line: usize,
}

/// A parsed chat export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub platform: Platform,
    /// The account owner (the victim's side), when known.
    pub owner: Option<String>,
    /// The other party, when it can be decided.
    pub counterpart: Option<Identity>,
    /// Chat title as the export gives it (Telegram and LINE).
    pub title: Option<String>,
    pub messages: Vec<Message>,
    /// Per-line problems and assumptions, one readable sentence each.
    pub warnings: Vec<String>,
}

impl Conversation {
    /// All message texts, "sender: text" per line, for analysis.
    pub fn text_for_analysis(&self) -> String {
        let mut out = String::new();
        for message in self.messages.iter().filter(|m| !m.system) {
            if !out.is_empty() {
                out.push('\n');
            }
            if let Some(sender) = &message.sender {
                out.push_str(sender);
                out.push_str(": ");
            }
            out.push_str(&message.text);
        }
        out
    }

    /// Distinct non-system senders in order of first appearance.
    pub fn senders(&self) -> Vec<&str> {
        let mut senders: Vec<&str> = Vec::new();
        for sender in self.messages.iter().filter(|m| !m.system).filter_map(|m| m.sender.as_deref()) {
            if !senders.contains(&sender) {
                senders.push(sender);
            }
        }
        senders
    }
}

/// Caller-supplied facts the export may not contain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatOptions {
    /// `--owner NAME`: which sender is the victim.
    pub owner: Option<String>,
    /// The export's file name; WhatsApp names it "WhatsApp Chat with NAME.txt".
    pub file_name: Option<String>,
    /// Offset of the phone's local time for WhatsApp and LINE; UTC if `None`.
    pub utc_offset: Option<FixedOffset>,
    /// Force a platform instead of detecting it.
    pub platform: Option<Platform>,
}

/// The whole file could not be read as a chat export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    #[error("not a recognised chat export (WhatsApp, Telegram JSON or LINE text)")]
    UnknownFormat,
    #[error("invalid Telegram JSON: {0}")]
    Json(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("the export holds no messages")]
    Empty,
}

/// Largest export accepted, so one file cannot exhaust memory.
pub const MAX_EXPORT_BYTES: usize = 256 << 20;

/// Parses an export, detecting its platform from its content.
pub fn parse_chat(bytes: &[u8], options: &ChatOptions) -> Result<Conversation, ChatError> {
    if bytes.len() > MAX_EXPORT_BYTES {
        return Err(ChatError::Unsupported(format!(
            "export is {} bytes, over the {MAX_EXPORT_BYTES}-byte limit",
            bytes.len()
        )));
    }
    if let Some(kind) = crate::mail::sniff_binary(bytes) {
        return Err(ChatError::Unsupported(format!(
            "the file is {kind}; unpack the export and pass its .txt or result.json"
        )));
    }
    let platform = match options.platform {
        Some(platform) => platform,
        None => detect_platform(bytes).ok_or(ChatError::UnknownFormat)?,
    };
    let mut conversation = match platform {
        Platform::Telegram => telegram::parse(bytes)?,
        Platform::Whatsapp | Platform::Line => {
            let (text, lossy) = decode_text(bytes);
            let mut conversation = if platform == Platform::Whatsapp {
                whatsapp::parse(&text, options)
            } else {
                line::parse(&text, options)
            };
            if lossy {
                conversation
                    .warnings
                    .insert(0, "the export is not valid UTF-8; invalid bytes were replaced by U+FFFD".to_owned());
            }
            conversation
        }
    };
    if conversation.messages.is_empty() {
        return Err(ChatError::Empty);
    }
    decide_parties(&mut conversation, options);
    Ok(conversation)
}

/// Parses a Telegram `result.json` from a reader without holding the file
/// in memory: for large exports opened from disk.
pub fn parse_telegram_reader(reader: impl std::io::Read, options: &ChatOptions) -> Result<Conversation, ChatError> {
    let mut conversation = telegram::parse_reader(reader)?;
    if conversation.messages.is_empty() {
        return Err(ChatError::Empty);
    }
    decide_parties(&mut conversation, options);
    Ok(conversation)
}

/// Decodes UTF-8 (UTF-16 with a BOM too, as some phones write), lossily.
fn decode_text(bytes: &[u8]) -> (String, bool) {
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        let text = String::from_utf16_lossy(&units);
        let lossy = text.contains('\u{fffd}');
        (text, lossy)
    };
    match bytes {
        [0xff, 0xfe, ..] => utf16(true),
        [0xfe, 0xff, ..] => utf16(false),
        _ => {
            let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            match std::str::from_utf8(bytes) {
                Ok(text) => (text.to_owned(), false),
                Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
            }
        }
    }
}

/// Guesses the platform from the first lines.
pub fn detect_platform(bytes: &[u8]) -> Option<Platform> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let (text, _) = decode_text(head);
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('{') {
        return Some(Platform::Telegram);
    }
    let lines: Vec<&str> = trimmed.lines().take(50).collect();
    if lines.iter().any(|l| line::is_header_line(l) || line::is_date_line(l)) {
        return Some(Platform::Line);
    }
    if lines.iter().any(|l| whatsapp::is_message_start(l)) {
        return Some(Platform::Whatsapp);
    }
    None
}

/// Local time to UTC with the caller's offset.
fn to_utc(local: NaiveDateTime, offset: Option<FixedOffset>) -> DateTime<Utc> {
    let offset = offset.unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"));
    DateTime::<Utc>::from_naive_utc_and_offset(local - offset, Utc)
}

/// Decides owner and counterpart: `--owner` wins; otherwise what the
/// export says (chat title naming the partner); otherwise two senders and
/// one known side give the other.
fn decide_parties(conversation: &mut Conversation, options: &ChatOptions) {
    if let Some(owner) = &options.owner {
        conversation.owner = Some(owner.clone());
        if !conversation.senders().contains(&owner.as_str()) {
            conversation.warnings.push(format!("--owner {owner:?} never sends a message in this export"));
        }
    }
    let senders: Vec<String> = conversation.senders().into_iter().map(str::to_owned).collect();
    if conversation.counterpart.is_none()
        && let Some(owner) = &conversation.owner
    {
        let others: Vec<&String> = senders.iter().filter(|s| *s != owner).collect();
        if let [only] = others[..] {
            conversation.counterpart = Some(identity_from_name(only));
        } else if others.len() > 1 {
            conversation.warnings.push(format!(
                "{} senders besides the owner (a group chat); no single counterpart recorded",
                others.len()
            ));
        }
    }
    if conversation.owner.is_none()
        && let Some(counterpart) = conversation.counterpart.as_ref().and_then(|c| c.name.clone())
    {
        let others: Vec<&String> = senders.iter().filter(|s| **s != counterpart).collect();
        if let [only] = others[..] {
            conversation.owner = Some(only.clone());
        }
    }
    if conversation.owner.is_none() {
        conversation
            .warnings
            .push("the export does not say which side is the account owner; pass --owner NAME".to_owned());
    }
}

/// An identity from a display name, recognising phone numbers (exports
/// show the number when the contact is not saved).
fn identity_from_name(name: &str) -> Identity {
    let cleaned: String = name
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}' | '\u{202c}' | ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = cleaned.trim_start_matches('+');
    let is_phone = digits.len() >= 7 && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
    Identity { name: Some(name.to_owned()), phone: is_phone.then_some(cleaned), handle: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_names_become_phones() {
        assert_eq!(identity_from_name("+66 81-234-5678").phone.as_deref(), Some("+66812345678"));
        assert_eq!(identity_from_name("\u{202a}+1 (415) 555-0100\u{202c}").phone.as_deref(), Some("+14155550100"));
        assert_eq!(identity_from_name("Anna").phone, None);
    }

    #[test]
    fn detection() {
        assert_eq!(detect_platform(b"  {\"name\": \"x\"}"), Some(Platform::Telegram));
        assert_eq!(detect_platform(b"12/31/23, 9:41 PM - Anna: hi"), Some(Platform::Whatsapp));
        assert_eq!(detect_platform("\u{200e}[31/12/2023, 21:41:05] Anna: hi".as_bytes()), Some(Platform::Whatsapp));
        assert_eq!(detect_platform(b"[LINE] Chat history with Anna\n"), Some(Platform::Line));
        assert_eq!(detect_platform(b"2023/12/31(Sun)\n21:41\tAnna\thi\n"), Some(Platform::Line));
        assert_eq!(detect_platform(b"hello world"), None);
    }

    #[test]
    fn binary_and_empty_inputs() {
        let options = ChatOptions::default();
        assert!(matches!(parse_chat(b"PK\x03\x04rest", &options), Err(ChatError::Unsupported(_))));
        assert_eq!(parse_chat(b"nothing here", &options), Err(ChatError::UnknownFormat));
    }
}
