//! Reading what was seized from a screened person — a chat export, an
//! e-mail, or a CSV of identifiers — into the identifiers [`super::evidence`]
//! looks up. Pure parsing, no store: the server runs it on its bounded
//! upload parsers, away from the async threads, before any lookup.
//!
//! Every file is read whole or refused with an error naming the file (and
//! for a CSV the line and field), so a screener never acts on half a file.

use crackdown_evidence::chat::{ChatOptions, parse_chat};
use crackdown_evidence::mail::{MailLimits, parse_mail_with};
use crackdown_link::lookup::Query;
use crackdown_lure::{Context, IndicatorKind};

use super::ScreeningError;

/// The kinds an identifier CSV may name, and the indicator types each
/// accepts once the value is read like intake reads it (`true`: a ledger
/// account label that is no indicator may be looked up as written).
const CSV_KINDS: [(&str, &[IndicatorKind], bool); 7] = [
    ("phone", &[IndicatorKind::Phone, IndicatorKind::Whatsapp], false),
    ("account", &[IndicatorKind::Iban, IndicatorKind::BankAccount], true),
    ("iban", &[IndicatorKind::Iban], false),
    (
        "wallet",
        &[IndicatorKind::Btc, IndicatorKind::Eth, IndicatorKind::Tron, IndicatorKind::Sol, IndicatorKind::Ltc],
        false,
    ),
    ("handle", &[IndicatorKind::Telegram, IndicatorKind::Whatsapp, IndicatorKind::Line, IndicatorKind::Wechat], false),
    ("email", &[IndicatorKind::Email], false),
    ("url", &[IndicatorKind::Url, IndicatorKind::Domain], false),
];

/// What a seized file is. Given by the caller (`--format`, `?format=`) or
/// sniffed: by the file's extension, then by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeizedFormat {
    /// `kind,value[,note]` rows.
    Csv,
    /// A chat export in any format `import chat` reads.
    Chat,
    /// One e-mail message (`.eml`, read by the mail reader `import email` uses).
    Email,
}

impl SeizedFormat {
    /// `csv`, `chat` or `eml` (also `email`).
    pub fn parse(tag: &str) -> Result<SeizedFormat, ScreeningError> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(SeizedFormat::Csv),
            "chat" => Ok(SeizedFormat::Chat),
            "eml" | "email" => Ok(SeizedFormat::Email),
            other => Err(ScreeningError::Invalid(format!("format: {other:?} is not csv, chat or eml"))),
        }
    }

    /// The format of a file not given one: `.csv` and `.eml` names say so;
    /// otherwise a first line `kind,value…` is a CSV of identifiers, a first
    /// line that is a header field (`Name: value`, as no chat export starts)
    /// is an e-mail, and anything else is read as a chat export. A chat
    /// export whose first line reads like a header field (`Boss: hi`) needs
    /// its format given.
    pub fn sniff(name: &str, bytes: &[u8]) -> SeizedFormat {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            return SeizedFormat::Csv;
        }
        if lower.ends_with(".eml") {
            return SeizedFormat::Email;
        }
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let first_line = text.split(|byte| *byte == b'\n').next().unwrap_or_default();
        let first_line = String::from_utf8_lossy(first_line).trim().to_ascii_lowercase();
        if first_line == "kind,value" || first_line.starts_with("kind,value,") {
            return SeizedFormat::Csv;
        }
        if text.starts_with(b"From ") || looks_like_mail_headers(text) {
            return SeizedFormat::Email;
        }
        SeizedFormat::Chat
    }
}

/// Header names every stored message has at least one of.
const MAIL_HEADERS: [&str; 9] =
    ["from", "to", "subject", "date", "received", "message-id", "return-path", "mime-version", "delivered-to"];

/// Whether the text opens with a header block (lines `Name: value`, names
/// of letters, digits and hyphens, as real headers are — a Telegram export
/// starts with `{`, a LINE or iOS WhatsApp one with `[`, an Android
/// WhatsApp line with a date) naming at least one mail header. A chat line
/// such as `Boss: send it` has the shape but names none.
fn looks_like_mail_headers(text: &[u8]) -> bool {
    let mut mail_header = false;
    for line in text.split(|byte| *byte == b'\n').take(200) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            continue; // a folded header line
        }
        let name_len = line.iter().take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-').count();
        if name_len == 0 || line.get(name_len) != Some(&b':') {
            return false;
        }
        let name = String::from_utf8_lossy(&line[..name_len]).to_ascii_lowercase();
        mail_header |= MAIL_HEADERS.contains(&name.as_str());
    }
    mail_header
}

/// One file seized from the person: its name (for errors, and for telling
/// the format when none is given), its bytes, and its format if known.
#[derive(Clone, Debug)]
pub struct SeizedFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub format: Option<SeizedFormat>,
}

/// An identifier read from a seized file, before it is looked up.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Seized {
    pub(super) raw: String,
    /// Where it was read: "FILE, line N", "FILE (chat)" or "FILE (e-mail)".
    pub(super) source: String,
    pub(super) note: Option<String>,
}

/// The identifiers of a set of seized files, read and checked, ready to be
/// looked up by [`super::link_evidence`].
#[derive(Clone, Debug, Default)]
pub struct SeizedIdentifiers {
    pub(super) items: Vec<Seized>,
}

impl SeizedIdentifiers {
    /// How many identifiers were read (before merging repeats).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Reads every file (the whole set or the first file's error, naming file,
/// line, field and reason).
pub fn read_seized_files(files: &[SeizedFile], context: &Context) -> Result<SeizedIdentifiers, ScreeningError> {
    if files.is_empty() {
        return Err(ScreeningError::Invalid("files: name at least one seized file".into()));
    }
    let mut items = Vec::new();
    for file in files {
        items.extend(read_seized(file, context)?);
    }
    Ok(SeizedIdentifiers { items })
}

fn read_seized(file: &SeizedFile, context: &Context) -> Result<Vec<Seized>, ScreeningError> {
    match file.format.unwrap_or_else(|| SeizedFormat::sniff(&file.name, &file.bytes)) {
        SeizedFormat::Csv => read_identifier_csv(&file.bytes, &file.name, context),
        SeizedFormat::Chat => read_chat(file, context),
        SeizedFormat::Email => read_mail(file, context),
    }
}

/// The other party's phone or handle, senders saved under their number and
/// the identifiers in the messages.
fn read_chat(file: &SeizedFile, context: &Context) -> Result<Vec<Seized>, ScreeningError> {
    let options = ChatOptions {
        file_name: std::path::Path::new(&file.name).file_name().and_then(|name| name.to_str()).map(str::to_owned),
        ..ChatOptions::default()
    };
    let conversation = parse_chat(&file.bytes, &options).map_err(|error| {
        ScreeningError::Invalid(format!(
            "{}: {error} (give a chat export, an .eml message or a CSV of kind,value[,note])",
            file.name
        ))
    })?;
    let source = format!("{} (chat)", file.name);
    let mut raws: Vec<String> = Vec::new();
    if let Some(counterpart) = &conversation.counterpart {
        raws.extend(counterpart.phone.iter().chain(counterpart.handle.iter()).cloned());
    }
    // Senders saved under their number name the phone they wrote from.
    raws.extend(conversation.senders().into_iter().map(str::to_owned));
    let mut seized = identifiers_only(raws, &source, context);
    seized.extend(extracted(&conversation.text_for_analysis(), &source, context));
    Ok(seized)
}

/// A seized message: every address it names (From, Sender, Reply-To,
/// Return-Path, To, Cc — on a seized device the person may be either end),
/// its links and the identifiers in its subject and bodies. Read by the
/// same parser and limits as `import email`.
fn read_mail(file: &SeizedFile, context: &Context) -> Result<Vec<Seized>, ScreeningError> {
    let mail = parse_mail_with(&file.bytes, &MailLimits::default()).map_err(|error| {
        ScreeningError::Invalid(format!(
            "{}: {error} (give an .eml message, a chat export or a CSV of kind,value[,note])",
            file.name
        ))
    })?;
    let source = format!("{} (e-mail)", file.name);
    let mailboxes = mail.from.iter().chain(mail.sender.iter()).chain(&mail.reply_to).chain(&mail.to).chain(&mail.cc);
    let mut raws: Vec<String> = mailboxes.map(|mailbox| mailbox.address.clone()).collect();
    raws.extend(mail.return_path.iter().cloned());
    raws.extend(mail.links.iter().map(|link| link.target.clone()));
    let mut seized = identifiers_only(raws, &source, context);
    let text = [mail.subject.as_deref().unwrap_or_default(), &mail.text, &mail.html_text].join("\n");
    seized.extend(extracted(&text, &source, context));
    Ok(seized)
}

/// The values among `raws` that read as an indicator (a display name or an
/// empty address is nothing to look up).
fn identifiers_only(raws: Vec<String>, source: &str, context: &Context) -> Vec<Seized> {
    raws.into_iter()
        .filter(|raw| Query::parse(raw.as_bytes(), context).is_ok_and(|query| query.kind.is_some()))
        .map(|raw| Seized { raw, source: source.to_owned(), note: None })
        .collect()
}

/// The indicators the lure extractor finds in free text.
fn extracted(text: &str, source: &str, context: &Context) -> Vec<Seized> {
    crackdown_lure::extract(text, context)
        .into_iter()
        // Cards are masked when read: nothing to look up.
        .filter(|indicator| indicator.kind != IndicatorKind::Card)
        .map(|indicator| Seized { raw: indicator.normalized, source: source.to_owned(), note: None })
        .collect()
}

/// Reads `kind,value[,note]` rows (header required): the whole file or an
/// error naming the file, line, field and reason.
fn read_identifier_csv(data: &[u8], file: &str, context: &Context) -> Result<Vec<Seized>, ScreeningError> {
    let at = |line: u64, reason: String| ScreeningError::Assess { file: file.to_owned(), line, reason };
    // The reader's own line count and offset leave out the blank lines
    // before a row; count them from the bytes.
    let line_at = |position: Option<&csv::Position>| {
        position.map_or(0, |position| {
            let start = usize::try_from(position.byte()).unwrap_or(usize::MAX).min(data.len());
            let blank = data[start..].iter().take_while(|byte| matches!(byte, b'\r' | b'\n')).count();
            data[..start + blank].iter().filter(|byte| **byte == b'\n').count() as u64 + 1
        })
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
    let mut rows = reader.records();
    let header = match rows.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            return Err(at(line_at(error.position()).max(1), format!("unreadable header: {error}")));
        }
        None => return Err(at(1, "empty file: expected the header kind,value[,note]".into())),
    };
    let names: Vec<String> =
        header.iter().map(|name| name.trim().trim_start_matches('\u{feff}').to_lowercase()).collect();
    if names != ["kind", "value"] && names != ["kind", "value", "note"] {
        return Err(at(1, format!("header {:?}: expected kind,value or kind,value,note", names.join(","))));
    }
    let mut seized = Vec::new();
    for row in rows {
        let row = row.map_err(|error| at(line_at(error.position()), format!("unreadable row: {error}")))?;
        let line = line_at(row.position());
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if row.len() < 2 || row.len() > names.len() {
            return Err(at(line, format!("{} fields, expected {}", row.len(), names.len())));
        }
        let kind = row.get(0).unwrap_or_default().trim().to_lowercase();
        let value = row.get(1).unwrap_or_default().trim();
        let Some((_, accepted, label_allowed)) = CSV_KINDS.iter().find(|(name, _, _)| *name == kind) else {
            let kinds = CSV_KINDS.iter().map(|(name, _, _)| *name).collect::<Vec<_>>();
            return Err(at(line, format!("field \"kind\": {kind:?} is not one of {}", kinds.join(", "))));
        };
        let query = Query::parse(value.as_bytes(), context)
            .map_err(|error| at(line, format!("field \"value\": {value:?}: {error}")))?;
        let fits = match query.kind {
            Some(read_as) => accepted.contains(&read_as),
            None => *label_allowed,
        };
        if !fits {
            let read_as = query.kind.map_or("no identifier", IndicatorKind::as_str);
            return Err(at(line, format!("field \"value\": {value:?} is not a {kind} (it reads as {read_as})")));
        }
        let note = row.get(2).map(str::trim).filter(|note| !note.is_empty()).map(str::to_owned);
        seized.push(Seized { raw: value.to_owned(), source: format!("{file}, line {line}"), note });
    }
    Ok(seized)
}

#[cfg(test)]
mod tests {
    use crackdown_lure::Context;

    use super::{SeizedFile, SeizedFormat, read_identifier_csv, read_seized};

    const WALLET: &str = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE";

    fn file(name: &str, bytes: &[u8]) -> SeizedFile {
        SeizedFile { name: name.into(), bytes: bytes.to_vec(), format: None }
    }

    #[test]
    fn identifier_csv_rows_are_read_and_checked() {
        let text = format!("kind,value,note\nphone,+66 81 234 5678,work phone\n\nwallet,{WALLET},\naccount,ACC-77\n");
        let rows = read_identifier_csv(text.as_bytes(), "seized.csv", &Context::none()).expect("rows");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].source, "seized.csv, line 2");
        assert_eq!(rows[0].note.as_deref(), Some("work phone"));
        assert_eq!(rows[1].source, "seized.csv, line 4");
        assert_eq!(rows[2].raw, "ACC-77");
    }

    #[test]
    fn bad_identifier_rows_name_file_line_field_and_reason() {
        let cases = [
            ("kind,number\nphone,+66812345678\n", "line 1", "header"),
            ("kind,value\nphone,+66812345678\nfax,+66812345678\n", "line 3", "\"kind\""),
            ("kind,value\nwallet,+66812345678\n", "line 2", "is not a wallet"),
            ("kind,value\nphone,hello there\n", "line 2", "is not a phone"),
            ("kind,value\nphone,+66812345678,a,b\n", "line 2", "fields"),
            ("", "line 1", "empty"),
        ];
        for (text, line, reason) in cases {
            let error = read_identifier_csv(text.as_bytes(), "seized.csv", &Context::none()).expect_err(text);
            let message = error.to_string();
            assert!(message.contains("seized.csv") && message.contains(line) && message.contains(reason), "{message}");
        }
    }

    #[test]
    fn chat_exports_give_their_identifiers_and_other_files_are_refused() {
        let chat = format!(
            "12/02/2026, 09:15 - +66 81 234 5678: Hello dear, send the deposit to {WALLET}\n\
             12/02/2026, 09:16 - Boss: ok\n"
        );
        let seized =
            read_seized(&file("WhatsApp Chat with Boss.txt", chat.as_bytes()), &Context::none()).expect("chat");
        let raws: Vec<&str> = seized.iter().map(|item| item.raw.as_str()).collect();
        assert!(raws.iter().any(|raw| raw.contains("81 234 5678") || *raw == "+66812345678"), "{raws:?}");
        assert!(raws.contains(&WALLET), "{raws:?}");
        let error = read_seized(&file("notes.txt", b"just some words"), &Context::none()).expect_err("no chat");
        assert!(error.to_string().contains("notes.txt"), "{error}");
    }

    #[test]
    fn formats_are_sniffed_from_name_then_content() {
        let chat = b"12/02/2026, 09:15 - Boss: send it\n";
        let mail = b"From: boss@example.com\r\nSubject: takings\r\n\r\nbody\r\n";
        assert_eq!(SeizedFormat::sniff("upload", b"kind,value,note\nphone,1\n"), SeizedFormat::Csv);
        assert_eq!(SeizedFormat::sniff("upload", b"\xEF\xBB\xBFKind,Value\n"), SeizedFormat::Csv);
        assert_eq!(SeizedFormat::sniff("upload", mail), SeizedFormat::Email);
        assert_eq!(SeizedFormat::sniff("upload", chat), SeizedFormat::Chat);
        assert_eq!(SeizedFormat::sniff("upload", b"{\"messages\": []}"), SeizedFormat::Chat);
        assert_eq!(SeizedFormat::sniff("upload", b"[LINE] Chat history with Boss\n"), SeizedFormat::Chat);
        assert_eq!(SeizedFormat::sniff("upload", b"Boss: send it\nMe: ok\n"), SeizedFormat::Chat);
        assert_eq!(SeizedFormat::sniff("upload", b"X-Mailer: x\r\nFrom: a@b.c\r\n\r\n"), SeizedFormat::Email);
        // A name's extension wins over content.
        assert_eq!(SeizedFormat::sniff("x.eml", chat), SeizedFormat::Email);
        assert_eq!(SeizedFormat::sniff("X.CSV", chat), SeizedFormat::Csv);
        assert!(SeizedFormat::parse("pdf").is_err_and(|error| error.to_string().contains("format")));
    }

    #[test]
    fn seized_mail_gives_its_addresses_links_and_body_identifiers() {
        let mail = format!(
            "From: Recruiter <hr@jobs-example.com>\r\nReply-To: agent.lisa@mail-example.com\r\n\
             To: worker@example.org\r\nSubject: Your visa fee\r\nContent-Type: text/plain\r\n\r\n\
             Pay the visa fee to {WALLET} and call +66 81 234 5678.\r\n"
        );
        let seized = read_seized(&file("inbox-1.eml", mail.as_bytes()), &Context::none()).expect("mail");
        let raws: Vec<&str> = seized.iter().map(|item| item.raw.as_str()).collect();
        for expected in ["hr@jobs-example.com", "agent.lisa@mail-example.com", "worker@example.org", WALLET] {
            assert!(raws.contains(&expected), "{expected}: {raws:?}");
        }
        assert!(raws.iter().any(|raw| raw.contains("812345678")), "{raws:?}");
        assert!(seized.iter().all(|item| item.source == "inbox-1.eml (e-mail)"));
        let error = read_seized(&file("broken.eml", b"no header here"), &Context::none()).expect_err("not mail");
        assert!(error.to_string().contains("broken.eml"), "{error}");
    }
}
