//! `crackdown generate` and `crackdown demo`: the realistic case of a raided
//! scam compound, written as import files by `crackdown-generate`, then
//! loaded through the same import paths a user would take.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use chrono::Utc;
use crackdown_engine::intake::{AnalyzedBatch, Intake};
use crackdown_generate::{GenerateConfig, Progress, generate};
use crackdown_ingest::reports::{Defaults, Format, for_each_report};
use crackdown_model::{Keyword, NewReport, Role, Tlp, Viewer};
use crackdown_store::{ShareOptions, Store};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use crate::cli::{DemoArgs, GenerateArgs, Global, LedgerFileFormat, LedgerImportArgs};
use crate::context::open_store_creating;
use crate::intake::EvidenceImport;

/// Written into the data directory once the demo case is fully loaded, so
/// an interrupted first start loads again rather than serving half a case.
const LOADED_MARKER: &str = "demo-loaded";
const BATCH: usize = 5000;

fn run_generator(out: &Path, config: &GenerateConfig) -> anyhow::Result<crackdown_generate::GenerateSummary> {
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("generating {msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |step: Progress| {
        bar.set_message(format!("{:?}", step.stage).to_lowercase());
        bar.set_length(step.total);
        bar.set_position(step.done);
    };
    let summary =
        generate(out, config, &progress).with_context(|| format!("generating the case into {}", out.display()))?;
    bar.finish_and_clear();
    Ok(summary)
}

pub fn generate_command(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let config = GenerateConfig {
        seed: args.seed,
        reports: args.reports,
        transactions: args.transactions,
        lookalikes: args.lookalikes,
        book_share: args.book_share,
        ..GenerateConfig::default()
    };
    let started = Instant::now();
    let summary = run_generator(&args.out, &config)?;
    let elapsed = started.elapsed().as_secs_f64();
    let rows = summary.reports + summary.transactions;
    if args.json {
        crate::context::print_json(&summary)?;
    } else {
        println!(
            "wrote {} reports ({} resubmissions), {} e-mails, {} chats, {} transactions over {} accounts, \
             {} victim payments, {} campaigns in {} compounds to {} in {elapsed:.1} s ({:.0} rows/s)",
            summary.reports,
            summary.resubmissions,
            summary.emails,
            summary.chats,
            summary.transactions,
            summary.accounts,
            summary.victim_payments,
            summary.campaigns,
            summary.compounds,
            args.out.display(),
            rows as f64 / elapsed.max(1e-9),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `orgs.json` as the generator writes it.
#[derive(Deserialize)]
struct DemoOrgs {
    organisations: Vec<DemoOrg>,
    communities: Vec<DemoCommunity>,
    users: Vec<DemoUser>,
    /// The `reporter` field of a report → the organisation that submitted it.
    reporters: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct DemoOrg {
    id: String,
}

#[derive(Deserialize)]
struct DemoCommunity {
    id: String,
    members: Vec<String>,
}

#[derive(Deserialize)]
struct DemoUser {
    name: String,
    org: String,
    role: String,
}

/// Loads a generated case into the store: organisations, communities,
/// users, then every report under the organisation that received it.
fn load_case(store: &Store, case: &Path) -> anyhow::Result<usize> {
    let now = Utc::now();
    let operator = store.operator(now)?;
    let orgs_path = case.join("orgs.json");
    let orgs: DemoOrgs = serde_json::from_reader(BufReader::new(
        File::open(&orgs_path).with_context(|| format!("cannot open {}", orgs_path.display()))?,
    ))
    .with_context(|| format!("{} is not the generator's orgs.json", orgs_path.display()))?;
    for org in &orgs.organisations {
        store.create_org(&operator, &org.id, now)?;
    }
    for community in &orgs.communities {
        store.create_community(&operator, &community.id, now)?;
        for member in &community.members {
            store.join_community(&operator, &community.id, member, now)?;
        }
    }
    let mut submitters: BTreeMap<String, Viewer> = BTreeMap::new();
    for user in &orgs.users {
        let role =
            Role::parse_keyword(&user.role).with_context(|| format!("orgs.json: unknown role {:?}", user.role))?;
        let created = store.create_user(&operator, &user.org, &user.name, role, now)?;
        if role.may_write() {
            submitters.entry(user.org.clone()).or_insert_with(|| created.viewer());
        }
    }
    let communities_of = |org: &str| -> Vec<String> {
        orgs.communities.iter().filter(|c| c.members.iter().any(|m| m == org)).map(|c| c.id.clone()).collect()
    };

    let reports_path = case.join("reports.jsonl");
    let reader =
        BufReader::new(File::open(&reports_path).with_context(|| format!("cannot open {}", reports_path.display()))?);
    let mut pending: BTreeMap<String, Vec<NewReport>> = BTreeMap::new();
    let mut loaded = 0;
    let mut failure = None;
    let mut flush = |org: &str, batch: Vec<NewReport>| -> anyhow::Result<()> {
        let viewer = submitters.get(org).with_context(|| format!("orgs.json: no user of {org} may submit reports"))?;
        let share = ShareOptions { communities: communities_of(org), recipients: Vec::new() };
        let mut intake = Intake::begin(store, viewer.clone(), share);
        let outcome = intake.push(&AnalyzedBatch::new(crackdown_engine::shipped_analyzer(), batch), now)?;
        loaded += outcome.created();
        Ok(())
    };
    for_each_report(reader, Format::Jsonl, &Defaults::default(), |(line, record)| {
        if failure.is_some() {
            return;
        }
        let report = match record {
            Ok(report) => report,
            Err(error) => {
                failure = Some(anyhow::anyhow!("{}:{line}: {error}", reports_path.display()));
                return;
            }
        };
        let org = report.reporter.as_deref().and_then(|name| orgs.reporters.get(name)).cloned();
        let org = org.unwrap_or_else(|| "ngo-hotline".to_owned());
        let batch = pending.entry(org.clone()).or_default();
        batch.push(report);
        if batch.len() >= BATCH {
            let full = std::mem::take(batch);
            if let Err(error) = flush(&org, full) {
                failure = Some(error);
            }
        }
    })?;
    if let Some(error) = failure {
        return Err(error);
    }
    for (org, batch) in std::mem::take(&mut pending) {
        flush(&org, batch)?;
    }
    // Victims forward e-mails and chat exports to the NGO hotline.
    let hotline = submitters.get("ngo-hotline").context("orgs.json: the NGO hotline has no submitting user")?;
    let share = ShareOptions { communities: communities_of("ngo-hotline"), recipients: Vec::new() };
    let mut evidence = EvidenceImport::new(store, hotline.clone(), Tlp::Amber, share);
    evidence.emails(&case.join("emails"))?;
    let mut chats: Vec<_> = std::fs::read_dir(case.join("chats"))
        .with_context(|| format!("cannot list {}", case.join("chats").display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    chats.sort();
    for chat in chats {
        evidence.chat(&chat, None, None)?;
    }
    // Every report of the case is linked and watched once, at the end.
    let imported = evidence.settle()?;
    Ok(loaded + imported)
}

/// The screening team of the demo: the police unit's analyst screens the
/// raid's detained workers (the unit's admin is on no team, so the demo
/// shows need-to-know too).
pub const DEMO_SCREENING_TEAM: &str = "raid-2025-07";
const DEMO_SCREENER: &str = "analyst";

/// Creates the demo's screening team and imports the generator's sheet of
/// detained workers through the same path as `crackdown screening import`.
/// Their seized identifiers stay files in `case/screening/seized/` for the
/// screener to upload as evidence, as a team would after a raid.
fn load_detainees(store: &Store, case: &Path) -> anyhow::Result<()> {
    let now = Utc::now();
    let screener = store.user(DEMO_SCREENER)?.viewer();
    store.create_screening_team(&screener, DEMO_SCREENING_TEAM, now)?;
    let sheet_path = case.join("screening").join("sheet.csv");
    let sheet = std::fs::read(&sheet_path).with_context(|| format!("cannot read {}", sheet_path.display()))?;
    let name = sheet_path.display().to_string();
    crackdown_engine::screening::import_sheet(store, &screener, DEMO_SCREENING_TEAM, &sheet, &name, now)?;
    Ok(())
}

pub fn demo(global: &Global, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    if global.database.is_some() {
        anyhow::bail!("the demo runs on the embedded database; drop --database (use --data DIR to choose where)");
    }
    let started = Instant::now();
    // The demo makes its own data directory: it is how a first run starts.
    let store = Arc::new(open_store_creating(global, true)?);
    let marker = global.data.join(LOADED_MARKER);
    if !marker.exists() {
        let case = global.data.join("case");
        eprintln!("creating the demo case in {} (seed {})", case.display(), args.seed);
        let config = GenerateConfig { seed: args.seed, ..GenerateConfig::default() };
        run_generator(&case, &config)?;
        let loaded = load_case(&store, &case).context("loading the demo case")?;
        // The seized ledger goes to the police unit, whose analyst traces it.
        let police = Global {
            data: global.data.clone(),
            init: true,
            database: None,
            as_user: Some("analyst".into()),
            verbose: global.verbose,
            key_file: global.key_file.clone(),
            webhook_allow_private: Vec::new(),
        };
        crate::trail::accounts_import(&police, &case.join("accounts.csv"), false)
            .context("loading the demo accounts")?;
        let ledger = LedgerImportArgs {
            paths: vec![case.join("ledger.csv")],
            format: LedgerFileFormat::Native,
            mapping: None,
            save_mapping: None,
            batch_size: 50_000,
            json: false,
        };
        crate::ledger::ledger_import(&police, &ledger).context("loading the demo ledger")?;
        load_detainees(&store, &case).context("loading the demo's detained workers")?;
        std::fs::write(&marker, format!("seed {}\n", args.seed))
            .with_context(|| format!("cannot write {}", marker.display()))?;
        eprintln!("loaded {loaded} reports in {:.1} s", started.elapsed().as_secs_f64());
    }
    let now = Utc::now();
    let operator = store.operator(now)?;
    let mut tokens = Vec::new();
    let mut links = Vec::new();
    for user in store.users(&operator)? {
        if user.name == "operator" {
            continue;
        }
        let token = store.create_token(&operator, &user.name, "demo", now)?;
        // One sign-in link per role: a fresh browser has no passkey yet.
        if !links.iter().any(|(known, _): &(crackdown_store::User, String)| known.role == user.role) {
            let code =
                store.create_signin_code(&operator, &user.name, crackdown_server::session::LINK_LIFETIME, now)?;
            links.push((user.clone(), code.code));
        }
        tokens.push((user, token.secret));
    }
    let mut options = crate::context::server_options(&args.server)?;
    // Victims who use the public form reach the NGO hotline, as in the case.
    options.public_org.get_or_insert_with(|| "ngo-hotline".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let elapsed = started.elapsed().as_secs_f64();
    let record = crate::context::public_url_record(global);
    runtime.block_on(crackdown_server::serve(Arc::clone(&store), options, move |endpoint| {
        let url = endpoint.public.origin();
        crate::context::remember_public_url(&record, &url);
        println!("crackdown demo ready in {elapsed:.1} s at {url}/ (listening on {})", endpoint.address);
        println!("sign in with a one-time link (single use, 30 minutes), then add a passkey on the Account page:");
        for (user, code) in &links {
            println!(
                "  {:<9} {:<14} {:<15} {}",
                user.role.as_str(),
                user.name,
                user.org,
                endpoint.public.signin_link(code)
            );
        }
        println!("more links: crackdown --data DIR user signin-link USER");
        println!("API tokens for the demo users (Authorization: Bearer TOKEN):");
        for (user, secret) in &tokens {
            println!("  {:<14} {:<9} {:<15} {secret}", user.name, user.role.as_str(), user.org);
        }
        println!(
            "try: curl -H 'Authorization: Bearer {}' {url}/api/v1/reports?limit=5",
            tokens.first().map_or("", |(_, secret)| secret.as_str())
        );
    }))?;
    Ok(ExitCode::SUCCESS)
}
