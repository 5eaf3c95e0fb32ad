//! `crackdown export stix|misp|ftm` (the engine's exports, to a file or
//! standard output) and `crackdown import stix|misp|ftm` (a partner's file
//! through the intake).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use clap::{ArgGroup, Args, ValueEnum};
use crackdown_engine::export::{self, ExportRequest, Selection, ShareFormat};
use crackdown_model::Tlp;

use crate::cli::Global;
use crate::context::{open_store, viewer};

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One STIX 2.1 bundle (OpenCTI and most threat-intelligence platforms).
    Stix,
    /// A JSON array of MISP events.
    Misp,
    /// FollowTheMoney entities as JSON lines (Aleph).
    Ftm,
}

#[derive(Args)]
#[command(group(ArgGroup::new("selection").required(true).args(["campaign", "since", "reports"])))]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub format: FormatArg,
    /// One campaign, by its id (`cmp-…`, as `campaigns list` prints it).
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,
    /// Every campaign seen since this day (YYYY-MM-DD), with its reports received since.
    #[arg(long, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// The reports whose ids are listed in FILE, one per line (grouped by their campaigns).
    #[arg(long, value_name = "FILE")]
    pub reports: Option<PathBuf>,
    /// The most restricted marking that may leave: clear, green, amber, amber+strict or red.
    #[arg(long, value_name = "MARKING", default_value = "amber", value_parser = parse_tlp)]
    pub tlp_max: Tlp,
    /// Include report texts (they may hold what victims wrote about themselves).
    #[arg(long)]
    pub with_text: bool,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn parse_tlp(text: &str) -> Result<Tlp, String> {
    Tlp::parse(text).ok_or_else(|| format!("{text:?} is no TLP marking (clear, green, amber, amber+strict, red)"))
}

/// Report ids listed one per line; an error names the line.
fn read_ids(path: &PathBuf) -> anyhow::Result<Vec<i64>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| {
            line.trim().parse().map_err(|_| {
                anyhow::anyhow!("{}, line {}: {:?} is not a report id", path.display(), at + 1, line.trim())
            })
        })
        .collect()
}

pub fn export(global: &Global, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let selection = match (&args.campaign, args.since, &args.reports) {
        (Some(campaign), _, _) => Selection::Campaign(campaign.clone()),
        (_, Some(since), _) => Selection::Since(since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        (_, _, Some(path)) => Selection::Reports(read_ids(path)?),
        (None, None, None) => anyhow::bail!("name what to export: --campaign, --since or --reports"),
    };
    let format = match args.format {
        FormatArg::Stix => ShareFormat::Stix,
        FormatArg::Misp => ShareFormat::Misp,
        FormatArg::Ftm => ShareFormat::Ftm,
    };
    let request = ExportRequest { format, selection, tlp_max: args.tlp_max, with_text: args.with_text };
    let summary = match &args.out {
        Some(path) => {
            // Written beside the target and renamed: a failed export leaves no half file.
            let partial = path.with_extension("partial");
            let file =
                std::fs::File::create(&partial).with_context(|| format!("{}: cannot create", partial.display()))?;
            let summary = export::export(&store, &viewer, &request, Utc::now(), file)?;
            std::fs::rename(&partial, path).with_context(|| format!("{}: cannot write", path.display()))?;
            summary
        }
        None => {
            let stdout = std::io::stdout().lock();
            let summary = export::export(&store, &viewer, &request, Utc::now(), stdout)?;
            std::io::stdout().flush()?;
            summary
        }
    };
    eprintln!(
        "exported {} object(s); {} left out (marked above {} or naming nothing shareable)",
        summary.written,
        summary.left_out,
        args.tlp_max.label()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct SharedImportArgs {
    /// The file the partner sent.
    pub file: PathBuf,
    /// Who shared it, kept with every report it adds (provenance).
    #[arg(long, value_name = "NAME")]
    pub partner: String,
    /// Print a JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `crackdown import stix|misp|ftm FILE --partner NAME`.
pub fn import(global: &Global, format: ShareFormat, args: &SharedImportArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(global)?;
    let viewer = viewer(&store, global)?;
    let file = std::fs::File::open(&args.file).with_context(|| format!("{}: cannot open", args.file.display()))?;
    let feed = args.file.display().to_string();
    let summary = crackdown_engine::share_import::import_shared(
        &store,
        &viewer,
        format,
        std::io::BufReader::new(file),
        &args.partner,
        &feed,
        Utc::now(),
    )
    .with_context(|| format!("{feed}: nothing imported"))?;
    if args.json {
        crate::context::print_json(&summary)?;
    } else {
        eprintln!(
            "{feed}: {} object(s) read, {} report(s) imported, {} already stored{}",
            summary.objects,
            summary.imported,
            summary.duplicates,
            if summary.skipped.is_empty() { String::new() } else { format!(", skipped {:?}", summary.skipped) }
        );
    }
    Ok(ExitCode::SUCCESS)
}
