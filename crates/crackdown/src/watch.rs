//! `crackdown watchlists|webhooks|alerts|allowlist`: an organisation's watch
//! entries, its alert receivers, its alerts and the values it vouches for,
//! through the same engine and store calls as the API.

use std::process::ExitCode;

use chrono::Utc;
use crackdown_engine::WatchRequest;

use crate::cli::{AlertsCommand, AllowlistCommand, Global, WatchlistsCommand, WebhooksCommand};
use crate::context::{open_store, print_json, viewer};

pub fn watchlists(global: &Global, command: WatchlistsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        WatchlistsCommand::Add { kind, value, qualifier, label, json } => {
            let request = WatchRequest { kind, qualifier, value, label };
            let entry = crackdown_engine::add_watch_entry(&store, &viewer, &request, Utc::now())?;
            if json {
                print_json(&entry)?;
            } else {
                println!("watch entry {} added: {} {}", entry.id, entry.kind, entry.value);
            }
        }
        WatchlistsCommand::List { json } => {
            let entries = store.watch_entries(&viewer)?;
            if json {
                print_json(&entries)?;
            } else {
                for entry in entries {
                    let qualifier = entry.qualifier.as_deref().unwrap_or("-");
                    println!("{:<5} {:<13} {:<12} {}  {}", entry.id, entry.kind, qualifier, entry.value, entry.label);
                }
            }
        }
        WatchlistsCommand::Remove { id } => {
            store.remove_watch_entry(&viewer, id, Utc::now())?;
            println!("watch entry {id} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn webhooks(global: &Global, command: WebhooksCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        WebhooksCommand::Add { url, json } => {
            let policy = crackdown_link::outbound::OutboundPolicy::allowing(global.webhook_allow_private.clone());
            let checked = policy.check_url(&url).map_err(anyhow::Error::msg)?;
            let hook = store.add_webhook(&viewer, &checked.0, Utc::now())?;
            if json {
                print_json(&hook)?;
            } else {
                println!("webhook {} added: {}", hook.id, hook.url);
                println!("signing secret (shown once): {}", hook.secret);
            }
        }
        WebhooksCommand::List { json } => {
            let hooks = store.webhooks(&viewer)?;
            if json {
                print_json(&hooks)?;
            } else {
                for hook in hooks {
                    println!(
                        "{:<5} {}  pending {} delivered {} failed {}",
                        hook.id, hook.url, hook.pending, hook.delivered, hook.failed
                    );
                }
            }
        }
        WebhooksCommand::Remove { id } => {
            store.remove_webhook(&viewer, id)?;
            println!("webhook {id} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn alerts(global: &Global, command: AlertsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let AlertsCommand::List { limit, json } = command;
    let alerts = store.alerts(&viewer, None, limit)?;
    if json {
        print_json(&alerts)?;
    } else {
        for alert in alerts {
            println!(
                "{:<6} {}  report {:<7} entry {} ({} {})  matched {}",
                alert.id,
                alert.created_at.format("%Y-%m-%d %H:%M"),
                alert.report_id,
                alert.entry.id,
                alert.entry.kind,
                alert.entry.value,
                alert.matched
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn allowlist(global: &Global, command: AllowlistCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    match command {
        AllowlistCommand::Add { value, region, json } => {
            let entry = crackdown_engine::add_to_allowlist(&store, &viewer, &value, &region.context(), Utc::now())?;
            if json {
                print_json(&entry)?;
            } else {
                println!("{} {} is on the allow-list", entry.kind, entry.value);
                println!("existing campaigns keep links through it until `crackdown link --rebuild`");
            }
        }
        AllowlistCommand::List { json } => {
            let entries = store.allowlist(&viewer)?;
            if json {
                print_json(&entries)?;
            } else {
                for entry in entries {
                    println!("{:<10} {:<40} added {}", entry.kind, entry.value, entry.added_at.format("%Y-%m-%d"));
                }
            }
        }
        AllowlistCommand::Remove { value, region } => {
            crackdown_engine::remove_from_allowlist(&store, &viewer, &value, &region.context())?;
            println!("{value} removed from the allow-list");
        }
    }
    Ok(ExitCode::SUCCESS)
}
