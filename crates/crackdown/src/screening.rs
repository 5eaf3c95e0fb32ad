//! `crackdown screening`: humanitarian screening of detained workers — case
//! teams, people, interviews, the rules' recommendation, decisions,
//! referrals under consent, the time line, offline sheets, the per-case
//! export and erasure — through the same engine calls as the API.
//!
//! Nothing about the people screened is logged: answers go to standard
//! output only. Every read asks for `--reason`, written to the team's
//! append-only audit.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};
use crackdown_engine::screening::{
    self as engine, CaseFormat, PersonKey, ReferralRequest, assess_sheet, parse_recommendation,
};
use crackdown_screening::sheet::{parse_age_band, parse_consent, parse_document};
use crackdown_screening::{AnswerValue, Interview, Language, Person, Recommendation};

use crate::cli::Global;
use crate::context::{open_store, print_json, viewer};

const SCREENING_HELP: &str = "\
Screening data is RED and need-to-know: only the members of the person's case team read or write it
(not the rest of the organisation, not its admins unless they are members, never partners or the public).
Every read asks for --reason, written to the team's append-only audit with who and when.

A day's work:
  crackdown --as anna screening team create mae-sot     you are its first member
  crackdown --as anna screening team add mae-sot bo     an admin or analyst of your organisation
  crackdown --as anna screening import sheets/2026-02-22.csv --team mae-sot
  crackdown --as anna screening assess --person P-2026-0101 --reason \"decision meeting\"
  crackdown --as anna screening decide P-2026-0101 --outcome presumed_victim \\
      --justification \"deceived, fined, passport taken, confined\" --reason \"decision meeting\"
  crackdown --as anna screening evidence P-2026-0101 seized/contacts.csv seized/chat.txt \\
      --country TH --reason \"decision meeting\"     where the seized phones and wallets appear
  crackdown --as anna screening refer P-2026-0101 --to \"Shelter Foundation\" --kind shelter \\
      --reason \"placement\"
  crackdown --as anna screening export P-2026-0101 --to \"Shelter Foundation\" --format html \\
      --reason \"handover\"
  crackdown --as anna screening erase P-2026-0101 --yes";

#[derive(Subcommand)]
#[command(after_help = SCREENING_HELP)]
pub enum ScreeningCommand {
    /// Case teams: who may read and write a person's screening data.
    #[command(subcommand)]
    Team(TeamCommand),
    /// People: add, list, show, consents, case status, tasks and notes.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Record an interview with a person (answers checked against the questionnaire).
    ///
    ///   crackdown screening interview P-2026-0101 --id MS-0101 --lang my --interviewer anna \
    ///       --held-on 2026-02-22 --interpreter --answer q_job_different=yes --answer q_hours_per_day=16 \
    ///       --note q_job_different="told it was office work"
    Interview(InterviewArgs),
    /// The rules' recommendation with every reason: of an offline sheet (SHEET, nothing stored) or of a
    /// stored person's interview (--person, a read: --reason). Advice for the screener, who decides.
    ///
    /// The sheet's columns are documented in crates/crackdown-screening/README.md. The whole
    /// sheet is read or none of it: an error names the line, the column and why.
    ///
    ///   crackdown screening assess sheets/mae-sot-2026-02-22.csv --lang th
    ///   crackdown screening assess --person P-2026-0101 --reason "decision meeting"
    Assess {
        /// The sheet (CSV).
        #[arg(required_unless_present = "person", conflicts_with = "person")]
        sheet: Option<PathBuf>,
        /// A stored person instead of a sheet.
        #[arg(long)]
        person: Option<String>,
        /// The interview (default: the latest).
        #[arg(long, requires = "person")]
        interview: Option<String>,
        /// The language of the recommendations and reasons: en, my, zh, th, vi, id or tl.
        #[arg(long, default_value = "en", value_parser = parse_language)]
        lang: Language,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
    /// Record your decision on a person's interview, with its justification. The software never
    /// decides: the rules' recommendation is kept beside your outcome, and the decision is audited.
    Decide {
        pseudonym: String,
        /// presumed_victim, needs_further_assessment or suspected_perpetrator.
        #[arg(long)]
        outcome: String,
        /// Why, in your words (required).
        #[arg(long)]
        justification: String,
        /// The interview decided on (default: the latest).
        #[arg(long)]
        interview: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
    /// Refer a person to an organisation. Refused — and the refusal audited — unless the person's
    /// recorded consent covers this kind of referral to that organisation today (shelter, medical,
    /// legal_aid, assistance and repatriation need `referral`, embassy `embassy`, prosecution
    /// `law_enforcement`, family `family_contact`).
    Refer {
        pseudonym: String,
        /// The receiving organisation, as the consent names it.
        #[arg(long)]
        to: String,
        /// assistance, shelter, medical, legal_aid, repatriation, embassy, prosecution or family.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
    /// Move a referral on: requested, accepted, in_progress, done, declined or withdrawn.
    Referral {
        pseudonym: String,
        /// The referral's number (from `refer` or `person show`).
        id: i64,
        status: String,
        #[arg(long)]
        team: Option<String>,
    },
    /// Import offline screening sheets (CSV) into a case team: every row or none; an error names
    /// the line, the column and why. Columns: crates/crackdown-screening/README.md.
    Import {
        sheet: PathBuf,
        #[arg(long)]
        team: String,
        #[arg(long)]
        json: bool,
    },
    /// The case file for a receiving organisation — HTCDS-layout JSON or a printable HTML page —
    /// only when the person consented to a case export to it. Audited, refusals too.
    Export {
        pseudonym: String,
        /// The receiving organisation, as the consent names it.
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value = "htcds")]
        format: ExportFormat,
        /// Write it here (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Where the identifiers seized from a person appear: victim reports naming them, their
    /// campaigns, your ledger's accounts and transfers (a read: --reason, audited). Evidence for
    /// the screener, never a verdict. Nothing of the files is stored (a read-only report).
    ///
    /// FILE is a chat export intake reads (WhatsApp or LINE text, Telegram result.json or its
    /// folder), an e-mail message (.eml: its addresses, links and the identifiers in its text),
    /// or a CSV of identifiers (a .csv name or a first line `kind,value`) with the header
    /// `kind,value` or `kind,value,note`; kind is phone, account, iban, wallet, handle, email or url, and the
    /// value is read as intake reads it (a national phone number in --country). Every file is
    /// read or none: a bad row is refused naming the file, line, field and why. --format says what
    /// every FILE is when its name and first line do not (a chat whose first line reads like a
    /// header field, `Boss: hi`, is otherwise taken for an e-mail).
    ///
    ///   crackdown screening evidence P-2026-0101 seized/phone-contacts.csv \
    ///       "seized/WhatsApp Chat with Boss.txt" --country TH --reason "decision meeting"
    Evidence {
        pseudonym: String,
        /// Seized files: chat exports, e-mails or identifier CSVs.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// What the files are (default: told from each file's name and first line).
        #[arg(long, value_enum)]
        format: Option<SeizedFileFormat>,
        #[command(flatten)]
        region: crate::cli::PhoneRegion,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
    /// Erase a person: every interview, answer, decision, referral, task, sealed text and the
    /// person's key. The audit keeps only that an erasure happened. Cannot be undone.
    Erase {
        pseudonym: String,
        #[arg(long)]
        team: Option<String>,
        /// Confirm.
        #[arg(long)]
        yes: bool,
    },
    /// A case team's retention: closed cases whose last change is older than the period are
    /// erased, each like `screening erase` (the audit keeps only that it happened). Cases still
    /// open are never touched. `--days N` sets the period, `--keep` removes it, `--apply` erases
    /// what is due; without `--apply` it lists what is due. Run `--apply` by hand or from the
    /// team's scheduler (e.g. daily: crackdown --as USER screening retention TEAM --apply).
    Retention {
        team: String,
        /// Keep closed cases this many days after their last change (0: erase at once).
        #[arg(long, conflicts_with = "keep")]
        days: Option<i64>,
        /// Remove the period: keep closed cases until erased by hand.
        #[arg(long)]
        keep: bool,
        /// Erase the cases that are due (otherwise only list them).
        #[arg(long)]
        apply: bool,
        #[arg(long)]
        json: bool,
    },
    /// A case team's audit: every read with its reason, every change, every refusal (a read too:
    /// --reason).
    Audit {
        /// The case team.
        #[arg(id = "audited_team", value_name = "TEAM")]
        team: String,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
}

/// Why the caller reads (required for every read, written to the audit) and
/// which team, when a pseudonym is on several of theirs.
#[derive(Args)]
pub struct ReadArgs {
    /// Why you need to read this (written to the team's audit).
    #[arg(long)]
    reason: Option<String>,
    /// The case team, when the pseudonym is on several of yours.
    #[arg(long)]
    team: Option<String>,
}

impl ReadArgs {
    fn reason(&self) -> anyhow::Result<&str> {
        self.reason.as_deref().filter(|reason| !reason.trim().is_empty()).ok_or_else(|| {
            anyhow::anyhow!("reading screening data needs --reason \"why you need it\" (written to the team's audit)")
        })
    }
}

/// `screening evidence --format`.
#[derive(Clone, Copy, ValueEnum)]
pub enum SeizedFileFormat {
    Csv,
    Chat,
    Eml,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Htcds,
    Html,
}

#[derive(Subcommand)]
pub enum TeamCommand {
    /// Create a case team in your organisation; you are its first member.
    Create { name: String },
    /// Add an admin or analyst of your organisation to a team of yours.
    Add { team: String, user: String },
    /// Remove a member (the last member stays, so the team's people stay in someone's care).
    Remove { team: String, user: String },
    /// The teams you belong to and their members.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Add a person to a case team of yours (pseudonymous: a case reference, never a name).
    ///
    ///   crackdown screening person add P-2026-0042 --team mae-sot --nationality MM --language my \
    ///       --age-band 25_34 --document passport:confiscated --facility "Mae Sot shelter" \
    ///       --detained-on 2026-02-20 --consent screening --consent "case_export@Shelter Foundation"
    Add(PersonArgs),
    /// The people of your case teams (a read: --reason).
    List {
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
    /// A person's whole case: record, interviews, decisions, referrals, time line (a read: --reason).
    Show {
        pseudonym: String,
        #[command(flatten)]
        read: ReadArgs,
        #[arg(long)]
        json: bool,
    },
    /// Record a consent the person gave (`referral`, `case_export@Shelter Foundation`, …), or
    /// withdraw one (--withdraw). Reads the record first: --reason.
    Consent {
        pseudonym: String,
        consent: String,
        /// The day given or withdrawn (default: today).
        #[arg(long)]
        on: Option<NaiveDate>,
        #[arg(long)]
        withdraw: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Set the case status: open, assistance, shelter, medical, legal_aid, embassy_contacted,
    /// repatriation_scheduled, repatriation_done, prosecution or closed.
    Status {
        pseudonym: String,
        status: String,
        #[arg(long)]
        team: Option<String>,
    },
    /// Add a task to the person's time line (--done ID marks one done).
    Task {
        pseudonym: String,
        #[arg(required_unless_present = "done")]
        text: Option<String>,
        #[arg(long)]
        due: Option<NaiveDate>,
        #[arg(long, conflicts_with = "text")]
        done: Option<i64>,
        #[arg(long)]
        team: Option<String>,
    },
    /// Add a note to the person's time line.
    Note {
        pseudonym: String,
        text: String,
        #[arg(long)]
        team: Option<String>,
    },
}

#[derive(Args)]
pub struct PersonArgs {
    pseudonym: String,
    #[arg(long)]
    team: String,
    /// ISO 3166 two-letter code.
    #[arg(long)]
    nationality: Option<String>,
    /// A language the person speaks (BCP 47 tag; repeatable).
    #[arg(long = "language")]
    languages: Vec<String>,
    /// under_18, 18_24, 25_34, 35_44, 45_plus or unknown.
    #[arg(long, default_value = "unknown")]
    age_band: String,
    /// KIND:STATUS, e.g. passport:confiscated (repeatable).
    #[arg(long = "document")]
    documents: Vec<String>,
    #[arg(long, default_value = "")]
    facility: String,
    #[arg(long)]
    detained_on: Option<NaiveDate>,
    /// SCOPE or SCOPE@Organisation, given today (repeatable): screening, referral, case_export,
    /// law_enforcement, embassy, family_contact.
    #[arg(long = "consent")]
    consents: Vec<String>,
}

#[derive(Args)]
pub struct InterviewArgs {
    pseudonym: String,
    /// The interview's reference.
    #[arg(long)]
    id: String,
    /// The language it was held in: en, my, zh, th, vi, id or tl.
    #[arg(long, value_parser = parse_language)]
    lang: Language,
    #[arg(long)]
    interviewer: String,
    #[arg(long)]
    held_on: NaiveDate,
    #[arg(long)]
    interpreter: bool,
    /// QUESTION=VALUE (yes, no, unsure, declined or a number; repeatable).
    #[arg(long = "answer")]
    answers: Vec<String>,
    /// QUESTION=TEXT: the person's words or your note, in the interview's language (sealed at rest).
    #[arg(long = "note")]
    notes: Vec<String>,
    #[arg(long)]
    team: Option<String>,
}

fn parse_language(text: &str) -> Result<Language, String> {
    text.parse().map_err(|_| format!("{text:?}: expected one of en, my, zh, th, vi, id, tl"))
}

pub fn run(global: &Global, command: ScreeningCommand) -> anyhow::Result<ExitCode> {
    if let ScreeningCommand::Assess { sheet: Some(sheet), lang, json, .. } = &command {
        return assess_file(sheet, *lang, *json);
    }
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let now = Utc::now();
    match command {
        ScreeningCommand::Team(command) => team(&store, &viewer, command)?,
        ScreeningCommand::Person(command) => person(&store, &viewer, command)?,
        ScreeningCommand::Interview(args) => {
            let interview = interview_from(&args)?;
            let at = PersonKey { pseudonym: &args.pseudonym, team: args.team.as_deref() };
            engine::record_interview(&store, &viewer, at, &interview, now)?;
            println!("interview {} of {} recorded ({} answers)", args.id, args.pseudonym, interview.answers.len());
        }
        ScreeningCommand::Assess { person, interview, lang, read, json, .. } => {
            let pseudonym = person.context("give a SHEET or --person")?;
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let assessed = engine::assess_stored(&store, &viewer, at, interview.as_deref(), lang, read.reason()?, now)?;
            if json {
                print_json(&assessed)?;
            } else {
                println!("{} ({}): {}", assessed.person, assessed.interview, assessed.recommendation_text);
                for reason in &assessed.reasons {
                    println!("    {reason}");
                }
            }
        }
        ScreeningCommand::Decide { pseudonym, outcome, justification, interview, read, json } => {
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let outcome = parse_recommendation(&outcome)?;
            let recorded = engine::decide(
                &store,
                &viewer,
                at,
                interview.as_deref(),
                outcome,
                &justification,
                read.reason()?,
                now,
            )?;
            if json {
                print_json(&recorded)?;
            } else {
                let departs =
                    if recorded.departs_from_recommendation { " (departs from the recommendation)" } else { "" };
                println!("decision {} recorded for {pseudonym}: {outcome:?}{departs}", recorded.id);
            }
        }
        ScreeningCommand::Refer { pseudonym, to, kind, note, read, json } => {
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let request = ReferralRequest { organisation: &to, kind: &kind, note: note.as_deref() };
            let id = engine::refer(&store, &viewer, at, request, read.reason()?, now)?;
            if json {
                print_json(&serde_json::json!({ "referral": id, "person": pseudonym, "to": to, "kind": kind }))?;
            } else {
                println!("referral {id} of {pseudonym} ({kind}) to {to} recorded");
            }
        }
        ScreeningCommand::Referral { pseudonym, id, status, team } => {
            let at = PersonKey { pseudonym: &pseudonym, team: team.as_deref() };
            engine::set_referral_status(&store, &viewer, at, id, &status, now)?;
            println!("referral {id} of {pseudonym}: {status}");
        }
        ScreeningCommand::Import { sheet, team, json } => {
            let data = std::fs::read(&sheet).with_context(|| format!("{}: cannot read", sheet.display()))?;
            let imported = engine::import_sheet(&store, &viewer, &team, &data, &sheet.display().to_string(), now)?;
            if json {
                print_json(&imported)?;
            } else {
                println!("{} people and their interviews imported into {}", imported.people, imported.team);
            }
        }
        ScreeningCommand::Export { pseudonym, to, format, out, read } => {
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let format = match format {
                ExportFormat::Htcds => CaseFormat::Htcds,
                ExportFormat::Html => CaseFormat::Html,
            };
            let exported =
                engine::export_case(&store, &viewer, at, &to, format, &viewer.user_name, read.reason()?, now)?;
            match out {
                Some(path) => {
                    write_private(&path, exported.text.as_bytes())?;
                    eprintln!("case of {pseudonym} for {to} written to {} (keep it private)", path.display());
                }
                None => println!("{}", exported.text),
            }
        }
        ScreeningCommand::Evidence { pseudonym, files, format, region, read, json } => {
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let format = format.map(|format| match format {
                SeizedFileFormat::Csv => engine::SeizedFormat::Csv,
                SeizedFileFormat::Chat => engine::SeizedFormat::Chat,
                SeizedFileFormat::Eml => engine::SeizedFormat::Email,
            });
            let seized = files.iter().map(|path| read_seized(path, format)).collect::<anyhow::Result<Vec<_>>>()?;
            let report = engine::evidence(&store, &viewer, at, &seized, &region.context(), read.reason()?, now)?;
            if json {
                print_json(&report)?;
            } else {
                print_evidence(&report);
            }
        }
        ScreeningCommand::Erase { pseudonym, team, yes } => {
            anyhow::ensure!(yes, "erasing {pseudonym} cannot be undone: add --yes");
            engine::erase(&store, &viewer, PersonKey { pseudonym: &pseudonym, team: team.as_deref() }, now)?;
            println!("{pseudonym} erased; the audit keeps only that an erasure happened");
        }
        ScreeningCommand::Retention { team, days, keep, apply, json } => {
            if keep || days.is_some() {
                engine::set_retention(&store, &viewer, &team, days, now)?;
            }
            let outcome = engine::apply_retention(&store, &viewer, &team, apply, now)?;
            if json {
                print_json(&outcome)?;
            } else {
                match outcome.retention_days {
                    None => println!("{team}: no retention period; closed cases are kept until erased"),
                    Some(days) => println!("{team}: closed cases are erased {days} days after their last change"),
                }
                let verb = if outcome.applied { "erased" } else { "due (add --apply to erase)" };
                println!("{} case(s) {verb}: {}", outcome.erased.len(), outcome.erased.join(", "));
            }
        }
        ScreeningCommand::Audit { team, read, json } => {
            let entries = engine::team_audit(&store, &viewer, &team, read.reason()?, now)?;
            if json {
                print_json(&entries)?;
            } else {
                for entry in entries {
                    let person = match (&entry.person, entry.erased_person) {
                        (Some(person), _) => person.as_str(),
                        (None, true) => "[erased]",
                        (None, false) => "-",
                    };
                    let reason = entry.reason.as_deref().unwrap_or("");
                    println!("{} {:<12} {:<15} {:<14} {reason}", entry.at, entry.user, entry.action, person);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A seized file's bytes; a Telegram Desktop export folder is read as its
/// `result.json`, as `import chat` reads it.
fn read_seized(path: &std::path::Path, format: Option<engine::SeizedFormat>) -> anyhow::Result<engine::SeizedFile> {
    let telegram_export = path.join("result.json");
    let file = if path.is_dir() && telegram_export.is_file() { telegram_export.as_path() } else { path };
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    Ok(engine::SeizedFile { name: file.display().to_string(), bytes, format })
}

fn print_evidence(report: &engine::EvidenceReport) {
    println!(
        "{}: {} identifier(s) seized, {} found nowhere you may read",
        report.person,
        report.identifiers.len(),
        report.not_found
    );
    println!("{}", report.notice);
    for found in report.identifiers.iter().filter(|found| !found.observations.is_empty()) {
        let kind = found.kind.map_or("account", |kind| kind.as_str());
        println!();
        println!("{kind} {} (from {})", found.normalized, found.sources.join("; "));
        let more = if found.more_reports { "+" } else { "" };
        println!(
            "  {}{more} report(s), {} campaign(s), {} ledger account(s) ({} in, {} out), {} transfer(s)",
            found.reports.len(),
            found.campaigns.len(),
            found.accounts.len(),
            found.transfers_in,
            found.transfers_out,
            found.transfers.len()
        );
        for campaign in &found.campaigns {
            println!("  campaign {} {} ({} report(s))", campaign.id, campaign.name, campaign.reports);
        }
        for observation in &found.observations {
            println!("  - {observation}");
        }
    }
}

fn assess_file(sheet: &std::path::Path, lang: Language, json: bool) -> anyhow::Result<ExitCode> {
    let data = std::fs::read(sheet).with_context(|| format!("{}: cannot read", sheet.display()))?;
    let assessed = assess_sheet(&data, &sheet.display().to_string(), lang)?;
    if json {
        print_json(&assessed)?;
    } else {
        for person in &assessed {
            println!("{} ({}, line {}): {}", person.person, person.interview, person.line, person.recommendation_text);
            for reason in &person.reasons {
                println!("    {reason}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes an export readable by its owner only: it is a person's case file.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("{}: cannot create", path.display()))?;
    file.write_all(bytes).with_context(|| format!("{}: cannot write", path.display()))
}

fn team(store: &crackdown_store::Store, viewer: &crackdown_model::Viewer, command: TeamCommand) -> anyhow::Result<()> {
    let now = Utc::now();
    match command {
        TeamCommand::Create { name } => {
            store.create_screening_team(viewer, &name, now)?;
            println!("case team {name} created; you are its first member");
        }
        TeamCommand::Add { team, user } => {
            store.add_screening_member(viewer, &team, &user, now)?;
            println!("{user} joined {team}");
        }
        TeamCommand::Remove { team, user } => {
            store.remove_screening_member(viewer, &team, &user, now)?;
            println!("{user} left {team}");
        }
        TeamCommand::List { json } => {
            let teams = store.screening_teams(viewer)?;
            if json {
                print_json(&teams)?;
            } else {
                for team in teams {
                    println!("{:<20} {}", team.name, team.members.join(", "));
                }
            }
        }
    }
    Ok(())
}

fn person(
    store: &crackdown_store::Store,
    viewer: &crackdown_model::Viewer,
    command: PersonCommand,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let today = now.date_naive();
    match command {
        PersonCommand::Add(args) => {
            let record = person_from(&args, today)?;
            engine::add_person(store, viewer, &args.team, &record, now)?;
            println!("{} added to {}", args.pseudonym, args.team);
        }
        PersonCommand::List { read, json } => {
            let people = engine::list_people(store, viewer, read.team.as_deref(), read.reason()?, now)?;
            if json {
                print_json(&people)?;
            } else {
                for listed in people {
                    let person = &listed.summary;
                    let decision = person.decision.as_deref().unwrap_or("undecided");
                    let recommended =
                        listed.recommendation.map_or("not assessed", |recommendation| match recommendation {
                            Recommendation::PresumedVictim => "presumed_victim",
                            Recommendation::NeedsFurtherAssessment => "needs_further_assessment",
                            Recommendation::SuspectedPerpetrator => "suspected_perpetrator",
                        });
                    println!(
                        "{:<16} {:<12} {:<24} {} interview(s), recommended {recommended}, {decision}, changed {}",
                        person.pseudonym, person.team, person.status, person.interviews, person.last_change
                    );
                }
            }
        }
        PersonCommand::Show { pseudonym, read, json } => {
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let case = engine::show_case(store, viewer, at, read.reason()?, now)?;
            if json {
                print_json(&case)?;
            } else {
                println!("{} ({}), status {}", case.pseudonym, case.team, case.status);
                println!("  interviews: {}", case.interviews.len());
                for decision in &case.decisions {
                    println!(
                        "  decision {}: {} by {} (recommended {}): {}",
                        decision.id,
                        decision.outcome,
                        decision.decided_by,
                        decision.recommended,
                        decision.justification
                    );
                }
                for referral in &case.referrals {
                    println!(
                        "  referral {}: {} to {}, {}",
                        referral.id, referral.kind, referral.organisation, referral.status
                    );
                }
                for event in &case.timeline {
                    let due = event.due_on.as_deref().map(|due| format!(" (due {due})")).unwrap_or_default();
                    let done = if event.done_at.is_some() { " [done]" } else { "" };
                    println!("  {} {} {}: {}{due}{done}", event.at, event.by, event.kind, event.text);
                }
            }
        }
        PersonCommand::Consent { pseudonym, consent, on, withdraw, read } => {
            let at = PersonKey { pseudonym: &pseudonym, team: read.team.as_deref() };
            let day = on.unwrap_or(today);
            let reason = read.reason()?;
            let mut record = engine::show_case(store, viewer, at, reason, now)?.person;
            let given = parse_consent(&consent, day)?;
            let change = if withdraw {
                let withdrawn = record
                    .consents
                    .iter_mut()
                    .filter(|held| held.scope == given.scope && held.organisation == given.organisation)
                    .filter(|held| held.withdrawn_on.is_none())
                    .map(|held| held.withdrawn_on = Some(day))
                    .count();
                anyhow::ensure!(withdrawn > 0, "{pseudonym} has no standing consent {consent:?}");
                format!("consent withdrawn: {consent} on {day}")
            } else {
                record.consents.push(given);
                format!("consent given: {consent} on {day}")
            };
            engine::update_person(store, viewer, at, &record, &change, now)?;
            println!("{pseudonym}: {change}");
        }
        PersonCommand::Status { pseudonym, status, team } => {
            engine::set_case_status(
                store,
                viewer,
                PersonKey { pseudonym: &pseudonym, team: team.as_deref() },
                &status,
                now,
            )?;
            println!("{pseudonym}: {status}");
        }
        PersonCommand::Task { pseudonym, text, due, done, team } => {
            let at = PersonKey { pseudonym: &pseudonym, team: team.as_deref() };
            match (done, text) {
                (Some(task), _) => {
                    store.complete_screening_task(viewer, &pseudonym, team.as_deref(), task, now)?;
                    println!("task {task} of {pseudonym} done");
                }
                (None, Some(text)) => {
                    let id = engine::add_task(store, viewer, at, &text, due, now)?;
                    println!("task {id} added to {pseudonym}");
                }
                (None, None) => anyhow::bail!("give the task's text, or --done ID"),
            }
        }
        PersonCommand::Note { pseudonym, text, team } => {
            let id = engine::add_note(
                store,
                viewer,
                PersonKey { pseudonym: &pseudonym, team: team.as_deref() },
                &text,
                now,
            )?;
            println!("note {id} added to {pseudonym}");
        }
    }
    Ok(())
}

fn person_from(args: &PersonArgs, today: NaiveDate) -> anyhow::Result<Person> {
    let nationality = args
        .nationality
        .as_deref()
        .map(crackdown_screening::person::normalize_country)
        .transpose()
        .context("--nationality")?;
    let languages = args
        .languages
        .iter()
        .map(|tag| crackdown_screening::person::normalize_language_tag(tag))
        .collect::<Result<Vec<_>, _>>()
        .context("--language")?;
    Ok(Person {
        pseudonym: args.pseudonym.clone(),
        nationality,
        languages,
        age_band: parse_age_band(&args.age_band).context("--age-band")?,
        documents: args
            .documents
            .iter()
            .map(|item| parse_document(item))
            .collect::<Result<_, _>>()
            .context("--document")?,
        facility: args.facility.trim().to_owned(),
        detained_on: args.detained_on,
        consents: args
            .consents
            .iter()
            .map(|item| parse_consent(item, today))
            .collect::<Result<_, _>>()
            .context("--consent")?,
    })
}

fn interview_from(args: &InterviewArgs) -> anyhow::Result<Interview> {
    let questionnaire = engine::questionnaire()?;
    let mut interview =
        Interview::new(&args.id, &args.pseudonym, &questionnaire, args.lang, &args.interviewer, args.held_on)?;
    interview.interpreter = args.interpreter;
    let split = |item: &str, flag: &str| {
        item.split_once('=')
            .map(|(question, value)| (question.trim().to_owned(), value.to_owned()))
            .ok_or_else(|| anyhow::anyhow!("{flag} {item:?}: expected QUESTION=VALUE"))
    };
    let notes = args.notes.iter().map(|item| split(item, "--note")).collect::<anyhow::Result<Vec<_>>>()?;
    for item in &args.answers {
        let (question, value) = split(item, "--answer")?;
        let value: AnswerValue =
            value.parse().map_err(|reason: String| anyhow::anyhow!("--answer {question}: {reason}"))?;
        let note = notes.iter().find(|(noted, _)| *noted == question).map(|(_, text)| text.as_str());
        interview.record(&questionnaire, &question, value, note).with_context(|| format!("--answer {question}"))?;
    }
    if let Some((question, _)) = notes.iter().find(|(noted, _)| !interview.answers.iter().any(|a| a.question == *noted))
    {
        anyhow::bail!("--note {question}: a note without an answer to its question");
    }
    Ok(interview)
}
