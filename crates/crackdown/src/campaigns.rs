//! `crackdown link`, `crackdown campaigns` and `crackdown lookup`: the same
//! engine calls as the API, so the same access rules apply.

use std::io::IsTerminal;
use std::process::ExitCode;

use chrono::Utc;
use crackdown_engine::campaigns::{self, CampaignView};
use crackdown_link::LinkReason;
use indicatif::ProgressBar;

use crate::cli::{CampaignsCommand, Global, LinkArgs, LookupArgs};
use crate::context::{open_store, print_json, viewer};

/// `crackdown link`: links reports no campaign holds yet, or everything with `--rebuild`.
pub fn link(global: &Global, args: &LinkArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    if viewer.role != crackdown_model::Role::Admin {
        anyhow::bail!(
            "linking is installation-wide: only admins may run it ({} is a {})",
            viewer.user_name,
            viewer.role
        );
    }
    let started = std::time::Instant::now();
    let summary = if args.rebuild {
        let bar = if std::io::stderr().is_terminal() { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
        let summary = campaigns::rebuild(&store, Utc::now(), args.reindex, |read| {
            bar.set_message(format!("{read} reports read"))
        })?;
        bar.finish_and_clear();
        serde_json::to_value(&summary)?
    } else {
        let mut linked = 0;
        loop {
            let ids = store.unlinked_reports(0, 10_000)?;
            if ids.is_empty() {
                break;
            }
            linked += campaigns::link_reports(&store, &ids, Utc::now())?;
        }
        serde_json::json!({ "reports": linked })
    };
    let mut summary = summary;
    summary["seconds"] = serde_json::json!((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
    if args.json {
        print_json(&summary)?;
    } else {
        eprintln!("linked: {summary}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(global: &Global, command: CampaignsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        CampaignsCommand::List { all, json } => {
            let list = campaigns::campaigns(&store, &viewer, all)?;
            if json {
                print_json(&list)?;
            } else {
                for campaign in &list {
                    println!("{}", headline(campaign));
                }
            }
        }
        CampaignsCommand::Show { id, json } => {
            let campaign = campaigns::campaign(&store, &viewer, &id)?;
            if json {
                let mut value = serde_json::to_value(&campaign)?;
                value["report_ids"] = serde_json::to_value(&campaign.report_ids)?;
                value["links"] = serde_json::to_value(&campaign.links)?;
                print_json(&value)?;
            } else {
                print_campaign(&campaign);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn headline(campaign: &CampaignView) -> String {
    let loss: Vec<String> = campaign.loss.iter().map(|(code, amount)| format!("{amount} {code}")).collect();
    let types: Vec<&str> = campaign.scam_types.keys().map(String::as_str).collect();
    format!(
        "{}  {}\n    {:>5} reports  {:>5} victims  {}..{}  {}  {}",
        campaign.id,
        campaign.name,
        campaign.report_ids.len(),
        campaign.victims,
        campaign.first_seen.date_naive(),
        campaign.last_seen.date_naive(),
        if loss.is_empty() { "no loss stated".to_owned() } else { loss.join(", ") },
        types.join(", ")
    )
}

fn print_campaign(campaign: &CampaignView) {
    println!("campaign {}\n", headline(campaign));
    println!("indicators:");
    for indicator in &campaign.indicators {
        println!(
            "  {:<12} {:<48} {:>4} reports  weight {:.2}  {}",
            indicator.kind.as_str(),
            indicator.value,
            indicator.reports,
            indicator.weight,
            indicator.role.describe()
        );
    }
    println!("\nlinks:");
    for link in &campaign.links {
        let reasons: Vec<String> = link
            .reasons
            .iter()
            .map(|reason| match reason {
                LinkReason::SharedIndicator { indicator_type, value, weight } => {
                    format!("shares {} {value} (weight {weight:.2})", indicator_type.as_str())
                }
                LinkReason::NearDuplicateText { similarity } => format!("near-duplicate text ({similarity:.2})"),
            })
            .collect();
        println!("  report {} - report {}: {}", link.from, link.to, reasons.join("; "));
    }
}

/// `crackdown lookup VALUE`: what the public lookup answers.
pub fn lookup(global: &Global, args: &LookupArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let context = args.region.context();
    let answer = campaigns::lookup(&store, args.value.as_bytes(), &context)?;
    if args.json {
        print_json(&answer)?;
    } else {
        println!(
            "{} ({}): {}\n{}",
            answer.normalized,
            answer.kind.map_or("unrecognised", |kind| kind.as_str()),
            if answer.reported {
                format!("reported in at least {} report(s)", answer.reports)
            } else {
                "not reported".to_owned()
            },
            answer.advice
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `crackdown search VALUE`: everything the caller may read that names it.
pub fn search(global: &Global, args: &LookupArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let answer = crackdown_engine::search::search(&store, &viewer, args.value.as_bytes(), &args.region.context())?;
    if args.json {
        print_json(&answer)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} ({})", answer.normalized, answer.kind.map_or("words", |kind| kind.as_str()));
    println!("\nreports ({}{}):", answer.reports.len(), if answer.more_reports { "+, newest shown" } else { "" });
    for report in &answer.reports {
        let name = report.external_id.clone().unwrap_or_else(|| report.id.to_string());
        let scam = report.scam_type.as_deref().unwrap_or("-");
        println!(
            "  {:<8} {:<24} {}  {:<14} {}",
            report.id,
            name,
            report.received_at.date_naive(),
            scam,
            report.tlp.label()
        );
    }
    println!("\ncampaigns ({}):", answer.campaigns.len());
    for campaign in &answer.campaigns {
        println!("  {}  {}  ({} of the reports)", campaign.id, campaign.name, campaign.reports);
    }
    println!("\nledger accounts ({}):", answer.accounts.len());
    for account in &answer.accounts {
        println!("  {}  {} in, {} out", account.account, account.transfers_in, account.transfers_out);
    }
    println!("\ntransfers ({}):", answer.transfers.len());
    for transfer in &answer.transfers {
        println!("  {} {}  {} -> {}", transfer.tx_id, transfer.at, transfer.from_account, transfer.to_account);
    }
    println!("\nwatch entries ({}):", answer.watch_entries.len());
    for entry in &answer.watch_entries {
        println!("  #{} {} {}  {}", entry.id, entry.kind, entry.value, entry.label);
    }
    Ok(ExitCode::SUCCESS)
}
