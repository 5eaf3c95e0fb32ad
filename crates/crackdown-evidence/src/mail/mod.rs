//! One RFC 5322 message from bytes to a [`ParsedMail`]: sender headers, the
//! Received chain, text and HTML bodies (HTML reduced to text with its links),
//! attachments listed with their SHA-256, and warnings for everything odd.
//!
//! MIME parsing is done by `mail-parser` 0.11, which never panics, parses
//! nested multiparts without recursion and recovers truncated parts. This
//! module adds the evidence view on top and the checks the parser does not
//! report: unknown or violated charsets, binaries posing as text, header
//! injection, duplicate singleton headers, deep nesting. Attachment contents
//! are hashed and sniffed by magic number only; never executed or rendered.
//! Authentication (SPF, DKIM, DMARC, ARC) lives in [`crate::auth`].

pub mod html;
pub mod mbox;
pub mod source;
pub mod structure;

use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

use crate::domain;

/// Resource bounds for one message; inputs beyond them are refused or cut
/// with a warning, never allowed to exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailLimits {
    /// Largest message accepted, in bytes (the whole raw message).
    pub max_message_bytes: usize,
    /// Largest text kept per body kind (plain, HTML-derived), in bytes.
    pub max_text_bytes: usize,
    /// Most attachments listed; the rest are counted in a warning.
    pub max_attachments: usize,
    /// Most links kept from HTML bodies.
    pub max_links: usize,
    /// Deepest message/rfc822 nesting followed for attached messages.
    pub max_attached_depth: usize,
}

impl Default for MailLimits {
    fn default() -> Self {
        Self {
            max_message_bytes: 64 << 20,
            max_text_bytes: 4 << 20,
            max_attachments: 1_000,
            max_links: 10_000,
            max_attached_depth: 3,
        }
    }
}

/// Why a byte string could not be read as an e-mail at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Over [`MailLimits::max_message_bytes`].
    #[error("message is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Bytes given.
        size: usize,
        /// Bytes allowed.
        limit: usize,
    },
    /// Empty input.
    #[error("message is empty")]
    Empty,
    /// The bytes are something else (an archive, an executable, ...).
    #[error("not an e-mail: {0}")]
    NotAnEmail(String),
    /// The MIME structure would cost superlinear parsing time
    /// ([`structure::check`]); no legitimate message comes near it.
    #[error("refused: {0}")]
    TooComplex(String),
}

/// A mailbox from an address header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// Display name as decoded, control characters removed.
    pub name: Option<String>,
    /// The address as written (local part case kept).
    pub address: String,
}

impl Mailbox {
    /// The address's domain, lower-case punycode.
    pub fn domain(&self) -> Option<String> {
        domain::address_domain(&self.address)
    }
}

/// One Received header, topmost (added last, by the receiving side) first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedHop {
    /// The `from` host name the sending side claimed or was resolved to.
    pub from_host: Option<String>,
    /// The connecting IP address recorded by the receiving server.
    pub from_ip: Option<IpAddr>,
    /// The HELO/EHLO name the sending side gave.
    pub helo: Option<String>,
    /// The server that added the header.
    pub by_host: Option<String>,
    /// The timestamp of the hop.
    pub date: Option<DateTime<Utc>>,
}

/// A link from an HTML body with the domain its visible text names, so a
/// reader can see "www.mybank.com" pointing at another site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The `href` target.
    pub target: String,
    /// Host of the target, lower-case punycode.
    pub target_domain: Option<String>,
    /// Visible text of the link.
    pub text: String,
    /// Host named by the visible text, when it looks like a URL or domain.
    pub text_domain: Option<String>,
    /// The text names a registrable domain other than the target's.
    pub mismatch: bool,
}

/// An attachment (or a body part that is not what it claims), listed but
/// never opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name from Content-Disposition or Content-Type.
    pub name: Option<String>,
    /// Declared MIME type, lower-case.
    pub content_type: String,
    /// Type found from the leading magic bytes, when recognised.
    pub detected_type: Option<String>,
    /// Decoded size in bytes.
    pub size: u64,
    /// SHA-256 of the decoded contents (text parts: of their UTF-8 text).
    pub sha256: String,
}

/// A parsed message: what an analyst and the lure analysis need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMail {
    /// SHA-256 of the original bytes, lower-case hex: the evidence hash.
    pub sha256: String,
    /// Size of the original bytes.
    pub size: u64,
    /// The From mailbox (the claimed author).
    pub from: Option<Mailbox>,
    /// The Sender mailbox, when different software or a person sent on behalf of From.
    pub sender: Option<Mailbox>,
    /// Where replies go; scammers point it away from the From domain.
    pub reply_to: Vec<Mailbox>,
    /// Return-Path address (the envelope sender as delivered).
    pub return_path: Option<String>,
    /// Recipients, as the headers name them (not the envelope).
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Decoded subject, control characters replaced.
    pub subject: Option<String>,
    /// The Date header in UTC; `None` when absent or invalid (with a warning).
    pub date: Option<DateTime<Utc>>,
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// Received chain, topmost first.
    pub received: Vec<ReceivedHop>,
    /// Plain-text bodies joined.
    pub text: String,
    /// HTML bodies reduced to text, joined.
    pub html_text: String,
    pub links: Vec<Link>,
    pub attachments: Vec<Attachment>,
    /// Messages attached as message/rfc822 (forwarded "as attachment").
    pub attached_messages: Vec<ParsedMail>,
    /// Everything odd about the message, one readable sentence each.
    pub warnings: Vec<String>,
}

impl ParsedMail {
    /// Subject, text, HTML text (when it differs from the text), link
    /// targets and attachment names, one per line: the input for indicator
    /// extraction and classification. Attached messages follow.
    pub fn text_for_analysis(&self) -> String {
        let mut out = String::new();
        self.append_analysis_text(&mut out);
        out
    }

    fn append_analysis_text(&self, out: &mut String) {
        let mut push = |part: &str| {
            if !part.trim().is_empty() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(part);
            }
        };
        push(self.subject.as_deref().unwrap_or_default());
        push(&self.text);
        if !same_words(&self.text, &self.html_text) {
            push(&self.html_text);
        }
        for link in &self.links {
            push(&link.target);
        }
        for name in self.attachments.iter().filter_map(|a| a.name.as_deref()) {
            push(name);
        }
        for attached in &self.attached_messages {
            attached.append_analysis_text(out);
        }
    }
}

fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Parses one message with default limits.
pub fn parse_mail(raw: &[u8]) -> Result<ParsedMail, MailError> {
    parse_mail_with(raw, &MailLimits::default())
}

/// Parses one message. Errors only when the bytes are not an e-mail at all;
/// every recoverable problem becomes a warning in the result.
pub fn parse_mail_with(raw: &[u8], limits: &MailLimits) -> Result<ParsedMail, MailError> {
    if raw.is_empty() {
        return Err(MailError::Empty);
    }
    if raw.len() > limits.max_message_bytes {
        return Err(MailError::TooLarge { size: raw.len(), limit: limits.max_message_bytes });
    }
    if let Some(kind) = sniff_binary(raw) {
        return Err(MailError::NotAnEmail(format!("the file is {kind}")));
    }
    let body = strip_envelope_line(raw);
    if !starts_with_header_field(body) {
        return Err(MailError::NotAnEmail("the first line is not a header field (\"Name: value\")".to_owned()));
    }
    structure::check(body)?;
    let message = MessageParser::default()
        .parse(body)
        .ok_or_else(|| MailError::NotAnEmail("no header fields found".to_owned()))?;
    let mut mail = Extractor::new(limits).extract(&message, limits.max_attached_depth);
    mail.sha256 = sha256_hex(raw);
    mail.size = raw.len() as u64;
    Ok(mail)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crackdown_model::hex(&Sha256::digest(bytes))
}

/// Skips an mbox-style `From sender date` envelope line some exporters keep.
fn strip_envelope_line(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        match raw.iter().position(|&b| b == b'\n') {
            Some(end) => &raw[end + 1..],
            None => &raw[raw.len()..],
        }
    } else {
        raw
    }
}

/// True when `raw` begins with `field-name:` (RFC 5322 printable ASCII
/// without colon), the least an e-mail must start with.
fn starts_with_header_field(raw: &[u8]) -> bool {
    let name_len = raw.iter().take_while(|&&b| (33..=126).contains(&b) && b != b':').count();
    name_len > 0 && raw.get(name_len) == Some(&b':')
}

/// Names the file type of `bytes` when its magic number says it is a binary
/// format rather than text.
pub fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a zip archive"),
        (b"PK\x05\x06", "an empty zip archive"),
        (b"%PDF-", "a PDF document"),
        (b"MZ", "a Windows executable"),
        (b"\x7fELF", "an ELF executable"),
        (b"Rar!\x1a\x07", "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE (legacy Office) document"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
        .or_else(|| bytes.iter().take(4096).any(|&b| b == 0).then_some("binary data (NUL bytes)"))
}

/// Walks one parsed message into a [`ParsedMail`].
struct Extractor<'l> {
    limits: &'l MailLimits,
    warnings: Vec<String>,
}

impl<'l> Extractor<'l> {
    fn new(limits: &'l MailLimits) -> Self {
        Self { limits, warnings: Vec::new() }
    }

    fn warn(&mut self, warning: impl Into<String>) {
        self.warnings.push(warning.into());
    }

    fn extract(mut self, message: &Message<'_>, attached_depth: usize) -> ParsedMail {
        self.check_headers(message);
        let from = self.first_mailbox(message.from(), "From");
        let sender = self.first_mailbox(message.sender(), "Sender");
        let reply_to = self.mailboxes(message.reply_to(), "Reply-To");
        let to = self.mailboxes(message.to(), "To");
        let cc = self.mailboxes(message.cc(), "Cc");
        let subject = message.subject().map(|s| self.clean_header("Subject", s));
        let date = message.date().and_then(|d| {
            let converted = to_utc(d);
            if converted.is_none() {
                self.warn(format!("Date header {d} is not a valid date; ignored"));
            }
            converted
        });
        if message.header(HeaderName::Date).is_some() && message.date().is_none() {
            self.warn("Date header could not be parsed; ignored");
        }
        let message_id = message.message_id().map(|id| self.clean_header("Message-ID", id));
        let return_path = message.return_address().map(|a| self.clean_header("Return-Path", a));
        let received = message.received_all().map(received_hop).collect();

        self.check_nesting(message);
        let mut mail = ParsedMail {
            sha256: String::new(),
            size: 0,
            from,
            sender,
            reply_to,
            return_path,
            to,
            cc,
            subject,
            date,
            message_id,
            received,
            text: String::new(),
            html_text: String::new(),
            links: Vec::new(),
            attachments: Vec::new(),
            attached_messages: Vec::new(),
            warnings: Vec::new(),
        };
        self.bodies(message, &mut mail);
        self.attachments(message, &mut mail, attached_depth);
        mail.warnings = self.warnings;
        mail
    }

    fn check_headers(&mut self, message: &Message<'_>) {
        for name in [
            HeaderName::From,
            HeaderName::Sender,
            HeaderName::ReplyTo,
            HeaderName::To,
            HeaderName::Subject,
            HeaderName::Date,
            HeaderName::MessageId,
        ] {
            let count = message.headers().iter().filter(|h| h.name == name).count();
            if count > 1 {
                self.warn(format!(
                    "{count} {} headers (only one is allowed; possible header injection); the last one is used",
                    name.as_str()
                ));
            }
        }
        for (name, value) in message.headers_raw() {
            let unfolded = value.replace("\r\n ", " ").replace("\r\n\t", " ").replace("\n ", " ").replace("\n\t", " ");
            let trimmed = unfolded.trim_end_matches(['\r', '\n']);
            if trimmed.contains(['\r', '\n', '\0']) {
                self.warn(format!("header {name} contains a bare line break or NUL (possible header injection)"));
            }
        }
    }

    /// Removes control characters from a decoded header value, warning when
    /// an encoded word smuggled in line breaks.
    fn clean_header(&mut self, field: &str, value: &str) -> String {
        if value.contains(['\r', '\n']) {
            self.warn(format!(
                "{field} decodes to text with a line break (possible header injection); replaced by spaces"
            ));
        }
        let cleaned: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        cleaned.trim().to_owned()
    }

    fn mailboxes(&mut self, address: Option<&Address<'_>>, field: &str) -> Vec<Mailbox> {
        let Some(address) = address else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for addr in address.iter() {
            let Some(raw_address) = addr.address.as_deref() else {
                continue;
            };
            let address = self.clean_header(field, raw_address);
            if address.is_empty() {
                continue;
            }
            let name = addr.name.as_deref().map(|n| self.clean_header(field, n)).filter(|n| !n.is_empty());
            out.push(Mailbox { name, address });
        }
        out
    }

    fn first_mailbox(&mut self, address: Option<&Address<'_>>, field: &str) -> Option<Mailbox> {
        let mut all = self.mailboxes(address, field);
        if all.len() > 1 {
            self.warn(format!("{field} lists {} mailboxes; the first is used", all.len()));
        }
        (!all.is_empty()).then(|| all.swap_remove(0))
    }

    /// Warns about deep multipart nesting, which mail-parser handles
    /// iteratively but which no legitimate client produces.
    fn check_nesting(&mut self, message: &Message<'_>) {
        let mut deepest = 0usize;
        let mut visited = vec![false; message.parts.len()];
        let mut stack = vec![(0u32, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            let Some(seen) = visited.get_mut(id as usize) else {
                continue;
            };
            if std::mem::replace(seen, true) {
                continue;
            }
            deepest = deepest.max(depth);
            if let Some(PartType::Multipart(children)) = message.parts.get(id as usize).map(|p| &p.body) {
                stack.extend(children.iter().map(|&child| (child, depth + 1)));
            }
        }
        if deepest > 20 {
            self.warn(format!("multiparts nested {deepest} levels deep (suspicious structure)"));
        }
        let problems = message.parts.iter().filter(|p| p.is_encoding_problem).count();
        if problems > 0 {
            self.warn(format!(
                "{problems} MIME part(s) malformed (truncated, missing boundary or bad transfer encoding); recovered as raw text"
            ));
        }
    }

    fn bodies(&mut self, message: &Message<'_>, mail: &mut ParsedMail) {
        let mut text_parts = Vec::new();
        for &id in &message.text_body {
            if let Some(part) = message.parts.get(id as usize)
                && let PartType::Text(text) = &part.body
            {
                if self.posing_as_text(id, part, mail) {
                    continue;
                }
                self.check_charset(id, part, text);
                text_parts.push(text.replace("\r\n", "\n"));
            }
        }
        mail.text = self.capped(text_parts.join("\n\n").trim_end().to_owned(), "plain text");

        let mut html_texts = Vec::new();
        for &id in &message.html_body {
            if let Some(part) = message.parts.get(id as usize)
                && let PartType::Html(source) = &part.body
            {
                if self.posing_as_text(id, part, mail) {
                    continue;
                }
                self.check_charset(id, part, source);
                let room = self.limits.max_links.saturating_sub(mail.links.len());
                let reduced = html::html_to_text(source, room);
                html_texts.push(reduced.text);
                mail.links.extend(reduced.links.into_iter().map(analyse_link));
                if reduced.dropped_links > 0 {
                    self.warn(format!(
                        "part {id}: {} links beyond the first {} not listed",
                        reduced.dropped_links, self.limits.max_links
                    ));
                }
            }
        }
        mail.html_text = self.capped(html_texts.join("\n\n"), "HTML text");
    }

    /// A body part declared as text whose bytes are a binary format is moved
    /// to the attachment list instead of being read as text.
    fn posing_as_text(&mut self, id: u32, part: &MessagePart<'_>, mail: &mut ParsedMail) -> bool {
        let Some(kind) = sniff_binary(part.contents()) else {
            return false;
        };
        let declared = content_type(part);
        self.warn(format!(
            "part {id} is declared {declared} but its content is {kind}; listed as an attachment, not read as text"
        ));
        mail.attachments.push(attachment(part));
        true
    }

    fn check_charset(&mut self, id: u32, part: &MessagePart<'_>, text: &str) {
        let charset = part.content_type().and_then(|ct| ct.attribute("charset"));
        if let Some(label) = charset
            && mail_parser::decoders::charsets::map::charset_decoder(label.as_bytes()).is_none()
            && !label.eq_ignore_ascii_case("utf-8")
            && !label.eq_ignore_ascii_case("us-ascii")
        {
            self.warn(format!(
                "part {id} declares unknown charset {label:?}; decoded as UTF-8 with invalid bytes replaced"
            ));
            return;
        }
        if text.contains('\u{fffd}') {
            let label = charset.unwrap_or("(none, assumed UTF-8)");
            self.warn(format!("part {id} has bytes invalid in charset {label}; they were replaced by U+FFFD"));
        }
    }

    fn capped(&mut self, mut text: String, what: &str) -> String {
        let limit = self.limits.max_text_bytes;
        if text.len() > limit {
            let mut cut = limit;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            self.warn(format!("{what} longer than {limit} bytes; cut"));
        }
        text
    }

    fn attachments(&mut self, message: &Message<'_>, mail: &mut ParsedMail, attached_depth: usize) {
        let mut skipped = 0usize;
        for &id in &message.attachments {
            let Some(part) = message.parts.get(id as usize) else {
                continue;
            };
            if mail.attachments.len() >= self.limits.max_attachments {
                skipped += 1;
                continue;
            }
            mail.attachments.push(attachment(part));
            self.attachment_text(id, part, mail);
            if let PartType::Message(nested) = &part.body {
                if attached_depth == 0 {
                    self.warn(format!("attached message in part {id} nested too deep; not analysed"));
                } else {
                    let nested_mail = Extractor::new(self.limits).extract(nested, attached_depth - 1);
                    let mut nested_mail = nested_mail;
                    let raw = part.contents();
                    nested_mail.sha256 = sha256_hex(raw);
                    nested_mail.size = raw.len() as u64;
                    mail.attached_messages.push(nested_mail);
                }
            }
        }
        if skipped > 0 {
            self.warn(format!("{skipped} attachments beyond the first {} not listed", self.limits.max_attachments));
        }
    }
}

impl Extractor<'_> {
    /// Text of a text/* attachment (a recovered truncated part, a .txt
    /// file) is evidence too: appended to the text, binaries excluded.
    fn attachment_text(&mut self, id: u32, part: &MessagePart<'_>, mail: &mut ParsedMail) {
        let (source, is_html) = match &part.body {
            PartType::Text(text) => (text, false),
            PartType::Html(html) => (html, true),
            _ => return,
        };
        if sniff_binary(source.as_bytes()).is_some() {
            return;
        }
        self.check_charset(id, part, source);
        let (target, text) = if is_html {
            (&mut mail.html_text, html::html_to_text(source, 0).text)
        } else {
            (&mut mail.text, source.replace("\r\n", "\n").trim_end().to_owned())
        };
        if text.is_empty() || target.len() + text.len() > self.limits.max_text_bytes {
            return;
        }
        if !target.is_empty() {
            target.push_str("\n\n");
        }
        target.push_str(&text);
    }
}

fn content_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None => match part.body {
            PartType::Html(_) => "text/html".to_owned(),
            PartType::Message(_) => "message/rfc822".to_owned(),
            PartType::Text(_) => "text/plain".to_owned(),
            _ => "application/octet-stream".to_owned(),
        },
    }
}

fn attachment(part: &MessagePart<'_>) -> Attachment {
    let contents = part.contents();
    let name = part
        .attachment_name()
        .map(|n| n.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|n| !n.trim().is_empty());
    Attachment {
        name,
        content_type: content_type(part),
        detected_type: sniff_binary(contents).map(str::to_owned),
        size: contents.len() as u64,
        sha256: sha256_hex(contents),
    }
}

fn analyse_link(link: html::RawLink) -> Link {
    let target_domain = domain::url_host(&link.target);
    let text_domain = domain::text_host(&link.text);
    let mismatch = match (&target_domain, &text_domain) {
        (Some(target), Some(text)) => domain::registrable_domain(target) != domain::registrable_domain(text),
        _ => false,
    };
    Link { target: link.target, target_domain, text: link.text, text_domain, mismatch }
}

fn received_hop(received: &mail_parser::Received<'_>) -> ReceivedHop {
    fn host(host: Option<&mail_parser::Host<'_>>) -> Option<String> {
        host.map(|h| match h {
            mail_parser::Host::Name(name) => name.to_string(),
            mail_parser::Host::IpAddr(ip) => ip.to_string(),
        })
    }
    ReceivedHop {
        from_host: host(received.from.as_ref()),
        from_ip: received.from_ip,
        helo: host(received.helo.as_ref()),
        by_host: host(received.by.as_ref()),
        date: received.date.as_ref().and_then(to_utc),
    }
}

fn to_utc(date: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    let valid = (1..=12).contains(&date.month)
        && (1..=31).contains(&date.day)
        && date.hour < 24
        && date.minute < 60
        && date.second < 61
        && date.tz_hour < 24
        && date.tz_minute < 60;
    if !valid {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))?;
    DateTime::from_timestamp(date.to_timestamp(), 0)
}
