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
use crackdown_link::lookup::Query;
use crackdown_lure::{Context, IndicatorKind};
use crackdown_model::Viewer;
use crackdown_store::{FoundAccount, FoundReport, FoundTransfer, Store};
use serde::Serialize;

use super::ScreeningError;
use super::cases::PersonKey;
use super::seized::{Seized, SeizedFile, SeizedIdentifiers, read_seized_files};
use crate::search::{FoundCampaign, SearchAnswer, search};

/// The notice every answer carries.
pub const EVIDENCE_NOTICE: &str = "Evidence for the screener, never a verdict: where the identifiers seized from the \
person appear in what you may read. Compounds often control the phones and accounts workers use, so an \
identifier's use does not say who chose it; weigh it with the interview.";

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
/// naming file, line, field and reason), then [`link_evidence`].
pub fn evidence(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    files: &[SeizedFile],
    context: &Context,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<EvidenceReport, ScreeningError> {
    check_reason(reason)?;
    let seized = read_seized_files(files, context)?;
    link_evidence(store, viewer, key, seized, context, reason, now)
}

fn check_reason(reason: &str) -> Result<(), ScreeningError> {
    if reason.trim().is_empty() {
        return Err(ScreeningError::Invalid("reason: reading screening evidence needs a reason (audited)".into()));
    }
    Ok(())
}

/// Checks the caller is on the person's case team, audits the read with
/// `reason`, and looks each identifier already read up with the search use
/// case under the caller's access.
pub fn link_evidence(
    store: &Store,
    viewer: &Viewer,
    key: PersonKey<'_>,
    seized: SeizedIdentifiers,
    context: &Context,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<EvidenceReport, ScreeningError> {
    check_reason(reason)?;
    let grouped = group(seized.items, context);
    // The access check and the audit row, before anything is looked up.
    store.audit_screening_action(viewer, key.pseudonym, key.team, "read_evidence", reason.trim(), now)?;
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
