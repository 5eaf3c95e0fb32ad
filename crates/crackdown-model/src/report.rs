//! A victim's or a business's report of a scam, as it enters the store.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::{Money, Tlp, keyword_enum};

keyword_enum! {
    /// How a report reached us; kept because evidence handling differs.
    pub enum Channel {
        Web => "web",
        Api => "api",
        Bulk => "bulk",
        Email => "email",
        Chat => "chat",
    }
}

keyword_enum! {
    /// Where a report stands in triage.
    pub enum ReportStatus {
        New => "new",
        Triaged => "triaged",
        Linked => "linked",
        Closed => "closed",
    }
}

/// Personal data of the victim: how to reach them. Stored apart from the
/// report and shown only to the reporting organisation's analysts.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct VictimContact {
    pub contact: String,
}

/// A validated report ready to be stored. Who submits it (organisation,
/// user) is not part of it: the store takes that from the `Viewer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReport {
    /// The identifier the submitter gave it: unique per submitter; the same
    /// id again is a duplicate of the submitter's report, or of any report
    /// of their organisation they may read.
    pub external_id: Option<String>,
    pub text: String,
    pub channel: Channel,
    pub language: Option<String>,
    /// The victim's country (ISO 3166-1 alpha-2, upper case), if given: a
    /// national phone number in the text is read in it.
    pub country: Option<String>,
    /// When the victim says it happened or reported it, if given.
    pub reported_at: Option<DateTime<Utc>>,
    pub loss: Option<Money>,
    pub tlp: Tlp,
    /// Free-text name of whoever reported it (a hotline, a branch, a person).
    pub reporter: Option<String>,
    pub victim_contact: Option<VictimContact>,
    /// The victim agrees to share the report with law enforcement.
    pub consent_share: bool,
    /// The victim agrees to publish the report's indicators publicly.
    pub consent_publish: bool,
    /// The original artefact (an e-mail, a chat export) kept byte-exact.
    pub original: Option<Vec<u8>>,
}

impl NewReport {
    /// A report with just a text and defaults everywhere else.
    pub fn from_text(text: impl Into<String>, channel: Channel, tlp: Tlp) -> NewReport {
        NewReport {
            external_id: None,
            text: text.into(),
            channel,
            language: None,
            country: None,
            reported_at: None,
            loss: None,
            tlp,
            reporter: None,
            victim_contact: None,
            consent_share: false,
            consent_publish: false,
            original: None,
        }
    }

    /// The key under which exact resubmissions are recognised: the same
    /// normalized text from the same reporter, the reporter being the named
    /// reporter or else the victim's contact, so that two anonymous victims
    /// who write the same short sentence stay two reports. A report that
    /// names nobody is told apart by the id its source gave it when that
    /// source is a case system's bulk file or an artefact (a forwarded
    /// e-mail, a chat export: the hash of its bytes): two victims' records
    /// in a partner's file, or their exports of the same scam script, are
    /// two reports; the same record or file sent twice is one. A report
    /// typed into a form or the API under a new id of its own is still a
    /// resubmission of the same text.
    pub fn fingerprint(&self) -> String {
        let source_id = match (&self.original, self.channel) {
            (Some(_), _) | (None, Channel::Bulk) => self.external_id.as_deref(),
            _ => None,
        };
        let reporter = self
            .reporter
            .as_deref()
            .or(self.victim_contact.as_ref().map(|victim| victim.contact.as_str()))
            .or(source_id);
        content_fingerprint(reporter, &self.text)
    }
}

/// Text as compared for duplicates: Unicode NFKC (so full-width letters and
/// digits match their plain forms), lower case, runs of white space as one
/// space, trimmed.
pub fn normalize_text(text: &str) -> String {
    // ASCII is already in NFKC; skipping the decomposition keeps bulk import fast.
    let composed: std::borrow::Cow<'_, str> =
        if text.is_ascii() { std::borrow::Cow::Borrowed(text) } else { std::borrow::Cow::Owned(text.nfkc().collect()) };
    let mut normalized = String::with_capacity(text.len());
    for word in composed.split_whitespace() {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.extend(word.chars().flat_map(char::to_lowercase));
    }
    normalized
}

/// The first 128 bits of SHA-256 (hex) over the reporter and the normalized
/// text: two reports are the same submission when they share it. 128 bits
/// keep the unique index small while a chance collision stays out of reach.
pub fn content_fingerprint(reporter: Option<&str>, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(normalize_text(reporter.unwrap_or("")).as_bytes());
    hasher.update([0]);
    hasher.update(normalize_text(text).as_bytes());
    hex(&hasher.finalize()[..16])
}

/// Lower-case hexadecimal, as SHA-256 digests are written in evidence logs.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_case_space_and_width() {
        assert_eq!(normalize_text("  Send ＵＳＤＴ\tto\n\nme  "), "send usdt to me");
        assert_eq!(content_fingerprint(Some("Hotline"), "Pay  NOW"), content_fingerprint(Some("hotline"), "pay now"));
        assert_ne!(content_fingerprint(Some("a"), "x"), content_fingerprint(Some("b"), "x"));
        assert_ne!(content_fingerprint(Some("a b"), "c"), content_fingerprint(Some("a"), "b c"));
    }

    #[test]
    fn artefacts_naming_nobody_are_told_apart_by_their_hash() {
        let export = |hash: &str| {
            let mut report = NewReport::from_text("Hello dear, invest with me", Channel::Chat, Tlp::Amber);
            report.external_id = Some(format!("sha256:{hash}"));
            report.original = Some(hash.as_bytes().to_vec());
            report
        };
        assert_ne!(export("aa").fingerprint(), export("bb").fingerprint(), "two victims' exports of one script");
        assert_eq!(export("aa").fingerprint(), export("aa").fingerprint());
        let mut typed = NewReport::from_text("Hello dear, invest with me", Channel::Web, Tlp::Amber);
        typed.external_id = Some("case-1".into());
        let mut again = typed.clone();
        again.external_id = Some("case-2".into());
        assert_eq!(typed.fingerprint(), again.fingerprint(), "typed resubmissions under new ids stay duplicates");
        let record = |id: &str| {
            let mut report = NewReport::from_text("Hello dear, invest with me", Channel::Bulk, Tlp::Amber);
            report.external_id = Some(id.into());
            report
        };
        assert_ne!(record("case-1").fingerprint(), record("case-2").fingerprint(), "two victims' records in a file");
        assert_eq!(record("case-1").fingerprint(), record("case-1").fingerprint(), "the same record sent twice");
    }
}
