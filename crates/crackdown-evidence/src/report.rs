//! Turning an artefact into a report: the text to analyse, the original
//! bytes kept byte-exact, and what was extracted, minus the victim's own
//! identity (which goes to the protected victim-contact field instead).

use crackdown_model::{Channel, NewReport, Tlp, VictimContact};

use crate::chat::Conversation;
use crate::mail::ParsedMail;

/// The report for a forwarded e-mail and its extracted detail. The first
/// recipient is taken as the victim; recipients are removed from the detail.
pub fn mail_report(raw: &[u8], mail: &ParsedMail, tlp: Tlp) -> (NewReport, serde_json::Value) {
    let mut report = NewReport::from_text(mail.text_for_analysis(), Channel::Email, tlp);
    report.external_id = Some(format!("sha256:{}", mail.sha256));
    report.reported_at = mail.date;
    report.original = Some(raw.to_vec());
    report.victim_contact = mail.to.first().map(|victim| VictimContact { contact: victim.address.clone() });
    let mut detail = serde_json::to_value(mail).unwrap_or(serde_json::Value::Null);
    if let Some(object) = detail.as_object_mut() {
        object.remove("to");
        object.remove("cc");
        object.remove("text");
        object.remove("html_text");
    }
    (report, detail)
}

/// The report for a chat export: one report per conversation, the account
/// owner (the victim) as the protected contact, the counterpart kept in the
/// detail with the messages.
pub fn chat_report(raw: &[u8], conversation: &Conversation, tlp: Tlp) -> (NewReport, serde_json::Value) {
    let mut report = NewReport::from_text(conversation.text_for_analysis(), Channel::Chat, tlp);
    report.external_id = Some(format!("sha256:{}", crate::mail::sha256_hex(raw)));
    report.reported_at = conversation.messages.iter().rev().find_map(|message| message.timestamp);
    report.original = Some(raw.to_vec());
    report.victim_contact = conversation.owner.clone().map(|contact| VictimContact { contact });
    let mut detail = serde_json::to_value(conversation).unwrap_or(serde_json::Value::Null);
    if let Some(object) = detail.as_object_mut() {
        object.remove("owner");
    }
    (report, detail)
}
