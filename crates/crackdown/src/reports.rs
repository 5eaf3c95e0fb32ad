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
                print!("{}", report_table(&page.items));
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
                print!("{}", report_table(&page.items));
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

/// Characters of a report's text shown in a table row.
const PREVIEW_CHARS: usize = 60;

fn loss_text(report: &StoredReport) -> String {
    match (&report.loss_amount, &report.loss_currency) {
        (Some(amount), Some(currency)) => format!("{amount} {currency}"),
        _ => String::new(),
    }
}

/// The first characters of a report's text on one line: control characters
/// (newlines, and escapes a scammer's text may carry) become spaces, so a
/// row stays one line and cannot repaint the terminal.
fn preview(text: &str, chars: usize) -> String {
    let mut line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > chars {
        line = line.chars().take(chars.saturating_sub(1)).collect::<String>() + "…";
    }
    line
}

/// Reports as an aligned table under a header row (ID, RECEIVED, TLP,
/// STATUS, ORG, LOSS, TEXT): columns padded to their widest cell, the loss
/// right-aligned so amounts line up, the text last and cut short.
fn report_table(reports: &[StoredReport]) -> String {
    const HEADERS: [&str; 7] = ["ID", "RECEIVED", "TLP", "STATUS", "ORG", "LOSS", "TEXT"];
    let rows: Vec<[String; 7]> = reports
        .iter()
        .map(|report| {
            [
                format!("#{}", report.id),
                report.received_at.format("%Y-%m-%d %H:%M").to_string(),
                report.tlp.label(),
                report.status.to_string(),
                preview(&report.org, 24),
                loss_text(report),
                preview(&report.text, PREVIEW_CHARS),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(|header| header.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = HEADERS.map(str::to_owned);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            let pad = widths[column].saturating_sub(cell.chars().count());
            if column > 0 {
                line.push_str("  ");
            }
            if column == 5 {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else if column == HEADERS.len() - 1 {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("(no reports)\n");
    }
    out
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
