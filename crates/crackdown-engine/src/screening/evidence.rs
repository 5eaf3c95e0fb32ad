//! Evidence links: where the identifiers seized from a screened person —
//! phones, accounts, wallets, handles, e-mails, links — appear in what the
//! caller may read (victim reports, their campaigns, the caller's ledger).
//!
//! Why this shape: a screener weighing victim against perpetrator needs to
//! know whether the person's phone sent lure messages or their account
//! received victims' money, but neither fact is a verdict — compounds hand
//! workers phones and accounts they control. So the answer lists where each
//! identifier appears, with counts and neutral observations, and says it is
//! evidence, never a verdict.
//!
//! Access: only a member of the person's case team may run it (the store's
//! person check: another team's person is "not found"), with a reason that
//! is written to the append-only audit. The seized files are read in memory
//! and nothing of them is stored: this is a read-only report (the links are
//! not kept, so there is nothing to erase beyond the audit row).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use crackdown_evidence::chat::{ChatOptions, parse_chat};
use crackdown_link::lookup::Query;
use crackdown_lure::{Context, IndicatorKind};
use crackdown_model::Viewer;
use crackdown_store::{FoundAccount, FoundReport, FoundTransfer, Store};
use serde::Serialize;

use super::ScreeningError;
use super::cases::PersonKey;
use crate::search::{FoundCampaign, SearchAnswer, search};

/// The kinds an identifier CSV may name, and the indicator types each
/// accepts once the value is read like intake reads it (`None`: a ledger
/// account label that is no indicator, looked up as written).
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

/// The notice every answer carries.
pub const EVIDENCE_NOTICE: &str = "Evidence for the screener, never a verdict: where the identifiers seized from the \
person appear in what you may read. Compounds often control the phones and accounts workers use, so an \
identifier's use does not say who chose it; weigh it with the interview.";

/// One file seized from the person: its name (for errors and for telling a
/// CSV of identifiers from a chat export) and its bytes.
#[derive(Clone, Debug)]
pub struct SeizedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An identifier read from a seized file, before it is looked up.
#[derive(Clone, Debug, PartialEq)]
struct Seized {
    raw: String,
    /// Where it was read: "FILE, line N" or "FILE (chat)".
    source: String,
    note: Option<String>,
}

/// Where one seized identifier appears.
#[derive(Clone, Debug, Serialize)]
pub struct IdentifierEvidence {
    /// The indicator type it was read as (`None`: an account label looked
    /// up as written).
    #[serde(rename = "type")]
    pub kind: Option<IndicatorKind>,
    pub normalized: String,
    /// Every place in the seized files it was read from.
    pub sources: Vec<String>,
    /// Notes the CSV gave it.
    pub notes: Vec<String>,
    pub reports: Vec<FoundReport>,
    /// True when more reports name it than `reports` holds.
    pub more_reports: bool,
    pub campaigns: Vec<FoundCampaign>,
    pub accounts: Vec<FoundAccount>,
    pub transfers: Vec<FoundTransfer>,
    /// Transfers into and out of the ledger accounts holding it.
    pub transfers_in: i64,
    pub transfers_out: i64,
    /// Short, neutral sentences for the screener.
    pub observations: Vec<String>,
}

/// The evidence report for one person.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceReport {
    pub person: String,
    pub notice: &'static str,
    /// Nothing of the seized files is stored (a read-only report).
    pub stored: bool,
    /// Identifiers that appear somewhere, first; then the rest.
    pub identifiers: Vec<IdentifierEvidence>,
    /// How many identifiers appear nowhere the caller may read.
    pub not_found: usize,
}

/// Reads the identifiers of every seized file (the whole set or an error
/// naming file, line, field and reason), checks the caller is on the
/// person's case team, audits the read with `reason`, and looks each
/// identifier up with the search use case under the caller's access.
pub fn evidence(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    files: &[SeizedFile],
    context: &Context,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<EvidenceReport, ScreeningError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ScreeningError::Invalid("reason: reading screening evidence needs a reason (audited)".into()));
    }
    if files.is_empty() {
        return Err(ScreeningError::Invalid("files: name at least one seized file".into()));
    }
    let mut seized = Vec::new();
    for file in files {
        seized.extend(read_seized(file, context)?);
    }
    let grouped = group(seized, context);
    // The access check and the audit row, before anything is looked up.
    store.audit_screening_action(viewer, key.pseudonym, key.team, "read_evidence", reason, now)?;
    let mut identifiers = Vec::with_capacity(grouped.len());
    for ((_, normalized), group) in grouped {
        let answer = search(store, viewer, group.lookup.as_bytes(), context).map_err(|error| {
            ScreeningError::Invalid(format!("{}: {normalized:?} cannot be looked up: {error}", group.sources[0]))
        })?;
        identifiers.push(identifier_evidence(answer, group));
    }
    identifiers.sort_by_key(|found| !appears(found));
    let not_found = identifiers.iter().filter(|found| !appears(found)).count();
    Ok(EvidenceReport {
        person: key.pseudonym.to_owned(),
        notice: EVIDENCE_NOTICE,
        stored: false,
        identifiers,
        not_found,
    })
}

fn appears(found: &IdentifierEvidence) -> bool {
    !found.reports.is_empty() || !found.accounts.is_empty() || !found.transfers.is_empty()
}

/// A CSV of identifiers (by its `.csv` name) or a chat export intake reads.
fn read_seized(file: &SeizedFile, context: &Context) -> Result<Vec<Seized>, ScreeningError> {
    if file.name.to_ascii_lowercase().ends_with(".csv") {
        return read_identifier_csv(&file.bytes, &file.name, context);
    }
    let options = ChatOptions {
        file_name: std::path::Path::new(&file.name).file_name().and_then(|name| name.to_str()).map(str::to_owned),
        ..ChatOptions::default()
    };
    let conversation = parse_chat(&file.bytes, &options).map_err(|error| {
        ScreeningError::Invalid(format!("{}: {error} (give a chat export or a CSV of kind,value[,note])", file.name))
    })?;
    let source = format!("{} (chat)", file.name);
    let mut raws: Vec<String> = Vec::new();
    if let Some(counterpart) = &conversation.counterpart {
        raws.extend(counterpart.phone.iter().chain(counterpart.handle.iter()).cloned());
    }
    // Senders saved under their number name the phone they wrote from.
    raws.extend(conversation.senders().into_iter().map(str::to_owned));
    let mut seized: Vec<Seized> = raws
        .into_iter()
        .filter(|raw| Query::parse(raw.as_bytes(), context).is_ok_and(|query| query.kind.is_some()))
        .map(|raw| Seized { raw, source: source.clone(), note: None })
        .collect();
    for indicator in crackdown_lure::extract(&conversation.text_for_analysis(), context) {
        // Cards are masked when read: nothing to look up.
        if indicator.kind != IndicatorKind::Card {
            seized.push(Seized { raw: indicator.normalized, source: source.clone(), note: None });
        }
    }
    Ok(seized)
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

/// Identifiers read from several places, merged.
struct Group {
    /// The text looked up: the first spelling read.
    lookup: String,
    sources: Vec<String>,
    notes: Vec<String>,
}

/// Merges the identifiers that read as the same normalized value.
fn group(seized: Vec<Seized>, context: &Context) -> BTreeMap<(String, String), Group> {
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for item in seized {
        let Ok(query) = Query::parse(item.raw.as_bytes(), context) else { continue };
        let kind = query.kind.map_or("", IndicatorKind::as_str).to_owned();
        let group = groups.entry((kind, query.normalized)).or_insert_with(|| Group {
            lookup: item.raw.clone(),
            sources: Vec::new(),
            notes: Vec::new(),
        });
        if !group.sources.contains(&item.source) {
            group.sources.push(item.source);
        }
        if let Some(note) = item.note
            && !group.notes.contains(&note)
        {
            group.notes.push(note);
        }
    }
    groups
}

fn identifier_evidence(answer: SearchAnswer, group: Group) -> IdentifierEvidence {
    let transfers_in = answer.accounts.iter().map(|account| account.transfers_in).sum();
    let transfers_out = answer.accounts.iter().map(|account| account.transfers_out).sum();
    let mut found = IdentifierEvidence {
        kind: answer.kind,
        normalized: answer.normalized,
        sources: group.sources,
        notes: group.notes,
        reports: answer.reports,
        more_reports: answer.more_reports,
        campaigns: answer.campaigns,
        accounts: answer.accounts,
        transfers: answer.transfers,
        transfers_in,
        transfers_out,
        observations: Vec::new(),
    };
    found.observations = observations(&found);
    found
}

/// Neutral sentences: what the hits mean for the screener's question, and
/// what they do not say.
fn observations(found: &IdentifierEvidence) -> Vec<String> {
    let mut said = Vec::new();
    let reports = found.reports.len();
    let plus = if found.more_reports { "+" } else { "" };
    if reports > 0 {
        let contact = matches!(
            found.kind,
            Some(
                IndicatorKind::Phone
                    | IndicatorKind::Whatsapp
                    | IndicatorKind::Telegram
                    | IndicatorKind::Line
                    | IndicatorKind::Wechat
                    | IndicatorKind::Email
            )
        );
        let money = matches!(
            found.kind,
            Some(
                IndicatorKind::Iban
                    | IndicatorKind::BankAccount
                    | IndicatorKind::Btc
                    | IndicatorKind::Eth
                    | IndicatorKind::Tron
                    | IndicatorKind::Sol
                    | IndicatorKind::Ltc
            )
        );
        said.push(if contact {
            format!(
                "Named in {reports}{plus} victim report(s): it was used to contact victims (lure messages, \
                 scripts). Whoever used it may have been made to send scripts from a device the compound controls."
            )
        } else if money {
            format!("Named in {reports}{plus} victim report(s) as where victims were told to pay.")
        } else {
            format!("Named in {reports}{plus} victim report(s).")
        });
    }
    if !found.campaigns.is_empty() {
        let names: Vec<&str> = found.campaigns.iter().map(|campaign| campaign.name.as_str()).collect();
        said.push(format!("Part of {} campaign(s) as you see them: {}.", names.len(), names.join("; ")));
    }
    if found.transfers_in > 0 {
        said.push(format!(
            "Receives money in your ledger ({} transfer(s) in): if the person controlled it, this points to \
             handling money (a finance role); check who held it.",
            found.transfers_in
        ));
    }
    if found.transfers_out > 0 {
        said.push(format!("Sends money in your ledger ({} transfer(s) out).", found.transfers_out));
    }
    if !found.transfers.is_empty() {
        said.push(format!("{} transfer(s) of your ledger carry it as their transaction id.", found.transfers.len()));
    }
    if said.is_empty() {
        said.push("Appears in nothing you may read.".to_owned());
    }
    said
}

#[cfg(test)]
mod tests {
    use crackdown_lure::Context;

    use super::{SeizedFile, read_identifier_csv, read_seized};

    const WALLET: &str = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE";

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
        let file = SeizedFile { name: "WhatsApp Chat with Boss.txt".into(), bytes: chat.into_bytes() };
        let seized = read_seized(&file, &Context::none()).expect("chat");
        let raws: Vec<&str> = seized.iter().map(|item| item.raw.as_str()).collect();
        assert!(raws.iter().any(|raw| raw.contains("81 234 5678") || *raw == "+66812345678"), "{raws:?}");
        assert!(raws.contains(&WALLET), "{raws:?}");
        let junk = SeizedFile { name: "notes.txt".into(), bytes: b"just some words".to_vec() };
        let error = read_seized(&junk, &Context::none()).expect_err("no chat");
        assert!(error.to_string().contains("notes.txt"), "{error}");
    }
}
