//! `crackdown generate`: writes a complete, realistic demo case — as if from
//! a raided scam compound and the victims who reported it — together with
//! the ground truth that tests and benchmarks measure against.
//!
//! The output directory holds `reports.jsonl` (the report import schema),
//! `emails/*.eml`, `chats/` (WhatsApp, Telegram, LINE exports),
//! `ledger.csv` and `accounts.csv` (the native ledger formats), `orgs.json`
//! (demo organisations, communities and users), `screening/` (the raid's
//! detained workers: an offline screening sheet and what was seized from
//! them) and `truth/`.
//!
//! Generation is deterministic for a seed (same seed, same bytes), streams
//! every large file and keeps in memory only the case's cast (accounts,
//! campaigns, victims) and one day of ledger rows. This crate does no
//! importing, no store and no HTTP: the binary loads what it writes.

mod detainees;
mod format;
mod indicators;
mod ledger;
mod messages;
mod orgs;
mod phrases;
mod random;
mod reports;
mod world;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};

pub use detainees::DETAINEES;
pub use indicators::IndicatorType;
pub use ledger::TRUTH_HORIZON_DAYS;

/// What to generate. `Default` is the demo case: a few thousand reports and
/// 200,000 ledger rows over 180 days from 2025-01-01.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateConfig {
    pub seed: u64,
    /// Reports in `reports.jsonl`, exact resubmissions included.
    pub reports: u64,
    /// Rows in `ledger.csv` (exactly this many unless the case's own
    /// payroll and laundering need more).
    pub transactions: u64,
    pub emails: u32,
    pub chats: u32,
    /// First day of the ledger and of the reports.
    pub start: DateTime<Utc>,
    /// Length of the period the case covers.
    pub days: u32,
    /// Percent of persons whose legitimate habits look like a mule's
    /// (forwarding salary, sole traders, landlords, savers, remitters...).
    pub lookalikes: u32,
    /// Percent of accounts held at the institution whose book the ledger
    /// is (100: the whole economy, as the demo's seized books). Below 100
    /// the ledger is one bank's book: a transfer between two accounts held
    /// elsewhere is not in it, and the population grows so that the same
    /// number of rows spreads over proportionally more accounts (see
    /// `ledger`'s module docs).
    pub book_share: u32,
}

impl Default for GenerateConfig {
    fn default() -> GenerateConfig {
        GenerateConfig {
            seed: 42,
            reports: 3_000,
            transactions: 200_000,
            emails: 36,
            chats: 24,
            start: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("a fixed, valid date"),
            days: 180,
            lookalikes: 25,
            book_share: 100,
        }
    }
}

/// Which file the generator is writing, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Reports,
    Messages,
    Ledger,
}

/// How far a stage has come; `total` is the target count of that stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

/// What was written, for the binary to print.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenerateSummary {
    pub reports: u64,
    /// Of `reports`, how many are exact resubmissions of an earlier one.
    pub resubmissions: u64,
    pub emails: u64,
    pub chats: u64,
    pub transactions: u64,
    pub accounts: u64,
    pub victim_payments: u64,
    pub mule_rows: u64,
    pub campaigns: u64,
    pub compounds: u64,
    /// Detained workers in `screening/sheet.csv`, and how many have seized identifiers.
    pub detainees: u64,
    pub seized_files: u64,
    /// Every file written, relative to the output directory.
    pub files: Vec<PathBuf>,
}

/// Why generation stopped.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl GenerateError {
    pub(crate) fn io(path: &str, source: std::io::Error) -> GenerateError {
        GenerateError::Io { path: path.to_owned(), source }
    }
}

/// Creates (or truncates) `relative` under `dir`, with its folders.
pub(crate) fn create(dir: &Path, relative: &str) -> Result<BufWriter<File>, GenerateError> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| GenerateError::io(relative, source))?;
    }
    let file = File::create(&path).map_err(|source| GenerateError::io(relative, source))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// What each truth file means, written next to them.
const TRUTH_README: &str = "\
# Ground truth of the generated case

- `campaigns.csv`: report_id -> campaign_id, compound_id, scam_type, stage (romance and
  investment only), language, ledger_victim_account (when the report's victim paid through
  the ledger), duplicate_of (exact resubmissions: same text and reporter, new id).
- `indicators.csv`: every indicator written into a report: type, surface (as written),
  normalized (as `crackdown analyze` spells it: E.164 phones, lower-case `@handle`s and
  Ethereum addresses, masked cards), valid (checksum verdict; invalid look-alikes are `false`), role (`campaign`,
  `hub` for values unrelated campaigns share, `victim` for the victim's own card).
- `hubs.csv`: domains and values shared by unrelated campaigns; linking must not merge
  campaigns through them.
- `messages.csv`: each e-mail and chat export with its campaign, counterpart and owner;
  `genuine` e-mails are real bank mail (ham).
- `mules.csv`: account, role (collection, layer, gatherer, cashout), campaign, compound, and
  whether the mule also lives a normal financial life. Only accounts that moved victims'
  money in `ledger.csv`.
- `lookalikes.csv`: legitimate accounts whose patterns resemble mules' (payroll fan-out,
  merchant sweeps, family forwarders, market vendors, crypto buyers, sole traders paying
  suppliers, landlords, salary savers, remitters); `generate --lookalikes N` sets the percent of
  persons with such a habit (default 25).
- `detainees.csv`: the raid's detained workers in `screening/sheet.csv` (pseudonym, role:
  `victim`, `victim_made_team_leader`, `interview_cut_short`, `organiser_recruiter`,
  `organiser_floor_manager`, `organiser_money_handler`), the campaign whose floor they worked,
  and the identifiers in their `screening/seized/PSEUDONYM.csv` (the compound's work phones the
  campaign's victims were contacted from; for money handlers an account victims paid into;
  some workers' own phones, which appear nowhere).
- `victim_payments.csv`: for each victim payment (tx_id), where its money ended, one row
  per endpoint account and reason (`cash`, `exchange`, `horizon`, `held`); endpoint amounts
  add up to the payment exactly. Computed by following the money first in, first out, with
  the tracing contract of the money-trail issue (order by timestamp then row; traced money
  queues behind money already in an account; outflows beyond the balance spend untraced
  money; 90-day horizon from the payment), so a correct FIFO trace finds exactly these
  endpoints. Mules pass on any own money queued between victims' money, and their own
  spending waits while they hold victims' money, so victim money never leaks into
  ordinary accounts.
";

fn write_truth_readme(dir: &Path) -> Result<(), GenerateError> {
    use std::io::Write;
    let mut out = create(dir, "truth/README.md")?;
    out.write_all(TRUTH_README.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| GenerateError::io("truth/README.md", source))
}

/// Writes the whole case into `out` (created if absent; files of an
/// earlier run are overwritten). `progress` is called now and then with
/// the stage and its count.
pub fn generate(
    out: &Path,
    config: &GenerateConfig,
    progress: &dyn Fn(Progress),
) -> Result<GenerateSummary, GenerateError> {
    if config.days < 7 {
        return Err(GenerateError::Config(format!("days must be at least 7 (got {})", config.days)));
    }
    std::fs::create_dir_all(out).map_err(|source| GenerateError::io(".", source))?;
    let world = world::World::build(config);
    let mut summary = GenerateSummary {
        campaigns: (world.campaigns.len() + world.spinoffs.len()) as u64,
        compounds: world.compounds.len() as u64,
        ..GenerateSummary::default()
    };
    // Reports and messages on one thread, the ledger on another: they share
    // only the immutable world, and each file has its own random streams,
    // so the bytes do not depend on scheduling. Progress is relayed to the
    // caller's thread.
    let (sender, receiver) = std::sync::mpsc::channel::<Progress>();
    let world_ref = &world;
    let (report_result, ledger_result) = std::thread::scope(|scope| {
        let report_sender = sender.clone();
        let reports = scope.spawn(move || {
            let relay = |step: Progress| {
                let _ = report_sender.send(step);
            };
            let report_counts = reports::write_reports(world_ref, config, out, &relay)?;
            let message_counts = messages::write_messages(world_ref, config, out)?;
            let detainee_counts =
                detainees::write_detainees(world_ref, config.seed, &report_counts.named_contacts, out)?;
            relay(Progress {
                stage: Stage::Messages,
                done: message_counts.emails + message_counts.chats,
                total: u64::from(config.emails) + u64::from(config.chats),
            });
            Ok::<_, GenerateError>((report_counts, message_counts, detainee_counts))
        });
        let ledger_sender = sender;
        let ledger = scope.spawn(move || {
            let relay = |step: Progress| {
                let _ = ledger_sender.send(step);
            };
            ledger::write_ledger(world_ref, config.seed, config.transactions, config.book_share, out, &relay)
        });
        for step in receiver {
            progress(step);
        }
        (reports.join(), ledger.join())
    });
    let panicked = |_| GenerateError::Internal("a generator thread panicked".to_owned());
    let (report_counts, message_counts, detainee_counts) = report_result.map_err(panicked)??;
    let ledger_counts = ledger_result.map_err(panicked)??;
    summary.reports = report_counts.reports;
    summary.resubmissions = report_counts.resubmissions;
    summary.emails = message_counts.emails;
    summary.chats = message_counts.chats;
    summary.transactions = ledger_counts.transactions;
    summary.accounts = ledger_counts.accounts;
    summary.victim_payments = ledger_counts.victim_payments;
    summary.mule_rows = ledger_counts.mule_rows;
    orgs::write_orgs(out)?;
    write_truth_readme(out)?;
    summary.detainees = detainee_counts.detainees;
    summary.seized_files = detainee_counts.seized_files;
    summary.files = message_counts.files;
    summary.files.extend(detainee_counts.files);
    for file in [
        "reports.jsonl",
        "ledger.csv",
        "accounts.csv",
        "orgs.json",
        "truth/README.md",
        "truth/campaigns.csv",
        "truth/indicators.csv",
        "truth/hubs.csv",
        "truth/mules.csv",
        "truth/victim_payments.csv",
        "truth/lookalikes.csv",
        "truth/messages.csv",
    ] {
        summary.files.push(PathBuf::from(file));
    }
    summary.files.sort();
    Ok(summary)
}
