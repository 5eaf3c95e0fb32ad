//! Telegram Desktop chat exports in JSON (`result.json`). The file is read
//! as a stream: the top-level object is visited key by key and the
//! `messages` array one element at a time, so memory holds the output and
//! one message, not the whole JSON tree. A malformed message is a warning
//! with its index; the rest parse.
//!
//! `text` is either a string or an array of strings and entity objects;
//! `text_link` entities keep their `href` next to the visible text. In a
//! `personal_chat` the chat `name` is the partner, which decides the
//! counterpart (with its `from_id` as handle).

use std::fmt;
use std::io::Read;

use chrono::{DateTime, NaiveDateTime};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{ChatError, Conversation, Identity, Message, Platform, to_utc};

#[derive(Deserialize)]
struct RawMessage {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    date: Option<String>,
    date_unixtime: Option<String>,
    from: Option<String>,
    from_id: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    text: Option<Text>,
    forwarded_from: Option<String>,
    photo: Option<String>,
    file: Option<String>,
    file_name: Option<String>,
    media_type: Option<String>,
    sticker_emoji: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Parts(Vec<Part>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Part {
    Plain(String),
    Entity {
        #[serde(default)]
        text: String,
        href: Option<String>,
    },
}

impl Text {
    fn flatten(self) -> String {
        match self {
            Text::Plain(text) => text,
            Text::Parts(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        Part::Plain(text) => out.push_str(&text),
                        Part::Entity { text, href } => {
                            out.push_str(&text);
                            if let Some(href) = href.filter(|h| *h != text) {
                                out.push_str(" (");
                                out.push_str(&href);
                                out.push(')');
                            }
                        }
                    }
                }
                out
            }
        }
    }
}

#[derive(Default)]
struct State {
    name: Option<String>,
    kind: Option<String>,
    full_account_export: bool,
    messages: Vec<Message>,
    partner_id: Option<String>,
    warnings: Vec<String>,
    naive_dates: usize,
}

impl State {
    fn push(&mut self, index: usize, value: serde_json::Value) {
        let raw = match RawMessage::deserialize(value) {
            Ok(raw) => raw,
            Err(error) => {
                self.warnings.push(format!("message {index}: unreadable ({error}); skipped"));
                return;
            }
        };
        let timestamp = raw
            .date_unixtime
            .as_deref()
            .and_then(|s| s.parse::<i64>().ok())
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .or_else(|| {
                let local =
                    raw.date.as_deref().and_then(|d| NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M:%S").ok())?;
                self.naive_dates += 1;
                Some(to_utc(local, None))
            });
        if timestamp.is_none() {
            self.warnings.push(format!("message {index}: no readable date; kept without a timestamp"));
        }
        let system = raw.kind.as_deref() == Some("service");
        let mut text = raw.text.map(Text::flatten).unwrap_or_default();
        if system && text.is_empty() {
            text = raw.action.clone().unwrap_or_default().replace('_', " ");
        }
        let attachment = raw
            .file_name
            .or(raw.file)
            .or(raw.photo)
            .or(raw.media_type)
            .or(raw.sticker_emoji.map(|e| format!("sticker {e}")));
        let sender = if system { raw.actor } else { raw.from };
        if !system && sender.is_some() && sender == self.name && self.partner_id.is_none() {
            self.partner_id = raw.from_id;
        }
        self.messages.push(Message {
            sender,
            timestamp,
            text,
            attachment,
            forwarded_from: raw.forwarded_from,
            system,
            line: index,
        });
    }
}

struct ExportVisitor<'s>(&'s mut State);

impl<'de> Visitor<'de> for ExportVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Telegram export object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => self.0.name = map.next_value::<Option<String>>()?,
                "type" => self.0.kind = map.next_value::<Option<String>>()?,
                "messages" => map.next_value_seed(MessagesSeed(&mut *self.0))?,
                "chats" | "personal_information" => {
                    self.0.full_account_export = true;
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct MessagesSeed<'s>(&'s mut State);

impl<'de> DeserializeSeed<'de> for MessagesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for MessagesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            index += 1;
            self.0.push(index, value);
        }
        Ok(())
    }
}

/// Parses a `result.json` from any reader, streaming.
pub(super) fn parse_reader(reader: impl Read) -> Result<Conversation, ChatError> {
    let mut state = State::default();
    let mut deserializer = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    deserializer.deserialize_map(ExportVisitor(&mut state)).map_err(|e| ChatError::Json(e.to_string()))?;
    if state.full_account_export && state.messages.is_empty() {
        return Err(ChatError::Unsupported(
            "this is a full Telegram account export; export the single chat (result.json of one chat)".to_owned(),
        ));
    }
    let mut warnings = state.warnings;
    if state.naive_dates > 0 {
        warnings
            .push(format!("{} message(s) had no date_unixtime; their local dates were read as UTC", state.naive_dates));
    }
    let personal = state.kind.as_deref() == Some("personal_chat");
    let counterpart = if personal {
        state.name.clone().map(|name| Identity { name: Some(name), phone: None, handle: state.partner_id.clone() })
    } else {
        None
    };
    Ok(Conversation {
        platform: Platform::Telegram,
        owner: None,
        counterpart,
        title: state.name,
        messages: state.messages,
        warnings,
    })
}

pub(super) fn parse(bytes: &[u8]) -> Result<Conversation, ChatError> {
    parse_reader(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_services_and_bad_messages() {
        let json = r#"{"name": "Crypto Mentor", "type": "personal_chat", "id": 42, "messages": [
            {"id": 1, "type": "service", "date": "2023-12-31T21:40:00", "date_unixtime": "1704058800", "actor": "Nok", "action": "phone_call"},
            {"id": 2, "type": "message", "date": "2023-12-31T21:41:05", "date_unixtime": "1704058865", "from": "Crypto Mentor", "from_id": "user777", "text": ["Join ", {"type": "text_link", "text": "our platform", "href": "https://coin-x.example"}, "!"]},
            {"id": 3, "type": "message", "date": "2023-12-31T21:42:00", "from": "Nok", "from_id": "user1", "text": "", "photo": "photos/photo_1.jpg", "forwarded_from": "Signals"},
            {"id": 4, "type": "message", "date_unixtime": "1704058999", "from": "Nok", "text": 17}
        ]}"#;
        let conversation = parse(json.as_bytes()).expect("valid export");
        assert_eq!(conversation.title.as_deref(), Some("Crypto Mentor"));
        assert_eq!(conversation.counterpart.as_ref().and_then(|c| c.handle.as_deref()), Some("user777"));
        let texts: Vec<&str> = conversation.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, vec!["phone call", "Join our platform (https://coin-x.example)!", ""]);
        assert!(conversation.messages[0].system);
        assert_eq!(conversation.messages[2].attachment.as_deref(), Some("photos/photo_1.jpg"));
        assert_eq!(conversation.messages[2].forwarded_from.as_deref(), Some("Signals"));
        assert_eq!(
            conversation.messages[1].timestamp.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-12-31T21:41:05+00:00")
        );
        assert_eq!(conversation.warnings.len(), 2, "{:?}", conversation.warnings);
        assert!(conversation.warnings[0].starts_with("message 4: unreadable"));
    }

    #[test]
    fn truncated_and_account_exports() {
        assert!(matches!(parse(br#"{"name": "x", "messages": [{"id": 1"#), Err(ChatError::Json(_))));
        assert!(matches!(
            parse(br#"{"personal_information": {}, "chats": {"list": []}}"#),
            Err(ChatError::Unsupported(_))
        ));
    }
}
