//! `crackdown reports`: the same reads as the API, through the same store
//! queries, so the same access rules apply.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use crackdown_model::{Keyword, ReportStatus, Tlp};
use crackdown_store::{ReportAnalysis, ReportFilter, StoredReport};
use indicatif::ProgressBar;

use crate::cli::{Global, ListArgs, ReportsCommand};
use crate::context::{open_store, print_json, viewer};

pub fn run(global: &Global, command: ReportsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        ReportsCommand::List(args) => {
            let filter = filter(&args)?;
            let page = store.reports(&viewer, &filter, args.limit)?;
            if args.json {
                print_json(&page.items)?;
            } else {
                for report in &page.items {
                    println!("{}", summary_line(report));
                }
                if let Some(cursor) = page.next_cursor {
                    eprintln!("more: --before {cursor}");
                }
            }
        }
        ReportsCommand::Show { id, json } => {
            let report = store.report(&viewer, id)?;
            let analysis = store.analysis(&viewer, id)?;
            let history = store.audit_trail(&viewer, id)?;
            let evidence =
                store.evidence(&viewer, id)?.map(|(kind, detail)| serde_json::json!({"kind": kind, "detail": detail}));
            if json {
                print_json(
                    &serde_json::json!({ "report": report, "analysis": analysis, "history": history, "evidence": evidence }),
                )?;
            } else {
                println!("{}\n\n{}\n", summary_line(&report), report.text);
                if let Some(contact) = &report.victim_contact {
                    println!("victim contact: {contact}");
                }
                match &analysis {
                    Some(stored) => print_analysis(&stored.analysis),
                    None => println!("not analysed yet (crackdown reports analyze)\n"),
                }
                for entry in history {
                    println!(
                        "{}  {:<14} {}  {}",
                        entry.at.to_rfc3339(),
                        entry.action,
                        entry.user.unwrap_or_default(),
                        entry.detail
                    );
                }
            }
        }
        ReportsCommand::Triage { limit, json } => {
            let filter = ReportFilter { status: Some(ReportStatus::New), ..ReportFilter::default() };
            let waiting = store.count_reports(&viewer, &filter)?;
            let page = store.reports(&viewer, &filter, limit)?;
            if json {
                print_json(&page.items)?;
            } else {
                for report in &page.items {
                    println!("{}", summary_line(report));
                }
                eprintln!("{waiting} report(s) await triage; move them with `crackdown reports status triaged ID...`");
            }
        }
        ReportsCommand::Analyze { all } => {
            let analyzer = crackdown_engine::shipped_analyzer();
            let bar = if std::io::stderr().is_terminal() { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
            let done = crackdown_engine::reanalyze(&store, analyzer, &viewer, all, Utc::now(), |done| {
                bar.set_message(format!("{done} reports analysed"));
                bar.tick();
            })?;
            bar.finish_and_clear();
            println!("analysed {done} report(s)");
        }
        ReportsCommand::Status { status, ids } => {
            let status = ReportStatus::parse_keyword(&status)
                .with_context(|| format!("{status:?} is not one of {}", ReportStatus::expected()))?;
            let changed = store.set_status(&viewer, &ids, status, Utc::now())?;
            println!("{changed} report(s) now {status}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The verdict, its reasons and the indicators, one per line.
fn print_analysis(analysis: &ReportAnalysis) {
    let kind = [analysis.scam_type.as_deref(), analysis.stage.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    let kind = if kind.is_empty() { String::new() } else { format!(" ({})", kind.join(", stage ")) };
    println!("analysis: {}{kind}, confidence {:.2}", analysis.label, analysis.confidence);
    for reason in &analysis.reasons {
        println!("  because {reason}");
    }
    for indicator in &analysis.indicators {
        let verdict = if indicator.valid { "" } else { "  (fails its checksum or format)" };
        println!("  {:<12} {}{verdict}", indicator.kind, indicator.normalized);
    }
    println!();
}

fn filter(args: &ListArgs) -> anyhow::Result<ReportFilter> {
    Ok(ReportFilter {
        status: args
            .status
            .as_deref()
            .map(|text| {
                ReportStatus::parse_keyword(text)
                    .with_context(|| format!("--status {text:?} is not one of {}", ReportStatus::expected()))
            })
            .transpose()?,
        tlp: args
            .tlp
            .as_deref()
            .map(|text| Tlp::parse(text).with_context(|| format!("--tlp {text:?} is not a TLP marking")))
            .transpose()?,
        text_contains: args.query.clone(),
        before_id: args.before,
        ..ReportFilter::default()
    })
}

fn summary_line(report: &StoredReport) -> String {
    let loss = match (&report.loss_amount, &report.loss_currency) {
        (Some(amount), Some(currency)) => format!(" loss {amount} {currency}"),
        _ => String::new(),
    };
    let preview: String = report.text.chars().take(70).map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!(
        "#{:<7} {} {:<12} {:<8} {}{}  {}",
        report.id,
        report.received_at.format("%Y-%m-%d"),
        report.tlp.label(),
        report.status,
        report.org,
        loss,
        preview
    )
}
