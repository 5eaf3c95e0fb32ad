//! The money-trail use cases the CLI and the API share: loading an
//! organisation's ledger from the store, tracing payments, building the
//! freeze list, scoring mules, and finding the victim payments that the
//! viewer's readable reports point at.
//!
//! A ledger is loaded page by page into `crackdown_trail::Ledger` (about 100
//! bytes per transfer). [`LedgerCache`] keeps one loaded ledger per
//! organisation for a long-running server and reloads it when the store's
//! [`LedgerVersion`] says an import changed it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{DateTime, Utc};
use crackdown_model::{Money, Viewer};
use crackdown_store::{LedgerVersion, ReportedAccount, Store, StoreError, TransferBatch};
pub use crackdown_trail::Recovery;
use crackdown_trail::freeze::{FreezeRow, freeze_list};
use crackdown_trail::mules::MuleModel;
use crackdown_trail::trace::{POISON_MAX_STEPS, Trace, TraceError, TraceOptions, parse_horizon, trace_each};
use crackdown_trail::typology::{TypologyConfig, detect};
use crackdown_trail::{AccountKind, AccountRecord, Ledger, LedgerBuilder, Rule, TransferFields};

pub use crate::statement_import::{
    FileKind, ImportFormat, ImportProblem, StatementImport, StatementReport, import_statements,
    import_uploaded_statement, plan_import, resolve_mapping, save_mapping, sibling_profile, upload_format,
};

/// Transfers read from the store per query while loading a ledger.
pub const PAGE: usize = 100_000;

/// Why a money-trail use case could not answer.
#[derive(Debug, thiserror::Error)]
pub enum TrailError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the ledger of your organisation is empty: run `crackdown ledger import FILE.csv` first")]
    EmptyLedger,
    #[error("transaction {0:?} is not in the ledger")]
    UnknownTransaction(String),
    #[error("account {0:?} is not in the ledger")]
    UnknownAccount(String),
    #[error("{0}")]
    Invalid(String),
    /// The temporary file statements are reconciled through (full disk, no `TMPDIR`).
    #[error("temporary file for reconciling statements: {0}")]
    Spill(String),
    /// An import stopped at its caller's time limit; nothing of it was stored.
    #[error("the import took longer than {0} s, the most this server allows one; nothing of it was stored")]
    TimeLimit(u64),
}

impl From<std::io::Error> for TrailError {
    fn from(error: std::io::Error) -> TrailError {
        TrailError::Spill(error.to_string())
    }
}

impl From<TraceError> for TrailError {
    fn from(error: TraceError) -> TrailError {
        match error {
            TraceError::UnknownTransaction(id) => TrailError::UnknownTransaction(id),
        }
    }
}

/// Loads the viewer's organisation's ledger and accounts from the store;
/// `progress` hears (transfers loaded, total) after each page. A second
/// thread reads the pages (SQLite's share of the work) while this one
/// builds the ledger from them.
pub fn load_ledger(store: &Store, viewer: &Viewer, mut progress: impl FnMut(u64, u64)) -> Result<Ledger, TrailError> {
    let total = store.ledger_len(viewer)?;
    if total == 0 {
        return Err(TrailError::EmptyLedger);
    }
    let mut builder = LedgerBuilder::with_capacity(usize::try_from(total).unwrap_or(0).min(1 << 31));
    std::thread::scope(|scope| -> Result<(), StoreError> {
        let (pages, received) = std::sync::mpsc::sync_channel::<TransferBatch>(2);
        let reader = scope.spawn(move || -> Result<(), StoreError> {
            let mut after = 0;
            loop {
                let mut page = TransferBatch::with_capacity(PAGE);
                let Some(last) = store.ledger_scan(viewer, after, PAGE, &mut |_, row| {
                    page.push_row(row);
                    Ok(())
                })?
                else {
                    return Ok(());
                };
                after = last;
                if pages.send(page).is_err() {
                    // The builder stopped on an error of its own.
                    return Ok(());
                }
            }
        });
        let mut loaded = 0;
        let built = received.iter().try_for_each(|page| {
            for row in page.rows() {
                let transfer = TransferFields {
                    row: row.line,
                    tx_id: row.tx_id,
                    timestamp: row.at,
                    from: row.from,
                    to: row.to,
                    amount: row.amount,
                    received: row.received,
                    channel: row.channel,
                };
                builder
                    .push_fields("ledger", transfer)
                    .map_err(|error| StoreError::Schema(format!("stored ledger: {error}")))?;
            }
            loaded += page.len() as u64;
            progress(loaded, total);
            Ok(())
        });
        drop(received);
        let read = reader.join().unwrap_or_else(|_| Err(StoreError::Database("the ledger reader panicked".into())));
        built.and(read)
    })?;
    for account in store.ledger_accounts(viewer)? {
        builder.add_account(&AccountRecord {
            line: 0,
            kind: AccountKind::parse(&account.kind).unwrap_or_default(),
            account: account.account,
            country: account.country,
        });
    }
    Ok(builder.build())
}

/// Tracing options from their text forms, as the CLI and the API take them:
/// `horizon` like `90d` or `none`; poison traces get the step limit
/// [`POISON_MAX_STEPS`] unless `max_steps` says otherwise.
pub fn tracing_options(
    rule: Rule,
    horizon: &str,
    dust: i64,
    max_steps: Option<usize>,
) -> Result<TraceOptions, TrailError> {
    let horizon = if horizon.trim().eq_ignore_ascii_case("none") {
        None
    } else {
        Some(parse_horizon(horizon).map_err(|error| TrailError::Invalid(format!("horizon: {error}")))?)
    };
    if dust < 0 {
        return Err(TrailError::Invalid("dust must not be negative".into()));
    }
    let max_steps = max_steps.or((rule == Rule::Poison).then_some(POISON_MAX_STEPS));
    Ok(TraceOptions { rule, horizon, dust, max_steps })
}

/// Traces payments on `threads` threads: the traces in the order of
/// `payments`, and the ids the ledger does not have.
pub fn trace_payments<'a>(
    ledger: &'a Ledger,
    payments: &[String],
    options: &TraceOptions,
    threads: usize,
) -> (Vec<Trace<'a>>, Vec<String>) {
    let traces: Mutex<Vec<(usize, Trace<'a>)>> = Mutex::new(Vec::with_capacity(payments.len()));
    let unknown: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
    trace_each(ledger, payments, options, threads, |index, result| match result {
        Ok(trace) => traces.lock().unwrap_or_else(PoisonError::into_inner).push((index, trace)),
        Err(TraceError::UnknownTransaction(id)) => {
            unknown.lock().unwrap_or_else(PoisonError::into_inner).push((index, id));
        }
    });
    let mut traces = traces.into_inner().unwrap_or_else(PoisonError::into_inner);
    traces.sort_by_key(|(index, _)| *index);
    let mut unknown = unknown.into_inner().unwrap_or_else(PoisonError::into_inner);
    unknown.sort_by_key(|(index, _)| *index);
    (traces.into_iter().map(|(_, trace)| trace).collect(), unknown.into_iter().map(|(_, id)| id).collect())
}

/// The freeze list of traced payments, and the ids the ledger does not have.
pub fn freeze(
    ledger: &Ledger,
    payments: &[String],
    options: &TraceOptions,
    threads: usize,
) -> (Vec<FreezeRow>, Vec<String>) {
    let (traces, unknown) = trace_payments(ledger, payments, options, threads);
    (freeze_list(ledger, &traces), unknown)
}

/// A freeze-list row with what the investigator does about it and the
/// traced payments behind it, so a row can be checked trace by trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FreezeEntry {
    pub row: FreezeRow,
    pub recovery: Recovery,
    /// Tx ids of the traced victim payments whose money reached the account
    /// in this currency, in the order the payments were given.
    pub payments: Vec<String>,
}

/// The freeze list with each row's recovery group and payments, and the
/// payment ids the ledger does not have.
pub fn freeze_entries(
    ledger: &Ledger,
    payments: &[String],
    options: &TraceOptions,
    threads: usize,
) -> (Vec<FreezeEntry>, Vec<String>) {
    let (traces, unknown) = trace_payments(ledger, payments, options, threads);
    let mut behind: HashMap<(String, &'static str), Vec<String>> = HashMap::new();
    for trace in &traces {
        for endpoint in &trace.endpoints {
            let currency = endpoint.held.unwrap_or(endpoint.amount).currency().code();
            let ids = behind.entry((endpoint.account.to_owned(), currency)).or_default();
            // A trace lists an account once per reason; the payment counts once.
            if ids.last().map(String::as_str) != Some(trace.source_tx) {
                ids.push(trace.source_tx.to_owned());
            }
        }
    }
    let entries = freeze_list(ledger, &traces)
        .into_iter()
        .map(|row| FreezeEntry {
            recovery: Recovery::of(row.kind),
            payments: behind.remove(&(row.account.clone(), row.currency)).unwrap_or_default(),
            row,
        })
        .collect();
    (entries, unknown)
}

/// Whether money sent to `to` can be a victim's payment to a scammer: an
/// account of a person or of unknown kind. Payments to merchants,
/// employers, utilities, businesses, exchanges and cash are the sender's own
/// spending.
fn personal(ledger: &Ledger, to: u32) -> bool {
    matches!(ledger.kind(to), AccountKind::Person | AccountKind::Unknown)
}

/// The payments the given victim accounts made to other accounts of
/// persons or of unknown kind, and the victim accounts the ledger does not
/// have.
pub fn payments_of_victims(ledger: &Ledger, victims: &[String]) -> (Vec<String>, Vec<String>) {
    let mut payments = Vec::new();
    let mut unknown = Vec::new();
    for victim in victims {
        let Some(account) = ledger.account_id(victim) else {
            unknown.push(victim.clone());
            continue;
        };
        for &position in ledger.events(account) {
            let position = position as usize;
            let to = ledger.to(position);
            if ledger.from(position) == account && to != account && personal(ledger, to) {
                payments.push(ledger.tx_id(position).to_owned());
            }
        }
    }
    (payments, unknown)
}

/// The mule model of a ledger: signals and typology hits, trained on
/// `labels` when given. Also returns labelled accounts the ledger lacks.
pub fn mule_model(ledger: &Ledger, labels: Option<&[(String, bool)]>) -> (MuleModel, Vec<String>) {
    let hits = detect(ledger, &TypologyConfig::default());
    let mut model = MuleModel::new(ledger, hits);
    let unknown = labels.map(|labels| model.learn(ledger, labels)).unwrap_or_default();
    (model, unknown)
}

/// A transfer into an account that a report the viewer may read names as
/// where the victim paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VictimPayment {
    pub tx_id: String,
    pub timestamp: DateTime<Utc>,
    pub victim: String,
    pub account: String,
    pub amount: Money,
    /// Ids of the reports naming the receiving account.
    pub reports: Vec<i64>,
}

/// Ledger accounts a reported indicator names: the account itself (case
/// insensitively), and for a national bank account number also ledger
/// accounts written `COUNTRY-BANK-NUMBER`.
fn named_accounts(ledger: &Ledger, reported: &[ReportedAccount]) -> HashMap<u32, Vec<i64>> {
    let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
    let mut by_number: HashMap<&str, Vec<u32>> = HashMap::new();
    for account in 0..ledger.account_count() as u32 {
        let name = ledger.account_name(account);
        by_name.entry(name.to_lowercase()).or_default().push(account);
        if let Some((_, number)) = name.rsplit_once('-') {
            by_number.entry(number).or_default().push(account);
        }
    }
    let mut named: HashMap<u32, Vec<i64>> = HashMap::new();
    for report in reported {
        let exact = by_name.get(&report.normalized.to_lowercase()).into_iter().flatten();
        let numbered = (report.kind == "bank_account")
            .then(|| by_number.get(report.normalized.as_str()))
            .flatten()
            .into_iter()
            .flatten();
        for &account in exact.chain(numbered) {
            let reports = named.entry(account).or_default();
            if !reports.contains(&report.report_id) {
                reports.push(report.report_id);
            }
        }
    }
    named
}

/// The victim payments the viewer may trace: transfers into an account a
/// readable report names (see [`named_accounts`]) from a person or an
/// account of unknown kind that no report names itself (money moving
/// between reported accounts is laundering, not a victim's payment). In
/// ledger order.
pub fn victim_payments(ledger: &Ledger, reported: &[ReportedAccount]) -> Vec<VictimPayment> {
    let named = named_accounts(ledger, reported);
    let mut positions: Vec<u32> = Vec::new();
    for &account in named.keys() {
        for &position in ledger.events(account) {
            let from = ledger.from(position as usize);
            if ledger.to(position as usize) == account
                && !named.contains_key(&from)
                && personal(ledger, from)
                && personal(ledger, account)
            {
                positions.push(position);
            }
        }
    }
    positions.sort_unstable();
    positions.dedup();
    positions
        .into_iter()
        .map(|position| {
            let position = position as usize;
            let to = ledger.to(position);
            VictimPayment {
                tx_id: ledger.tx_id(position).to_owned(),
                timestamp: ledger.timestamp(position),
                victim: ledger.account_name(ledger.from(position)).to_owned(),
                account: ledger.account_name(to).to_owned(),
                amount: ledger.amount(position),
                reports: named.get(&to).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// One organisation's loaded ledger, with what is derived from it on demand.
pub struct LoadedLedger {
    pub version: LedgerVersion,
    pub ledger: Ledger,
    mules: OnceLock<MuleModel>,
}

impl LoadedLedger {
    /// The unsupervised mule model, computed on first use.
    pub fn mules(&self) -> &MuleModel {
        self.mules.get_or_init(|| mule_model(&self.ledger, None).0)
    }
}

/// One organisation's place in the cache: empty until loaded, locked while loading.
type Slot = Arc<Mutex<Option<Arc<LoadedLedger>>>>;

/// Loaded ledgers by organisation, for a server answering many requests.
/// Each request checks the store's [`LedgerVersion`] (two counting queries)
/// and reloads when an import changed the ledger. Requests of one
/// organisation wait for a load in progress rather than start their own.
#[derive(Default)]
pub struct LedgerCache {
    orgs: Mutex<HashMap<i64, Slot>>,
}

impl LedgerCache {
    pub fn new() -> LedgerCache {
        LedgerCache::default()
    }

    /// The viewer's organisation's ledger as the store holds it now. The
    /// store checks the viewer's role on every call, cached or not.
    pub fn get(&self, store: &Store, viewer: &Viewer) -> Result<Arc<LoadedLedger>, TrailError> {
        let version = store.ledger_version(viewer)?;
        let slot = {
            let mut orgs = self.orgs.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(orgs.entry(viewer.org_id).or_default())
        };
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(loaded) = slot.as_ref().filter(|loaded| loaded.version == version) {
            return Ok(Arc::clone(loaded));
        }
        *slot = None;
        let ledger = load_ledger(store, viewer, |_, _| {})?;
        let loaded = Arc::new(LoadedLedger { version, ledger, mules: OnceLock::new() });
        *slot = Some(Arc::clone(&loaded));
        Ok(loaded)
    }

    /// Loads the ledger of every organisation that has one, so the first
    /// trace in the UI does not wait for it: a server calls this on a
    /// background thread at start. Returns how many ledgers were loaded; an
    /// organisation whose import left no transfers is skipped.
    pub fn warm(&self, store: &Store) -> Result<usize, TrailError> {
        let mut loaded = 0;
        for viewer in store.ledger_case_workers()? {
            match self.get(store, &viewer) {
                Ok(_) => loaded += 1,
                Err(TrailError::EmptyLedger) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crackdown_trail::{LedgerFormat, LedgerReader};

    fn ledger(rows: &str, accounts: &[(&str, AccountKind)]) -> Ledger {
        let text = format!("tx_id,timestamp,from_account,to_account,amount,currency,channel\n{rows}");
        let mut reader = LedgerReader::new(text.as_bytes(), "test.csv", LedgerFormat::Native).expect("header");
        let mut builder = LedgerBuilder::new();
        while let Some(batch) = reader.next_batch(1000) {
            for transfer in &batch.transfers {
                builder.push("test.csv", transfer).expect("unique ids");
            }
        }
        for (account, kind) in accounts {
            builder.add_account(&AccountRecord { line: 0, account: (*account).to_owned(), country: None, kind: *kind });
        }
        builder.build()
    }

    #[test]
    fn freeze_entries_group_by_what_the_ledger_says_the_account_is() {
        // "SAFE-ATM" is named like a cash machine but is a person's account:
        // the kind decides, not the name.
        let ledger = ledger(
            "v1,2024-01-01T00:00:00Z,V1,MULE,100,USD,wire\n\
             v2,2024-01-01T01:00:00Z,V2,MULE,60,USD,wire\n\
             m1,2024-01-02T00:00:00Z,MULE,ATM7,50,USD,cash\n\
             m2,2024-01-02T01:00:00Z,MULE,EX,40,USD,crypto\n\
             m3,2024-01-02T02:00:00Z,MULE,SHOP,10,USD,card\n\
             m4,2024-01-02T03:00:00Z,MULE,SAFE-ATM,60,USD,wire\n",
            &[
                ("ATM7", AccountKind::Cash),
                ("EX", AccountKind::Exchange),
                ("SHOP", AccountKind::Merchant),
                ("SAFE-ATM", AccountKind::Person),
            ],
        );
        let payments = vec!["v1".to_owned(), "v2".to_owned(), "nope".to_owned()];
        let (entries, unknown) =
            freeze_entries(&ledger, &payments, &tracing_options(Rule::Fifo, "none", 0, None).expect("valid"), 1);
        assert_eq!(unknown, ["nope"]);
        let mut summary: Vec<_> = entries
            .iter()
            .map(|entry| {
                (entry.row.account.as_str(), entry.recovery, entry.row.amount.as_str(), entry.payments.clone())
            })
            .collect();
        summary.sort_by(|a, b| a.0.cmp(b.0));
        // FIFO: v1's 100 goes out first (50 cash, 40 exchange, 10 shop), v2's 60 last.
        assert_eq!(
            summary,
            [
                ("ATM7", Recovery::CashOut, "50.00", vec!["v1".to_owned()]),
                ("EX", Recovery::Exchange, "40.00", vec!["v1".to_owned()]),
                ("SAFE-ATM", Recovery::Freeze, "60.00", vec!["v2".to_owned()]),
                ("SHOP", Recovery::Spent, "10.00", vec!["v1".to_owned()]),
            ]
        );
    }

    #[test]
    fn every_account_kind_has_a_recovery_group_that_round_trips() {
        for kind in AccountKind::ALL {
            let recovery = Recovery::of(kind);
            assert_eq!(Recovery::parse(recovery.as_str()), Some(recovery), "{kind:?}");
        }
        assert_eq!(Recovery::of(AccountKind::Unknown), Recovery::Freeze);
        assert_eq!(Recovery::parse("atm"), None);
    }
}
