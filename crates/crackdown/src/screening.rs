//! `crackdown screening`: assessing the field teams' offline screening
//! sheets. Nothing is stored and nothing about the people screened is
//! logged: the answer goes to standard output only.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use crackdown_engine::screening::assess_sheet;
use crackdown_screening::Language;

use crate::context::print_json;

#[derive(Subcommand)]
pub enum ScreeningCommand {
    /// The recommendation for each person of an offline screening sheet (CSV, one row per person),
    /// with every indicator and rule behind it — advice for the screener, who decides.
    ///
    /// The sheet's columns are documented in crates/crackdown-screening/README.md. The whole
    /// sheet is read or none of it: an error names the line, the column and why.
    ///
    ///   crackdown screening assess sheets/mae-sot-2026-02-22.csv --lang th
    Assess {
        /// The sheet (CSV).
        sheet: PathBuf,
        /// The language of the recommendations and reasons: en, my, zh, th, vi, id or tl.
        #[arg(long, default_value = "en", value_parser = parse_language)]
        lang: Language,
        #[arg(long)]
        json: bool,
    },
}

fn parse_language(text: &str) -> Result<Language, String> {
    text.parse().map_err(|_| format!("{text:?}: expected one of en, my, zh, th, vi, id, tl"))
}

pub fn run(command: ScreeningCommand) -> anyhow::Result<ExitCode> {
    match command {
        ScreeningCommand::Assess { sheet, lang, json } => {
            let data = std::fs::read(&sheet).with_context(|| format!("{}: cannot read", sheet.display()))?;
            let assessed = assess_sheet(&data, &sheet.display().to_string(), lang)?;
            if json {
                print_json(&assessed)?;
            } else {
                for person in &assessed {
                    println!(
                        "{} ({}, line {}): {}",
                        person.person, person.interview, person.line, person.recommendation_text
                    );
                    for reason in &person.reasons {
                        println!("    {reason}");
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
