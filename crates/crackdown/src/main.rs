//! The `crackdown` binary: command-line parsing, configuration, logging and
//! exit codes around the library crates. Logic lives in those crates.

mod admin;
mod campaigns;
mod cli;
mod context;
mod demo;
mod import;
mod intake;
mod ledger;
mod lure;
mod reports;
mod screening;
mod share;
mod taxii;
mod trail;
mod watch;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use crackdown_engine::export::ShareFormat;

/// mimalloc rather than glibc's allocator: bulk imports hand buffers from the
/// parsing thread to the writing one and SQLite allocates per bound value,
/// where glibc spent a fifth of the import's instructions in its arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    exit_quietly_on_closed_pipe(&cli.command);
    init_logging(cli.global.verbose);
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// `crackdown reports list | head` should stop quietly when the pipe closes,
/// as Unix tools do, rather than panic on the next print. The server keeps
/// Rust's default (SIGPIPE ignored): a client closing its socket must not
/// end the process.
fn exit_quietly_on_closed_pipe(command: &cli::Command) {
    if !matches!(command, cli::Command::Serve(_) | cli::Command::Demo(_)) {
        // SAFETY: runs once at start-up, before any other thread exists.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}

/// Logs never carry personal data or search text at any level: the
/// server's request spans hold the path without its query string, and the
/// database clients, whose debug lines print statements with their
/// parameters (report texts, contacts, searches), stay at info.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn,crackdown=info,crackdown_server=info",
        1 => "info",
        _ => "debug",
    };
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("CRACKDOWN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Whatever CRACKDOWN_LOG says: these print statements' parameters or raw requests below info.
    for quiet in ["tokio_postgres=info", "postgres=info", "rusqlite=info", "hyper=info", "hyper_util=info"] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    // Colour codes only for a person at a terminal: in a log file or a
    // journal they are noise that breaks grep. NO_COLOR (no-color.org) too.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour).init();
}

fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    use cli::Command;
    match cli.command {
        Command::Demo(args) => demo::demo(&cli.global, &args),
        Command::Generate(args) => demo::generate_command(&args),
        Command::Serve(args) => context::serve(&cli.global, &args),
        Command::Import(cli::ImportCommand::Reports(args)) => import::reports(&cli.global, &args),
        Command::Import(cli::ImportCommand::Email(args)) => intake::email(&cli.global, &args),
        Command::Import(cli::ImportCommand::Chat(args)) => intake::chat(&cli.global, &args),
        Command::Import(cli::ImportCommand::Stix(args)) => share::import(&cli.global, ShareFormat::Stix, &args),
        Command::Import(cli::ImportCommand::Misp(args)) => share::import(&cli.global, ShareFormat::Misp, &args),
        Command::Import(cli::ImportCommand::Ftm(args)) => share::import(&cli.global, ShareFormat::Ftm, &args),
        Command::Taxii(taxii::TaxiiCommand::Pull(args)) => taxii::pull(&cli.global, &args),
        Command::Reports(command) => reports::run(&cli.global, command),
        Command::Analyze(args) => lure::analyze(&args),
        Command::Train(args) => lure::train(&args),
        Command::Eval(cli::EvalCommand::Lure { dir, folds, own_set, train_case, predictions }) => {
            lure::eval(&dir, folds, own_set, train_case.as_deref(), predictions)
        }
        Command::Org(command) => admin::org(&cli.global, command),
        Command::User(command) => admin::user(&cli.global, command),
        Command::Community(command) => admin::community(&cli.global, command),
        Command::Token(command) => admin::token(&cli.global, command),
        Command::Ledger(cli::LedgerCommand::Import(args)) => ledger::ledger_import(&cli.global, &args),
        Command::Ledger(cli::LedgerCommand::Show(args)) => ledger::ledger_show(&cli.global, &args),
        Command::Ledger(cli::LedgerCommand::Export(args)) => trail::ledger_export(&cli.global, &args),
        Command::Accounts(cli::AccountsCommand::Import { file, json }) => {
            trail::accounts_import(&cli.global, &file, json)
        }
        Command::Trace(args) => trail::trace(&cli.global, &args),
        Command::Mules(args) => trail::mules(&cli.global, &args),
        Command::FreezeList(args) => trail::freeze_list(&cli.global, &args),
        Command::Typologies(args) => trail::typologies(&cli.global, &args),
        Command::Features(args) => trail::features(&cli.global, &args),
        Command::Watchlists(command) => watch::watchlists(&cli.global, command),
        Command::Webhooks(command) => watch::webhooks(&cli.global, command),
        Command::Allowlist(command) => watch::allowlist(&cli.global, command),
        Command::Alerts(command) => watch::alerts(&cli.global, command),
        Command::Link(args) => campaigns::link(&cli.global, &args),
        Command::Campaigns(command) => campaigns::run(&cli.global, command),
        Command::Lookup(args) => campaigns::lookup(&cli.global, &args),
        Command::Search(args) => campaigns::search(&cli.global, &args),
        Command::Export(args) => share::export(&cli.global, &args),
        Command::Screening(command) => screening::run(&cli.global, command),
    }
}
