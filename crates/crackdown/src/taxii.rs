//! `crackdown taxii pull`: a partner's TAXII 2.1 collection into this
//! store, through the engine's pull (paging, resume point in the database,
//! the one intake path of shared imports) over the server crate's HTTP
//! client (outbound address rules of webhooks).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args, Subcommand};
use crackdown_engine::taxii_pull::{PullRequest, pull as pull_collection};
use crackdown_link::outbound::OutboundPolicy;
use crackdown_server::taxii_client::{Credentials, HttpTaxiiSource};

use crate::cli::Global;
use crate::context::{open_store, print_json, viewer};

#[derive(Subcommand)]
pub enum TaxiiCommand {
    /// Read a collection of a TAXII 2.1 server and store its objects as shared reports.
    ///
    /// Pages through the collection's objects, stores them like `import stix` (markings kept,
    /// never lowered; only CLEAR reaches the public lookup) with the server and collection as
    /// their provenance, and remembers (in the database) where it ended, so the next pull of the
    /// same collection resumes there. What one pull reads imports whole or not at all.
    /// Connections follow the webhooks' rules: public addresses only unless
    /// --webhook-allow-private names the partner's range; plain http only inside such a range.
    Pull(PullArgs),
}

#[derive(Args)]
#[command(group(ArgGroup::new("secret").args(["token", "token_file", "user"])))]
pub struct PullArgs {
    /// The server's API root, e.g. https://taxii.partner.example/api1/.
    pub url: String,
    /// The collection's id (as the server's collections list gives it).
    #[arg(long, value_name = "ID")]
    pub collection: String,
    /// Bearer token for the server (or set CRACKDOWN_TAXII_TOKEN; --token-file keeps it out of
    /// the process list).
    #[arg(long, env = "CRACKDOWN_TAXII_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// A file holding the bearer token (its first line).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Authenticate with HTTP Basic as this user instead of a token (servers such as the OASIS
    /// reference server); the password is the first line of --password-file.
    #[arg(long, value_name = "NAME", requires = "password_file")]
    pub user: Option<String>,
    /// A file holding the --user's password (its first line).
    #[arg(long, value_name = "FILE", requires = "user")]
    pub password_file: Option<PathBuf>,
    /// Read what was added after this time (RFC 3339) instead of resuming where the last pull
    /// of this collection ended.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub added_after: Option<DateTime<Utc>>,
    /// Who shares the collection, kept with every report (default: the server's host).
    #[arg(long, value_name = "NAME")]
    pub partner: Option<String>,
    /// A PEM file of a private certificate authority the server's certificate is signed by.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|time| time.to_utc())
        .map_err(|error| format!("{text:?} is not an RFC 3339 time such as 2024-05-01T00:00:00Z ({error})"))
}

/// The first line of a secret file.
fn first_line(path: &std::path::Path, what: &str) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let secret = text.lines().next().unwrap_or_default().trim_end_matches('\r').to_owned();
    anyhow::ensure!(!secret.trim().is_empty(), "{}: the first line holds no {what}", path.display());
    Ok(secret)
}

fn credentials(args: &PullArgs) -> anyhow::Result<Option<Credentials>> {
    if let (Some(user), Some(path)) = (&args.user, &args.password_file) {
        return Ok(Some(Credentials::Basic { user: user.clone(), password: first_line(path, "password")? }));
    }
    match &args.token_file {
        Some(path) => Ok(Some(Credentials::Bearer(first_line(path, "token")?.trim().to_owned()))),
        None => Ok(args.token.clone().filter(|token| !token.trim().is_empty()).map(Credentials::Bearer)),
    }
}

/// `crackdown taxii pull URL --collection ID`.
pub fn pull(global: &Global, args: &PullArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let policy = OutboundPolicy::allowing(global.webhook_allow_private.clone());
    let mut source = HttpTaxiiSource::new(&args.url, &args.collection, credentials(args)?, policy, args.ca.as_deref())
        .map_err(|reason| anyhow::anyhow!("taxii pull: {reason}"))?;
    let partner = match &args.partner {
        Some(partner) => partner.clone(),
        None => url::Url::parse(args.url.trim())
            .ok()
            .and_then(|url| {
                url.host_str()
                    .map(|host| format!("{host}{}", url.port().map(|port| format!(":{port}")).unwrap_or_default()))
            })
            .unwrap_or_else(|| args.url.clone()),
    };
    let request = PullRequest {
        server_url: args.url.trim().to_owned(),
        collection: args.collection.clone(),
        partner,
        added_after: args.added_after,
    };
    let summary = pull_collection(&store, &viewer, &mut source, &request, Utc::now(), &mut |line| {
        eprintln!("taxii pull: {line}");
    })
    .with_context(|| format!("taxii pull of {} collection {}: nothing stored", args.url, args.collection))?;
    if args.json {
        print_json(&summary)?;
    } else {
        eprintln!(
            "taxii pull: {} object(s) in {} page(s) (+{} referenced), {} report(s) imported, {} already stored; next pull resumes after {}",
            summary.objects,
            summary.pages,
            summary.referenced,
            summary.import.imported,
            summary.import.duplicates,
            summary.resume_point.as_deref().unwrap_or("the beginning")
        );
    }
    Ok(ExitCode::SUCCESS)
}
