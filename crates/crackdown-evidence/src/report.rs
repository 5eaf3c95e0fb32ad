//! Turning an artefact into a report: the text to analyse, the original
//! bytes kept byte-exact, and what was extracted, minus the victim's own
//! identity (which goes to the protected victim-contact field instead).
//!
//! The report's text and the detail are shared with everyone who may read
//! the report, so the victim's address (an e-mail's recipients, also of
//! attached messages) and a chat owner's name are replaced by
//! [`VICTIM`] in both; only the original bytes keep them, and those are
//! served to the reporting organisation's admins and analysts alone.

use crackdown_model::{Channel, NewReport, Tlp, VictimContact};

use crate::chat::Conversation;
use crate::mail::ParsedMail;

/// What stands for the victim in shared text.
pub const VICTIM: &str = "[victim]";

/// The addresses a forwarded e-mail was sent to: the victim's, never the scam's.
pub fn mail_victims(mail: &ParsedMail) -> Vec<&str> {
    mail.to.iter().chain(&mail.cc).map(|mailbox| mailbox.address.as_str()).collect()
}

/// The report for a forwarded e-mail and its extracted detail. The first
/// recipient is taken as the victim; recipients are removed from the detail.
pub fn mail_report(raw: &[u8], mail: &ParsedMail, tlp: Tlp) -> (NewReport, serde_json::Value) {
    let victims = mail_victims(mail);
    let text = redact_text(&mail.text_for_analysis(), &victims, false);
    let mut report = NewReport::from_text(text, Channel::Email, tlp);
    report.external_id = Some(format!("sha256:{}", mail.sha256));
    report.reported_at = mail.date;
    report.original = Some(raw.to_vec());
    report.victim_contact = mail.to.first().map(|victim| VictimContact { contact: victim.address.clone() });
    let mut detail = serde_json::to_value(mail).unwrap_or(serde_json::Value::Null);
    if let Some(object) = detail.as_object_mut() {
        object.remove("text");
        object.remove("html_text");
    }
    redact_detail(&mut detail, &victims, false);
    (report, detail)
}

/// The report for a chat export: one report per conversation, the account
/// owner (the victim) as the protected contact, the counterpart kept in the
/// detail with the messages.
pub fn chat_report(raw: &[u8], conversation: &Conversation, tlp: Tlp) -> (NewReport, serde_json::Value) {
    let owner: Vec<&str> = conversation.owner.as_deref().into_iter().collect();
    let mut report =
        NewReport::from_text(redact_text(&conversation.text_for_analysis(), &owner, true), Channel::Chat, tlp);
    report.external_id = Some(format!("sha256:{}", crate::mail::sha256_hex(raw)));
    report.reported_at = conversation.messages.iter().rev().find_map(|message| message.timestamp);
    report.original = Some(raw.to_vec());
    report.victim_contact = conversation.owner.clone().map(|contact| VictimContact { contact });
    let mut detail = serde_json::to_value(conversation).unwrap_or(serde_json::Value::Null);
    redact_detail(&mut detail, &owner, true);
    (report, detail)
}

/// Removes recipient and owner fields at any depth and replaces the
/// victim's identities in every string.
fn redact_detail(detail: &mut serde_json::Value, victims: &[&str], whole_words: bool) {
    match detail {
        serde_json::Value::Object(object) => {
            for field in ["to", "cc", "owner"] {
                object.remove(field);
            }
            object.values_mut().for_each(|value| redact_detail(value, victims, whole_words));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| redact_detail(item, victims, whole_words)),
        serde_json::Value::String(text) => *text = redact_text(text, victims, whole_words),
        _ => {}
    }
}

/// `text` with each of `victims` replaced by [`VICTIM`], ignoring ASCII
/// case; `whole_words` (a person's name) spares occurrences inside a longer
/// word ("Nok" in "Nokia").
/// `text` with every victim name or address replaced by [`VICTIM`].
pub fn redact_text(text: &str, victims: &[&str], whole_words: bool) -> String {
    let mut text = text.to_owned();
    for victim in victims.iter().map(|victim| victim.trim()).filter(|victim| !victim.is_empty()) {
        let lower = text.to_ascii_lowercase();
        let needle = victim.to_ascii_lowercase();
        let mut out = String::with_capacity(text.len());
        let mut rest = 0;
        let mut from = 0;
        while let Some(found) = lower.get(from..).and_then(|tail| tail.find(&needle)) {
            let start = from + found;
            let end = start + needle.len();
            let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let bounded = !whole_words
                || (!word_char(text[..start].chars().next_back()) && !word_char(text[end..].chars().next()));
            if bounded {
                out.push_str(&text[rest..start]);
                out.push_str(VICTIM);
                rest = end;
            }
            from = end;
        }
        out.push_str(&text[rest..]);
        text = out;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn victims_are_replaced_in_text_and_detail() {
        assert_eq!(
            redact_text("To Victim@Example.org: hi victim@example.org", &["victim@example.org"], false),
            "To [victim]: hi [victim]"
        );
        assert_eq!(redact_text("Nok: my Nokia, Nok!", &["Nok"], true), "[victim]: my Nokia, [victim]!");
        let mut detail =
            serde_json::json!({"attached_messages": [{"to": [{"address": "v@x.org"}], "warnings": ["v@x.org"]}]});
        redact_detail(&mut detail, &["v@x.org"], false);
        assert_eq!(detail, serde_json::json!({"attached_messages": [{"warnings": ["[victim]"]}]}));
    }
}
