//! Who may see an artefact whole, and what everyone else sees of it.
//!
//! A forwarded e-mail names its recipient (the victim) in `To:`, a chat
//! export names its owner (the victim) as the sender of half its messages:
//! the artefact carries the victim's contact, which only the reporting
//! organisation's admins and analysts may see. So the original bytes go
//! only to them, and the extracted evidence reaches everyone else redacted.

use crackdown_model::Viewer;
use serde_json::Value;

use crate::secrets::CONTACT_COLUMN;
use crate::{Store, StoreError};

/// What replaces the victim's identity in redacted evidence.
pub const VICTIM_PLACEHOLDER: &str = "[victim]";

/// Fields that name the victim's side of an artefact, at any depth
/// (recipients of attached messages too).
const VICTIM_FIELDS: &[&str] = &["to", "cc", "bcc", "delivered_to", "owner"];

impl Store {
    /// Whether `viewer` may see report `id`'s victim contact: an admin or
    /// analyst of the reporting organisation. (The caller has checked that
    /// the viewer may read the report at all.)
    pub(crate) fn sees_victim(&self, viewer: &Viewer, id: i64) -> Result<bool, StoreError> {
        if !viewer.role.may_read_victim_contact() {
            return Ok(false);
        }
        let row = self.pool.with(|conn| conn.query_one("SELECT org_id FROM reports WHERE id = $1", &[id.into()]))?;
        Ok(row.map(|row| row.int(0)).transpose()?.is_some_and(|org| org == viewer.org_id))
    }

    /// The victim contact of report `id`, unsealed, for redacting it from
    /// what others see; never returned to a caller.
    pub(crate) fn victim_contact_for_redaction(&self, id: i64) -> Result<Option<String>, StoreError> {
        let row = self
            .pool
            .with(|conn| conn.query_one("SELECT contact FROM victim_contacts WHERE report_id = $1", &[id.into()]))?;
        row.map(|row| self.key.open(CONTACT_COLUMN, Some(id), &row.text(0)?)).transpose()
    }
}

/// Removes the victim's side from extracted evidence: recipient and owner
/// fields at any depth, and every occurrence of the victim's contact (an
/// address, a chat owner's display name) in any text — a message's sender,
/// a warning, a quoted line — replaced by [`VICTIM_PLACEHOLDER`].
pub(crate) fn redact(detail: &mut Value, contact: Option<&str>) {
    match detail {
        Value::Object(object) => {
            for field in VICTIM_FIELDS {
                object.remove(*field);
            }
            for value in object.values_mut() {
                redact(value, contact);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| redact(item, contact)),
        Value::String(text) => {
            if let Some(contact) = contact.map(str::trim).filter(|contact| !contact.is_empty()) {
                *text = replace_ignoring_case(text, contact, VICTIM_PLACEHOLDER);
            }
        }
        _ => {}
    }
}

/// `text` with every occurrence of `needle` (ASCII case ignored, as e-mail
/// addresses are compared) replaced.
fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    let lower_text = text.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = lower_text[rest..].find(&lower_needle) {
        let start = rest + found;
        out.push_str(&text[rest..start]);
        out.push_str(with);
        rest = start + lower_needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_owner_and_the_contact_in_any_text_are_redacted() {
        let mut detail = serde_json::json!({
            "from": {"address": "scammer@bad.example"},
            "to": [{"address": "Victim@Example.org"}],
            "warnings": ["header To names victim@example.org twice"],
            "attached_messages": [{"to": [{"address": "victim@example.org"}], "subject": "hi"}],
            "owner": "Nok",
            "messages": [{"sender": "Nok", "text": "hello"}, {"sender": "Mentor Lisa", "text": "Nok, invest now"}],
        });
        redact(&mut detail, Some("victim@example.org"));
        let text = detail.to_string();
        assert!(!text.to_ascii_lowercase().contains("victim@example.org"), "{text}");
        assert!(detail.get("to").is_none() && detail["attached_messages"][0].get("to").is_none());
        assert_eq!(detail["from"]["address"], "scammer@bad.example");

        let mut chat = serde_json::json!({"messages": [{"sender": "Nok", "text": "Nok, invest now"}]});
        redact(&mut chat, Some("Nok"));
        assert_eq!(chat["messages"][0]["sender"], VICTIM_PLACEHOLDER);
        assert_eq!(chat["messages"][0]["text"], "[victim], invest now");
    }
}
